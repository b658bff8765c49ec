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
2. Relevance, summed from these sources, each named in the reasons:
   - phases the entrepreneur wants (start, grow, innovate, export, ...) that the
     instrument serves: ``PHASE_WEIGHT`` each;
   - themes of the company or case that the instrument has: ``THEME_WEIGHT`` each;
   - words of the question: each word is normalised (lower case, accents off), stemmed
     with the Dutch Snowball stemmer (with an English fallback for words such as
     "exporting") and mapped to its synonym group (``data/synonyms.txt``: "export",
     "buitenland", "internationaal" and "abroad" are one concept). A concept found in
     the instrument scores its rarity (idf) times the weight of the field it was found
     in (name, keywords, summary, themes/phases/kind in Dutch and English,
     description, provider). Dutch compounds are split ("exportkrediet" counts as
     "export" and "krediet"; "zonnestroomvoucher" is found by "zonnestroom"); a word
     the catalogue does not know is read past one typo ("machiens"); numbers, stop
     words and the names of the region's places (the municipality criterion handles
     those) do not count. When the entrepreneur names phases, words found in an
     instrument that serves none of them count ``OFF_PHASE_FACTOR``;
   - an instrument made for exactly this kind of company (a criterion it restricts and
     the profile meets) gets ``TARGETED_WEIGHT`` per criterion;
   - the region's own offer (programme and partners) gets ``REGIONAL_WEIGHT`` over the
     shared national and EU schemes, as the programme's advisors name it first.
   When the profile says what it wants (phases, themes or a question), an instrument
   without any relevance is not listed. Ties are broken by name.

The weights were set on the labelled set (``bench/matching``), by general changes only.

The catalogue is read once per region into an in-process index and rebuilt when any
instrument changes (a cheap revision query per call), so a match costs a few
milliseconds with thousands of instruments.
"""

from __future__ import annotations

import datetime as dt
import heapq
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

from loket.catalogue.models import Instrument, Kind, Phase
from loket.companies.models import LegalForm, SbiCode, SizeClass

PHASE_WEIGHT = 6.0
THEME_WEIGHT = 2.0
TARGETED_WEIGHT = 0.5
# When the entrepreneur says what they want to achieve (phases), the words of the
# question count for less in an instrument that serves none of those phases.
OFF_PHASE_FACTOR = 0.5
# The region's own offer (the programme's and its partners') before national and EU
# schemes, as an advisor of the programme names them: added to instruments that are
# relevant already.
REGIONAL_WEIGHT = 1.0
# Weight of a question word found in each field of an instrument.
FIELD_WEIGHTS = {
    "name": 3.0,
    "keywords": 2.5,
    "summary": 2.0,
    "labels": 1.5,
    "description": 1.0,
    "provider": 1.0,
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
MIN_TYPO = 5  # the shortest word of a question that is read past one typo


# --- text ----------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents: "coöperatie" -> "cooperatie"."""
    if text.isascii():
        return text.lower()
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
    """The meaningful words of a text, folded, without stop words and numbers (an
    amount or a year says nothing about what is needed)."""
    stop = _stopwords()
    return [
        w
        for w in _WORD.findall(_fold(text or ""))
        if w not in stop and len(w) > 1 and not w.isdigit()
    ]


ENGLISH_SUFFIXES = ("ing", "ed", "es", "s")


@lru_cache(maxsize=50_000)
def concept_of(word: str) -> str:
    """The concept a word stands for: its synonym group, else its stem. An English word
    the Dutch stemmer leaves alone ("exporting", "loans") falls back to its root when
    that root is in the synonym list."""
    groups = synonym_groups()
    s = stem(word)
    if s in groups:
        return groups[s]
    for suffix in ENGLISH_SUFFIXES:
        root = word[: -len(suffix)]
        if word.endswith(suffix) and len(root) >= 3:
            for candidate in (root, root + "e"):
                if stem(candidate) in groups:
                    return groups[stem(candidate)]
    return s


def concepts(
    text: str, vocabulary: frozenset[str] = frozenset(), *, catalogue: bool = False
) -> dict[str, str]:
    """{concept: the word of the text it came from}. Compounds are split where both parts
    are known words (in ``vocabulary``, the synonym list or the stop words); in the
    catalogue's own texts (``catalogue``) a known last part is enough, so
    "zonnestroomvoucher" is also found by "zonnestroom"."""
    out: dict[str, str] = {}
    stop = _stopwords()
    for word in words(text):
        out.setdefault(concept_of(word), word)
        for part in _compound_parts(word, vocabulary, catalogue):
            if part not in stop:
                out.setdefault(concept_of(part), word)
    return out


def _compound_parts(word: str, vocabulary: frozenset[str], tail_only: bool = False) -> list[str]:
    if len(word) < 2 * MIN_PART:
        return []
    parts: list[str] = []
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:i], word[i:]
        if tail.startswith("s") and len(tail) - 1 >= MIN_PART and _known(tail[1:], vocabulary):
            tail = tail[1:]  # the linking s: "bedrijfsovername" -> "bedrijf" + "overname"
        if _known(tail, vocabulary) and (tail_only or _known(head, vocabulary)):
            parts.extend((head, tail))
    return parts


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    """A word of the catalogue, of the synonym list, or a common word (a stop word such
    as "bedrijf" is still a part of "bedrijfsovername")."""
    s = stem(word)
    return s in vocabulary or s in synonym_groups() or word in _stopwords()


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
    kind: str  # "phase", "theme", "words", "criterion" or "region"
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
    regional: bool
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
    concepts: dict[str, float] = field(default_factory=dict)
    # Published, budget left, no dates and no target criteria: fits every profile.
    simple: bool = False


@dataclass
class _Index:
    entries: dict[int, _Entry]
    postings: dict[str, list[int]]  # concept -> instrument ids
    idf: dict[str, float]
    by_phase: dict[str, list[int]]
    by_theme: dict[str, list[int]]
    vocabulary: frozenset[str]
    sections: dict[str, str]  # SBI division -> its section
    places: frozenset[str]  # words of the region's name and its municipalities' names
    # For typos: every catalogue word, and with each letter left out -> those words.
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)


_indexes: dict[int, tuple[tuple[Any, ...], _Index]] = {}
_index_lock = threading.Lock()


def _revision() -> tuple[Any, ...]:
    row = Instrument.objects.aggregate(
        n=Count("id"), last=Max("updated_at"), top=Max("id"), version=Max("version")
    )
    return (row["n"], row["last"], row["top"], row["version"])


_ROW_FIELDS = (
    "id",
    "region_id",
    "name",
    "summary",
    "description",
    "keywords",
    "kind",
    "phases",
    "provider_name",
    "provider_organisation__name",
    "size_classes",
    "employees_min",
    "employees_max",
    "company_age_min",
    "company_age_max",
    "sbi_included",
    "sbi_excluded",
    "legal_forms",
    "published",
    "budget_exhausted",
    "open_from",
    "open_until",
    "deadline",
)


def _build(region_id: int) -> _Index:
    from loket.catalogue.queries import region_q

    rows = list(
        Instrument.objects.filter(region_q(region_id))
        .distinct()
        .order_by("id")
        .values(*_ROW_FIELDS)
    )
    ids = [row["id"] for row in rows]
    theme_rows: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    themes_through = Instrument.themes.through
    for inst_id, slug, name_nl, name_en in themes_through.objects.filter(
        instrument_id__in=ids
    ).values_list("instrument_id", "theme__slug", "theme__name_nl", "theme__name_en"):
        theme_rows[inst_id].append((slug, name_nl, name_en))
    muni_rows: dict[int, dict[int, str]] = defaultdict(dict)
    munis_through = Instrument.municipalities.through
    for inst_id, muni_id, muni_name in munis_through.objects.filter(
        instrument_id__in=ids
    ).values_list("instrument_id", "municipality_id", "municipality__name"):
        muni_rows[inst_id][muni_id] = muni_name
    phase_labels = _labels(Phase.choices)
    kind_labels = _labels(Kind.choices)
    sections = dict(
        SbiCode.objects.filter(section__isnull=False).values_list("code", "section__code")
    )
    texts: list[tuple[_Entry, str, str]] = []
    entries: dict[int, _Entry] = {}
    for row in rows:
        pk = row["id"]
        themes = theme_rows.get(pk, [])
        entry = _Entry(
            id=pk,
            name=row["name"],
            sort_name=_fold(row["name"]),
            regional=row["region_id"] is not None,
            phases=frozenset(row["phases"] or []),
            themes=frozenset(slug for slug, _nl, _en in themes),
            theme_labels={slug: (nl, en) for slug, nl, en in themes},
            size_classes=frozenset(row["size_classes"] or []),
            employees_min=row["employees_min"],
            employees_max=row["employees_max"],
            age_min=row["company_age_min"],
            age_max=row["company_age_max"],
            sbi_included=frozenset(row["sbi_included"] or []),
            sbi_excluded=frozenset(row["sbi_excluded"] or []),
            municipalities=muni_rows.get(pk, {}),
            legal_forms=frozenset(row["legal_forms"] or []),
            published=row["published"],
            exhausted=row["budget_exhausted"],
            open_from=row["open_from"],
            open_until=row["open_until"],
            deadline=row["deadline"],
        )
        entry.simple = (
            entry.published
            and not entry.exhausted
            and entry.open_from is None
            and entry.open_until is None
            and entry.deadline is None
            and not (entry.size_classes or entry.sbi_included or entry.sbi_excluded)
            and not (entry.municipalities or entry.legal_forms)
            and entry.employees_min is None
            and entry.employees_max is None
            and entry.age_min is None
            and entry.age_max is None
        )
        entries[pk] = entry
        labels = " ".join(
            [
                *(f"{nl} {en}" for _slug, nl, en in themes),
                *(phase_labels.get(p, p) for p in sorted(entry.phases)),
                kind_labels.get(row["kind"], row["kind"]),
            ]
        )
        provider = f"{row['provider_name']} {row['provider_organisation__name'] or ''}"
        for field_name, text in (
            ("name", row["name"]),
            ("keywords", row["keywords"]),
            ("summary", row["summary"]),
            ("labels", labels),
            ("description", _strip_tags(row["description"])),
            ("provider", provider),
        ):
            texts.append((entry, field_name, text))
    vocabulary = frozenset(
        stem(w) for _e, _f, text in texts for w in words(text) if len(w) >= MIN_PART
    )
    postings: dict[str, list[int]] = defaultdict(list)
    for entry, field_name, text in texts:
        weight = FIELD_WEIGHTS[field_name]
        for concept in concepts(text, vocabulary, catalogue=True):
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
    # The parts of the catalogue's compounds are words of the catalogue too.
    vocabulary = vocabulary | frozenset(postings)
    spellings: dict[str, set[str]] = defaultdict(set)
    for word in {w for _e, _f, text in texts for w in words(text) if len(w) >= MIN_TYPO}:
        spellings[word].add(word)
        for i in range(len(word)):
            spellings[word[:i] + word[i + 1 :]].add(word)
    return _Index(
        entries,
        dict(postings),
        idf,
        dict(by_phase),
        dict(by_theme),
        vocabulary,
        sections,
        _places(region_id),
        {key: tuple(sorted(found)) for key, found in spellings.items()},
    )


def _respell(index: _Index, word: str) -> str | None:
    """The concept of the catalogue word one typo away from ``word`` (a letter too many,
    too few, another letter or two letters swapped), if there is one: "machiens" ->
    "machines". Among several, the one nearest in length, then alphabetically."""
    candidates = set(index.spellings.get(word, ()))
    for i in range(len(word)):
        candidates.update(index.spellings.get(word[:i] + word[i + 1 :], ()))
    for candidate in sorted(candidates, key=lambda w: (abs(len(w) - len(word)), w)):
        concept = concept_of(candidate)
        if concept in index.postings:
            return concept
    return None


def _places(region_id: int) -> frozenset[str]:
    """Words that name the region or one of its municipalities. In a question they say
    where the company is, which the municipality criterion handles; as words they would
    favour every instrument whose text mentions the place."""
    from loket.core.models import Municipality, Region

    names = [
        *Municipality.objects.filter(region_id=region_id).values_list("name", flat=True),
        *Region.objects.filter(pk=region_id).values_list("name", flat=True),
    ]
    return frozenset(word for name in names for word in words(name))


def _labels(choices: Sequence[tuple[str, Any]]) -> dict[str, str]:
    """value -> its label in Dutch and English, so questions in either language match."""
    out: dict[str, str] = {}
    for value, label in choices:
        with translation.override("nl"):
            dutch = str(label)
        with translation.override("en"):
            english = str(label)
        out[value] = dutch if dutch == english else f"{dutch} {english}"
    return out


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
# Checking is split from explaining: every candidate is checked, only the instruments
# shown are explained (the texts are translated, which costs more than the checks).


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


@dataclass(frozen=True)
class _Sector:
    """What the profile says about the sector. A division implies its section; a section
    given without a division leaves the division open, so an instrument for one
    division of that section is not held against the profile."""

    divisions: frozenset[str]
    sections: frozenset[str]
    open_sections: frozenset[str]  # sections known without any of their divisions
    parent: dict[str, str]

    @classmethod
    def of(cls, codes: Iterable[str], parent: dict[str, str]) -> _Sector:
        given = set(codes)
        divisions = {c for c in given if c in parent}
        implied = {parent[c] for c in divisions}
        sections = (given - divisions) | implied
        return cls(frozenset(divisions), frozenset(sections), frozenset(sections - implied), parent)

    @property
    def known(self) -> bool:
        return bool(self.sections or self.divisions)

    def certainly_in(self, code: str) -> bool:
        return code in self.divisions or code in self.sections

    def maybe_in(self, code: str) -> bool:
        return self.certainly_in(code) or self.parent.get(code) in self.open_sections


@dataclass(frozen=True)
class _Facts:
    """The profile's facts, prepared once per call."""

    today: dt.date
    size: str | None
    employees: int | None
    age: int | None
    sector: _Sector
    municipality_id: int | None
    legal_form: str | None


def _failed(entry: _Entry, facts: _Facts) -> str | None:
    """The first criterion the instrument fails for this profile (the field's name)."""
    today = facts.today
    if not entry.published:
        return "published"
    if entry.exhausted:
        return "budget_exhausted"
    if entry.open_from is not None and entry.open_from > today:
        return "open_from"
    if entry.open_until is not None and entry.open_until < today:
        return "open_until"
    if entry.deadline is not None and entry.deadline < today:
        return "deadline"
    if entry.size_classes and facts.size and facts.size not in entry.size_classes:
        return "size_classes"
    if facts.employees is not None:
        if entry.employees_min is not None and facts.employees < entry.employees_min:
            return "employees_min"
        if entry.employees_max is not None and facts.employees > entry.employees_max:
            return "employees_max"
    if facts.age is not None:
        if entry.age_min is not None and facts.age < entry.age_min:
            return "company_age_min"
        if entry.age_max is not None and facts.age > entry.age_max:
            return "company_age_max"
    sector = facts.sector
    if sector.known:
        if entry.sbi_excluded and any(sector.certainly_in(c) for c in entry.sbi_excluded):
            return "sbi_excluded"
        if entry.sbi_included and not any(sector.maybe_in(c) for c in entry.sbi_included):
            return "sbi_included"
    if (
        entry.municipalities
        and facts.municipality_id is not None
        and facts.municipality_id not in entry.municipalities
    ):
        return "municipalities"
    if entry.legal_forms and facts.legal_form and facts.legal_form not in entry.legal_forms:
        return "legal_forms"
    return None


def _why_not(entry: _Entry, criterion: str, facts: _Facts) -> str:
    """The explanation of an exclusion, in the active language."""
    if criterion == "published":
        return _("Niet gepubliceerd.")
    if criterion == "budget_exhausted":
        return _("Het budget is op.")
    if criterion == "open_from" and entry.open_from:
        return _("Pas open vanaf %(date)s.") % {"date": _date(entry.open_from)}
    if criterion == "open_until" and entry.open_until:
        return _("Gesloten sinds %(date)s.") % {"date": _date(entry.open_until)}
    if criterion == "deadline" and entry.deadline:
        return _("De aanvraagtermijn liep af op %(date)s.") % {"date": _date(entry.deadline)}
    if criterion == "size_classes":
        labels = dict(SizeClass.choices)
        return _("Alleen voor bedrijven van deze grootte: %(sizes)s.") % {
            "sizes": ", ".join(str(labels[s]) for s in SizeClass.values if s in entry.size_classes)
        }
    if criterion == "employees_min":
        return _("Alleen voor bedrijven met minstens %(n)s werkzame personen.") % {
            "n": entry.employees_min
        }
    if criterion == "employees_max":
        return _("Alleen voor bedrijven met hoogstens %(n)s werkzame personen.") % {
            "n": entry.employees_max
        }
    if criterion == "company_age_min":
        return _("Alleen voor bedrijven van minstens %(n)s jaar oud.") % {"n": entry.age_min}
    if criterion == "company_age_max":
        return _("Alleen voor bedrijven van hoogstens %(n)s jaar oud.") % {"n": entry.age_max}
    if criterion == "sbi_excluded":
        hit = sorted(c for c in entry.sbi_excluded if facts.sector.certainly_in(c))
        return _("Niet voor uw sector (SBI %(codes)s).") % {"codes": ", ".join(hit)}
    if criterion == "sbi_included":
        return _("Alleen voor de sectoren SBI %(codes)s.") % {
            "codes": ", ".join(sorted(entry.sbi_included))
        }
    if criterion == "municipalities":
        return _("Alleen in de gemeente(n) %(names)s.") % {
            "names": ", ".join(sorted(entry.municipalities.values()))
        }
    if criterion == "legal_forms":
        labels = dict(LegalForm.choices)
        return _("Alleen voor de rechtsvorm(en) %(forms)s.") % {
            "forms": ", ".join(str(labels.get(f, f)) for f in sorted(entry.legal_forms))
        }
    return _("Sluit niet aan bij wat u zoekt.")  # "relevance"


def _criteria_met(entry: _Entry, facts: _Facts) -> list[str]:
    """The target criteria the instrument restricts and this profile meets (it passed
    ``_failed``): the instrument was made for this kind of company."""
    met: list[str] = []
    if entry.size_classes and facts.size:
        met.append("size_classes")
    elif facts.employees is not None and (
        entry.employees_min is not None or entry.employees_max is not None
    ):
        met.append("employees")
    if facts.age is not None and (entry.age_min is not None or entry.age_max is not None):
        met.append("company_age")
    if facts.sector.known and entry.sbi_included:
        met.append("sbi_included")
    if facts.municipality_id is not None and entry.municipalities:
        met.append("municipalities")
    if facts.legal_form and entry.legal_forms:
        met.append("legal_forms")
    return met


def _why(entry: _Entry, criterion: str, facts: _Facts) -> str:
    """The explanation of a criterion met, in the active language."""
    if criterion == "size_classes":
        return _("Bedoeld voor bedrijven van uw grootte (%(size)s).") % {
            "size": dict(SizeClass.choices)[facts.size or ""]
        }
    if criterion == "employees":
        n = facts.employees or 0
        return ngettext(
            "Past bij uw bedrijfsomvang (%(n)s werkzame persoon).",
            "Past bij uw bedrijfsomvang (%(n)s werkzame personen).",
            n,
        ) % {"n": n}
    if criterion == "company_age":
        n = facts.age or 0
        return ngettext(
            "Past bij de leeftijd van uw bedrijf (%(n)s jaar).",
            "Past bij de leeftijd van uw bedrijf (%(n)s jaar).",
            n,
        ) % {"n": n}
    if criterion == "sbi_included":
        return _("Bedoeld voor uw sector.")
    if criterion == "municipalities":
        return _("Geldt in uw gemeente (%(name)s).") % {
            "name": entry.municipalities[facts.municipality_id or 0]
        }
    return _("Past bij uw rechtsvorm.")  # "legal_forms"


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
    index = _index_for(profile.region_id)
    facts = _Facts(
        today=today or timezone.localdate(),
        size=profile.effective_size_class,
        employees=profile.employees,
        age=profile.company_age,
        sector=_Sector.of(profile.sbi_codes, index.sections),
        municipality_id=profile.municipality_id,
        legal_form=profile.legal_form,
    )
    entries = index.entries
    wanted_phases = frozenset(profile.phases)

    # Relevance: phases, themes and the question's words (numbers only; texts later).
    scores: dict[int, float] = defaultdict(float)
    for phase in profile.phases:
        for pk in index.by_phase.get(phase, ()):
            scores[pk] += PHASE_WEIGHT
    for theme in profile.themes:
        for pk in index.by_theme.get(theme, ()):
            scores[pk] += THEME_WEIGHT
    matched_words: dict[int, list[str]] = defaultdict(list)
    seen: set[str] = set()
    for concept, word in concepts(profile.question, index.vocabulary).items():
        if word in index.places:
            continue
        if concept not in index.postings and len(word) >= MIN_TYPO and concept == concept_of(word):
            concept = _respell(index, word) or concept
        ids = index.postings.get(concept)
        if not ids or concept in seen:
            continue
        seen.add(concept)
        idf = index.idf[concept]
        for pk in ids:
            entry = entries[pk]
            points = idf * entry.concepts[concept]
            if wanted_phases and entry.phases.isdisjoint(wanted_phases):
                points *= OFF_PHASE_FACTOR
            scores[pk] += points
            found = matched_words[pk]
            if word not in found:
                found.append(word)

    # Eligibility, and the points for instruments made for exactly this kind of company.
    wants = profile.wants_something
    candidates: Iterable[int] = scores.keys() if wants else entries.keys()
    ranked: list[tuple[float, str, int]] = []
    excluded: list[tuple[int, str]] = []
    met: dict[int, list[str]] = {}
    nothing: list[str] = []
    for pk in candidates:
        entry = entries[pk]
        if entry.simple:
            met[pk] = nothing
        else:
            criterion = _failed(entry, facts)
            if criterion is not None:
                if include_excluded:
                    excluded.append((pk, criterion))
                continue
            met[pk] = _criteria_met(entry, facts)
        score = scores.get(pk, 0.0) + TARGETED_WEIGHT * len(met[pk])
        if entry.regional:
            score += REGIONAL_WEIGHT
        ranked.append((-round(score, 3), entry.sort_name, pk))
    if include_excluded and wants:
        for pk, entry in entries.items():
            if pk not in scores:
                excluded.append((pk, _failed(entry, facts) or "relevance"))
    top = heapq.nsmallest(limit, ranked)

    objects = _load([pk for _s, _n, pk in top] + [pk for pk, _c in excluded])
    result = MatchResult(considered=len(entries))
    for neg_score, _name, pk in top:
        result.matches.append(
            Match(
                instrument=objects[pk],
                score=-neg_score,
                reasons=_reasons(entries[pk], profile, facts, matched_words.get(pk), met[pk]),
            )
        )
    if include_excluded:
        excluded.sort(key=lambda row: (entries[row[0]].sort_name, row[0]))
        result.excluded = [
            Exclusion(
                instrument=objects[pk],
                criterion=criterion,
                text=_why_not(entries[pk], criterion, facts),
            )
            for pk, criterion in excluded
        ]
    return result


def _reasons(
    entry: _Entry,
    profile: Profile,
    facts: _Facts,
    matched_words: list[str] | None,
    met: list[str],
) -> list[Reason]:
    """Every point of the score, said in words: phases, themes, the question's words and
    the criteria met, in that order."""
    reasons: list[Reason] = []
    phase_labels = dict(Phase.choices)
    for phase in profile.phases:
        if phase in entry.phases:
            label = phase_labels.get(phase, phase)
            reasons.append(Reason("phase", _("Helpt bij: %(phase)s.") % {"phase": label}))
    english = translation.get_language() == "en"
    for theme in profile.themes:
        if theme in entry.themes:
            nl, en = entry.theme_labels[theme]
            reasons.append(
                Reason("theme", _("Thema: %(theme)s.") % {"theme": en if english else nl})
            )
    if matched_words:
        reasons.append(
            Reason(
                "words",
                _("Sluit aan bij uw vraag: %(words)s.") % {"words": ", ".join(matched_words)},
            )
        )
    reasons.extend(Reason("criterion", _why(entry, criterion, facts)) for criterion in met)
    if entry.regional and REGIONAL_WEIGHT:
        reasons.append(Reason("region", _("Aanbod uit uw eigen regio.")))
    return reasons


def _load(ids: Sequence[int]) -> dict[int, Instrument]:
    if not ids:
        return {}
    return {
        inst.pk: inst
        for inst in Instrument.objects.filter(pk__in=ids).select_related(
            "provider_organisation", "contact_organisation"
        )
    }
