"""Proposals for a carousel round: which student teams suit which company.

Pure: plain data in, plain data out, no database. The match screen builds the profiles
(``CompanyProfile`` from the carousel's members with their themes and ``interests``,
``TeamProfile`` from the round's teams that are still free) and shows what ``propose``
returns.

A team scores for a company by
- the themes they share (company themes against team themes), each worth
  ``THEME_WEIGHT``;
- the company's languages and countries of interest the team covers (its languages or
  its countries), each worth ``INTEREST_WEIGHT``.

Only teams with a score above zero are proposed. The order is deterministic: highest
score first, then more shared themes, then the team's name (case and accents ignored),
then its id. Every proposal carries its reasons: the shared themes, languages and
countries, in the team's own spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

THEME_WEIGHT = 2
INTEREST_WEIGHT = 1

_SEPARATORS = re.compile(r"[,;/\n]+")


def normalise(term: str) -> str:
    """A term compared without case, accents or surrounding spaces: "Scandinavië" and
    " scandinavie " are the same."""
    decomposed = unicodedata.normalize("NFKD", term)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def split_terms(text: str) -> tuple[str, ...]:
    """The terms of a list typed by a person ("Duits, Engels; Duitsland"), in order,
    without blanks and without repeats."""
    out: dict[str, str] = {}
    for part in _SEPARATORS.split(text or ""):
        term = " ".join(part.split())
        if term and normalise(term) not in out:
            out[normalise(term)] = term
    return tuple(out.values())


@dataclass(frozen=True)
class CompanyProfile:
    company_id: int
    name: str
    # theme id -> theme name
    themes: Mapping[int, str] = field(default_factory=dict)
    interests: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamProfile:
    team_id: int
    name: str
    themes: Mapping[int, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposal:
    team: TeamProfile
    score: int
    themes: tuple[str, ...]  # shared themes (names, sorted)
    languages: tuple[str, ...]  # team languages the company is interested in
    countries: tuple[str, ...]  # team countries the company is interested in


@dataclass(frozen=True)
class CompanyProposals:
    company: CompanyProfile
    proposals: tuple[Proposal, ...]


def score(company: CompanyProfile, team: TeamProfile) -> Proposal:
    """How well ``team`` suits ``company``, with the reasons."""
    shared_ids = set(company.themes) & set(team.themes)
    themes = tuple(sorted((team.themes[i] for i in shared_ids), key=lambda n: (normalise(n), n)))
    wanted = {normalise(term) for term in company.interests}
    languages = tuple(term for term in team.languages if normalise(term) in wanted)
    countries = tuple(term for term in team.countries if normalise(term) in wanted)
    points = THEME_WEIGHT * len(themes) + INTEREST_WEIGHT * (len(languages) + len(countries))
    return Proposal(
        team=team, score=points, themes=themes, languages=languages, countries=countries
    )


def _order(proposal: Proposal) -> tuple[int, int, str, int]:
    return (
        -proposal.score,
        -len(proposal.themes),
        normalise(proposal.team.name),
        proposal.team.team_id,
    )


def rank(company: CompanyProfile, teams: Iterable[TeamProfile]) -> tuple[Proposal, ...]:
    """The teams that suit ``company`` (score above zero), best first."""
    scored = (score(company, team) for team in teams)
    return tuple(sorted((p for p in scored if p.score > 0), key=_order))


def propose(
    companies: Sequence[CompanyProfile], teams: Sequence[TeamProfile], limit: int | None = None
) -> list[CompanyProposals]:
    """Per company (ordered by name, then id) the teams proposed for it, best first;
    at most ``limit`` per company when given."""
    ordered = sorted(companies, key=lambda c: (normalise(c.name), c.company_id))
    out = []
    for company in ordered:
        proposals = rank(company, teams)
        if limit is not None:
            proposals = proposals[:limit]
        out.append(CompanyProposals(company=company, proposals=proposals))
    return out
