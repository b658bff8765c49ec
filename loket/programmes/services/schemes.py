"""Schemes (regelingen) and their figures: what a scheme has, what is committed of it
and what is left, excluding and including VAT.

A committed trajectory (approved, running, completed, evaluated) counts its voucher's
paid amount once the supplier's invoice is registered, else its granted amount. Creating
or changing a scheme with an own contribution makes sure the programme has a funder for
the companies' own contributions. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.numbers import euro
from loket.core.permissions import require
from loket.programmes.models import (
    HUNDRED,
    ZERO,
    Funder,
    Programme,
    Scheme,
    Trajectory,
    cents,
)
from loket.programmes.queries import can_edit_plan

SCHEME_FIELDS = (
    "name",
    "instrument",
    "funder",
    "value",
    "max_granted",
    "own_contribution",
    "vat_rate",
    "available",
    "budget",
    "min_participants",
    "hours_norm",
    "hours_cap_per_company",
)

# --- figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemeFigures:
    """What a scheme has and what is committed of it. Amounts excluding VAT; the
    ``_incl_vat`` ones add the scheme's VAT, each rounded to the cent once, with the
    remaining budget as the difference so that the figures add up."""

    scheme_id: int
    vat_rate: Decimal
    available: int
    committed_count: int
    budget: Decimal
    committed_amount: Decimal
    paid_amount: Decimal
    paid_count: int

    @property
    def remaining_count(self) -> int:
        return self.available - self.committed_count

    @property
    def remaining_budget(self) -> Decimal:
        return self.budget - self.committed_amount

    def _incl(self, amount: Decimal) -> Decimal:
        return cents(amount * (HUNDRED + self.vat_rate) / HUNDRED)

    @property
    def budget_incl_vat(self) -> Decimal:
        return self._incl(self.budget)

    @property
    def committed_amount_incl_vat(self) -> Decimal:
        return self._incl(self.committed_amount)

    @property
    def remaining_budget_incl_vat(self) -> Decimal:
        return self.budget_incl_vat - self.committed_amount_incl_vat


@dataclass
class SchemeTotals:
    """The sums over several schemes (each with its own VAT rate)."""

    available: int = 0
    committed_count: int = 0
    remaining_count: int = 0
    budget: Decimal = ZERO
    budget_incl_vat: Decimal = ZERO
    committed_amount: Decimal = ZERO
    committed_amount_incl_vat: Decimal = ZERO
    remaining_budget: Decimal = ZERO
    remaining_budget_incl_vat: Decimal = ZERO
    schemes: int = 0

    def add(self, figures: SchemeFigures) -> None:
        self.available += figures.available
        self.committed_count += figures.committed_count
        self.remaining_count += figures.remaining_count
        self.budget += figures.budget
        self.budget_incl_vat += figures.budget_incl_vat
        self.committed_amount += figures.committed_amount
        self.committed_amount_incl_vat += figures.committed_amount_incl_vat
        self.remaining_budget += figures.remaining_budget
        self.remaining_budget_incl_vat += figures.remaining_budget_incl_vat
        self.schemes += 1


def figures_for(schemes: Iterable[Scheme]) -> dict[int, SchemeFigures]:
    """Figures of each scheme, in one query. A committed trajectory (approved, running,
    completed, evaluated) counts its voucher's paid amount once paid, else its granted
    amount. Summed in Python: exact ``Decimal`` on every database."""
    schemes = list(schemes)
    count: dict[int, int] = {s.pk: 0 for s in schemes}
    amount: dict[int, Decimal] = {s.pk: ZERO for s in schemes}
    paid: dict[int, Decimal] = {s.pk: ZERO for s in schemes}
    paid_count: dict[int, int] = {s.pk: 0 for s in schemes}
    if schemes:
        rows = Trajectory.objects.filter(
            scheme_id__in=list(count), status__in=Trajectory.COMMITTED
        ).values_list("scheme_id", "granted_amount", "voucher__paid_amount")
        for scheme_id, granted, paid_amount in rows:
            count[scheme_id] += 1
            if paid_amount is not None:
                amount[scheme_id] += paid_amount
                paid[scheme_id] += paid_amount
                paid_count[scheme_id] += 1
            else:
                amount[scheme_id] += granted or ZERO
    return {
        s.pk: SchemeFigures(
            scheme_id=s.pk,
            vat_rate=s.vat_rate,
            available=s.available,
            committed_count=count[s.pk],
            budget=s.total_budget,
            committed_amount=amount[s.pk],
            paid_amount=paid[s.pk],
            paid_count=paid_count[s.pk],
        )
        for s in schemes
    }


def scheme_figures(scheme: Scheme) -> SchemeFigures:
    return figures_for([scheme])[scheme.pk]


def totals_of(figures: Iterable[SchemeFigures]) -> SchemeTotals:
    totals = SchemeTotals()
    for item in figures:
        totals.add(item)
    return totals


# --- schemes -------------------------------------------------------------------------


def own_contributions_funder(programme: Programme) -> Funder | None:
    return Funder.objects.filter(programme=programme, kind=Funder.Kind.COMPANIES).first()


def _ensure_own_contributions_funder(actor: User, programme: Programme) -> Funder:
    """The programme's funder for the companies' own contributions, made when missing
    ("Ondernemers (eigen bijdragen)", named in the site's language: it is data)."""
    found = own_contributions_funder(programme)
    if found is not None:
        return found
    with translation.override(settings.LANGUAGE_CODE):
        base = str(_("Ondernemers (eigen bijdragen)"))
    taken = set(Funder.objects.filter(programme=programme).values_list("name", flat=True))
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base} {n}"
    last = Funder.objects.filter(programme=programme).order_by("-position").first()
    funder = Funder.objects.create(
        region_id=programme.region_id,
        programme=programme,
        name=name,
        kind=Funder.Kind.COMPANIES,
        position=(last.position + 1) if last else 0,
    )
    audit.record(actor, AuditEvent.Action.CREATE, funder, changes={"kind": funder.kind})
    return funder


def apply_fields(obj: Any, data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for key, value in data.items():
        if key not in fields:
            raise ValueError(f"Unknown field: {key}")
        setattr(obj, key, value.strip() if isinstance(value, str) else value)


def _check_scheme(scheme: Scheme) -> None:
    errors: dict[str, list[str]] = {}
    try:
        scheme.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    programme = scheme.programme
    if (
        scheme.name
        and Scheme.objects.filter(programme=programme, name=scheme.name)
        .exclude(pk=scheme.pk)
        .exists()
    ):
        errors.setdefault("name", []).append(_("Deze regeling bestaat al in het programma."))
    if scheme.funder_id is not None and "funder" not in errors:
        funder = scheme.funder
        if funder.programme_id != programme.pk:
            errors["funder"] = [_("Deze financier hoort bij een ander programma.")]
        elif funder.kind == Funder.Kind.COMPANIES:
            errors["funder"] = [
                _(
                    "Kies de financier die de toekenningen betaalt; de eigen bijdragen van "
                    "ondernemers gaan vanzelf naar hun eigen financier."
                )
            ]
    instrument = scheme.instrument
    if instrument is not None and instrument.region_id not in (None, programme.region_id):
        errors["instrument"] = [_("Dit instrument hoort bij een andere regio.")]
    if errors:
        raise ValidationError(errors)


def create_scheme(actor: User, programme: Programme, data: Mapping[str, Any]) -> Scheme:
    """A new scheme. An own contribution makes sure the programme has a funder for the
    companies' own contributions."""
    require(can_edit_plan(actor, programme))
    scheme = Scheme(programme=programme, region_id=programme.region_id)
    apply_fields(scheme, data, SCHEME_FIELDS)
    _check_scheme(scheme)
    with transaction.atomic():
        if scheme.own_contribution and scheme.own_contribution > 0:
            _ensure_own_contributions_funder(actor, programme)
        scheme.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            scheme,
            changes=audit.diff({}, audit.snapshot(scheme, SCHEME_FIELDS)),
        )
    return scheme


def lock_scheme(scheme_id: int) -> Scheme:
    """The scheme, locked for this transaction: a row lock on PostgreSQL; on SQLite every
    transaction already begins IMMEDIATE (settings), holding the write lock."""
    return (
        Scheme.objects.select_for_update(of=("self",)).select_related("programme").get(pk=scheme_id)
    )


def update_scheme(actor: User, scheme: Scheme, data: Mapping[str, Any]) -> Scheme:
    """Change a scheme. The number available and the budget cannot drop below what is
    committed already."""
    require(can_edit_plan(actor, scheme.programme))
    with transaction.atomic():
        locked = lock_scheme(scheme.pk)
        before = audit.snapshot(locked, SCHEME_FIELDS)
        apply_fields(locked, data, SCHEME_FIELDS)
        _check_scheme(locked)
        figures = scheme_figures(locked)
        errors: dict[str, str] = {}
        if locked.available < figures.committed_count:
            errors["available"] = _(
                "Er zijn al %(n)s trajecten toegekend; minder beschikbaar kan niet."
            ) % {"n": figures.committed_count}
        if locked.total_budget < figures.committed_amount:
            errors["budget"] = _(
                "Er is al %(amount)s toegekend; het budget kan niet lager zijn."
            ) % {"amount": euro(figures.committed_amount)}
        if errors:
            raise ValidationError(errors)
        if locked.own_contribution and locked.own_contribution > 0:
            _ensure_own_contributions_funder(actor, locked.programme)
        locked.save()
        changes = audit.diff(before, audit.snapshot(locked, SCHEME_FIELDS))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, locked, changes=changes)
    return locked


def delete_scheme(actor: User, scheme: Scheme) -> None:
    """Delete a scheme without trajectories that no plan line uses."""
    require(can_edit_plan(actor, scheme.programme))
    if scheme.trajectories.exists():
        raise ValidationError(
            _("Deze regeling heeft trajecten; die tellen mee in de verantwoording.")
        )
    if scheme.plan_lines.exists():
        raise ValidationError(
            _("Deze regeling staat in het programmaplan; haal haar eerst uit de planregels.")
        )
    with transaction.atomic():
        audit.record(actor, AuditEvent.Action.DELETE, scheme)
        scheme.delete()
