"""The programme's reach (/evenementen/programma/<id>/bereik/): events held,
registrations, visits, unique and new companies, and the collective instruments'
figures, per quarter of a period and in total; ``?export=xlsx`` downloads the table.

Whoever sees the programme sees its reach (``get_programme_for_user``: 404 otherwise).
The period and filters come from a GET form (no personal data); garbage gets a message
at the field and the default period, never an error page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from loket.core.export import xlsx_response
from loket.events import measures
from loket.events.forms.activity import ActivityForm
from loket.programmes.periods import year_span
from loket.programmes.queries import get_programme_for_user

EVENT_LABELS = {
    "events_held": gettext_lazy("Evenementen gehouden"),
    "registrations": gettext_lazy("Aanmeldingen"),
    "visits": gettext_lazy("Bezoeken (aanwezig)"),
    "companies": gettext_lazy("Unieke bedrijven"),
    "new_companies": gettext_lazy("Nieuwe bedrijven"),
    "known_companies": gettext_lazy("Bekende bedrijven"),
}


def collective_labels() -> dict[str, Any]:
    from loket.collectives.models import Collective

    labels: dict[str, Any] = {
        "table_sessions_held": _("Tafelsessies gehouden"),
        "cases_brought_in": _("Casussen ingebracht"),
        "cases_heard": _("Casussen besproken"),
        "carousel_companies": _("Bedrijven in een carrousel"),
        "carousel_students": _("Studenten in een carrousel"),
        "clusters_formed": _("Clusters gevormd"),
        "cooperations_formed": _("Samenwerkingsinitiatieven gevormd"),
    }
    for value, label in Collective.Phase.choices:
        labels[f"active_clusters_{value}"] = _("Actieve clusters: %(phase)s") % {"phase": label}
    return labels


@login_required
@require_GET
def programme_activity(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk)
    _year, start, end = year_span(programme, timezone.localdate())
    form = ActivityForm(programme, request.GET or None, initial={"begin": start, "einde": end})
    filters = measures.Filters()
    status = 200
    if form.is_bound:
        if form.is_valid():
            start, end = form.cleaned_data["begin"], form.cleaned_data["einde"]
            filters = form.filters()
        else:
            status = 422
    rows, total = measures.programme_activity(programme, start, end, filters)
    keys = list(rows[0].collectives) if rows else list(total.collectives)
    labels = collective_labels()
    collective_columns = [(key, labels.get(key, key.replace("_", " "))) for key in keys]
    if request.GET.get("export") == "xlsx" and status == 200:
        return _xlsx(rows, total, collective_columns)
    return render(
        request,
        "events/programme_activity.html",
        {
            "programme": programme,
            "form": form,
            "start": start,
            "end": end,
            "rows": [(row.label, _cells(row, collective_columns)) for row in rows],
            "total": _cells(total, collective_columns),
            "event_columns": list(EVENT_LABELS.items()),
            "collective_columns": collective_columns,
            "export_query": _export_query(request),
        },
        status=status,
    )


def _cells(row: measures.ActivityRow, collective_columns: list[tuple[str, Any]]) -> list[int]:
    figures = row.events.as_dict()
    return [figures[key] for key in EVENT_LABELS] + [
        row.collectives.get(key, 0) for key, _label in collective_columns
    ]


def _export_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["export"] = "xlsx"
    return query.urlencode()


def _xlsx(
    rows: list[measures.ActivityRow],
    total: measures.ActivityRow,
    collective_columns: list[tuple[str, Any]],
) -> HttpResponse:
    columns: list[Any] = [
        (_("Periode"), lambda row: row.label or _("Totaal")),
        (_("Van"), "start"),
        (_("Tot en met"), "end"),
    ]
    for key, label in EVENT_LABELS.items():
        columns.append((label, lambda row, key=key: getattr(row.events, key)))
    for key, label in collective_columns:
        columns.append((label, lambda row, key=key: row.collectives.get(key, 0)))
    return xlsx_response([*rows, total], columns, "bereik", title=_("Bereik"))


urlpatterns: list[URLPattern] = [
    path("programma/<int:pk>/bereik/", programme_activity, name="programme_activity"),
]
