"""Ranking: relevance from phases, themes and words, then eligibility."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loket.catalogue.matching.index import _Entry, _index_for, _respell
from loket.catalogue.matching.profile import Exclusion, Match, MatchResult, Profile, Reason
from loket.catalogue.matching.rules import _criteria_met, _Facts, _failed, _Sector, _why, _why_not
from loket.catalogue.matching.text import MIN_TYPO, concept_of, concepts
from loket.catalogue.models import Instrument, Phase

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
        age_bounds=profile.age_bounds,
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
