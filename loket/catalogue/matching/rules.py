"""Eligibility: which criterion excludes an instrument, and the reasons it fits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loket.catalogue.matching.index import _Entry
from loket.companies.models import LegalForm, SizeClass

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
    age: int | None  # exact, when known
    age_bounds: tuple[int, int | None] | None  # inclusive; None upper bound: or older
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
    if facts.age_bounds is not None:
        low, high = facts.age_bounds
        # Excluded only when the whole range is outside the instrument's ages.
        if entry.age_min is not None and high is not None and high < entry.age_min:
            return "company_age_min"
        if entry.age_max is not None and low > entry.age_max:
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
    if facts.age_bounds is not None and (entry.age_min is not None or entry.age_max is not None):
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
        return _("Bedoeld voor bedrijven van uw grootte: %(size)s.") % {
            "size": dict(SizeClass.choices)[facts.size or ""]
        }
    if criterion == "employees":
        n = facts.employees or 0
        return ngettext(
            "Past bij uw bedrijfsomvang (%(n)s werkzame persoon).",
            "Past bij uw bedrijfsomvang (%(n)s werkzame personen).",
            n,
        ) % {"n": n}
    if criterion == "company_age" and facts.age is None and facts.age_bounds is not None:
        low, high = facts.age_bounds
        if high == low:
            return ngettext(
                "Past bij de leeftijd van uw bedrijf (%(n)s jaar).",
                "Past bij de leeftijd van uw bedrijf (%(n)s jaar).",
                low,
            ) % {"n": low}
        if high is None:
            return _("Past bij de leeftijd van uw bedrijf (%(n)s jaar of ouder).") % {"n": low}
        return _("Past bij de leeftijd van uw bedrijf (%(low)s tot %(high)s jaar).") % {
            "low": low,
            "high": high + 1,
        }
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
