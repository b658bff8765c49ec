"""The in-process index of a region's catalogue, rebuilt when an instrument changes."""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max
from django.utils import translation

from loket.catalogue.matching.text import (
    MIN_PART,
    MIN_TYPO,
    _fold,
    concept_of,
    concepts,
    stem,
    words,
)
from loket.catalogue.models import Instrument, Kind, Phase
from loket.companies.models import SbiCode

# Weight of a question word found in each field of an instrument.
FIELD_WEIGHTS = {
    "name": 3.0,
    "keywords": 2.5,
    "summary": 2.0,
    "labels": 1.5,
    "description": 1.0,
    "provider": 1.0,
}


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
