"""Plan lines: an activity type in a year by an executing organisation, with its hours
(count x norm, or a fixed number) split over funders in percent and out-of-pocket costs
per funder. Part of ``services.plan``, which re-exports everything here.

A problem with the split over funders is keyed ``"fundings"`` (``FUNDINGS``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require
from loket.programmes.models import ZERO, Funder, PlanLine, PlanLineFunding, Programme, check_shares
from loket.programmes.queries import can_edit_plan
from loket.programmes.services.plan_common import (
    Errors,
    add_error,
    changes_between,
    model_errors,
    raise_errors,
    set_fields,
    writing,
)

PLAN_LINE_FIELDS = (
    "year",
    "activity_type",
    "organisation",
    "description",
    "count",
    "hours_per_unit",
    "fixed_hours",
    "scheme",
    "position",
)
FUNDINGS = "fundings"  # the error key of a plan line's split over funders


@dataclass(frozen=True)
class FundingInput:
    """A funder's part of a plan line as entered: a share of the hours in percent and
    out-of-pocket costs including VAT."""

    funder: Funder
    hours_share: Decimal = ZERO
    out_of_pocket_incl_vat: Decimal = ZERO


PLAN_LINE_CONSTRAINTS = {
    "plan_line_unique": "activity_type",
    "plan_line_one_kind_of_hours": "fixed_hours",
}


def check_plan_line(line: PlanLine, fundings: Sequence[FundingInput]) -> Errors:
    """Every rule a plan line and its split over funders must meet, as {field:
    [messages]} (the split under ``"fundings"``); {} when it is valid. Writes nothing:
    the plan import runs it on every row before it saves any."""
    programme = line.programme
    errors = model_errors(line, PLAN_LINE_CONSTRAINTS)
    executing = set(programme.organisations.values_list("pk", flat=True))
    if "organisation" not in errors and line.organisation_id not in (None, *executing):
        add_error(errors, "organisation", _("Deze organisatie voert het programma niet uit."))
    seen: set[int] = set()
    for funding in fundings:
        if funding.funder.programme_id != programme.pk:
            add_error(
                errors,
                FUNDINGS,
                _("%(funder)s is geen financier van dit programma.")
                % {"funder": funding.funder.name},
            )
        if funding.funder.pk in seen:
            add_error(
                errors,
                FUNDINGS,
                _("%(funder)s staat twee keer in de verdeling.") % {"funder": funding.funder.name},
            )
        seen.add(funding.funder.pk)
        if not ZERO <= funding.hours_share <= Decimal("100"):
            add_error(errors, FUNDINGS, _("Een aandeel ligt tussen 0 en 100 %."))
        if funding.out_of_pocket_incl_vat < 0:
            add_error(errors, FUNDINGS, _("Out-of-pocketkosten zijn niet negatief."))
    if not any(key in errors for key in ("count", "hours_per_unit", "fixed_hours")):
        shares = [f.hours_share for f in fundings]
        problem = check_shares(shares, line.hours)
        if problem:
            add_error(errors, FUNDINGS, problem)
    return errors


def _fill_norm(line: PlanLine) -> None:
    """No norm and no fixed hours: the activity type's standard norm per unit."""
    if (
        line.hours_per_unit is None
        and line.fixed_hours is None
        and line.activity_type_id is not None
        and line.activity_type.programme_id == line.programme_id
    ):
        line.hours_per_unit = line.activity_type.default_hours_per_unit


def _line_snapshot(line: PlanLine) -> dict[str, Any]:
    data = audit.snapshot(line, PLAN_LINE_FIELDS)
    data[FUNDINGS] = (
        sorted(
            f"{f.funder_id}:{f.hours_share}:{f.out_of_pocket_incl_vat}"
            for f in PlanLineFunding.objects.filter(line=line)
        )
        if line.pk
        else []
    )
    return data


def _save_fundings(line: PlanLine, fundings: Sequence[FundingInput]) -> None:
    """The line's split becomes exactly ``fundings``; parts of nothing are not kept."""
    wanted = {
        f.funder.pk: f for f in fundings if f.hours_share != 0 or f.out_of_pocket_incl_vat != 0
    }
    PlanLineFunding.objects.filter(line=line).exclude(funder_id__in=list(wanted)).delete()
    existing = {f.funder_id: f for f in PlanLineFunding.objects.filter(line=line)}
    for funder_id, part in wanted.items():
        row = existing.get(funder_id) or PlanLineFunding(
            line=line, funder_id=funder_id, region_id=line.region_id
        )
        row.hours_share = part.hours_share
        row.out_of_pocket_incl_vat = part.out_of_pocket_incl_vat
        row.save()


def create_plan_line(
    actor: Any,
    programme: Programme,
    data: Mapping[str, Any],
    fundings: Sequence[FundingInput] = (),
) -> PlanLine:
    """A plan line with its split over funders. Without a norm or fixed hours the line
    takes the activity type's standard norm."""
    require(can_edit_plan(actor, programme))
    line = PlanLine(programme=programme, region_id=programme.region_id)
    set_fields(line, data, PLAN_LINE_FIELDS)
    _fill_norm(line)
    raise_errors(check_plan_line(line, fundings))
    with writing():
        line.save()
        _save_fundings(line, fundings)
        audit.record(actor, AuditEvent.Action.CREATE, line, changes=_line_snapshot(line))
    return line


def update_plan_line(
    actor: Any,
    line: PlanLine,
    data: Mapping[str, Any],
    fundings: Sequence[FundingInput],
) -> PlanLine:
    """Change a plan line; ``fundings`` is its whole new split over funders."""
    require(can_edit_plan(actor, line.programme))
    before = _line_snapshot(line)
    set_fields(line, data, PLAN_LINE_FIELDS)
    _fill_norm(line)
    errors = check_plan_line(line, fundings)
    if errors:
        line.refresh_from_db()
        raise_errors(errors)
    with writing():
        line.save()
        _save_fundings(line, fundings)
        changes = changes_between(before, _line_snapshot(line))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, line, changes=changes)
    return line


def delete_plan_line(actor: Any, line: PlanLine) -> None:
    require(can_edit_plan(actor, line.programme))
    with writing():
        audit.record(actor, AuditEvent.Action.DELETE, line, changes=_line_snapshot(line))
        line.delete()
