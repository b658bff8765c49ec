"""The matching engine: which instruments fit a company, and why.

One function, ``match``, serves the portal's guide, the company and case pages and
``POST /api/match``. Input is a ``Profile`` (from the client record with
``Profile.from_company``, or the answers of an anonymous visitor) with optional question
text; output is a ranked list of instruments with the reasons each one fits and, on
request, the instruments that were excluded with the criterion that excluded them.

Deterministic and explainable, no black box:

1. Eligibility. An instrument must be current (published, open, before its deadline,
   budget left) and meet every target criterion the profile can be checked against
   (size class, employees, company age, SBI sector, municipality, legal form). A
   criterion the visitor did not answer is not held against an instrument.
2. Relevance, summed from three sources, each named in the reasons:
   - phases the entrepreneur wants (start, grow, innovate, export, ...) that the
     instrument serves: ``PHASE_WEIGHT`` each;
   - themes of the company or case that the instrument has: ``THEME_WEIGHT`` each;
   - words of the question: each word is normalised (lower case, accents off), stemmed
     with the Dutch Snowball stemmer and mapped to its synonym group
     (``data/synonyms.txt``: "export", "buitenland" and "internationaal" are one
     concept). A concept found in the instrument scores its rarity (idf) times the weight
     of the field it was found in (name, keywords, summary, themes and phases,
     description). Dutch compounds are split against the catalogue's own vocabulary,
     so "exportkrediet" also counts as "export" and "krediet".
   - an instrument made for exactly this kind of company (a criterion it restricts and
     the profile meets) gets ``TARGETED_WEIGHT`` per criterion.
   When the profile says what it wants (phases, themes or a question), an instrument
   without any relevance is not listed. Ties are broken by name.

The catalogue is read once per region into an in-process index and rebuilt when any
instrument changes (a cheap revision query per call), so a match costs a few
milliseconds with thousands of instruments.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loket.catalogue.models import Instrument, Phase
from loket.companies.models import LegalForm, SizeClass

PHASE_WEIGHT = 3.0
THEME_WEIGHT = 2.0
TARGETED_WEIGHT = 0.5
# Weight of a question word found in each field of an instrument.
FIELD_WEIGHTS = {
    "name": 3.0,
    "keywords": 2.5,
    "summary": 2.0,
    "labels": 1.5,
    "description": 1.0,
}
# Which themes of the client record stand for which phase (for company profiles).
PHASE_THEMES: dict[str, tuple[str, ...]] = {
    Phase.START: ("starters",),
    Phase.GROWTH: ("growth",),
    Phase.INNOVATION: ("innovation", "smart-manufacturing", "social-innovation"),
    Phase.EXPORT: ("export",),
    Phase.FINANCE: ("finance",),
    Phase.DIGITALISATION: ("digitalisation",),
    Phase.GREENING: ("circular", "sustainability"),
}

DATA_DIR = Path(__file__).resolve().parent / "data"
_STEMMER_LOCK = threading.Lock()
_stemmer = snowballstemmer.stemmer("dutch")
_WORD = re.compile(r"[a-z0-9]+")
MIN_PART = 4  # the shortest part a compound is split into


# --- text ----------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents: "coöperatie" -> "cooperatie"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    words = (DATA_DIR / "stopwords.txt").read_text(encoding="utf-8").split()
    return frozenset(_fold(w) for w in words if not w.startswith("#"))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    with _STEMMER_LOCK:
        return str(_stemmer.stemWord(word))


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, str]:
    """stem -> concept name (the group's first word), from ``data/synonyms.txt``: one group
    per line, words separated by commas; ``#`` starts a comment."""
    concepts: dict[str, str] = {}
    for line in (DATA_DIR / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = [_fold(w.strip()) for w in line.split(",") if w.strip()]
        name = words[0]
        for word in words:
            for token in _WORD.findall(word):
                concepts.setdefault(stem(token), name)
    return concepts


def words(text: str) -> list[str]:
    """The meaningful words of a text, folded, without stop words."""
    stop = _stopwords()
    return [w for w in _WORD.findall(_fold(text or "")) if w not in stop and len(w) > 1]


def concept_of(word: str) -> str:
    s = stem(word)
    return synonym_groups().get(s, s)


def concepts(text: str, vocabulary: frozenset[str] = frozenset()) -> dict[str, str]:
    """{concept: the word of the text it came from}. Compounds are split where both parts
    are known words (in ``vocabulary`` or the synonym list)."""
    out: dict[str, str] = {}
    for word in words(text):
        out.setdefault(concept_of(word), word)
        for part in _compound_parts(word, vocabulary):
            out.setdefault(concept_of(part), word)
    return out


def _compound_parts(word: str, vocabulary: frozenset[str]) -> list[str]:
    if len(word) < 2 * MIN_PART:
        return []
    known = synonym_groups()
    parts: list[str] = []
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:i], word[i:]
        if tail.startswith("s") and len(tail) - 1 >= MIN_PART and stem(tail[1:]) in vocabulary:
            tail = tail[1:]  # the linking s: "bedrijfsovername" -> "bedrijf" + "overname"
        head_known = stem(head) in vocabulary or stem(head) in known
        tail_known = stem(tail) in vocabulary or stem(tail) in known
        if head_known and tail_known:
            parts.extend((head, tail))
    return parts


# --- the profile ---------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What is known of the entrepreneur. Unknown values are None or empty and are not
    held against any instrument."""

    region_id: int
    phases: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()  # theme slugs
    sbi_codes: tuple[str, ...] = ()  # SBI sections (letters) and/or divisions (2 digits)
    employees: int | None = None
    size_class: str | None = None  # used when the number of employees is not known
    company_age: int | None = None  # whole years since founding
    municipality_id: int | None = None
    legal_form: str | None = None
    question: str = ""

    @property
    def effective_size_class(self) -> str | None:
        if self.employees is not None:
            size = SizeClass.of(self.employees)
            return size.value if size else None
        return self.size_class

    @property
    def wants_something(self) -> bool:
        return bool(self.phases or self.themes or words(self.question))

    @classmethod
    def from_company(
        cls,
        company: Any,
        *,
        question: str = "",
        themes: Iterable[str] = (),
        phases: Iterable[str] = (),
        today: dt.date | None = None,
    ) -> Profile:
        """A company's profile from the client record. Its themes (and those given, e.g.
        of a case) also count as the phases they stand for."""
        today = today or timezone.localdate()
        theme_slugs = {t.slug for t in company.themes.all()} | set(themes)
        wanted = set(phases) | {
            phase for phase, slugs in PHASE_THEMES.items() if theme_slugs & set(slugs)
        }
        codes: set[str] = set()
        for sbi in company.sbi_codes.all():
            codes.add(sbi.code)
            if sbi.section_id is not None:
                codes.add(sbi.section.code)
        age = None
        if company.founded_on is not None:
            age = max(0, (today - company.founded_on).days // 365)
        return cls(
            region_id=company.region_id,
            phases=tuple(sorted(wanted)),
            themes=tuple(sorted(theme_slugs)),
            sbi_codes=tuple(sorted(codes)),
            employees=company.employees,
            company_age=age,
            municipality_id=company.municipality_id,
            legal_form=company.legal_form or None,
            question=question,
        )


# --- results -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    kind: str  # "phase", "theme", "words" or "criterion"
    text: str


@dataclass
class Match:
    instrument: Instrument
    score: float
    reasons: list[Reason]


@dataclass
class Exclusion:
    instrument: Instrument
    criterion: str  # the field that excluded it, e.g. "size_classes" or "open_until"
    text: str


@dataclass
class MatchResult:
    matches: list[Match] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)
    considered: int = 0


# --- the index -----------------------------------------------------------------------


@dataclass
class _Entry:
    id: int
    name: str
    sort_name: str
    phases: frozenset[str]
    themes: frozenset[str]
    theme_labels: dict[str, tuple[str, str]]  # slug -> (Dutch, English)
    size_classes: frozenset[str]
    employees_min: int | None
    employees_max: int | None
    age_min: int | None
    age_max: int | None
    sbi_included: frozenset[str]
    sbi_excluded: frozenset[str]
    municipalities: dict[int, str]
    legal_forms: frozenset[str]
    published: bool
    exhausted: bool
    open_from: dt.date | None
    open_until: dt.date | None
    deadline: dt.date | None
    # concept -> best field weight
    concepts: dict[str, float]


@dataclass
class _Index:
    entries: dict[int, _Entry]
    postings: dict[str, list[int]]  # concept -> instrument ids
    idf: dict[str, float]
    by_phase: dict[str, list[int]]
    by_theme: dict[str, list[int]]
    vocabulary: frozenset[str]


_indexes: dict[int, tuple[tuple[Any, ...], _Index]] = {}
_index_lock = threading.Lock()


def _revision() -> tuple[Any, ...]:
    row = Instrument.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (row["n"], row["last"], row["top"])


def _build(region_id: int) -> _Index:
    from loket.catalogue.queries import region_q

    rows = list(
        Instrument.objects.filter(region_q(region_id))
        .distinct()
        .prefetch_related("themes", "municipalities")
        .order_by("id")
    )
    phase_labels = {value: str(label) for value, label in Phase.choices}
    raw_words: list[tuple[_Entry, str, str]] = []
    entries: dict[int, _Entry] = {}
    for inst in rows:
        themes = {t.slug: f"{t.name_nl} {t.name_en}" for t in inst.themes.all()}
        entry = _Entry(
            id=inst.pk,
            name=inst.name,
            sort_name=_fold(inst.name),
            phases=frozenset(inst.phases or []),
            themes=frozenset(themes),
            theme_labels={t.slug: (t.name_nl, t.name_en) for t in inst.themes.all()},
            size_classes=frozenset(inst.size_classes or []),
            employees_min=inst.employees_min,
            employees_max=inst.employees_max,
            age_min=inst.company_age_min,
            age_max=inst.company_age_max,
            sbi_included=frozenset(inst.sbi_included or []),
            sbi_excluded=frozenset(inst.sbi_excluded or []),
            municipalities={m.pk: m.name for m in inst.municipalities.all()},
            legal_forms=frozenset(inst.legal_forms or []),
            published=inst.published,
            exhausted=inst.budget_exhausted,
            open_from=inst.open_from,
            open_until=inst.open_until,
            deadline=inst.deadline,
            concepts={},
        )
        entries[inst.pk] = entry
        labels = " ".join(
            [*themes.values(), *(phase_labels.get(p, p) for p in entry.phases), *entry.phases]
        )
        for field_name, text in (
            ("name", inst.name),
            ("keywords", inst.keywords),
            ("summary", inst.summary),
            ("labels", labels),
            ("description", _strip_tags(inst.description)),
        ):
            raw_words.append((entry, field_name, text))
    vocabulary = frozenset(
        stem(w) for _e, _f, text in raw_words for w in words(text) if len(w) >= MIN_PART
    )
    postings: dict[str, list[int]] = defaultdict(list)
    for entry, field_name, text in raw_words:
        weight = FIELD_WEIGHTS[field_name]
        for concept in concepts(text, vocabulary):
            if entry.concepts.get(concept, 0.0) < weight:
                if concept not in entry.concepts:
                    postings[concept].append(entry.id)
                entry.concepts[concept] = weight
    total = max(len(entries), 1)
    idf = {c: math.log(1 + total / len(ids)) for c, ids in postings.items()}
    by_phase: dict[str, list[int]] = defaultdict(list)
    by_theme: dict[str, list[int]] = defaultdict(list)
    for entry in entries.values():
        for phase in entry.phases:
            by_phase[phase].append(entry.id)
        for theme in entry.themes:
            by_theme[theme].append(entry.id)
    return _Index(entries, dict(postings), idf, dict(by_phase), dict(by_theme), vocabulary)


def _strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html or "")


def _index_for(region_id: int) -> _Index:
    revision = _revision()
    cached = _indexes.get(region_id)
    if cached is not None and cached[0] == revision:
        return cached[1]
    with _index_lock:
        cached = _indexes.get(region_id)
        if cached is not None and cached[0] == revision:
            return cached[1]
        index = _build(region_id)
        _indexes[region_id] = (revision, index)
        return index


def clear_cache() -> None:
    _indexes.clear()


# --- eligibility ---------------------------------------------------------------------


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def _exclusion(entry: _Entry, profile: Profile, today: dt.date) -> tuple[str, str] | None:
    """(criterion, why) of the first rule the instrument fails for this profile."""
    if not entry.published:
        return "published", _("Niet gepubliceerd.")
    if entry.exhausted:
        return "budget_exhausted", _("Het budget is op.")
    if entry.open_from is not None and entry.open_from > today:
        return "open_from", _("Pas open vanaf %(date)s.") % {"date": _date(entry.open_from)}
    if entry.open_until is not None and entry.open_until < today:
        return "open_until", _("Gesloten sinds %(date)s.") % {"date": _date(entry.open_until)}
    if entry.deadline is not None and entry.deadline < today:
        return "deadline", _("De aanvraagtermijn liep af op %(date)s.") % {
            "date": _date(entry.deadline)
        }
    size = profile.effective_size_class
    if entry.size_classes and size and size not in entry.size_classes:
        labels = dict(SizeClass.choices)
        return "size_classes", _("Alleen voor bedrijven van deze grootte: %(sizes)s.") % {
            "sizes": ", ".join(str(labels[s]) for s in sorted(entry.size_classes) if s in labels)
        }
    if profile.employees is not None:
        if entry.employees_min is not None and profile.employees < entry.employees_min:
            return "employees_min", _(
                "Alleen voor bedrijven met minstens %(n)s werkzame personen."
            ) % {"n": entry.employees_min}
        if entry.employees_max is not None and profile.employees > entry.employees_max:
            return "employees_max", _(
                "Alleen voor bedrijven met hoogstens %(n)s werkzame personen."
            ) % {"n": entry.employees_max}
    if profile.company_age is not None:
        if entry.age_min is not None and profile.company_age < entry.age_min:
            return "company_age_min", _("Alleen voor bedrijven van minstens %(n)s jaar oud.") % {
                "n": entry.age_min
            }
        if entry.age_max is not None and profile.company_age > entry.age_max:
            return "company_age_max", _("Alleen voor bedrijven van hoogstens %(n)s jaar oud.") % {
                "n": entry.age_max
            }
    codes = set(profile.sbi_codes)
    if codes:
        if entry.sbi_excluded & codes:
            return "sbi_excluded", _("Niet voor uw sector (SBI %(codes)s).") % {
                "codes": ", ".join(sorted(entry.sbi_excluded & codes))
            }
        if entry.sbi_included and not entry.sbi_included & codes:
            return "sbi_included", _("Alleen voor de sectoren SBI %(codes)s.") % {
                "codes": ", ".join(sorted(entry.sbi_included))
            }
    if (
        entry.municipalities
        and profile.municipality_id is not None
        and profile.municipality_id not in entry.municipalities
    ):
        return "municipalities", _("Alleen in de gemeente(n) %(names)s.") % {
            "names": ", ".join(sorted(entry.municipalities.values()))
        }
    if entry.legal_forms and profile.legal_form and profile.legal_form not in entry.legal_forms:
        labels = dict(LegalForm.choices)
        return "legal_forms", _("Alleen voor de rechtsvorm(en) %(forms)s.") % {
            "forms": ", ".join(str(labels.get(f, f)) for f in sorted(entry.legal_forms))
        }
    return None


def _criteria_met(entry: _Entry, profile: Profile) -> list[Reason]:
    """The target criteria the instrument restricts and this profile meets."""
    out: list[Reason] = []
    size = profile.effective_size_class
    if entry.size_classes and size:
        out.append(
            Reason(
                "criterion",
                _("Bedoeld voor bedrijven van uw grootte (%(size)s).")
                % {"size": dict(SizeClass.choices)[size]},
            )
        )
    elif profile.employees is not None and (
        entry.employees_min is not None or entry.employees_max is not None
    ):
        out.append(
            Reason(
                "criterion",
                ngettext(
                    "Past bij uw bedrijfsomvang (%(n)s werkzame persoon).",
                    "Past bij uw bedrijfsomvang (%(n)s werkzame personen).",
                    profile.employees,
                )
                % {"n": profile.employees},
            )
        )
    if profile.company_age is not None and (entry.age_min is not None or entry.age_max is not None):
        out.append(
            Reason(
                "criterion",
                ngettext(
                    "Past bij de leeftijd van uw bedrijf (%(n)s jaar).",
                    "Past bij de leeftijd van uw bedrijf (%(n)s jaar).",
                    profile.company_age,
                )
                % {"n": profile.company_age},
            )
        )
    if profile.sbi_codes and entry.sbi_included:
        out.append(Reason("criterion", _("Bedoeld voor uw sector.")))
    if profile.municipality_id is not None and entry.municipalities:
        out.append(
            Reason(
                "criterion",
                _("Geldt in uw gemeente (%(name)s).")
                % {"name": entry.municipalities[profile.municipality_id]},
            )
        )
    if profile.legal_form and entry.legal_forms:
        out.append(Reason("criterion", _("Past bij uw rechtsvorm.")))
    return out


# --- matching ------------------------------------------------------------------------


def match(
    profile: Profile,
    *,
    limit: int = 10,
    include_excluded: bool = False,
    today: dt.date | None = None,
) -> MatchResult:
    """The instruments that fit ``profile``, best first, at most ``limit``; with
    ``include_excluded`` also every instrument that does not fit, with the reason."""
    today = today or timezone.localdate()
    index = _index_for(profile.region_id)
    scores: dict[int, float] = defaultdict(float)
    reasons: dict[int, list[Reason]] = defaultdict(list)
    phase_labels = dict(Phase.choices)
    english = translation.get_language() == "en"

    for phase in profile.phases:
        for pk in index.by_phase.get(phase, ()):
            scores[pk] += PHASE_WEIGHT
            reasons[pk].append(
                Reason(
                    "phase", _("Helpt bij: %(phase)s.") % {"phase": phase_labels.get(phase, phase)}
                )
            )
    for theme in profile.themes:
        for pk in index.by_theme.get(theme, ()):
            scores[pk] += THEME_WEIGHT
            nl_en = index.entries[pk].theme_labels.get(theme, (theme, theme))
            label = nl_en[1] if english else nl_en[0]
            reasons[pk].append(Reason("theme", _("Thema: %(theme)s.") % {"theme": label}))
    matched_words: dict[int, list[str]] = defaultdict(list)
    for concept, word in concepts(profile.question, index.vocabulary).items():
        ids = index.postings.get(concept)
        if not ids:
            continue
        idf = index.idf[concept]
        for pk in ids:
            scores[pk] += idf * index.entries[pk].concepts[concept]
            if word not in matched_words[pk]:
                matched_words[pk].append(word)
    for pk, found in matched_words.items():
        reasons[pk].append(
            Reason("words", _("Sluit aan bij uw vraag: %(words)s.") % {"words": ", ".join(found)})
        )

    wants = profile.wants_something
    candidates: Iterable[int] = scores.keys() if wants else index.entries.keys()
    ranked: list[tuple[float, str, int]] = []
    excluded: list[tuple[int, str, str]] = []
    checked: set[int] = set()
    for pk in candidates:
        entry = index.entries[pk]
        checked.add(pk)
        why = _exclusion(entry, profile, today)
        if why is not None:
            excluded.append((pk, *why))
            continue
        met = _criteria_met(entry, profile)
        score = scores.get(pk, 0.0) + TARGETED_WEIGHT * len(met)
        reasons[pk].extend(met)
        ranked.append((-score, entry.sort_name, pk))
    if include_excluded:
        for pk, entry in index.entries.items():
            if pk in checked:
                continue
            why = _exclusion(entry, profile, today)
            if why is not None:
                excluded.append((pk, *why))
            elif wants:
                excluded.append((pk, "relevance", _("Sluit niet aan bij wat u zoekt.")))
    ranked.sort()
    top = ranked[:limit]
    wanted_ids = [pk for _s, _n, pk in top] + [pk for pk, _c, _t in excluded]
    objects = _load(wanted_ids)
    result = MatchResult(considered=len(index.entries))
    for neg_score, _name, pk in top:
        result.matches.append(
            Match(instrument=objects[pk], score=round(-neg_score, 3), reasons=reasons[pk])
        )
    if include_excluded:
        excluded.sort(key=lambda row: index.entries[row[0]].sort_name)
        result.excluded = [
            Exclusion(instrument=objects[pk], criterion=criterion, text=text)
            for pk, criterion, text in excluded
        ]
    return result


def _load(ids: Sequence[int]) -> dict[int, Instrument]:
    if not ids:
        return {}
    return {
        inst.pk: inst
        for inst in Instrument.objects.filter(pk__in=ids).select_related(
            "provider_organisation", "contact_organisation"
        )
    }
