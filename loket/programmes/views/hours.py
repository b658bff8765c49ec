"""Hour registration pages: the list of hours (with CSV/XLSX export), changing or
deleting one entry, and the permission for more hours than a company's cap; the week
screen lives in ``hours_week.py``. ``urlpatterns`` lists them all.

Views are thin: they read through ``queries.py`` (someone else's entry or a programme
one does not see is a 404; someone else's entry a programme manager sees is a 403 on
changing it), declare input with forms, and change hours only through
``services.hours`` and ``services.hour_caps``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from loket.companies.queries import companies_visible_to
from loket.core.export import Column, export_format, export_response
from loket.core.forms import MAX_PK
from loket.core.lists import Sorting, SortOption, paginate
from loket.core.numbers import hours as fmt_hours
from loket.programmes.forms.hours import CapOverrideForm, HourEntryForm, HourFilterSet
from loket.programmes.models import ZERO, HourEntry
from loket.programmes.queries import (
    can_approve,
    get_programme_for_user,
    hour_entries_visible_to,
)
from loket.programmes.services import hours as services
from loket.programmes.services.hour_caps import CapCheck, cap_usage, grant_cap_override
from loket.programmes.services.hours import Draft, HoursRefused
from loket.programmes.views.hours_week import (
    ENTRY_RELATED,
    activity_types_of,
    asked_companies,
    bounded_id,
    form_status,
    hours_week,
    override_url,
    report_saved,
    request_user,
    targets_for,
    week_url,
)

# --- the list ------------------------------------------------------------------------

SORTING = Sorting(
    [
        SortOption("date", gettext_lazy("Datum"), ("-date", "-id")),
        SortOption("company", gettext_lazy("Bedrijf"), ("company__name", "-date", "-id")),
        SortOption("user", gettext_lazy("Medewerker"), ("user__full_name", "-date", "-id")),
        SortOption("hours", gettext_lazy("Uren"), ("-hours", "-date", "-id")),
    ],
    default="date",
)

EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("Datum"), "date"),
    (gettext_lazy("Medewerker"), lambda e: e.user.full_name or e.user.email),
    (gettext_lazy("Organisatie"), "organisation.name"),
    (gettext_lazy("Programma"), "programme.name"),
    (gettext_lazy("Activiteit"), "activity_type.name"),
    (gettext_lazy("Bedrijf"), "company.name"),
    (gettext_lazy("KvK-nummer"), "company.kvk_number"),
    (gettext_lazy("Traject"), "trajectory.title"),
    (gettext_lazy("Uren"), "hours"),
    (gettext_lazy("Notitie"), "note"),
]


@login_required
@require_GET
def hour_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """One's own hours; a programme manager sees everyone's hours of the region's
    programmes. Filtered, paginated, exported whole."""
    user = request_user(request)
    filterset = HourFilterSet(request.GET, queryset=hour_entries_visible_to(user), request=request)
    queryset = filterset.qs.select_related(*ENTRY_RELATED)
    fmt = export_format(request)
    if fmt is not None:
        return export_response(fmt, SORTING.apply(queryset, request.GET), EXPORT_COLUMNS, "uren")
    listing = paginate(request, queryset, sorting=SORTING)
    total = filterset.qs.aggregate(total=Sum("hours"))["total"] or ZERO
    return render(
        request,
        "programmes/hours_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "total": total,
            "user_id": user.pk,
        },
    )


# --- one entry -----------------------------------------------------------------------


def _entry(request: HttpRequest, pk: int) -> HourEntry:
    """One's own entry (a programme manager sees others' too: 403 on changing them)."""
    if pk > MAX_PK:
        raise Http404
    user = request_user(request)
    entry = hour_entries_visible_to(user).select_related(*ENTRY_RELATED).filter(pk=pk).first()
    if entry is None:
        raise Http404
    if not services.may_change(user, entry):
        raise PermissionDenied
    return entry


def _week_of(entry: HourEntry) -> str:
    monday = entry.date - dt.timedelta(days=entry.date.weekday())
    several = len(services.registrable_programmes(entry.user)) > 1
    return week_url(entry.programme, monday, several)


# Where a service's field goes on the form of one entry.
ENTRY_FIELDS = {
    "date": "date",
    "hours": "hours",
    "activity_type": "activity_type",
    "trajectory": "target",
    "note": "note",
}


@login_required
@require_http_methods(["GET", "POST"])
def hour_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    user = request_user(request)
    programme = entry.programme
    targets = targets_for(user, programme, [entry], asked_companies(request))
    form = HourEntryForm(
        request.POST if request.method == "POST" else None,
        initial=HourEntryForm.initial_from(entry),
        user=user,
        programme=programme,
        targets=targets,
        activity_types=activity_types_of(programme),
    )
    blocked: list[tuple[CapCheck, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = Draft(
            date=data["date"],
            activity_type=data["activity"],
            hours=data["hours"],
            company=data.get("company"),
            trajectory=data.get("trajectory"),
            note=data.get("note", ""),
        )
        try:
            result = services.change_hours(user, entry, draft)
        except HoursRefused as exc:
            for problems in exc.lines.values():
                for name, texts in problems.items():
                    if name == "company":
                        target: str | None = "lookup" if data.get("lookup") else "target"
                    else:
                        target = ENTRY_FIELDS.get(name)
                    for text in texts:
                        form.add_error(target, text)
            for block in exc.blocked:
                form.add_error("hours", block.check.message)
                blocked.append((block.check, override_url(block.check)))
            entry.refresh_from_db()
        else:
            report_saved(request, result)
            return redirect(_week_of(entry))
    return render(
        request,
        "programmes/hours_edit.html",
        {"form": form, "entry": entry, "blocked": blocked, "week_url": _week_of(entry)},
        status=form_status(form) if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hour_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    user = request_user(request)
    back = _week_of(entry)
    if request.method == "POST":
        services.delete_hours(user, entry)
        messages.success(
            request,
            _("De %(hours)s uur van %(date)s zijn verwijderd.")
            % {"hours": fmt_hours(entry.hours), "date": entry.date.strftime("%d-%m-%Y")},
        )
        return redirect(back)
    return render(request, "programmes/hours_delete.html", {"entry": entry, "week_url": back})


# --- more hours ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cap_override_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Permission for more hours for a company. Everyone who works in the programme sees
    where the company stands and whom to ask; a programme manager grants it here."""
    if pk > MAX_PK:
        raise Http404
    user = request_user(request)
    programme = get_programme_for_user(user, pk)
    may_grant = can_approve(user, programme)
    if request.method == "POST" and not may_grant:
        raise PermissionDenied
    schemes = list(programme.schemes.filter(hours_cap_per_company__isnull=False).order_by("name"))
    company = None
    company_id = bounded_id(request.GET.get("bedrijf"))
    if company_id is not None:
        company = (
            companies_visible_to(user).filter(pk=company_id, region_id=programme.region_id).first()
        )
    scheme_id = bounded_id(request.GET.get("regeling"))
    scheme = next((s for s in schemes if s.pk == scheme_id), None)
    initial: dict[str, Any] = {"scheme": str(scheme.pk) if scheme else ""}
    if company is not None:
        initial["company"] = company.kvk_number or company.name
    form = CapOverrideForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=user,
        programme=programme,
        schemes=schemes,
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["company"]
        try:
            override = grant_cap_override(
                user,
                programme,
                company=chosen,
                scheme=form.cleaned_data["scheme"],
                extra_hours=form.cleaned_data["extra_hours"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for name, texts in exc.message_dict.items():
                for text in texts:
                    form.add_error(name if name in form.fields else None, text)
        else:
            usage = cap_usage(programme, chosen, override.scheme)
            messages.success(
                request,
                _("%(company)s mag %(extra)s uur meer. Het maximum is nu %(cap)s uur.")
                % {
                    "company": chosen.name,
                    "extra": fmt_hours(override.extra_hours),
                    "cap": fmt_hours(usage.cap if usage else override.extra_hours),
                },
            )
            query = {"bedrijf": chosen.pk}
            if override.scheme_id:
                query["regeling"] = override.scheme_id
            return redirect(f"{request.path}?{urlencode(query)}")
    usage = cap_usage(programme, company, scheme) if company is not None else None
    overrides = (
        list(
            programme.cap_overrides.filter(company=company)
            .select_related("scheme", "granted_by")
            .order_by("-created_at")
        )
        if company is not None
        else []
    )
    return render(
        request,
        "programmes/hours_override.html",
        {
            "programme": programme,
            "form": form,
            "may_grant": may_grant,
            "company": company,
            "scheme": scheme,
            "usage": usage,
            "overrides": overrides,
            "managers": services.managers_of(programme),
            "has_caps": bool(schemes) or programme.hours_cap_per_company is not None,
        },
        status=form_status(form) if request.method == "POST" else 200,
    )


urlpatterns: list[URLPattern] = [
    path("uren/", hours_week, name="hours_week"),
    path("uren/overzicht/", hour_list, name="hour_list"),
    path("uren/<int:pk>/bewerken/", hour_edit, name="hour_edit"),
    path("uren/<int:pk>/verwijderen/", hour_delete, name="hour_delete"),
    path("<int:pk>/uren/toestemming/", cap_override_create, name="cap_override_create"),
]
