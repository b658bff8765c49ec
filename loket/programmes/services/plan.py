"""Programmes and their plan: the programme itself, funders, hourly rates, activity
types and plan lines with their split over funders (``plan_lines``, re-exported here).

Every change goes through here: the permission check (programme managers and
administrators of the region, ``queries.can_edit_plan``), validation of the whole record
(the model's ``full_clean`` and the rules the model cannot express), one transaction and
one audit event. Pages, the API, the plan import and the demo loader call these.

A validation problem is a ``ValidationError`` keyed by the field that caused it; the
split of a plan line over its funders is keyed ``"fundings"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from loket.accounts.models import Organisation
from loket.core import audit
from loket.core.models import AuditEvent, Region
from loket.core.permissions import require, scope_of
from loket.programmes.models import (
    ActivityType,
    Funder,
    HourEntry,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
    Programme,
    Scheme,
)
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
from loket.programmes.services.plan_lines import (
    FUNDINGS,
    PLAN_LINE_FIELDS,
    FundingInput,
    check_plan_line,
    create_plan_line,
    delete_plan_line,
    update_plan_line,
)

__all__ = [
    "ACTIVITY_TYPE_FIELDS",
    "FUNDER_FIELDS",
    "FUNDINGS",
    "PLAN_LINE_FIELDS",
    "PROGRAMME_FIELDS",
    "RATE_FIELDS",
    "STANDARD_ACTIVITY_TYPES",
    "FundingInput",
    "activity_type_delete_blockers",
    "add_standard_activity_types",
    "can_create_programme",
    "check_plan_line",
    "creatable_regions",
    "create_activity_type",
    "create_funder",
    "create_plan_line",
    "create_programme",
    "create_rate",
    "delete_activity_type",
    "delete_funder",
    "delete_plan_line",
    "delete_rate",
    "funder_delete_blockers",
    "update_activity_type",
    "update_funder",
    "update_plan_line",
    "update_programme",
    "update_rate",
]

PROGRAMME_FIELDS = ("name", "description", "starts_on", "ends_on", "hours_cap_per_company")
FUNDER_FIELDS = ("name", "kind", "position")
RATE_FIELDS = ("organisation", "year", "rate")
ACTIVITY_TYPE_FIELDS = ("name", "code", "default_hours_per_unit", "position")

# The activity types of a typical two-year plan, with their hour norm per unit
# (BRIEF.md): a new programme starts with these unless the creator declines.
STANDARD_ACTIVITY_TYPES: tuple[tuple[str, str, Decimal | None], ...] = (
    ("gesprekken", "Gesprekken", Decimal("2.00")),
    ("fysieke-evenementen", "Fysieke evenementen", Decimal("175.00")),
    ("digitale-evenementen", "Digitale evenementen", Decimal("150.00")),
    ("clusterbijeenkomsten", "Clusterbijeenkomsten", Decimal("100.00")),
    ("digitale-communities", "Digitale community's", None),
    ("clustertrajecten", "Clustertrajecten", Decimal("50.00")),
    ("innovatie-export-groeitrajecten", "Innovatie-, export- en groeitrajecten", Decimal("12.00")),
    ("projectmanagement", "Projectmanagement", None),
    ("evaluatie", "Evaluatie", Decimal("4.00")),
    ("marketing", "Marketing", None),
)


# --- permissions ---------------------------------------------------------------------


def can_create_programme(actor: Any, region_id: int) -> bool:
    """Programme managers and administrators start programmes in their region."""
    return scope_of(actor).has_role("programme_manager", "administrator", region_id=region_id)


def creatable_regions(actor: Any) -> list[Region]:
    scope = scope_of(actor)
    return [
        region
        for region in Region.objects.filter(pk__in=scope.region_ids).order_by("name")
        if can_create_programme(actor, region.pk)
    ]


# --- programmes ----------------------------------------------------------------------


def _check_organisations(
    programme: Programme, organisations: Sequence[Organisation], errors: Errors
) -> None:
    foreign = [o for o in organisations if o.region_id != programme.region_id]
    if foreign:
        add_error(
            errors,
            "organisations",
            _("%(names)s werkt niet in de regio van het programma.")
            % {"names": ", ".join(o.name for o in foreign)},
        )


def _in_use_outside(programme: Programme, errors: Errors) -> None:
    """A shorter period may not leave plan lines, rates or hours outside it."""
    if programme.pk is None or not (programme.starts_on and programme.ends_on):
        return
    first, last = programme.starts_on.year, programme.ends_on.year
    outside_years = Q(year__lt=first) | Q(year__gt=last)
    years = sorted(
        set(
            PlanLine.objects.filter(outside_years, programme=programme).values_list(
                "year", flat=True
            )
        )
        | set(
            HourlyRate.objects.filter(outside_years, programme=programme).values_list(
                "year", flat=True
            )
        )
    )
    if years:
        add_error(
            errors,
            "starts_on" if years[0] < first else "ends_on",
            _(
                "Er staan planregels of uurtarieven in %(years)s, buiten de nieuwe looptijd. "
                "Pas die eerst aan."
            )
            % {"years": ", ".join(str(y) for y in years)},
        )
    hours_outside = HourEntry.objects.filter(programme=programme).filter(
        Q(date__lt=programme.starts_on) | Q(date__gt=programme.ends_on)
    )
    if hours_outside.exists():
        add_error(
            errors,
            "ends_on",
            _("Er zijn uren geschreven buiten de nieuwe looptijd; die moeten erbinnen blijven."),
        )


def _organisations_in_use(
    programme: Programme, keep: Sequence[Organisation], errors: Errors
) -> None:
    """An organisation with plan lines, rates or hours stays an executing organisation."""
    keep_ids = {o.pk for o in keep}
    dropped = [
        pk for pk in programme.organisations.values_list("pk", flat=True) if pk not in keep_ids
    ]
    if not dropped:
        return
    used = (
        set(
            PlanLine.objects.filter(programme=programme, organisation__in=dropped).values_list(
                "organisation_id", flat=True
            )
        )
        | set(
            HourlyRate.objects.filter(programme=programme, organisation__in=dropped).values_list(
                "organisation_id", flat=True
            )
        )
        | set(
            HourEntry.objects.filter(programme=programme, organisation__in=dropped).values_list(
                "organisation_id", flat=True
            )
        )
    )
    if used:
        names = (
            Organisation.objects.filter(pk__in=used).order_by("name").values_list("name", flat=True)
        )
        add_error(
            errors,
            "organisations",
            _(
                "%(names)s heeft planregels, uurtarieven of uren in dit programma en blijft "
                "daarom uitvoerende organisatie."
            )
            % {"names": ", ".join(names)},
        )


def _programme_snapshot(programme: Programme) -> dict[str, Any]:
    return audit.snapshot(programme, (*PROGRAMME_FIELDS, "organisations"))


def add_standard_activity_types(programme: Programme) -> list[ActivityType]:
    """The standard activity types the programme does not have yet (by code or name)."""
    existing = ActivityType.objects.filter(programme=programme)
    codes = set(existing.values_list("code", flat=True))
    names = {n.lower() for n in existing.values_list("name", flat=True)}
    start = existing.aggregate(m=Max("position"))["m"] or 0
    created = []
    for i, (code, name, norm) in enumerate(STANDARD_ACTIVITY_TYPES, start=1):
        if code in codes or name.lower() in names:
            continue
        created.append(
            ActivityType(
                region_id=programme.region_id,
                programme=programme,
                code=code,
                name=name,
                default_hours_per_unit=norm,
                position=start + i * 10,
            )
        )
    return ActivityType.objects.bulk_create(created)


def create_programme(
    actor: Any,
    region: Region,
    data: Mapping[str, Any],
    *,
    organisations: Iterable[Organisation] = (),
    standard_activity_types: bool = True,
) -> Programme:
    """A new programme of ``region``, executed by ``organisations`` (of that region);
    with the standard activity types unless ``standard_activity_types`` is off."""
    require(can_create_programme(actor, region.pk))
    programme = Programme(region=region)
    set_fields(programme, data, PROGRAMME_FIELDS)
    orgs = list(organisations)
    errors = model_errors(
        programme, {"programme_unique_name": "name", "programme_period_in_order": "ends_on"}
    )
    _check_organisations(programme, orgs, errors)
    raise_errors(errors)
    with writing():
        programme.save()
        programme.organisations.set(orgs)
        types = add_standard_activity_types(programme) if standard_activity_types else []
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            programme,
            changes={**_programme_snapshot(programme), "activity_types": len(types)},
        )
    return programme


def update_programme(
    actor: Any,
    programme: Programme,
    data: Mapping[str, Any],
    *,
    organisations: Iterable[Organisation] | None = None,
) -> Programme:
    """Change a programme's name, description, period, cap and executing organisations.
    The period keeps every plan line, rate and hour entry inside it; an organisation
    with plan lines, rates or hours stays."""
    require(can_edit_plan(actor, programme))
    before = _programme_snapshot(programme)
    set_fields(programme, data, PROGRAMME_FIELDS)
    errors = model_errors(
        programme, {"programme_unique_name": "name", "programme_period_in_order": "ends_on"}
    )
    orgs = list(organisations) if organisations is not None else None
    if orgs is not None:
        _check_organisations(programme, orgs, errors)
        _organisations_in_use(programme, orgs, errors)
    if "starts_on" not in errors and "ends_on" not in errors:
        _in_use_outside(programme, errors)
    if errors:
        programme.refresh_from_db()
        raise_errors(errors)
    with writing():
        programme.save()
        if orgs is not None:
            programme.organisations.set(orgs)
            if hasattr(programme, "_loket_org_ids"):
                del programme._loket_org_ids
        changes = changes_between(before, _programme_snapshot(programme))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, programme, changes=changes)
    return programme


# --- funders -------------------------------------------------------------------------

FUNDER_CONSTRAINTS = {"funder_unique_name": "name", "funder_one_own_contributions": "kind"}


def create_funder(actor: Any, programme: Programme, data: Mapping[str, Any]) -> Funder:
    require(can_edit_plan(actor, programme))
    funder = Funder(programme=programme, region_id=programme.region_id)
    set_fields(funder, data, FUNDER_FIELDS)
    if "position" not in data:
        last = Funder.objects.filter(programme=programme).aggregate(m=Max("position"))["m"]
        funder.position = (last or 0) + 10
    raise_errors(model_errors(funder, FUNDER_CONSTRAINTS))
    with writing():
        funder.save()
        audit.record(actor, AuditEvent.Action.CREATE, funder, changes=audit.snapshot(funder))
    return funder


def update_funder(actor: Any, funder: Funder, data: Mapping[str, Any]) -> Funder:
    require(can_edit_plan(actor, funder.programme))
    before = audit.snapshot(funder)
    set_fields(funder, data, FUNDER_FIELDS)
    errors = model_errors(funder, FUNDER_CONSTRAINTS)
    if errors:
        funder.refresh_from_db()
        raise_errors(errors)
    with writing():
        funder.save()
        changes = changes_between(before, audit.snapshot(funder))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, funder, changes=changes)
    return funder


def funder_delete_blockers(funder: Funder) -> list[str]:
    """Why the funder cannot be deleted (plan lines or schemes it pays for), or []."""
    reasons = []
    lines = PlanLineFunding.objects.filter(funder=funder).count()
    if lines:
        reasons.append(
            _("Deze financier betaalt mee aan %(count)s planregel(s); haal hem daar eerst weg.")
            % {"count": lines}
        )
    schemes = Scheme.objects.filter(funder=funder).count()
    if schemes:
        reasons.append(
            _(
                "Deze financier betaalt de toekenningen van %(count)s regeling(en); kies daar "
                "eerst een andere financier."
            )
            % {"count": schemes}
        )
    return reasons


def delete_funder(actor: Any, funder: Funder) -> None:
    require(can_edit_plan(actor, funder.programme))
    reasons = funder_delete_blockers(funder)
    if reasons:
        raise ValidationError(reasons)
    with writing():
        audit.record(actor, AuditEvent.Action.DELETE, funder, changes=audit.snapshot(funder))
        funder.delete()


# --- hourly rates --------------------------------------------------------------------


def _check_rate(rate: HourlyRate, errors: Errors) -> None:
    programme = rate.programme
    if rate.organisation_id is not None and rate.organisation_id not in set(
        programme.organisations.values_list("pk", flat=True)
    ):
        add_error(errors, "organisation", _("Deze organisatie voert het programma niet uit."))
    if rate.year and "year" not in errors and rate.year not in programme.years:
        add_error(
            errors,
            "year",
            _("Kies een jaar binnen de looptijd van het programma (%(first)s-%(last)s).")
            % {"first": programme.starts_on.year, "last": programme.ends_on.year},
        )


def create_rate(actor: Any, programme: Programme, data: Mapping[str, Any]) -> HourlyRate:
    """An executing organisation's hourly rate from a year on (until a later year's)."""
    require(can_edit_plan(actor, programme))
    rate = HourlyRate(programme=programme, region_id=programme.region_id)
    set_fields(rate, data, RATE_FIELDS)
    errors = model_errors(rate, {"rate_unique_year": "year"})
    _check_rate(rate, errors)
    raise_errors(errors)
    with writing():
        rate.save()
        audit.record(actor, AuditEvent.Action.CREATE, rate, changes=audit.snapshot(rate))
    return rate


def update_rate(actor: Any, rate: HourlyRate, data: Mapping[str, Any]) -> HourlyRate:
    require(can_edit_plan(actor, rate.programme))
    before = audit.snapshot(rate)
    set_fields(rate, data, RATE_FIELDS)
    errors = model_errors(rate, {"rate_unique_year": "year"})
    _check_rate(rate, errors)
    if errors:
        rate.refresh_from_db()
        raise_errors(errors)
    with writing():
        rate.save()
        changes = changes_between(before, audit.snapshot(rate))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, rate, changes=changes)
    return rate


def delete_rate(actor: Any, rate: HourlyRate) -> None:
    """Plan lines of that organisation then use the rate of an earlier year (or have
    none: the financing overview says so)."""
    require(can_edit_plan(actor, rate.programme))
    with writing():
        audit.record(actor, AuditEvent.Action.DELETE, rate, changes=audit.snapshot(rate))
        rate.delete()


# --- activity types ------------------------------------------------------------------

ACTIVITY_TYPE_CONSTRAINTS = {
    "activity_type_unique_code": "code",
    "activity_type_unique_name": "name",
}


def _free_code(programme: Programme, name: str, exclude_pk: int | None) -> str:
    base = slugify(name)[:45] or "activiteit"
    others = ActivityType.objects.filter(programme=programme, code__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("code", flat=True))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def create_activity_type(actor: Any, programme: Programme, data: Mapping[str, Any]) -> ActivityType:
    """A new activity type; without a code one is made from the name."""
    require(can_edit_plan(actor, programme))
    activity_type = ActivityType(programme=programme, region_id=programme.region_id)
    set_fields(activity_type, data, ACTIVITY_TYPE_FIELDS)
    if not activity_type.code and activity_type.name:
        activity_type.code = _free_code(programme, activity_type.name, None)
    if "position" not in data or data.get("position") is None:
        last = ActivityType.objects.filter(programme=programme).aggregate(m=Max("position"))["m"]
        activity_type.position = (last or 0) + 10
    raise_errors(model_errors(activity_type, ACTIVITY_TYPE_CONSTRAINTS))
    with writing():
        activity_type.save()
        audit.record(
            actor, AuditEvent.Action.CREATE, activity_type, changes=audit.snapshot(activity_type)
        )
    return activity_type


def update_activity_type(
    actor: Any, activity_type: ActivityType, data: Mapping[str, Any]
) -> ActivityType:
    require(can_edit_plan(actor, activity_type.programme))
    before = audit.snapshot(activity_type)
    set_fields(activity_type, data, ACTIVITY_TYPE_FIELDS)
    if not activity_type.code and activity_type.name:
        activity_type.code = _free_code(
            activity_type.programme, activity_type.name, activity_type.pk
        )
    if activity_type.position is None:
        activity_type.position = before.get("position") or 0
    errors = model_errors(activity_type, ACTIVITY_TYPE_CONSTRAINTS)
    if errors:
        activity_type.refresh_from_db()
        raise_errors(errors)
    with writing():
        activity_type.save()
        changes = changes_between(before, audit.snapshot(activity_type))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, activity_type, changes=changes)
    return activity_type


def activity_type_delete_blockers(activity_type: ActivityType) -> list[str]:
    reasons = []
    lines = PlanLine.objects.filter(activity_type=activity_type).count()
    if lines:
        reasons.append(
            _(
                "%(count)s planregel(s) gebruiken deze activiteitsoort; verwijder of wijzig "
                "die eerst."
            )
            % {"count": lines}
        )
    if HourEntry.objects.filter(activity_type=activity_type).exists():
        reasons.append(
            _(
                "Er zijn uren op deze activiteitsoort geschreven; die blijven verantwoord, dus "
                "de soort blijft bestaan."
            )
        )
    return reasons


def delete_activity_type(actor: Any, activity_type: ActivityType) -> None:
    require(can_edit_plan(actor, activity_type.programme))
    reasons = activity_type_delete_blockers(activity_type)
    if reasons:
        raise ValidationError(reasons)
    with writing():
        audit.record(
            actor, AuditEvent.Action.DELETE, activity_type, changes=audit.snapshot(activity_type)
        )
        activity_type.delete()
