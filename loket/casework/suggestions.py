"""Suggested instruments for the company page and the case page ("Passende instrumenten").

One place builds the panel for both pages: the company's profile (with the case's
question and themes on the case page) goes through ``catalogue.matching.match``; the
panel shows the best few with their reasons and, on request, the instruments that were
left out with the criterion that excluded them. A fixed number of queries: the
company's themes and SBI codes (prefetched once), the catalogue's revision and one query
for the instruments shown (the matching index itself lives in memory).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from loket.catalogue.matching import Exclusion, Match, Profile, match
from loket.companies.models import Company, SbiCode

SHOWN = 5
# At most this many excluded instruments are listed (the rest are counted).
EXCLUDED_SHOWN = 100
# ?uitgesloten=1 shows the excluded instruments (no personal data in the URL).
EXCLUDED_PARAMETER = "uitgesloten"


@dataclass
class Suggestions:
    matches: list[Match]
    show_excluded: bool
    excluded: list[Exclusion] = field(default_factory=list)
    irrelevant: list[Exclusion] = field(default_factory=list)
    more_excluded: int = 0
    considered: int = 0


def prefetch_profile(company: Company) -> None:
    """Load what ``Profile.from_company`` reads (themes, SBI codes with their section) in
    two queries, unless the company was fetched with them."""
    prefetch_related_objects(
        [company],
        Prefetch("sbi_codes", queryset=SbiCode.objects.select_related("section")),
        "themes",
    )


def sbi_prefetch() -> Prefetch:
    """For a company query that also serves the suggestions: SBI codes with sections."""
    return Prefetch("sbi_codes", queryset=SbiCode.objects.select_related("section"))


def wants_excluded(params: Any) -> bool:
    return str(params.get(EXCLUDED_PARAMETER, "")) == "1"


def suggest(
    company: Company,
    *,
    question: str = "",
    themes: Iterable[str] = (),
    show_excluded: bool = False,
) -> Suggestions:
    """The best ``SHOWN`` instruments for the company (and the case's question and
    themes), and with ``show_excluded`` those that do not fit, criteria first."""
    profile = Profile.from_company(company, question=question, themes=themes)
    result = match(profile, limit=SHOWN, include_excluded=show_excluded)
    suggestions = Suggestions(
        matches=result.matches, show_excluded=show_excluded, considered=result.considered
    )
    if show_excluded:
        by_criterion = [e for e in result.excluded if e.criterion != "relevance"]
        irrelevant = [e for e in result.excluded if e.criterion == "relevance"]
        suggestions.excluded = by_criterion[:EXCLUDED_SHOWN]
        room = max(0, EXCLUDED_SHOWN - len(suggestions.excluded))
        suggestions.irrelevant = irrelevant[:room]
        suggestions.more_excluded = (
            len(result.excluded) - len(suggestions.excluded) - len(suggestions.irrelevant)
        )
    return suggestions
