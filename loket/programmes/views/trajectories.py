"""Pages of trajectories: the list per programme (filters, sorting, pagination, CSV/XLSX
export), the trajectory page with its participants, voucher, history and the actions
the user may take, create and edit, and the steps of its life (approve, start, complete,
evaluate, withdraw, register the invoice) as POST actions. The scheme pages are in
``views/schemes.py``; all URL patterns of both are here.

Views are thin: they read through ``queries.py`` (a trajectory the user may not see is a
404), declare input with forms, and change things only through
``services/trajectories.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loket.companies.forms import add_service_errors
from loket.companies.queries import companies_visible_to
from loket.core.export import Column, export_format, export_response
from loket.core.lists import Sorting, SortOption, paginate
from loket.programmes.forms.trajectories import (
    ApproveForm,
    CompleteForm,
    EvaluateForm,
    InvoiceForm,
    StartForm,
    TrajectoryFieldsForm,
    TrajectoryFilterSet,
    TrajectoryForm,
    WithdrawForm,
)
from loket.programmes.models import Programme, Trajectory, Voucher
from loket.programmes.queries import (
    can_approve,
    can_propose,
    can_register_hours,
    get_programme_for_user,
    get_trajectory_for_user,
    trajectories_visible_to,
)
from loket.programmes.services import schemes as scheme_services
from loket.programmes.services import trajectories as services
from loket.programmes.services import vouchers
from loket.programmes.views import schemes

Status = Trajectory.Status

# --- the list ------------------------------------------------------------------------------

SORTING = Sorting(
    [
        SortOption("applied", gettext_lazy("Aangevraagd op"), ("-applied_on", "-id")),
        SortOption("title", gettext_lazy("Titel"), ("title", "id")),
        SortOption("company", gettext_lazy("Bedrijf"), ("company__name", "id")),
        SortOption("scheme", gettext_lazy("Regeling"), ("scheme__name", "-applied_on", "id")),
        SortOption("status", gettext_lazy("Status"), ("status", "-applied_on", "id")),
    ],
    default="applied",
)


def _voucher(trajectory: Trajectory) -> Voucher | None:
    try:
        return trajectory.voucher
    except Voucher.DoesNotExist:
        return None


def _voucher_value(attr: str) -> Any:
    def get(trajectory: Trajectory) -> Any:
        voucher = _voucher(trajectory)
        if voucher is None:
            return None
        value = getattr(voucher, attr)
        return value() if callable(value) else value

    return get


EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("Titel"), "title"),
    (gettext_lazy("Bedrijf (aanvrager of penvoerder)"), "company.name"),
    (gettext_lazy("KvK-nummer"), "company.kvk_number"),
    (gettext_lazy("Aantal deelnemers"), "participant_count"),
    (gettext_lazy("Regeling"), "scheme.name"),
    (gettext_lazy("Status"), "get_status_display"),
    (gettext_lazy("Herkomst"), "get_origin_display"),
    (gettext_lazy("Aangevraagd op"), "applied_on"),
    (gettext_lazy("Goedgekeurd op"), "approved_on"),
    (gettext_lazy("Gestart op"), "started_on"),
    (gettext_lazy("Afgerond op"), "completed_on"),
    (gettext_lazy("Geëvalueerd op"), "evaluated_on"),
    (gettext_lazy("Ingetrokken op"), "withdrawn_on"),
    (gettext_lazy("Toegekend bedrag (excl. btw)"), "granted_amount"),
    (gettext_lazy("Vouchercode"), _voucher_value("code")),
    (gettext_lazy("Voucherstatus"), _voucher_value("get_status_display")),
    (gettext_lazy("Factuurbedrag (excl. btw)"), _voucher_value("invoice_amount")),
    (gettext_lazy("Betaald bedrag (excl. btw)"), _voucher_value("paid_amount")),
    (gettext_lazy("Betaald op"), _voucher_value("paid_on")),
    (gettext_lazy("Leverancier"), "supplier_name"),
    (gettext_lazy("Organisatie van de leverancier"), "supplier_organisation.name"),
    (gettext_lazy("Specialist"), lambda t: t.specialist.full_name if t.specialist else ""),
]


@login_required
@require_GET
def trajectory_list(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    programme = get_programme_for_user(request.user, pk)
    base = trajectories_visible_to(request.user).filter(programme=programme)
    filterset = TrajectoryFilterSet(
        request.GET, queryset=base, request=request, programme=programme
    )
    queryset = filterset.qs.select_related(
        "scheme", "company", "voucher", "supplier_organisation", "specialist"
    ).annotate(participant_count=Count("participations", distinct=True))
    fmt = export_format(request)
    if fmt is not None:
        return export_response(
            fmt, SORTING.apply(queryset, request.GET), EXPORT_COLUMNS, "trajecten"
        )
    listing = paginate(request, queryset, sorting=SORTING)
    return render(
        request,
        "programmes/trajectory_list.html",
        {
            "programme": programme,
            "filterset": filterset,
            "form": filterset.form,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "may_propose": can_propose(request.user, programme),
        },
    )


# --- create and edit -----------------------------------------------------------------------


def _companies(request: HttpRequest, programme: Programme) -> Any:
    return companies_visible_to(request.user).filter(region_id=programme.region_id)


def _status(request: HttpRequest, form: Any) -> int:
    return 422 if request.method == "POST" and form.errors else 200


@login_required
@require_http_methods(["GET", "POST"])
def trajectory_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk)
    if not can_propose(request.user, programme):
        raise PermissionDenied
    initial: dict[str, Any] = {"origin": Trajectory.Origin.PROPOSAL}
    scheme_id = request.GET.get("regeling", "")
    if scheme_id.isdigit() and len(scheme_id) < 18:
        initial["scheme"] = int(scheme_id)
    company_id = request.GET.get("bedrijf", "")
    if company_id.isdigit() and len(company_id) < 18:
        initial["company"] = company_id
    form = TrajectoryForm(
        request.POST if request.method == "POST" else None,
        programme=programme,
        companies=_companies(request, programme),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            trajectory = services.create_trajectory(
                request.user,  # type: ignore[arg-type]
                programme,
                form.service_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Het traject %(title)s is vastgelegd.") % {"title": trajectory.title}
            )
            return redirect("programmes:trajectory_detail", pk=trajectory.pk)
    return render(
        request,
        "programmes/trajectory_form.html",
        {"form": form, "programme": programme, "creating": True},
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def trajectory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = get_trajectory_for_user(request.user, pk)
    programme = trajectory.programme
    if not can_propose(request.user, programme) or trajectory.status == Status.WITHDRAWN:
        raise PermissionDenied
    with_participants = trajectory.status == Status.APPLIED and trajectory.scheme.is_collective
    form = TrajectoryFieldsForm(
        request.POST if request.method == "POST" else None,
        programme=programme,
        companies=_companies(request, programme),
        with_participants=with_participants,
        initial=TrajectoryFieldsForm.initial_from(trajectory),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_trajectory(
                request.user,  # type: ignore[arg-type]
                trajectory,
                form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("programmes:trajectory_detail", pk=trajectory.pk)
    return render(
        request,
        "programmes/trajectory_form.html",
        {"form": form, "programme": programme, "trajectory": trajectory, "creating": False},
        status=_status(request, form),
    )


# --- the trajectory page -------------------------------------------------------------------

# Each action's form: (form class, prefix). The prefix keeps the ids of the forms on one
# page apart.
ACTION_FORMS: dict[str, tuple[type[Any], str]] = {
    "approve": (ApproveForm, "goedkeuren"),
    "start": (StartForm, "starten"),
    "complete": (CompleteForm, "afronden"),
    "evaluate": (EvaluateForm, "evalueren"),
    "withdraw": (WithdrawForm, "intrekken"),
    "invoice": (InvoiceForm, "factuur"),
}


def _allowed_actions(user: Any, trajectory: Trajectory, voucher: Voucher | None) -> set[str]:
    programme = trajectory.programme
    status = trajectory.status
    allowed: set[str] = set()
    if can_approve(user, programme) and status == Status.APPLIED:
        allowed.add("approve")
    if can_propose(user, programme):
        if status == Status.APPROVED:
            allowed.add("start")
        if status == Status.RUNNING:
            allowed.add("complete")
        if status == Status.COMPLETED:
            allowed.add("evaluate")
        paid = voucher is not None and voucher.status == Voucher.Status.REDEEMED
        if status in (Status.APPLIED, Status.APPROVED, Status.RUNNING) and not paid:
            allowed.add("withdraw")
    if (
        vouchers.can_register_invoice(user, programme)
        and voucher is not None
        and voucher.status == Voucher.Status.ISSUED
    ):
        allowed.add("invoice")
    return allowed


# Hours are booked on a trajectory while it is approved, running or completed.
BOOKABLE = (Status.APPROVED, Status.RUNNING, Status.COMPLETED)


def _detail(
    request: HttpRequest, trajectory: Trajectory, bound: dict[str, Any] | None = None
) -> HttpResponse:
    """The trajectory page; ``bound`` holds an action's form with its errors."""
    voucher = _voucher(trajectory)
    allowed = _allowed_actions(request.user, trajectory, voucher)
    forms: dict[str, Any] = {}
    for action in allowed:
        form_class, prefix = ACTION_FORMS[action]
        if bound and action in bound:
            forms[action] = bound[action]
        elif action == "complete":
            forms[action] = form_class(
                prefix=prefix, initial={"deliverable": trajectory.deliverable}
            )
        else:
            forms[action] = form_class(prefix=prefix)
    participants = list(
        trajectory.participations.select_related("company", "company__municipality").order_by(
            "company__name", "company_id"
        )
    )
    visible = set(
        companies_visible_to(request.user)
        .filter(pk__in=[p.company_id for p in participants])
        .values_list("pk", flat=True)
    )
    programme = trajectory.programme
    hours_url = allow_hours_url = None
    if trajectory.status in BOOKABLE and can_register_hours(request.user, programme):
        hours_url = f"{reverse('programmes:hours_week')}?traject={trajectory.pk}"
    if trajectory.scheme.hours_cap_per_company is not None and can_approve(request.user, programme):
        allow_hours_url = (
            f"{reverse('programmes:cap_override_create', args=[programme.pk])}"
            f"?bedrijf={trajectory.company_id}&regeling={trajectory.scheme_id}"
        )
    return render(
        request,
        "programmes/trajectory_detail.html",
        {
            "hours_url": hours_url,
            "allow_hours_url": allow_hours_url,
            "programme": trajectory.programme,
            "trajectory": trajectory,
            "scheme": trajectory.scheme,
            "figures": scheme_services.scheme_figures(trajectory.scheme),
            "participants": [(p.company, p.company_id in visible) for p in participants],
            "voucher": voucher,
            "history": services.history(trajectory),
            "forms": forms,
            "may_edit": can_propose(request.user, trajectory.programme)
            and trajectory.status != Status.WITHDRAWN,
        },
        status=422 if bound else 200,
    )


@login_required
@require_GET
def trajectory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_trajectory_for_user(request.user, pk))


def _action(request: HttpRequest, pk: int, action: str) -> tuple[Trajectory, Any]:
    """The trajectory (404 unless visible) and the posted form of ``action`` (403 unless
    the user may take it now)."""
    trajectory = get_trajectory_for_user(request.user, pk)
    voucher = _voucher(trajectory)
    if action not in _allowed_actions(request.user, trajectory, voucher):
        # Seen but not allowed (now): 403 for whom may never, a message for a status
        # that moved on since the page was loaded.
        if action == "approve" and can_approve(request.user, trajectory.programme):
            raise _Moved(trajectory)
        if action == "invoice" and vouchers.can_register_invoice(
            request.user, trajectory.programme
        ):
            raise _Moved(trajectory)
        if action not in ("approve", "invoice") and can_propose(request.user, trajectory.programme):
            raise _Moved(trajectory)
        raise PermissionDenied
    form_class, prefix = ACTION_FORMS[action]
    return trajectory, form_class(request.POST, prefix=prefix)


class _Moved(Exception):
    def __init__(self, trajectory: Trajectory) -> None:
        self.trajectory = trajectory


def _moved(request: HttpRequest, exc: _Moved) -> HttpResponse:
    messages.error(
        request,
        _("Dat kan niet (meer): het traject is %(status)s.")
        % {"status": exc.trajectory.get_status_display()},
    )
    return redirect("programmes:trajectory_detail", pk=exc.trajectory.pk)


def _run(request: HttpRequest, pk: int, action: str, call: Any, success: str) -> HttpResponse:
    """Validate the action's form, call the service, and show the outcome: back to the
    page with a message, or the page again with the errors at the form."""
    try:
        trajectory, form = _action(request, pk, action)
    except _Moved as exc:
        return _moved(request, exc)
    if form.is_valid():
        try:
            result = call(trajectory, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success % _success_params(result))
            return redirect("programmes:trajectory_detail", pk=trajectory.pk)
    return _detail(request, trajectory, bound={action: form})


def _success_params(result: Any) -> dict[str, Any]:
    if isinstance(result, Voucher):
        return {"code": result.code}
    voucher = _voucher(result) if isinstance(result, Trajectory) else None
    return {"code": voucher.code if voucher else ""}


@login_required
@require_POST
def trajectory_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve; from the scheme page (``next=regeling``) back to the scheme page."""
    if request.POST.get("next") == "regeling":
        return _approve_from_scheme(request, pk)
    return _run(
        request,
        pk,
        "approve",
        lambda t, data: services.approve_trajectory(
            request.user,  # type: ignore[arg-type]
            t,
            granted_amount=data.get("granted_amount"),
        ),
        _("Het traject is goedgekeurd; voucher %(code)s is uitgegeven."),
    )


def _approve_from_scheme(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        trajectory, _form = _action(request, pk, "approve")
    except _Moved as exc:
        messages.error(
            request,
            _("Dat kan niet (meer): het traject is %(status)s.")
            % {"status": exc.trajectory.get_status_display()},
        )
        return redirect("programmes:scheme_detail", pk=exc.trajectory.scheme_id)
    try:
        approved = services.approve_trajectory(request.user, trajectory)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(
            request,
            _("%(title)s is niet goedgekeurd: %(reasons)s")
            % {"title": trajectory.title, "reasons": " ".join(exc.messages)},
        )
    else:
        voucher = _voucher(approved)
        messages.success(
            request,
            _("%(title)s is goedgekeurd; voucher %(code)s is uitgegeven.")
            % {"title": approved.title, "code": voucher.code if voucher else ""},
        )
    return redirect("programmes:scheme_detail", pk=trajectory.scheme_id)


@login_required
@require_POST
def trajectory_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "start",
        lambda t, data: services.start_trajectory(request.user, t, on=data.get("on")),  # type: ignore[arg-type]
        _("Het traject is gestart."),
    )


@login_required
@require_POST
def trajectory_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "complete",
        lambda t, data: services.complete_trajectory(
            request.user,  # type: ignore[arg-type]
            t,
            on=data.get("on"),
            deliverable=data.get("deliverable"),
        ),
        _("Het traject is afgerond."),
    )


@login_required
@require_POST
def trajectory_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "evaluate",
        lambda t, data: services.evaluate_trajectory(
            request.user,  # type: ignore[arg-type]
            t,
            on=data.get("on"),
            evaluation=data.get("evaluation") or "",
        ),
        _("De evaluatie is vastgelegd."),
    )


@login_required
@require_POST
def trajectory_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "withdraw",
        lambda t, data: services.withdraw_trajectory(
            request.user,  # type: ignore[arg-type]
            t,
            reason=data.get("reason") or "",
        ),
        _("Het traject is ingetrokken; het aantal en het budget zijn weer vrij."),
    )


@login_required
@require_POST
def trajectory_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "invoice",
        lambda t, data: vouchers.register_invoice(
            request.user,  # type: ignore[arg-type]
            t,
            invoice_number=data.get("invoice_number") or "",
            invoice_date=data.get("invoice_date"),
            invoice_amount=data.get("invoice_amount"),
        ),
        _("De factuur is geregistreerd; voucher %(code)s is verzilverd."),
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/regelingen/", schemes.scheme_list, name="scheme_list"),
    path("<int:pk>/regelingen/nieuw/", schemes.scheme_create, name="scheme_create"),
    path("regeling/<int:pk>/", schemes.scheme_detail, name="scheme_detail"),
    path("regeling/<int:pk>/wijzigen/", schemes.scheme_edit, name="scheme_edit"),
    path("regeling/<int:pk>/verwijderen/", schemes.scheme_delete, name="scheme_delete"),
    path("<int:pk>/trajecten/", trajectory_list, name="trajectory_list"),
    path("<int:pk>/trajecten/nieuw/", trajectory_create, name="trajectory_create"),
    path("traject/<int:pk>/", trajectory_detail, name="trajectory_detail"),
    path("traject/<int:pk>/wijzigen/", trajectory_edit, name="trajectory_edit"),
    path("traject/<int:pk>/goedkeuren/", trajectory_approve, name="trajectory_approve"),
    path("traject/<int:pk>/starten/", trajectory_start, name="trajectory_start"),
    path("traject/<int:pk>/afronden/", trajectory_complete, name="trajectory_complete"),
    path("traject/<int:pk>/evalueren/", trajectory_evaluate, name="trajectory_evaluate"),
    path("traject/<int:pk>/intrekken/", trajectory_withdraw, name="trajectory_withdraw"),
    path("traject/<int:pk>/factuur/", trajectory_invoice, name="trajectory_invoice"),
]
