"""Staff pages of the satisfaction survey.

- ``survey_settings``: the region's settings (programme managers and administrators:
  ``queries.can_manage_survey``; anyone else: 404);
- ``satisfaction``: the results of a programme for a year or a quarter (the programme
  staff of the region: ``queries.can_see_survey_results``; someone who sees the programme
  but is not programme staff: 403; who does not see it: 404). Average, distribution and
  comments appear only from 5 answers; the breakdowns per organisation, advisor,
  instrument and quarter say "te weinig antwoorden" below that. ``?export=csv|xlsx``
  downloads the breakdowns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from loket.companies.forms import add_service_errors
from loket.core.export import export_format, export_response
from loket.core.numbers import number, percent
from loket.monitoring import queries, satisfaction
from loket.monitoring.forms.survey import SatisfactionPeriodForm, SurveySettingsForm
from loket.monitoring.services import survey as services
from loket.programmes.periods import default_period, quarters
from loket.programmes.queries import get_programme_for_user

BY_LABELS = {
    "organisation": gettext_lazy("Per organisatie"),
    "owner": gettext_lazy("Per adviseur"),
    "instrument": gettext_lazy("Per instrument"),
    "quarter": gettext_lazy("Per kwartaal"),
}


@login_required
@require_http_methods(["GET", "POST"])
def survey_settings(request: HttpRequest) -> HttpResponse:
    region_id = queries.survey_region_for(request.user, manage=True)
    if region_id is None:
        raise Http404
    current = services.settings_for(region_id)
    form = SurveySettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_settings(request.user, region_id, form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("De instellingen van de enquête zijn opgeslagen."))
                return redirect("monitoring:survey_settings")
        status = 400
    return render(
        request,
        "monitoring/survey/settings.html",
        {"form": form, "region": current.region},
        status=status,
    )


def _period(programme: Any, form: SatisfactionPeriodForm) -> tuple[dt.date, dt.date, str]:
    """The chosen period; the default (this year of the programme) when nothing or
    garbage was chosen."""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        whole = not form.data.get("jaar")
        return satisfaction.period(programme, data.get("jaar"), data.get("kwartaal"), whole=whole)
    return satisfaction.period(programme, None, None)


def _export(programme: Any, tables: dict[str, list[dict[str, Any]]], fmt: str) -> HttpResponse:
    rows = [{"by": str(BY_LABELS[by]), **row} for by, table in tables.items() for row in table]
    too_few = _("te weinig antwoorden")
    columns: list[Any] = [
        (_("Indeling"), lambda r: r["by"]),
        (_("Groep"), lambda r: r["label"]),
        (_("Antwoorden"), lambda r: r["answers"]),
        (_("Gemiddeld cijfer"), lambda r: r["average"] if not r["suppressed"] else too_few),
        (_("Verstuurd"), lambda r: r["sent"]),
        (_("Respons (%)"), lambda r: r["response_rate"] or ""),
    ]
    response: Any = export_response(fmt, rows, columns, f"tevredenheid-programma-{programme.pk}")
    return response


def _dutch(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with the average and the response rate written the Dutch way."""
    return [
        {
            **row,
            "average_nl": number(row["average"], 1) if row["average"] else "",
            "response_nl": percent(row["response_rate"]) if row["response_rate"] else "",
        }
        for row in rows
    ]


@login_required
@require_GET
def satisfaction_page(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, programme_pk)
    if not queries.can_see_survey_results(request.user, programme.region_id):
        raise PermissionDenied
    years = sorted({year for year, _q in quarters(programme)})
    params = {k: v for k, v in request.GET.items() if k in ("jaar", "kwartaal")}
    this_year = default_period(programme, timezone.localdate())[0]
    form = SatisfactionPeriodForm(params or None, years=years, initial={"jaar": this_year})
    start, end, label = _period(programme, form)
    tables = {by: satisfaction.breakdown(programme, start, end, by) for by in satisfaction.BY}
    fmt = export_format(request)
    if fmt:
        return _export(programme, tables, fmt)
    result = satisfaction.summary(programme, start, end)
    distribution = list((result["distribution"] or {}).items())
    query = "&".join(f"{k}={v}" for k, v in params.items() if form.is_bound and form.is_valid())
    return render(
        request,
        "monitoring/survey/satisfaction.html",
        {
            "programme": programme,
            "form": form,
            "period": label,
            "start": start,
            "end": end,
            "result": result,
            "average": number(result["average"], 1) if result["average"] else "",
            "response_rate": percent(result["response_rate"]) if result["response_rate"] else "",
            "distribution": distribution,
            "tables": [(by, BY_LABELS[by], _dutch(tables[by])) for by in satisfaction.BY],
            "threshold": satisfaction.THRESHOLD,
            "export_query": query,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


urlpatterns = [
    path("enquete/instellingen/", survey_settings, name="survey_settings"),
    path(
        "programmas/<int:programme_pk>/tevredenheid/",
        satisfaction_page,
        name="satisfaction",
    ),
]
