"""API: hour registration (list, register one entry, read, change, delete), where a
company stands against its cap, and a programme manager's permission for more hours.

Reads go through ``queries.py``: one's own hours, and for a programme manager everyone's
hours of the region's programmes; anything else is a 404. Changes go through
``services/hours.py`` and ``services/hour_caps.py``: only one's own hours (someone else's
entry a manager sees is a 403), on a programme one's organisation executes (else 403);
a rule that refuses (a day in the future, a withdrawn trajectory, a cap that would be
exceeded) is a 422 with the reason on the field. Hours are strings with two decimals.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from loket.accounts.models import Organisation, User
from loket.companies.queries import companies_visible_to
from loket.core.api import (
    _NO_NUL,
    Day,
    Id,
    Input,
    LimitOffset,
    PathId,
    Ref,
    UserRef,
    actor,
    apply_filterset,
    apply_sorting,
    errors,
    field_error,
    filter_schema,
    resolve_one,
    sort_parameter,
)
from loket.core.permissions import require
from loket.programmes import queries
from loket.programmes.forms.hours import HourFilterSet
from loket.programmes.models import HourEntry, Programme, Scheme
from loket.programmes.services import hours as services
from loket.programmes.services.hour_caps import CapCheck, cap_usage, grant_cap_override
from loket.programmes.services.hours import Draft, HoursSaved
from loket.programmes.views.hours import SORTING

router = Router(tags=["programmes"])

Hours = Annotated[Decimal, Field(gt=0, le=24, max_digits=4, decimal_places=2)]
ExtraHours = Annotated[Decimal, Field(gt=0, le=1000, max_digits=6, decimal_places=2)]
Note = Annotated[str, StringConstraints(max_length=500), _NO_NUL]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000), _NO_NUL]


# --- schemas -------------------------------------------------------------------------


class HourEntryIn(Input):
    date: Day = Field(description="De dag (vandaag of eerder, binnen de looptijd).")
    activity_type: Id = Field(description="Id van een activiteitsoort van het programma.")
    hours: Hours = Field(description="Uren in kwartieren: 0.25 tot en met 24.")
    company: Id | None = Field(
        None,
        description="Id van het bedrijf; bij een traject: een deelnemer (standaard de penvoerder).",
    )
    trajectory: Id | None = Field(
        None, description="Id van een goedgekeurd, lopend of afgerond traject van het programma."
    )
    note: Note = ""
    organisation: Id | None = Field(
        None,
        description="Id van de organisatie waarvoor u werkte; alleen nodig als u voor meer "
        "uitvoerende organisaties werkt (standaard de eerste).",
    )


class HourEntryPatch(Input):
    date: Day | None = None
    activity_type: Id | None = None
    hours: Hours | None = None
    company: Id | None = Field(None, description="null: geen bedrijf.")
    trajectory: Id | None = Field(None, description="null: geen traject.")
    note: Note | None = None


class TrajectoryRef(Schema):
    id: int
    title: str


class HourEntryOut(Schema):
    id: int
    programme: Ref
    user: UserRef
    organisation: Ref
    date: dt.date
    activity_type: Ref
    company: Ref | None
    trajectory: TrajectoryRef | None
    hours: Decimal
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime


class CapOut(Schema):
    company: Ref
    scheme: Ref | None = Field(None, description="Leeg: het maximum buiten trajecten.")
    cap: Decimal = Field(description="Het maximum inclusief toegestane extra uren.")
    base_cap: Decimal
    extra: Decimal
    used: Decimal = Field(description="Uren die al geregistreerd zijn (iedereen samen).")
    share: Decimal = Field(description="Geregistreerd als percentage van het maximum.")
    message: str = Field(description="De waarschuwing vanaf 80 %, anders leeg.")


class HourSavedOut(HourEntryOut):
    warnings: list[CapOut] = Field(
        description="De maxima waarvan nu 80 % of meer gebruikt is (de uren zijn opgeslagen)."
    )


class CapOverrideIn(Input):
    company: Id
    scheme: Id | None = Field(
        None,
        description="Id van de regeling; leeg: het maximum van het programma buiten trajecten.",
    )
    extra_hours: ExtraHours = Field(description="Extra uren in kwartieren (0.25 tot 1000).")
    reason: Reason


class CapOverrideOut(Schema):
    id: int
    programme: int
    company: Ref
    scheme: Ref | None
    extra_hours: Decimal
    reason: str
    granted_by: UserRef
    created_at: dt.datetime
    cap: CapOut | None = Field(description="Waar het bedrijf nu staat.")


def _cap_out(check: CapCheck) -> dict[str, Any]:
    return {
        "company": check.company,
        "scheme": check.scheme,
        "cap": check.cap,
        "base_cap": check.base_cap,
        "extra": check.extra,
        "used": check.total,
        "share": check.share.quantize(Decimal("0.01")),
        "message": check.message if (check.warning or check.blocked) else "",
    }


# --- helpers -------------------------------------------------------------------------

RELATED = ("programme", "user", "organisation", "activity_type", "company", "trajectory__company")


def _entry(user: User, pk: int) -> HourEntry:
    entry = queries.hour_entries_visible_to(user).select_related(*RELATED).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def _saved(user: User, entry: HourEntry, result: HoursSaved) -> HourEntry:
    fresh = _entry(user, entry.pk)
    fresh.warnings = [_cap_out(check) for check in result.warnings]  # type: ignore[attr-defined]
    return fresh


def _resolve(user: User, programme: Programme, payload: Any, fields: set[str]) -> dict[str, Any]:
    """The payload's ids as rows the user may reference in this programme (else 422)."""
    out: dict[str, Any] = {}
    if "activity_type" in fields:
        out["activity_type"] = resolve_one(
            programme.activity_types.all(), payload.activity_type, "activity_type"
        )
    if "company" in fields:
        out["company"] = resolve_one(
            companies_visible_to(user).filter(region_id=programme.region_id),
            payload.company,
            "company",
        )
    if "trajectory" in fields:
        out["trajectory"] = resolve_one(
            queries.trajectories_visible_to(user)
            .filter(programme=programme)
            .select_related("company", "scheme"),
            payload.trajectory,
            "trajectory",
        )
    if "organisation" in fields:
        out["organisation"] = resolve_one(
            Organisation.objects.filter(pk__in=queries.hour_organisations(user, programme)),
            payload.organisation,
            "organisation",
        )
    return out


# --- hours ---------------------------------------------------------------------------

HourFilters = filter_schema("HourFilters", HourFilterSet, extra={"sort": sort_parameter(SORTING)})


@router.get("/hours", response={200: list[HourEntryOut], **errors(401, 422)}, summary="Uren")
@paginate(LimitOffset)
def list_hours(
    request: HttpRequest,
    filters: HourFilters = Query(...),  # type: ignore[valid-type]  # noqa: B008
) -> Any:
    """Uw eigen uren; een programmamanager ziet de uren van iedereen in de programma's van
    de regio. Filters: `programme`, `date_from`, `date_to`, `user`, `activity_type`,
    `company` (naam of KvK-nummer)."""
    user = actor(request)
    queryset = queries.hour_entries_visible_to(user).select_related(*RELATED)
    queryset = apply_filterset(HourFilterSet, request, queryset)
    return apply_sorting(SORTING, queryset, getattr(filters, "sort", None))


@router.post(
    "/programmes/{programme_id}/hours",
    response={201: HourSavedOut, **errors(401, 403, 404, 422)},
    summary="Uren registreren",
)
def register_hours(request: HttpRequest, programme_id: PathId, payload: HourEntryIn) -> Any:
    """Registreert uw eigen uren op één dag. Boven het maximum per bedrijf volgt 422 met
    het maximum, de al geregistreerde uren en het nieuwe totaal (en wie meer kan toestaan);
    vanaf 80 % worden de uren opgeslagen met een waarschuwing in `warnings`."""
    user = actor(request)
    programme = queries.get_programme_for_user(user, programme_id)
    require(queries.can_register_hours(user, programme))
    refs = _resolve(
        user, programme, payload, {"activity_type", "company", "trajectory", "organisation"}
    )
    result = services.register_hours(
        user,
        programme,
        Draft(
            date=payload.date,
            activity_type=refs["activity_type"],
            hours=payload.hours,
            company=refs["company"],
            trajectory=refs["trajectory"],
            note=payload.note,
            organisation=refs["organisation"],
        ),
    )
    return Status(201, _saved(user, result.created[0], result))


@router.get(
    "/hours/{entry_id}", response={200: HourEntryOut, **errors(401, 404, 422)}, summary="Urenregel"
)
def get_hours(request: HttpRequest, entry_id: PathId) -> Any:
    return _entry(actor(request), entry_id)


@router.patch(
    "/hours/{entry_id}",
    response={200: HourSavedOut, **errors(401, 403, 404, 422)},
    summary="Urenregel wijzigen",
)
def change_hours(request: HttpRequest, entry_id: PathId, payload: HourEntryPatch) -> Any:
    """Wijzigt de meegestuurde velden van uw eigen urenregel; het maximum per bedrijf wordt
    opnieuw bekeken."""
    user = actor(request)
    entry = _entry(user, entry_id)
    require(services.may_change(user, entry))
    given = payload.model_fields_set
    refs = _resolve(
        user, entry.programme, payload, given & {"activity_type", "company", "trajectory"}
    )
    if "activity_type" in given and refs.get("activity_type") is None:
        raise field_error("activity_type", _("Dit veld is verplicht."), "missing")
    draft = Draft(
        date=payload.date if payload.date is not None else entry.date,
        activity_type=refs.get("activity_type") or entry.activity_type,
        hours=payload.hours if payload.hours is not None else entry.hours,
        company=refs["company"]
        if "company" in given
        else (None if "trajectory" in given else entry.company),
        trajectory=refs["trajectory"] if "trajectory" in given else entry.trajectory,
        note=payload.note if payload.note is not None else entry.note,
    )
    result = services.change_hours(user, entry, draft)
    return _saved(user, entry, result)


@router.delete(
    "/hours/{entry_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Urenregel verwijderen",
)
def delete_hours(request: HttpRequest, entry_id: PathId) -> Any:
    user = actor(request)
    entry = _entry(user, entry_id)
    require(services.may_change(user, entry))
    services.delete_hours(user, entry)
    return Status(204, None)


# --- the cap -------------------------------------------------------------------------


@router.get(
    "/programmes/{programme_id}/companies/{company_id}/hour-caps",
    response={200: list[CapOut], **errors(401, 404, 422)},
    summary="Stand van een bedrijf tegenover de maxima aan uren",
)
def list_hour_caps(request: HttpRequest, programme_id: PathId, company_id: PathId) -> Any:
    """Per maximum dat voor het bedrijf geldt (dat van het programma voor uren buiten
    trajecten, en dat van elke regeling met een maximum): het maximum, de extra
    toegestane uren en wat al geregistreerd is (iedereen samen)."""
    user = actor(request)
    programme = queries.get_programme_for_user(user, programme_id)
    company = (
        companies_visible_to(user).filter(pk=company_id, region_id=programme.region_id).first()
    )
    if company is None:
        raise Http404
    schemes: list[Scheme | None] = [None]
    schemes += list(
        programme.schemes.filter(hours_cap_per_company__isnull=False).order_by("name", "pk")
    )
    usages = [cap_usage(programme, company, scheme) for scheme in schemes]
    return [_cap_out(usage) for usage in usages if usage is not None]


@router.post(
    "/programmes/{programme_id}/cap-overrides",
    response={201: CapOverrideOut, **errors(401, 403, 404, 422)},
    summary="Extra uren toestaan",
)
def create_cap_override(request: HttpRequest, programme_id: PathId, payload: CapOverrideIn) -> Any:
    """Een programmamanager staat voor een bedrijf extra uren toe boven het maximum van een
    regeling (`scheme`) of van het programma buiten trajecten, met een reden."""
    user = actor(request)
    programme = queries.get_programme_for_user(user, programme_id)
    require(queries.can_approve(user, programme))
    company = resolve_one(
        companies_visible_to(user).filter(region_id=programme.region_id), payload.company, "company"
    )
    scheme = resolve_one(programme.schemes.all(), payload.scheme, "scheme")
    assert company is not None
    override = grant_cap_override(
        user,
        programme,
        company=company,
        scheme=scheme,
        extra_hours=payload.extra_hours,
        reason=payload.reason,
    )
    usage = cap_usage(programme, company, scheme)
    return Status(
        201,
        {
            "id": override.pk,
            "programme": programme.pk,
            "company": company,
            "scheme": scheme,
            "extra_hours": override.extra_hours,
            "reason": override.reason,
            "granted_by": user,
            "created_at": override.created_at,
            "cap": _cap_out(usage) if usage else None,
        },
    )
