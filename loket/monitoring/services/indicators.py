"""Action lines, indicators and targets of a programme: defining what a programme
promised, as data.

Who: programme managers and administrators of the programme's region
(``queries.can_define``). Every change is audited with its fields.

Rules beyond the model's own (``full_clean``; a named constraint's message lands on the
field it is about):

- an indicator's filters must apply to its measure (``measures.filter_problems``) and
  belong to the programme: theme and need are global; the organisation and the
  municipality lie in the programme's region; the scheme is one of the programme's; the
  kind of event is one of the event kinds; the action line is the programme's;
- a target's year (and quarter) lie in the programme period; a range has its minimum at
  most its maximum;
- an action line with indicators (or with report texts) is not deleted: the page says
  which indicators to move or delete first. Deleting an indicator deletes its targets
  (the confirmation page says how many); submitted reports keep their frozen figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from loket.accounts.models import Organisation
from loket.core import audit
from loket.core.models import AuditEvent, Municipality
from loket.core.permissions import require
from loket.events.models import Event
from loket.monitoring.measures import SOURCES, Spec, filter_problems
from loket.monitoring.models import ActionLine, Indicator, Narrative, Target
from loket.monitoring.queries import can_define
from loket.programmes.models import Programme, Scheme
from loket.programmes.periods import quarters
from loket.programmes.services.plan_common import (
    Errors,
    add_error,
    changes_between,
    model_errors,
    raise_errors,
    set_fields,
    writing,
)

ACTION_LINE_FIELDS = ("name", "description", "position")
INDICATOR_FIELDS = (
    "action_line",
    "name",
    "measure",
    "theme",
    "need",
    "organisation",
    "municipality",
    "size_class",
    "starter",
    "scheme",
    "event_kind",
    "newness",
    "description",
    "position",
)
TARGET_FIELDS = ("period", "year", "quarter", "minimum", "maximum")

ACTION_LINE_CONSTRAINTS = {"action_line_unique_name": "name"}
INDICATOR_CONSTRAINTS = {"indicator_unique_name": "name"}
TARGET_CONSTRAINTS = {
    "target_unique_programme": "period",
    "target_unique_year": "year",
    "target_unique_quarter": "quarter",
    "target_range_in_order": "maximum",
}


# --- action lines ----------------------------------------------------------------------


def check_action_line(line: ActionLine) -> Errors:
    return model_errors(line, ACTION_LINE_CONSTRAINTS)


def create_action_line(actor: Any, programme: Programme, data: Mapping[str, Any]) -> ActionLine:
    require(can_define(actor, programme))
    line = ActionLine(programme=programme, region_id=programme.region_id)
    set_fields(line, data, ACTION_LINE_FIELDS)
    raise_errors(check_action_line(line))
    with writing():
        line.save()
        audit.record(
            actor, AuditEvent.Action.CREATE, line, changes=audit.snapshot(line, ACTION_LINE_FIELDS)
        )
    return line


def update_action_line(actor: Any, line: ActionLine, data: Mapping[str, Any]) -> ActionLine:
    require(can_define(actor, line.programme))
    before = audit.snapshot(line, ACTION_LINE_FIELDS)
    set_fields(line, data, ACTION_LINE_FIELDS)
    errors = check_action_line(line)
    if errors:
        line.refresh_from_db()
        raise_errors(errors)
    with writing():
        line.save()
        changes = changes_between(before, audit.snapshot(line, ACTION_LINE_FIELDS))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, line, changes=changes)
    return line


def action_line_delete_blockers(line: ActionLine) -> list[str]:
    """Why the action line cannot be deleted now (empty: it can)."""
    reasons = []
    names = list(line.indicators.order_by("position", "name").values_list("name", flat=True))
    if names:
        reasons.append(
            _(
                "De actielijn heeft indicatoren: %(names)s. Verplaats ze naar een andere "
                "actielijn of verwijder ze eerst."
            )
            % {"names": ", ".join(names)}
        )
    if Narrative.objects.filter(action_line=line).exists():
        reasons.append(_("Een rapportage heeft een toelichting bij deze actielijn."))
    return reasons


def delete_action_line(actor: Any, line: ActionLine) -> None:
    require(can_define(actor, line.programme))
    with writing():
        # Checked inside the transaction: an indicator added meanwhile also blocks.
        reasons = action_line_delete_blockers(line)
        raise_errors({"__all__": reasons} if reasons else {})
        audit.record(
            actor, AuditEvent.Action.DELETE, line, changes=audit.snapshot(line, ACTION_LINE_FIELDS)
        )
        line.delete()


# --- indicators ------------------------------------------------------------------------


def check_indicator(indicator: Indicator) -> Errors:
    """Every rule an indicator must meet, as {field: [messages]}."""
    programme = indicator.programme
    errors = model_errors(indicator, INDICATOR_CONSTRAINTS)
    if (
        indicator.action_line_id is not None
        and "action_line" not in errors
        and indicator.action_line.programme_id != programme.pk
    ):
        add_error(errors, "action_line", _("Kies een actielijn van dit programma."))
    if indicator.measure in SOURCES:
        for field, message in filter_problems(Spec.of(indicator)).items():
            add_error(errors, field, message)
    if indicator.organisation_id is not None and "organisation" not in errors:
        org: Organisation = indicator.organisation  # type: ignore[assignment]
        if org.region_id != programme.region_id:
            add_error(errors, "organisation", _("Kies een organisatie uit de regio."))
    if indicator.municipality_id is not None and "municipality" not in errors:
        municipality: Municipality = indicator.municipality  # type: ignore[assignment]
        if municipality.region_id != programme.region_id:
            add_error(errors, "municipality", _("Kies een gemeente uit de regio."))
    if indicator.scheme_id is not None and "scheme" not in errors:
        scheme: Scheme = indicator.scheme  # type: ignore[assignment]
        if scheme.programme_id != programme.pk:
            add_error(errors, "scheme", _("Kies een regeling van dit programma."))
    if indicator.event_kind and indicator.event_kind not in Event.Kind.values:
        add_error(errors, "event_kind", _("Kies een van de soorten evenementen."))
    return errors


def _indicator_snapshot(indicator: Indicator) -> dict[str, Any]:
    return audit.snapshot(indicator, INDICATOR_FIELDS)


def create_indicator(actor: Any, programme: Programme, data: Mapping[str, Any]) -> Indicator:
    require(can_define(actor, programme))
    indicator = Indicator(programme=programme, region_id=programme.region_id)
    set_fields(indicator, data, INDICATOR_FIELDS)
    raise_errors(check_indicator(indicator))
    with writing():
        indicator.save()
        audit.record(
            actor, AuditEvent.Action.CREATE, indicator, changes=_indicator_snapshot(indicator)
        )
    return indicator


def update_indicator(actor: Any, indicator: Indicator, data: Mapping[str, Any]) -> Indicator:
    require(can_define(actor, indicator.programme))
    before = _indicator_snapshot(indicator)
    set_fields(indicator, data, INDICATOR_FIELDS)
    errors = check_indicator(indicator)
    if errors:
        indicator.refresh_from_db()
        raise_errors(errors)
    with writing():
        indicator.save()
        changes = changes_between(before, _indicator_snapshot(indicator))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, indicator, changes=changes)
    return indicator


def delete_indicator(actor: Any, indicator: Indicator) -> None:
    """Delete the indicator and its targets (submitted reports keep their figures)."""
    require(can_define(actor, indicator.programme))
    with writing():
        changes = _indicator_snapshot(indicator)
        changes["targets"] = indicator.targets.count()
        audit.record(actor, AuditEvent.Action.DELETE, indicator, changes=changes)
        indicator.delete()


# --- targets ---------------------------------------------------------------------------


def check_target(target: Target) -> Errors:
    errors = model_errors(target, TARGET_CONSTRAINTS)
    programme = target.indicator.programme
    periods = quarters(programme)
    if target.year and "year" not in errors and target.period != Target.Period.PROGRAMME:
        if target.year not in {year for year, _q in periods}:
            add_error(
                errors,
                "year",
                _("Kies een jaar binnen de looptijd van het programma (%(first)s-%(last)s).")
                % {"first": programme.starts_on.year, "last": programme.ends_on.year},
            )
        elif (
            target.period == Target.Period.QUARTER
            and target.quarter
            and "quarter" not in errors
            and (target.year, target.quarter) not in periods
        ):
            add_error(
                errors, "quarter", _("Dit kwartaal valt buiten de looptijd van het programma.")
            )
    return errors


def _clear_unused(target: Target) -> None:
    """A quarter belongs to a quarter's target only, a year not to the programme's."""
    if target.period != Target.Period.QUARTER and target.period in Target.Period.values:
        target.quarter = None
    if target.period == Target.Period.PROGRAMME:
        target.year = None


def create_target(actor: Any, indicator: Indicator, data: Mapping[str, Any]) -> Target:
    require(can_define(actor, indicator.programme))
    target = Target(indicator=indicator, region_id=indicator.region_id)
    set_fields(target, data, TARGET_FIELDS)
    _clear_unused(target)
    raise_errors(check_target(target))
    with writing():
        target.save()
        audit.record(
            actor, AuditEvent.Action.CREATE, target, changes=audit.snapshot(target, TARGET_FIELDS)
        )
    return target


def update_target(actor: Any, target: Target, data: Mapping[str, Any]) -> Target:
    require(can_define(actor, target.indicator.programme))
    before = audit.snapshot(target, TARGET_FIELDS)
    set_fields(target, data, TARGET_FIELDS)
    _clear_unused(target)
    errors = check_target(target)
    if errors:
        target.refresh_from_db()
        raise_errors(errors)
    with writing():
        target.save()
        changes = changes_between(before, audit.snapshot(target, TARGET_FIELDS))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, target, changes=changes)
    return target


def delete_target(actor: Any, target: Target) -> None:
    require(can_define(actor, target.indicator.programme))
    with writing():
        audit.record(
            actor, AuditEvent.Action.DELETE, target, changes=audit.snapshot(target, TARGET_FIELDS)
        )
        target.delete()
