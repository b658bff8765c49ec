"""Pages of the tables (entrepreneur, financing, crisis, theme and country tables): the
table's sessions and cases (``table_section``, included on the collective's page and
shown on its own at ``collectives:table_page``), a session (create, edit, page), a case
brought in (create, page) and hearing a case at a session with advice and next steps.

Objects are reached through ``queries.py`` (outside the user's scope: 404); changes go
through ``services/tables.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from loket.accounts.models import User
from loket.casework.queries import cases_visible_to
from loket.collectives.forms.tables import HearingForm, SessionForm, TableCaseForm
from loket.collectives.models import Collective, TableCase, TableSession
from loket.collectives.queries import (
    can_manage_collective,
    get_collective_for_user,
    get_session_for_user,
    get_table_case_for_user,
)
from loket.collectives.services import tables as services
from loket.companies.forms import add_service_errors
from loket.companies.queries import companies_visible_to


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _status(request: HttpRequest, form: Any) -> int:
    return 422 if request.method == "POST" and form.errors else 200


def _table(request: HttpRequest, pk: int) -> Collective:
    collective = get_collective_for_user(request.user, pk)
    if not collective.is_table:
        raise Http404
    return collective


def _managed_table(request: HttpRequest, pk: int) -> Collective:
    collective = _table(request, pk)
    if not can_manage_collective(request.user, collective):
        raise PermissionDenied
    return collective


def _session(request: HttpRequest, pk: int) -> TableSession:
    session = get_session_for_user(request.user, pk)
    session.collective = _table(request, session.collective_id)
    return session


def _table_case(request: HttpRequest, pk: int) -> TableCase:
    table_case = get_table_case_for_user(request.user, pk)
    table_case.collective = _table(request, table_case.collective_id)
    return table_case


def _require_manage(request: HttpRequest, collective: Collective) -> None:
    if not can_manage_collective(request.user, collective):
        raise PermissionDenied


# --- the section on the collective's page ------------------------------------------------


def table_section(request: HttpRequest, collective: Collective) -> tuple[str, dict[str, Any]]:
    """Template and context for the sessions and cases on a table's page: upcoming and
    past sessions, the cases waiting to be heard with their deadline (overdue ones
    marked) and the table's service level."""
    return (
        "collectives/table_section.html",
        {
            "collective": collective,
            "tables": services.table_overview(collective),
            "may_manage_table": can_manage_collective(request.user, collective),
        },
    )


@login_required
@require_GET
def table_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The table's sessions and cases on a page of their own."""
    collective = _table(request, pk)
    template, context = table_section(request, collective)
    return render(
        request,
        "collectives/table_page.html",
        {**context, "section_template": template},
    )


# --- sessions ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    collective = _managed_table(request, pk)
    form = SessionForm(request.POST if request.method == "POST" else None, collective=collective)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(_user(request), collective, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De sessie is vastgelegd."))
            return redirect("collectives:session_detail", pk=session.pk)
    return render(
        request,
        "collectives/table_session_form.html",
        {"form": form, "collective": collective, "creating": True},
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    collective = session.collective
    _require_manage(request, collective)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        collective=collective,
        initial=SessionForm.initial_from(session),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(_user(request), session, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("collectives:session_detail", pk=session.pk)
    return render(
        request,
        "collectives/table_session_form.html",
        {"form": form, "collective": collective, "session": session, "creating": False},
        status=_status(request, form),
    )


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    collective = session.collective
    cases = list(session.cases.select_related("company").order_by("company__name", "id"))
    services.annotate_overdue(cases)
    return render(
        request,
        "collectives/table_session_detail.html",
        {
            "collective": collective,
            "session": session,
            "experts": list(session.experts.order_by("full_name", "id")),
            "cases": cases,
            "may_manage_table": can_manage_collective(request.user, collective),
        },
    )


# --- cases brought in ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def table_case_create(request: HttpRequest, pk: int) -> HttpResponse:
    collective = _managed_table(request, pk)
    form = TableCaseForm(
        request.POST if request.method == "POST" else None,
        collective=collective,
        companies=companies_visible_to(request.user),
        cases=cases_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            table_case = services.bring_in_case(_user(request), collective, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("De casus is ingebracht; de tafel bespreekt hem uiterlijk %(date)s.")
                % {"date": table_case.convene_by.strftime("%d-%m-%Y")},
            )
            return redirect("collectives:table_case_detail", pk=table_case.pk)
    return render(
        request,
        "collectives/table_case_form.html",
        {
            "form": form,
            "collective": collective,
            "service_level": collective.table_service_level(),
        },
        status=_status(request, form),
    )


@login_required
@require_GET
def table_case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    table_case = _table_case(request, pk)
    services.annotate_overdue([table_case])
    return render(
        request,
        "collectives/table_case_detail.html",
        {
            "collective": table_case.collective,
            "table_case": table_case,
            "linked_case": (
                cases_visible_to(request.user).filter(pk=table_case.case_id).first()
                if table_case.case_id
                else None
            ),
            "session": table_case.session,
            "may_manage_table": can_manage_collective(request.user, table_case.collective),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def table_case_hear(request: HttpRequest, pk: int) -> HttpResponse:
    table_case = _table_case(request, pk)
    _require_manage(request, table_case.collective)
    form = HearingForm(request.POST if request.method == "POST" else None, table_case=table_case)
    if request.method == "POST" and form.is_valid():
        try:
            heard = services.hear_case(
                _user(request),
                table_case,
                session=form.cleaned_data["session"],
                advice=form.cleaned_data["advice"],
                next_steps=form.cleaned_data["next_steps"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if heard.contact_moment_id:
                messages.success(
                    request,
                    _("Het advies staat op de tijdlijn van %(name)s.")
                    % {"name": heard.company.name},
                )
            else:
                messages.success(request, _("De casus is ingepland voor de sessie."))
            return redirect("collectives:table_case_detail", pk=heard.pk)
    return render(
        request,
        "collectives/table_case_hear.html",
        {"form": form, "collective": table_case.collective, "table_case": table_case},
        status=_status(request, form),
    )


urlpatterns: list[URLPattern] = [
    path("tafels/<int:pk>/", table_page, name="table_page"),
    path("tafels/<int:pk>/sessies/nieuw/", session_create, name="session_create"),
    path("tafels/<int:pk>/casussen/nieuw/", table_case_create, name="table_case_create"),
    path("tafelsessies/<int:pk>/", session_detail, name="session_detail"),
    path("tafelsessies/<int:pk>/wijzigen/", session_edit, name="session_edit"),
    path("tafelcasussen/<int:pk>/", table_case_detail, name="table_case_detail"),
    path("tafelcasussen/<int:pk>/bespreken/", table_case_hear, name="table_case_hear"),
]
