"""The read side of monitoring: who sees which figures, reports, business cases and
survey results, and who may change them.

- A programme's monitoring (indicators, dashboard, reports) is seen by whoever sees the
  programme (``programmes_visible_to``). Programme staff of its region see the whole
  programme; staff of an executing organisation see their organisation's share
  (``share_of``): every figure is computed with their organisation as a filter.
- Programme managers and administrators define action lines, indicators and targets and
  the survey settings; programme managers write and submit the merged report.
- The staff of an executing organisation write and submit their organisation's report;
  a programme manager may too.
- Business cases: programme staff of the region see all of a programme's; others those
  of their own organisations, which they also keep.
- Municipality view: programme staff choose any municipality of their region; the staff
  of a municipality's organisation see their own municipality.
- The records behind a figure are intersected with what the viewer may see
  (``traceable``): a figure may rest on records a partner cannot open.
- Anything else is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from loket.accounts.models import Organisation
from loket.core.models import Municipality
from loket.core.permissions import scope_of
from loket.monitoring.models import (
    BusinessCase,
    Indicator,
    Measure,
    Report,
    ReportVersion,
    SurveyInvitation,
)
from loket.programmes.models import Programme
from loket.programmes.queries import (
    can_edit_plan,
    executing_organisation_ids,
    programmes_visible_to,
)


def share_of(user: Any, programme: Programme) -> frozenset[int] | None:
    """None: the user sees the whole programme; otherwise the organisations whose share
    the user sees (may be empty: then the user sees nothing of it)."""
    scope = scope_of(user)
    if scope.is_programme_staff(programme.region_id):
        return None
    return frozenset(scope.organisation_ids & executing_organisation_ids(programme))


def can_define(user: Any, programme: Programme) -> bool:
    """Action lines, indicators, targets."""
    return can_edit_plan(user, programme)


def can_manage_survey(user: Any, region_id: int) -> bool:
    return scope_of(user).has_role("programme_manager", "administrator", region_id=region_id)


def can_see_survey_results(user: Any, region_id: int) -> bool:
    """Survey results by programme, organisation, advisor and instrument: the programme
    staff of the region (always aggregated, never below the threshold)."""
    return scope_of(user).is_programme_staff(region_id)


# --- monitoring-survey ---


def survey_region_for(user: Any, *, manage: bool = False) -> int | None:
    """The region whose survey settings the user reads (programme staff) or changes
    (``manage``: programme managers and administrators): their first such region."""
    scope = scope_of(user)
    regions = sorted(scope.programme_region_ids())
    if manage:
        regions = [r for r in regions if can_manage_survey(user, r)]
    return regions[0] if regions else None


# --- end monitoring-survey ---


def indicators_visible_to(user: Any) -> QuerySet[Indicator]:
    return Indicator.objects.filter(programme__in=programmes_visible_to(user))


def get_indicator_for_user(user: Any, pk: int) -> Indicator:
    indicator = (
        indicators_visible_to(user)
        .select_related("programme", "programme__region", "action_line")
        .filter(pk=pk)
        .first()
    )
    if indicator is None:
        raise Http404
    return indicator


def report_organisations(user: Any, programme: Programme) -> list[int]:
    """Executing organisations whose report the user may write."""
    orgs = executing_organisation_ids(programme)
    if scope_of(user).has_role("programme_manager", region_id=programme.region_id):
        return sorted(orgs)
    return sorted(orgs & scope_of(user).organisation_ids)


def can_edit_report(user: Any, report: Report) -> bool:
    scope = scope_of(user)
    if scope.has_role("programme_manager", region_id=report.region_id):
        return True
    if report.organisation_id is None:
        return False
    return report.organisation_id in scope.organisation_ids


def reports_visible_to(user: Any) -> QuerySet[Report]:
    scope = scope_of(user)
    programmes = programmes_visible_to(user)
    staff_regions = scope.programme_region_ids()
    return Report.objects.filter(programme__in=programmes).filter(
        Q(region_id__in=staff_regions) | Q(organisation_id__in=scope.organisation_ids)
    )


def get_report_for_user(user: Any, pk: int) -> Report:
    report = (
        reports_visible_to(user)
        .select_related("programme", "programme__region", "organisation")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def get_version_for_user(user: Any, report_pk: int, number: int) -> ReportVersion:
    version = (
        ReportVersion.objects.filter(report__in=reports_visible_to(user))
        .select_related("report")
        .filter(report_id=report_pk, number=number)
        .first()
    )
    if version is None:
        raise Http404
    return version


def business_cases_visible_to(user: Any) -> QuerySet[BusinessCase]:
    scope = scope_of(user)
    if not scope.organisation_ids:
        return BusinessCase.objects.none()
    return BusinessCase.objects.filter(
        Q(region_id__in=scope.programme_region_ids())
        | Q(organisation_id__in=scope.organisation_ids, region_id__in=scope.region_ids)
    )


def get_business_case_for_user(user: Any, pk: int) -> BusinessCase:
    found = (
        business_cases_visible_to(user)
        .select_related("programme", "organisation", "company")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def business_case_organisations(user: Any, programme: Programme) -> QuerySet[Organisation]:
    """Organisations for which the user keeps business cases in the programme: their own
    executing organisations (programme managers: every executing organisation)."""
    orgs = executing_organisation_ids(programme)
    if not scope_of(user).has_role("programme_manager", region_id=programme.region_id):
        orgs = orgs & scope_of(user).organisation_ids
    return Organisation.objects.filter(pk__in=orgs).order_by("name")


def can_edit_business_case(user: Any, case: BusinessCase) -> bool:
    scope = scope_of(user)
    return case.organisation_id in scope.organisation_ids or scope.has_role(
        "programme_manager", region_id=case.region_id
    )


def municipalities_for(user: Any) -> QuerySet[Municipality]:
    """The municipalities whose view the user may open."""
    scope = scope_of(user)
    own = Organisation.objects.filter(
        pk__in=scope.organisation_ids, municipality__isnull=False
    ).values("municipality_id")
    return Municipality.objects.filter(
        Q(region_id__in=scope.programme_region_ids()) | Q(pk__in=own)
    ).order_by("name")


def get_municipality_for_user(user: Any, pk: int) -> Municipality:
    found = municipalities_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def survey_invitations_visible_to(user: Any) -> QuerySet[SurveyInvitation]:
    """Single invitations (for traceability of the response rate): programme staff of
    the region; never the answers of a group below the threshold (the views aggregate)."""
    return SurveyInvitation.objects.filter(region_id__in=scope_of(user).programme_region_ids())


MEASURE_LABELS = dict(Measure.choices)


# --- monitoring-indicators ---


def traceable(user: Any, rows: QuerySet[Any]) -> QuerySet[Any]:
    """The rows behind a figure (``measures.records``) that ``user`` may see: each kind
    of record by its own app's visibility rule. Survey invitations only for programme
    staff (and the pages show them without their answers)."""
    from loket.casework.models import Case, ContactMoment
    from loket.casework.queries import cases_visible_to, contact_moments_visible_to
    from loket.collectives.models import Collective, Match, TableSession
    from loket.collectives.queries import (
        collectives_visible_to,
        matches_visible_to,
        sessions_visible_to,
    )
    from loket.companies.models import Company
    from loket.companies.queries import companies_visible_to
    from loket.events.models import Event, Registration
    from loket.events.queries import events_visible_to, registrations_visible_to
    from loket.programmes.models import HourEntry, Trajectory, Voucher
    from loket.programmes.queries import hour_entries_visible_to, trajectories_visible_to

    visible: dict[type[Any], Any] = {
        Case: cases_visible_to,
        ContactMoment: contact_moments_visible_to,
        Company: companies_visible_to,
        Trajectory: trajectories_visible_to,
        Voucher: lambda u: Voucher.objects.filter(
            trajectory__in=trajectories_visible_to(u).values("pk")
        ),
        Event: events_visible_to,
        Registration: registrations_visible_to,
        TableSession: sessions_visible_to,
        Match: matches_visible_to,
        Collective: collectives_visible_to,
        HourEntry: hour_entries_visible_to,
        SurveyInvitation: survey_invitations_visible_to,
    }
    rule = visible.get(rows.model)
    if rule is None:
        return rows.none()
    return rows.filter(pk__in=rule(user).values("pk"))


def company_visible_q(user: Any, path: str = "company") -> Q:
    """Rows whose company (at ``path``) the user may open: for showing its name."""
    from loket.companies.queries import companies_visible_to

    return Q(**{f"{path}__in": companies_visible_to(user).values("pk")})


# --- monitoring-reports ---


def can_write_merged_report(user: Any, programme: Programme) -> bool:
    """The merged report of a programme: its programme managers."""
    return scope_of(user).has_role("programme_manager", region_id=programme.region_id)


def reports_of_programme(user: Any, programme: Programme) -> QuerySet[Report]:
    """The programme's reports the user sees, with their latest version's number and
    date (two subqueries: one query for the whole list)."""
    from django.db.models import OuterRef, Subquery

    latest = ReportVersion.objects.filter(report_id=OuterRef("pk")).order_by("-number")
    return (
        reports_visible_to(user)
        .filter(programme=programme)
        .select_related("organisation")
        .annotate(
            latest_number=Subquery(latest.values("number")[:1]),
            latest_at=Subquery(latest.values("submitted_at")[:1]),
        )
        .order_by("-year", "-quarter", "kind", "organisation__name")
    )


# --- monitoring-business ---


def with_may_change(user: Any, rows: QuerySet[BusinessCase]) -> QuerySet[BusinessCase]:
    """``rows`` annotated with ``may_change`` (``can_edit_business_case`` in SQL, so a
    list asks no query per row)."""
    from django.db.models import BooleanField, ExpressionWrapper, Value

    scope = scope_of(user)
    managed = [r for r, roles in scope.roles_by_region.items() if "programme_manager" in roles]
    condition = Q()
    if scope.organisation_ids:
        condition |= Q(organisation_id__in=sorted(scope.organisation_ids))
    if managed:
        condition |= Q(region_id__in=sorted(managed))
    if not condition:
        return rows.annotate(may_change=Value(False, output_field=BooleanField()))
    return rows.annotate(may_change=ExpressionWrapper(condition, output_field=BooleanField()))
