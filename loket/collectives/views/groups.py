"""Pages of collectives: the list (filters, sorting, CSV/XLSX export), create and edit,
the collective's page (common part, its members and what its rule still lacks, and the
section of its kind from ``views/sections.py``), and the actions on it: add a company,
change a member, a member leaves, another phase, marked formed.

Views are thin: they read through ``queries.py`` (a collective the user may not see is a
404), declare input with forms and change things only through ``services/groups.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from loket.collectives.forms.groups import (
    CollectiveFilterSet,
    CollectiveForm,
    FormedForm,
    LeaveForm,
    MemberEditForm,
    MemberForm,
    PhaseForm,
)
from loket.collectives.models import Collective, Member
from loket.collectives.queries import (
    can_create_collectives,
    can_manage_collective,
    collectives_visible_to,
    get_collective_for_user,
    get_member_for_user,
)
from loket.collectives.services import groups as services
from loket.collectives.services.groups import Composition
from loket.collectives.views.sections import section
from loket.companies.forms import add_service_errors
from loket.companies.queries import companies_visible_to
from loket.core.export import Column, export_format, export_response
from loket.core.lists import Sorting, SortOption, paginate
from loket.core.permissions import scope_of

SORTING = Sorting(
    [
        SortOption("name", gettext_lazy("Naam"), ("name", "id")),
        SortOption("kind", gettext_lazy("Soort"), ("kind", "name", "id")),
        SortOption("phase", gettext_lazy("Fase"), ("phase", "name", "id")),
        SortOption("members", gettext_lazy("Deelnemers"), ("-member_total", "name", "id")),
        SortOption("newest", gettext_lazy("Nieuwste eerst"), ("-created_at", "-id")),
    ],
    default="name",
)


def _themes(collective: Collective) -> str:
    return ", ".join(theme.name for theme in collective.themes.all())


EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("Naam"), "name"),
    (gettext_lazy("Soort"), "get_kind_display"),
    (gettext_lazy("Programma"), "programme.name"),
    (gettext_lazy("Verantwoordelijke organisatie"), "organisation.name"),
    (gettext_lazy("Fase"), "get_phase_display"),
    (gettext_lazy("Gevormd op"), "formed_on"),
    (gettext_lazy("Deelnemende bedrijven"), "member_total"),
    (gettext_lazy("Van buiten de regio"), lambda c: c.member_total - c.member_inside),
    (gettext_lazy("Thema's"), _themes),
    (gettext_lazy("Land"), "country"),
    (gettext_lazy("Beëindigd op"), "ended_on"),
]


def list_queryset(user: Any) -> QuerySet[Collective]:
    """The collectives the user sees, with their active members counted (no query per row)."""
    active = Q(members__left_on__isnull=True)
    return (
        collectives_visible_to(user)
        .select_related("programme", "organisation")
        .prefetch_related("themes")
        .annotate(
            member_total=Count("members", filter=active, distinct=True),
            member_inside=Count(
                "members",
                filter=active & Q(members__company__municipality__region_id=F("region_id")),
                distinct=True,
            ),
        )
    )


def _status(request: HttpRequest, form: Any) -> int:
    return 422 if request.method == "POST" and form.errors else 200


@login_required
@require_GET
def collective_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = CollectiveFilterSet(
        request.GET, queryset=list_queryset(request.user), request=request
    )
    queryset = filterset.qs
    fmt = export_format(request)
    if fmt is not None:
        return export_response(
            fmt, SORTING.apply(queryset, request.GET), EXPORT_COLUMNS, "collectieven"
        )
    listing = paginate(request, queryset, sorting=SORTING)
    scope = scope_of(request.user)
    return render(
        request,
        "collectives/collective_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "may_create": any(can_create_collectives(request.user, r) for r in scope.region_ids),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def collective_create(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not any(can_create_collectives(request.user, r) for r in scope.region_ids):
        raise PermissionDenied
    user: Any = request.user
    form = CollectiveForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        programme = form.cleaned_data["programme"]
        try:
            collective = services.create_collective(user, programme.region_id, form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is aangemaakt.") % {"name": collective.name})
            return redirect("collectives:collective_detail", pk=collective.pk)
    return render(
        request,
        "collectives/collective_form.html",
        {"form": form, "creating": True},
        status=_status(request, form),
    )


def _manageable(request: HttpRequest, pk: int) -> Collective:
    collective = get_collective_for_user(request.user, pk)
    if not can_manage_collective(request.user, collective):
        raise PermissionDenied
    return collective


@login_required
@require_http_methods(["GET", "POST"])
def collective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    collective = _manageable(request, pk)
    user: Any = request.user
    form = CollectiveForm(
        request.POST if request.method == "POST" else None,
        user=user,
        collective=collective,
        initial=CollectiveForm.initial_from(collective),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_collective(user, collective, form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("collectives:collective_detail", pk=collective.pk)
    return render(
        request,
        "collectives/collective_form.html",
        {"form": form, "collective": collective, "creating": False},
        status=_status(request, form),
    )


def _detail_context(request: HttpRequest, collective: Collective) -> dict[str, Any]:
    members = list(
        collective.members.select_related("company", "company__municipality").order_by(
            F("left_on").desc(nulls_first=True), "company__name", "pk"
        )
    )
    active = [m for m in members if m.left_on is None]
    outside = sum(1 for m in active if not services.is_from_region(m.company, collective))
    composition = Composition(total=len(active), outside=outside)
    problems = services.rule_problems(collective.kind, composition) if collective.is_group else []
    context: dict[str, Any] = {
        "collective": collective,
        "themes": list(collective.themes.all()),
        "active_members": active,
        "former_members": [m for m in members if m.left_on is not None],
        "composition": composition,
        "problems": problems,
        "may_manage": can_manage_collective(request.user, collective),
        "phase_form": PhaseForm(initial={"phase": collective.phase}),
        "formed_form": FormedForm(),
    }
    found = section(request, collective)
    if found is not None:
        template, extra = found
        context["section_template"] = template
        context.update(extra)
    return context


@login_required
@require_GET
def collective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collective = get_collective_for_user(request.user, pk)
    return render(
        request, "collectives/collective_detail.html", _detail_context(request, collective)
    )


def _action_page(
    request: HttpRequest,
    collective: Collective,
    form: Any,
    *,
    title: str,
    action: str,
    submit: str,
    intro: str = "",
    problems: list[str] | None = None,
) -> HttpResponse:
    return render(
        request,
        "collectives/collective_action.html",
        {
            "collective": collective,
            "form": form,
            "title": title,
            "action": action,
            "submit": submit,
            "intro": intro,
            "problems": problems or [],
        },
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def collective_formed(request: HttpRequest, pk: int) -> HttpResponse:
    collective = _manageable(request, pk)
    form = FormedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_formed(
                request.user,  # type: ignore[arg-type]
                collective,
                form.cleaned_data.get("formed_on"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is gevormd.") % {"name": collective.name})
            return redirect("collectives:collective_detail", pk=collective.pk)
    problems = services.rule_problems_of(collective) if not form.errors else []
    return _action_page(
        request,
        collective,
        form,
        title=_("%(name)s markeren als gevormd") % {"name": collective.name},
        action=reverse("collectives:formed", args=[collective.pk]),
        submit=_("Markeren als gevormd"),
        problems=problems,
    )


@login_required
@require_http_methods(["GET", "POST"])
def collective_phase(request: HttpRequest, pk: int) -> HttpResponse:
    collective = _manageable(request, pk)
    form = PhaseForm(
        request.POST if request.method == "POST" else None, initial={"phase": collective.phase}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_phase(
                request.user,  # type: ignore[arg-type]
                collective,
                form.cleaned_data["phase"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De fase is opgeslagen."))
            return redirect("collectives:collective_detail", pk=collective.pk)
    return _action_page(
        request,
        collective,
        form,
        title=_("Fase van %(name)s") % {"name": collective.name},
        action=reverse("collectives:phase", args=[collective.pk]),
        submit=_("Fase opslaan"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    collective = _manageable(request, pk)
    companies = companies_visible_to(request.user).filter(region_id=collective.region_id)
    form = MemberForm(request.POST if request.method == "POST" else None, companies=companies)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(
                request.user,  # type: ignore[arg-type]
                collective,
                form.cleaned_data["company"],
                role=form.cleaned_data["role"],
                interests=form.cleaned_data["interests"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s doet mee.") % {"name": member.company.name})
            return redirect("collectives:collective_detail", pk=collective.pk)
    return _action_page(
        request,
        collective,
        form,
        title=_("Bedrijf toevoegen aan %(name)s") % {"name": collective.name},
        action=reverse("collectives:member_add", args=[collective.pk]),
        submit=_("Toevoegen"),
        intro=_(
            "Een bedrijf van de regio, gezocht op KvK-nummer of Loket-nummer (dat staat op "
            "de pagina van het bedrijf)."
        ),
    )


def _manageable_member(request: HttpRequest, pk: int) -> Member:
    member = get_member_for_user(request.user, pk)
    if not can_manage_collective(request.user, member.collective):
        raise PermissionDenied
    return member


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _manageable_member(request, pk)
    form = MemberEditForm(
        request.POST if request.method == "POST" else None,
        initial={"role": member.role, "interests": member.interests},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(request.user, member, form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("collectives:collective_detail", pk=member.collective_id)
    return _action_page(
        request,
        member.collective,
        form,
        title=_("%(company)s in %(name)s")
        % {"company": member.company.name, "name": member.collective.name},
        action=reverse("collectives:member_edit", args=[member.pk]),
        submit=_("Opslaan"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = _manageable_member(request, pk)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave(
                request.user,  # type: ignore[arg-type]
                member,
                form.cleaned_data.get("left_on"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s doet niet meer mee.") % {"name": member.company.name}
            )
            return redirect("collectives:collective_detail", pk=member.collective_id)
    return _action_page(
        request,
        member.collective,
        form,
        title=_("%(company)s doet niet meer mee aan %(name)s")
        % {"company": member.company.name, "name": member.collective.name},
        action=reverse("collectives:member_leave", args=[member.pk]),
        submit=_("Uitschrijven"),
    )


urlpatterns: list[URLPattern] = [
    path("", collective_list, name="collective_list"),
    path("nieuw/", collective_create, name="collective_create"),
    path("<int:pk>/", collective_detail, name="collective_detail"),
    path("<int:pk>/wijzigen/", collective_edit, name="collective_edit"),
    path("<int:pk>/gevormd/", collective_formed, name="formed"),
    path("<int:pk>/fase/", collective_phase, name="phase"),
    path("<int:pk>/deelnemers/nieuw/", member_add, name="member_add"),
    path("deelnemers/<int:pk>/wijzigen/", member_edit, name="member_edit"),
    path("deelnemers/<int:pk>/uitschrijven/", member_leave, name="member_leave"),
]
