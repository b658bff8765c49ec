"""The plan as a document: the import page (/programmas/<id>/plan/importeren/) for
programme managers and administrators, and the export (/programmas/<id>/plan/exporteren/
?format=xlsx or yaml) for whoever sees the programme.

Thin: the form declares the upload, ``services.plan_io`` reads, checks and writes, and
the page shows its report (every problem with its sheet, row and column, or what was
created, changed and deleted).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from loket.programmes.forms.plan_io import PlanImportForm
from loket.programmes.queries import can_edit_plan, get_programme_for_user
from loket.programmes.services import plan_io

EXPORT_TYPES = {
    "xlsx": plan_io.XLSX_TYPE,
    "yaml": "application/yaml; charset=utf-8",
}


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    programme = get_programme_for_user(user, pk)
    if not can_edit_plan(user, programme):
        raise PermissionDenied
    posted = request.method == "POST"
    form = PlanImportForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        upload = form.cleaned_data["bestand"]
        parsed = plan_io.parse_upload(upload.name or "", upload.read(plan_io.MAX_BYTES + 1))
        result = plan_io.replace_plan(
            user, programme, parsed, dry_run=form.cleaned_data["alleen_controleren"]
        )
    refused = posted and (bool(form.errors) or (result is not None and not result.ok))
    parts = [
        (plan_io.PART_LABELS[part], result.counts.get(part, {}))
        for part in plan_io.PARTS
        if result is not None
    ]
    return render(
        request,
        "programmes/plan_import.html",
        {"programme": programme, "form": form, "result": result, "parts": parts},
        status=422 if refused else 200,
    )


@login_required
@require_GET
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as XLSX (default) or YAML, in the import's format."""
    programme = get_programme_for_user(request.user, pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_TYPES:
        raise Http404
    content = plan_io.to_xlsx(programme) if fmt == "xlsx" else plan_io.to_yaml(programme)
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    filename = plan_io.export_filename(programme, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("<int:pk>/plan/importeren/", plan_import, name="plan_import"),
    path("<int:pk>/plan/exporteren/", plan_export, name="plan_export"),
]
