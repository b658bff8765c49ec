"""Pages of a programme's schemes (regelingen): the list with the committed and remaining
figures, the scheme page with its trajectories, create, edit and delete. The URL
patterns are in ``views/trajectories.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from loket.companies.forms import add_service_errors
from loket.core.lists import paginate
from loket.programmes.forms.trajectories import SchemeForm
from loket.programmes.models import Scheme, Trajectory
from loket.programmes.queries import (
    can_approve,
    can_edit_plan,
    can_propose,
    get_programme_for_user,
    schemes_visible_to,
    trajectories_visible_to,
)
from loket.programmes.services import schemes as services


def get_scheme_for_user(user: Any, pk: int) -> Scheme:
    scheme = (
        schemes_visible_to(user)
        .select_related("programme", "programme__region", "funder", "instrument")
        .filter(pk=pk)
        .first()
    )
    if scheme is None:
        raise Http404
    return scheme


def _status(request: HttpRequest, form: Any) -> int:
    return 422 if request.method == "POST" and form.errors else 200


@login_required
@require_GET
def scheme_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk)
    schemes = list(programme.schemes.select_related("funder", "instrument").order_by("name", "pk"))
    figures = services.figures_for(schemes)
    rows = [(scheme, figures[scheme.pk]) for scheme in schemes]
    return render(
        request,
        "programmes/scheme_list.html",
        {
            "programme": programme,
            "rows": rows,
            "totals": services.totals_of(figures.values()),
            "may_edit": can_edit_plan(request.user, programme),
        },
    )


@login_required
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_scheme_for_user(request.user, pk)
    programme = scheme.programme
    trajectories = (
        trajectories_visible_to(request.user)
        .filter(scheme=scheme)
        .select_related("company", "voucher")
        .annotate(participant_count=Count("participations", distinct=True))
        .order_by("-applied_on", "-id")
    )
    listing = paginate(request, trajectories)
    own = services.own_contributions_funder(programme) if scheme.own_contribution else None
    return render(
        request,
        "programmes/scheme_detail.html",
        {
            "programme": programme,
            "scheme": scheme,
            "figures": services.scheme_figures(scheme),
            "own_contributions_funder": own,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "may_edit": can_edit_plan(request.user, programme),
            "may_approve": can_approve(request.user, programme),
            "may_propose": can_propose(request.user, programme),
            "applied": Trajectory.Status.APPLIED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk)
    if not can_edit_plan(request.user, programme):
        raise PermissionDenied
    form = SchemeForm(request.POST if request.method == "POST" else None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.create_scheme(
                request.user,  # type: ignore[arg-type]
                programme,
                form.service_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("De regeling %(name)s is aangemaakt.") % {"name": scheme.name}
            )
            return redirect("programmes:scheme_detail", pk=scheme.pk)
    return render(
        request,
        "programmes/scheme_form.html",
        {"form": form, "programme": programme, "creating": True},
        status=_status(request, form),
    )


def _editable_scheme(request: HttpRequest, pk: int) -> Scheme:
    scheme = get_scheme_for_user(request.user, pk)
    if not can_edit_plan(request.user, scheme.programme):
        raise PermissionDenied
    return scheme


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _editable_scheme(request, pk)
    programme = scheme.programme
    form = SchemeForm(
        request.POST if request.method == "POST" else None,
        programme=programme,
        initial=SchemeForm.initial_from(scheme),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_scheme(
                request.user,  # type: ignore[arg-type]
                scheme,
                form.service_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("programmes:scheme_detail", pk=scheme.pk)
    return render(
        request,
        "programmes/scheme_form.html",
        {"form": form, "programme": programme, "scheme": scheme, "creating": False},
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _editable_scheme(request, pk)
    programme = scheme.programme
    if request.method == "POST":
        name = scheme.name
        try:
            services.delete_scheme(request.user, scheme)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("programmes:scheme_detail", pk=scheme.pk)
        messages.success(request, _("De regeling %(name)s is verwijderd.") % {"name": name})
        return redirect("programmes:scheme_list", pk=programme.pk)
    return render(
        request,
        "programmes/scheme_confirm_delete.html",
        {
            "programme": programme,
            "scheme": scheme,
            "trajectory_count": scheme.trajectories.count(),
            "plan_line_count": scheme.plan_lines.count(),
        },
    )
