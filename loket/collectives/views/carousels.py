"""Pages of the carousels: a round (its students, teams and matches), the forms of a
round, a student, a team, the student list import, the match screen where the knowledge
broker confirms proposed teams for the participating companies, and a match's result.
``carousel_section`` gives the rounds for the carousel's page.

Thin: objects come through ``queries.py`` (outside the user's scope: 404), changes go
through ``services/carousels.py`` (not allowed: 403; refused: the form with the reason).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from loket.accounts.models import User
from loket.collectives import queries
from loket.collectives.forms.carousels import (
    MatchConfirmForm,
    MatchResultForm,
    RoundForm,
    StudentForm,
    StudentImportForm,
    TeamForm,
)
from loket.collectives.models import CarouselRound, Collective, Match, Student, StudentTeam
from loket.collectives.services import carousel_import
from loket.collectives.services import carousels as services
from loket.companies.forms import add_service_errors
from loket.core.models import Theme


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _status(request: HttpRequest, form: Any) -> int:
    return 422 if request.method == "POST" and form.errors else 200


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _round(request: HttpRequest, pk: int) -> CarouselRound:
    return queries.get_round_for_user(request.user, pk)


def _saved(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], object],
    message: str,
) -> bool:
    """A posted, valid form handed to its service (``save``); what the service refuses
    lands on the form's fields. True when it was saved (the success message is queued)."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.service_data())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, message)
    return True


def _managed_round(request: HttpRequest, pk: int) -> CarouselRound:
    carousel_round = _round(request, pk)
    if not services.can_manage_round(request.user, carousel_round):
        raise PermissionDenied
    return carousel_round


# --- the section on the carousel's page ------------------------------------------------


def carousel_section(request: HttpRequest, collective: Collective) -> tuple[str, dict[str, Any]]:
    """The carousel's rounds with their numbers, for the collective's page."""
    rounds = (
        queries.rounds_visible_to(request.user)
        .filter(collective=collective)
        .select_related("school", "broker")
        .annotate(
            student_count=Count("students", distinct=True),
            team_count=Count("teams", distinct=True),
            match_count=Count(
                "matches", filter=~Q(matches__status=Match.Status.CANCELLED), distinct=True
            ),
        )
        .order_by("-starts_on", "pk")
    )
    return (
        "collectives/carousel_section.html",
        {
            "carousel": collective,
            "rounds": list(rounds),
            "may_manage_rounds": queries.can_manage_collective(request.user, collective),
        },
    )


# --- rounds --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    collective = queries.get_collective_for_user(request.user, pk)
    if not collective.is_carousel:
        raise PermissionDenied
    if not queries.can_manage_collective(request.user, collective):
        raise PermissionDenied
    form = RoundForm(_posted(request), collective=collective)
    if request.method == "POST" and form.is_valid():
        try:
            carousel_round = services.create_round(_user(request), collective, form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De ronde is aangemaakt."))
            return redirect("collectives:round_detail", pk=carousel_round.pk)
    return render(
        request,
        "collectives/carousel_round_form.html",
        {"form": form, "carousel": collective, "creating": True},
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    carousel_round = _managed_round(request, pk)
    form = RoundForm(
        _posted(request),
        collective=carousel_round.collective,
        initial=RoundForm.initial_from(carousel_round),
    )
    if _saved(
        request,
        form,
        lambda data: services.update_round(_user(request), carousel_round, data),
        _("De wijzigingen zijn opgeslagen."),
    ):
        return redirect("collectives:round_detail", pk=carousel_round.pk)
    return render(
        request,
        "collectives/carousel_round_form.html",
        {
            "form": form,
            "carousel": carousel_round.collective,
            "round": carousel_round,
            "creating": False,
        },
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET"])
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    carousel_round = _round(request, pk)
    students = carousel_round.students.select_related("team").order_by("name", "pk")
    teams = (
        carousel_round.teams.prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position", "pk"))
        )
        .annotate(student_count=Count("students"))
        .order_by("name", "pk")
    )
    matches = carousel_round.matches.select_related("company", "team").order_by(
        "company__name", "pk"
    )
    return render(
        request,
        "collectives/carousel_round.html",
        {
            "round": carousel_round,
            "carousel": carousel_round.collective,
            "students": list(students),
            "teams": list(teams),
            "matches": list(matches),
            "may_manage": services.can_manage_round(request.user, carousel_round),
            "may_match": services.can_match(request.user, carousel_round),
        },
    )


# --- students ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def student_create(request: HttpRequest, pk: int) -> HttpResponse:
    carousel_round = _managed_round(request, pk)
    form = StudentForm(_posted(request), carousel_round=carousel_round)
    if _saved(
        request,
        form,
        lambda data: services.add_student(_user(request), carousel_round, data),
        _("De student is toegevoegd."),
    ):
        return redirect("collectives:round_detail", pk=carousel_round.pk)
    return render(
        request,
        "collectives/carousel_student_form.html",
        {"form": form, "round": carousel_round, "creating": True},
        status=_status(request, form),
    )


def _managed_student(request: HttpRequest, pk: int) -> Student:
    student = queries.get_student_for_user(request.user, pk)
    if not services.can_manage_round(request.user, student.round):
        raise PermissionDenied
    return student


@login_required
@require_http_methods(["GET", "POST"])
def student_edit(request: HttpRequest, pk: int) -> HttpResponse:
    student = _managed_student(request, pk)
    form = StudentForm(
        _posted(request),
        carousel_round=student.round,
        initial=StudentForm.initial_from(student),
    )
    if _saved(
        request,
        form,
        lambda data: services.update_student(_user(request), student, data),
        _("De wijzigingen zijn opgeslagen."),
    ):
        return redirect("collectives:round_detail", pk=student.round_id)
    return render(
        request,
        "collectives/carousel_student_form.html",
        {"form": form, "round": student.round, "student": student, "creating": False},
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def student_delete(request: HttpRequest, pk: int) -> HttpResponse:
    student = _managed_student(request, pk)
    if request.method == "POST":
        round_pk = student.round_id
        services.delete_student(_user(request), student)
        messages.success(request, _("De student is verwijderd."))
        return redirect("collectives:round_detail", pk=round_pk)
    return render(
        request,
        "collectives/carousel_student_delete.html",
        {"student": student, "round": student.round},
    )


@login_required
@require_http_methods(["GET", "POST"])
def student_import(request: HttpRequest, pk: int) -> HttpResponse:
    carousel_round = _managed_round(request, pk)
    posted = request.method == "POST"
    form = StudentImportForm(_posted(request), request.FILES if posted else None)
    report = None
    if posted and form.is_valid():
        filename, content = form.content()
        report = carousel_import.import_students(_user(request), carousel_round, filename, content)
        if report.ok:
            messages.success(
                request,
                _("%(n)s studenten ingelezen.") % {"n": report.written},
            )
            return redirect("collectives:round_detail", pk=carousel_round.pk)
    refused = posted and (bool(form.errors) or (report is not None and not report.ok))
    return render(
        request,
        "collectives/carousel_student_import.html",
        {"form": form, "round": carousel_round, "report": report},
        status=422 if refused else 200,
    )


# --- teams ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest, pk: int) -> HttpResponse:
    carousel_round = _managed_round(request, pk)
    form = TeamForm(_posted(request), carousel_round=carousel_round)
    if _saved(
        request,
        form,
        lambda data: services.create_team(_user(request), carousel_round, data),
        _("Het team is aangemaakt."),
    ):
        return redirect("collectives:round_detail", pk=carousel_round.pk)
    return render(
        request,
        "collectives/carousel_team_form.html",
        {"form": form, "round": carousel_round, "creating": True},
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team: StudentTeam = queries.get_team_for_user(request.user, pk)
    if not services.can_manage_round(request.user, team.round):
        raise PermissionDenied
    form = TeamForm(
        _posted(request), carousel_round=team.round, initial=TeamForm.initial_from(team)
    )
    if _saved(
        request,
        form,
        lambda data: services.update_team(_user(request), team, data),
        _("De wijzigingen zijn opgeslagen."),
    ):
        return redirect("collectives:round_detail", pk=team.round_id)
    return render(
        request,
        "collectives/carousel_team_form.html",
        {"form": form, "round": team.round, "team": team, "creating": False},
        status=_status(request, form),
    )


# --- matching ------------------------------------------------------------------------


def _screen_context(
    request: HttpRequest, carousel_round: CarouselRound, posted: MatchConfirmForm | None = None
) -> dict[str, Any]:
    screen = services.match_screen(carousel_round)
    may_match = services.can_match(request.user, carousel_round)
    # The free teams, read once: every company's form offers the same choices.
    team_choices = [("", _("Kies een team")), *((t.pk, t.name) for t in screen.free_teams)]
    posted_company = posted.data.get("company") if posted is not None else None
    rows = []
    for entry in screen.open:
        company_id = entry.company.company_id
        form = None
        if may_match:
            if posted is not None and str(company_id) == str(posted_company):
                form = posted
            else:
                best = entry.proposals[0].team.team_id if entry.proposals else None
                form = MatchConfirmForm(
                    carousel_round=carousel_round,
                    initial={"company": company_id, "team": best},
                    auto_id=f"id_c{company_id}_%s",
                )
            form.fields["team"].choices = team_choices  # type: ignore[attr-defined]
        rows.append(
            {
                "company": screen.companies[company_id],
                "profile": entry.company,
                "proposals": entry.proposals,
                "form": form,
            }
        )
    orphan_errors: list[str] = []
    if posted is not None and posted.errors and not any(r["form"] is posted for r in rows):
        orphan_errors = [str(e) for errors in posted.errors.values() for e in errors]
    return {
        "round": carousel_round,
        "carousel": carousel_round.collective,
        "rows": rows,
        "matches": screen.matches,
        "free_teams": screen.free_teams,
        "may_match": may_match,
        "orphan_errors": orphan_errors,
    }


@login_required
@require_http_methods(["GET"])
def match_screen(request: HttpRequest, pk: int) -> HttpResponse:
    carousel_round = _round(request, pk)
    return render(
        request, "collectives/carousel_match_screen.html", _screen_context(request, carousel_round)
    )


@login_required
@require_POST
def match_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    carousel_round = _round(request, pk)
    if not services.can_match(request.user, carousel_round):
        raise PermissionDenied
    company_id = request.POST.get("company", "")
    auto_id = f"id_c{company_id}_%s" if company_id.isdigit() and len(company_id) < 19 else True
    form = MatchConfirmForm(request.POST, carousel_round=carousel_round, auto_id=auto_id)
    if form.is_valid():
        try:
            match = services.confirm_match(_user(request), carousel_round, form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(company)s is gekoppeld aan %(team)s.")
                % {"company": match.company.name, "team": match.team.name},
            )
            return redirect("collectives:match_screen", pk=carousel_round.pk)
    return render(
        request,
        "collectives/carousel_match_screen.html",
        _screen_context(request, carousel_round, posted=form),
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def match_edit(request: HttpRequest, pk: int) -> HttpResponse:
    match: Match = queries.get_match_for_user(request.user, pk)
    if not services.can_match(request.user, match.round):
        raise PermissionDenied
    form = MatchResultForm(_posted(request), initial=MatchResultForm.initial_from(match))
    if _saved(
        request,
        form,
        lambda data: services.record_result(_user(request), match, data),
        _("De koppeling is bijgewerkt."),
    ):
        return redirect("collectives:round_detail", pk=match.round_id)
    return render(
        request,
        "collectives/carousel_match_form.html",
        {"form": form, "match": match, "round": match.round},
        status=_status(request, form),
    )


urlpatterns = [
    path("carrousels/<int:pk>/rondes/nieuw/", round_create, name="round_create"),
    path("rondes/<int:pk>/", round_detail, name="round_detail"),
    path("rondes/<int:pk>/wijzigen/", round_edit, name="round_edit"),
    path("rondes/<int:pk>/studenten/nieuw/", student_create, name="student_create"),
    path("rondes/<int:pk>/studenten/importeren/", student_import, name="student_import"),
    path("studenten/<int:pk>/wijzigen/", student_edit, name="student_edit"),
    path("studenten/<int:pk>/verwijderen/", student_delete, name="student_delete"),
    path("rondes/<int:pk>/teams/nieuw/", team_create, name="team_create"),
    path("teams/<int:pk>/wijzigen/", team_edit, name="team_edit"),
    path("rondes/<int:pk>/koppelen/", match_screen, name="match_screen"),
    path("rondes/<int:pk>/koppelen/bevestigen/", match_confirm, name="match_confirm"),
    path("koppelingen/<int:pk>/", match_edit, name="match_edit"),
]
