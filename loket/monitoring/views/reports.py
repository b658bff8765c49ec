"""Progress report pages: the programme's reports (and a new one), a report's live
draft with its text per action line, submitting, the submitted versions with their
stored PDF and XLSX, and the differences between a version and the one before.

Views are thin: reports come through ``queries`` (404 when not seen), changes through
``services.reports`` (403 when seen but not the user's to change), the figures from
``report_data``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from loket.companies.forms import add_service_errors
from loket.core.report import XLSX_TYPE
from loket.monitoring import queries, report_data
from loket.monitoring.forms.reports import NarrativeForm, ReportCreateForm, SubmitForm
from loket.monitoring.models import ActionLine, Report, ReportVersion
from loket.monitoring.services import reports as services
from loket.monitoring.views.report_context import draft_context, group_by_period
from loket.programmes.queries import get_programme_for_user
from loket.programmes.views.plan_parts import status_of


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, programme_pk)
    form = ReportCreateForm(
        programme, request.user, request.POST if request.method == "POST" else None
    )
    may_create = bool(form.fields["organisation"].choices)  # type: ignore[attr-defined]
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.create_report(request.user, programme, form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("De rapportage is aangemaakt als concept."))
                return redirect("monitoring:report_detail", pk=report.pk)
    reports = list(queries.reports_of_programme(request.user, programme))
    return render(
        request,
        "monitoring/reports/report_list.html",
        {
            "programme": programme,
            "periods": group_by_period(reports),
            "form": form,
            "may_create": may_create,
        },
        status=status_of(request, form),
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = queries.get_report_for_user(request.user, pk)
    fresh = request.GET.get("bijwerken") == "1"
    data, stale = report_data.build_state(report, fresh=fresh)
    versions = list(report.versions.only("number", "submitted_at", "note", "submitted_by"))
    return render(
        request,
        "monitoring/reports/report_detail.html",
        {
            **draft_context(report, data),
            "stale": stale,
            "versions": versions,
            "may_edit": queries.can_edit_report(request.user, report),
        },
    )


def _editable(request: HttpRequest, pk: int) -> Report:
    report = queries.get_report_for_user(request.user, pk)
    if not queries.can_edit_report(request.user, report):
        raise PermissionDenied
    return report


@login_required
@require_http_methods(["GET", "POST"])
def narrative_edit(request: HttpRequest, pk: int, action_line_pk: int) -> HttpResponse:
    report = queries.get_report_for_user(request.user, pk)
    line = get_object_or_404(ActionLine, pk=action_line_pk, programme_id=report.programme_id)
    if not queries.can_edit_report(request.user, report):
        raise PermissionDenied
    current = report.narratives.filter(action_line=line).first()
    form = NarrativeForm(
        request.POST if request.method == "POST" else None,
        initial={"text": current.text if current else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_narrative(request.user, report, line, form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("De toelichting bij %(line)s is opgeslagen.") % {"line": line.name}
            )
            if "preview" in request.POST:
                return redirect("monitoring:report_narrative", pk=report.pk, action_line_pk=line.pk)
            return redirect(f"{_detail_url(report)}#actielijn-{line.pk}")
    return render(
        request,
        "monitoring/reports/narrative_form.html",
        {
            "report": report,
            "title": report_data.title_of(report),
            "line": line,
            "form": form,
            "preview": current.text if current else "",
        },
        status=status_of(request, form),
    )


def _detail_url(report: Report) -> str:
    from django.urls import reverse

    return reverse("monitoring:report_detail", args=[report.pk])


@login_required
@require_http_methods(["GET", "POST"])
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable(request, pk)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.submit(request.user, report, form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Versie %(number)s is ingediend en vastgelegd.") % {"number": version.number},
            )
            return redirect(f"{_detail_url(report)}#versies")
    return render(
        request,
        "monitoring/reports/report_submit.html",
        {
            "report": report,
            "title": report_data.title_of(report),
            "form": form,
            "next_number": (report.versions.count() or 0) + 1,
        },
        status=status_of(request, form),
    )


def filename(report: Report, suffix: str, ext: str) -> str:
    """programme, period, organisation (or "samengevoegd") and the version: no person."""
    who = slugify(report.organisation.name) if report.organisation else "samengevoegd"
    kind = "eind" if report.kind == Report.Kind.FINAL else f"{report.year}-k{report.quarter}"
    base = f"rapportage-{slugify(report.programme.name)[:40]}-{kind}-{who[:40]}-{suffix}"
    return f"{base}.{ext}"


def _file(content: bytes, name: str, ext: str) -> HttpResponse:
    kind = "application/pdf" if ext == "pdf" else XLSX_TYPE
    response = HttpResponse(bytes(content), content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _version(request: HttpRequest, pk: int, number: int) -> ReportVersion:
    report = queries.get_report_for_user(request.user, pk)
    version = report.versions.filter(number=number).first()
    if version is None:
        raise Http404
    version.report = report
    return version


@login_required
@require_GET
def version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    return _file(version.pdf, filename(version.report, f"v{number}", "pdf"), "pdf")


@login_required
@require_GET
def version_xlsx(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    return _file(version.xlsx, filename(version.report, f"v{number}", "xlsx"), "xlsx")


def _draft_data(report: Report) -> dict[str, Any]:
    data = report_data.build(report)
    data["title"] = _("CONCEPT - %(title)s") % {"title": data["title"]}
    data["draft"] = True
    return data


@login_required
@require_GET
def draft_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = queries.get_report_for_user(request.user, pk)
    content = services._render().to_pdf(_draft_data(report))
    return _file(content, filename(report, "concept", "pdf"), "pdf")


@login_required
@require_GET
def draft_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report = queries.get_report_for_user(request.user, pk)
    content = services._render().to_xlsx(_draft_data(report))
    return _file(content, filename(report, "concept", "xlsx"), "xlsx")


@login_required
@require_GET
def version_diff(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    previous = version.report.versions.filter(number__lt=number).order_by("-number").first()
    changes = services.diff(previous.data, version.data) if previous else []
    return render(
        request,
        "monitoring/reports/version_diff.html",
        {
            "report": version.report,
            "title": report_data.title_of(version.report),
            "version": version,
            "previous": previous,
            "changes": changes,
        },
    )


urlpatterns: list[URLPattern] = [
    path(
        "programmas/<int:programme_pk>/rapportages/",
        report_list,
        name="report_list",
    ),
    path("rapportages/<int:pk>/", report_detail, name="report_detail"),
    path(
        "rapportages/<int:pk>/toelichting/<int:action_line_pk>/",
        narrative_edit,
        name="report_narrative",
    ),
    path("rapportages/<int:pk>/indienen/", report_submit, name="report_submit"),
    path("rapportages/<int:pk>/concept.pdf", draft_pdf, name="report_draft_pdf"),
    path("rapportages/<int:pk>/concept.xlsx", draft_xlsx, name="report_draft_xlsx"),
    path("rapportages/<int:pk>/versies/<int:number>/pdf", version_pdf, name="report_version_pdf"),
    path(
        "rapportages/<int:pk>/versies/<int:number>/xlsx", version_xlsx, name="report_version_xlsx"
    ),
    path(
        "rapportages/<int:pk>/versies/<int:number>/verschillen/",
        version_diff,
        name="report_version_diff",
    ),
]
