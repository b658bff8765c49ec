"""The realisation page: planned versus realised per plan line and per funder for a
quarter and cumulative, with XLSX and PDF downloads (``?format=xlsx|pdf``).

Whoever sees the programme sees its realisation (``queries.get_programme_for_user``,
404 otherwise). The period comes from a form: a year and quarter outside the programme or
garbage get a message and the default period, never an error page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loket.core.report import report_response
from loket.programmes import queries
from loket.programmes.forms.realisation import PeriodForm
from loket.programmes.periods import default_period, quarters
from loket.programmes.realisation import realisation
from loket.programmes.realisation_report import quarter_label, report, rule_lines


@login_required
@require_GET
def realisation_page(request: HttpRequest, pk: int) -> HttpResponse:
    programme = queries.get_programme_for_user(request.user, pk)
    today = timezone.localdate()
    year, quarter = default_period(programme, today)
    form = PeriodForm(programme, today, request.GET or None)
    fmt = ""
    if form.is_bound and form.is_valid():
        year, quarter = form.cleaned_data["period"]
        fmt = form.cleaned_data.get("format") or ""
    elif form.is_bound:
        messages.error(
            request,
            _("Deze periode kan niet: u ziet %(period)s.")
            % {"period": quarter_label(year, quarter)},
        )
        # Show the period that is shown, with the errors on the fields that caused them.
        refused = form
        form = PeriodForm(programme, today, {"year": year, "quarter": quarter})
        form.is_valid()
        for name, errors in refused.errors.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    result = realisation(programme, year, quarter)
    if fmt in ("xlsx", "pdf"):
        return report_response(report(result), fmt)
    period = quarter_label(year, quarter)
    return render(
        request,
        "programmes/realisation.html",
        {
            "programme": programme,
            "form": form,
            "result": result,
            "period": period,
            "rules": rule_lines(result),
            "quarter_count": len(quarters(programme)),
            "download_query": f"year={year}&quarter={quarter}",
        },
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/realisatie/", realisation_page, name="realisation"),
]
