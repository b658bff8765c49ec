"""What the engine is given (a Profile) and what it answers (MatchResult)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from loket.catalogue.matching.text import words
from loket.catalogue.models import Instrument, Phase
from loket.companies.models import SizeClass

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
    # When only a range is known (the guide asks "2 to 5 years"): inclusive whole years,
    # None as the upper bound for "or older". Ignored when company_age is given.
    company_age_range: tuple[int, int | None] | None = None
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
    def age_bounds(self) -> tuple[int, int | None] | None:
        """The company's age as inclusive bounds in years, or None when unknown."""
        if self.company_age is not None:
            return (self.company_age, self.company_age)
        return self.company_age_range

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
