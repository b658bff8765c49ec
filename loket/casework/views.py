"""Pages of casework: the work queue, cases, contact moments and referrals.

Views are thin: they read through ``queries.py``, change through ``services.py`` and
render. Actions answer htmx requests with the panel they changed, and every other request
with a redirect (or the page with its form errors), so everything works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from loket.accounts.models import User
from loket.casework import queries, services, suggestions
from loket.casework.filters import (
    CASE_SORTING,
    CONTACT_SORTING,
    REFERRAL_SORTING,
    CaseFilterSet,
    ContactMomentFilterSet,
    ReferralFilterSet,
)
from loket.casework.forms import (
    STATUS_BUTTON_LABELS,
    CaseEditForm,
    CaseForm,
    CompleteForm,
    ContactMomentForm,
    DeclineForm,
    EmptyForm,
    ReassignForm,
    ReferralForm,
    StatusForm,
    add_service_errors,
)
from loket.casework.models import Case, ContactMoment, Referral
from loket.companies.queries import get_company_for_user
from loket.core.export import Column, export_format, export_response
from loket.core.lists import Sorting, paginate
from loket.core.permissions import scope_of


class AuthedRequest(HttpRequest):
    """What a view behind ``login_required`` receives (for the type checker)."""

    user: User
    htmx: HtmxDetails


QUEUE_SIZE = 50
FOLLOW_UPS_SHOWN = 20
INBOX_SHOWN = 5


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one), else None for an unbound form."""
    return request.POST if request.method == "POST" else None


def _instrument_url(instrument: Any) -> str | None:
    """The internal catalogue page of an instrument, when the catalogue pages are mounted."""
    if instrument is None:
        return None
    try:
        return reverse("catalogue:detail", args=[instrument.pk])
    except NoReverseMatch:
        return None


def _company_url(company_id: int) -> str | None:
    try:
        return reverse("companies:detail", args=[company_id])
    except NoReverseMatch:  # the company pages are not mounted (yet)
        return None


# --- work queue ----------------------------------------------------------------------


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    """The user's open cases by deadline, the team's for a team lead, follow-ups due and
    the referral inbox: a fixed number of queries whatever the queue's length."""
    user = request.user
    scope = scope_of(user)
    mine = list(queries.work_queue(user)[: QUEUE_SIZE + 1])
    team: list[Case] = []
    if scope.team_lead_organisation_ids:
        team = list(queries.team_queue(user)[: QUEUE_SIZE + 1])
    follow_ups = list(queries.follow_ups_due(user)[:FOLLOW_UPS_SHOWN])
    inbox = list(
        queries.referral_inbox(user)
        .filter(status=Referral.Status.SENT)
        .select_related("company", "from_organisation")[:INBOX_SHOWN]
    )
    new_referrals = queries.new_referrals_count(user)
    return render(
        request,
        "casework/queue.html",
        {
            "mine": mine[:QUEUE_SIZE],
            "mine_more": len(mine) > QUEUE_SIZE,
            "team": team[:QUEUE_SIZE],
            "team_more": len(team) > QUEUE_SIZE,
            "is_team_lead": bool(scope.team_lead_organisation_ids),
            "follow_ups": follow_ups,
            "inbox": inbox,
            "new_referrals": new_referrals,
            "works_cases": any(scope.can_work_cases(r) for r in scope.region_ids),
        },
    )


# --- cases ---------------------------------------------------------------------------


def _case_context(request: AuthedRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = request.user
    can_work = services.can_work_case(user, case)
    transitions = services.allowed_transitions(case) if can_work else []
    context: dict[str, Any] = {
        "case": case,
        "company_url": _company_url(case.company_id),
        "can_work": can_work,
        "transitions": [
            (s, STATUS_BUTTON_LABELS[s] if case.is_open else _("Heropenen"))
            for s in transitions
            if s != Case.Status.CLOSED
        ],
        "can_close": Case.Status.CLOSED in transitions,
        "status_form": forms.get("status_form") or StatusForm(),
        "reassign_form": forms.get("reassign_form")
        or (ReassignForm(case=case) if can_work else None),
        "referral_form": forms.get("referral_form")
        or (ReferralForm(case=case) if can_work and case.is_open else None),
        "status_message": forms.get("status_message"),
        "referral_message": forms.get("referral_message"),
    }
    return context


def _case_page(request: AuthedRequest, case: Case, **forms: Any) -> HttpResponse:
    user = request.user
    can_record = case.region_id in scope_of(user).region_ids
    context = _case_context(request, case, **forms)
    themes = list(case.themes.all())
    referrals = list(_case_referrals(user, case))
    suggestions.prefetch_profile(case.company)
    context.update(
        themes=themes,
        contact_moments=list(
            queries.contact_moments_visible_to(user)
            .filter(case=case)
            .select_related("author", "organisation")
            .order_by("-occurred_at", "-id")
        ),
        referrals=referrals,
        suggestions=suggestions.suggest(
            case.company,
            question=case.question,
            themes=[theme.slug for theme in themes],
            show_excluded=suggestions.wants_excluded(request.GET),
        ),
        can_refer=context["can_work"] and case.is_open,
        referred_instrument_ids={
            r.instrument_id
            for r in referrals
            if r.instrument_id and r.status in Referral.OPEN_STATUSES
        },
        can_record_contact=can_record,
        contact_form=(
            ContactMomentForm(company=case.company, user=user, initial={"case": case.pk})
            if can_record
            else None
        ),
    )
    return render(request, "casework/case_detail.html", context)


def _case_referrals(user: Any, case: Case) -> Any:
    return (
        queries.referrals_visible_to(user)
        .filter(case=case)
        .select_related(
            "from_organisation", "to_organisation", "created_by", "handled_by", "instrument"
        )
        .order_by("-created_at", "-id")
    )


@login_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = queries.get_case_for_user(request.user, pk)
    return _case_page(request, case)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthedRequest, company_pk: int) -> HttpResponse:
    company = get_company_for_user(request.user, company_pk)
    form = CaseForm(_posted(request), company=company, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(request.user, company, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Hulpvraag %(ref)s is geopend.") % {"ref": case.reference},
            )
            return redirect("casework:case_detail", pk=case.pk)
    return render(
        request,
        "casework/case_form.html",
        {"form": form, "company": company, "company_url": _company_url(company.pk)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    case = queries.get_case_for_user(request.user, pk)
    if not services.can_work_case(request.user, case):
        raise PermissionDenied
    form = CaseEditForm(_posted(request), case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_case(request.user, case, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("De hulpvraag is bijgewerkt."))
            return redirect("casework:case_detail", pk=case.pk)
    return render(request, "casework/case_edit.html", {"form": form, "case": case})


def _status_panel(request: AuthedRequest, case: Case, **forms: Any) -> HttpResponse:
    return render(request, "casework/_case_status.html", _case_context(request, case, **forms))


@login_required
@require_POST
def case_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move the case along the pipeline (closing with an outcome, or reopening)."""
    case = queries.get_case_for_user(request.user, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            case = services.change_status(
                request.user,
                case,
                form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
                outcome_note=form.cleaned_data["outcome_note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            case = queries.get_case_for_user(request.user, pk)
            message = _("De status is nu “%(status)s”.") % {"status": case.get_status_display()}
            if request.htmx:
                return _status_panel(request, case, status_message=message)
            messages.success(request, message)
            return redirect("casework:case_detail", pk=case.pk)
    if request.htmx:
        return _status_panel(request, case, status_form=form)
    return _case_page(request, case, status_form=form)


@login_required
@require_POST
def case_reassign(request: AuthedRequest, pk: int) -> HttpResponse:
    """Hand the case to another case worker of the region."""
    case = queries.get_case_for_user(request.user, pk)
    form = ReassignForm(request.POST, case=case)
    if form.is_valid():
        try:
            case = services.update_case(request.user, case, {"owner": form.cleaned_data["owner"]})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            case = queries.get_case_for_user(request.user, pk)
            message = _("%(name)s is nu eigenaar van de hulpvraag.") % {"name": case.owner}
            if request.htmx:
                return _status_panel(request, case, status_message=message)
            messages.success(request, message)
            return redirect("casework:case_detail", pk=case.pk)
    if request.htmx:
        return _status_panel(request, case, reassign_form=form)
    return _case_page(request, case, reassign_form=form)


# --- referrals -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Refer the case to a partner organisation (sent at once, or kept as a proposal);
    ``?instrument=<id>`` (from a suggestion on the case page) refers it for an instrument,
    to the instrument's contact organisation. An instrument that does not apply in the
    case's region is a 404."""
    case = queries.get_case_for_user(request.user, pk)
    if not services.can_work_case(request.user, case):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    wanted = request.GET.get("instrument", "") if request.method == "GET" else ""
    if wanted:
        initial["instrument"] = wanted
    form = ReferralForm(_posted(request), case=case, initial=initial)
    if wanted and form.chosen_instrument is None:
        raise Http404
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.refer(
                request.user,
                case,
                to_organisation=form.cleaned_data["to_organisation"],
                message=form.cleaned_data["message"],
                send=form.send_now,
                instrument=form.cleaned_data["instrument"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if referral.instrument is not None:
                if referral.status == Referral.Status.SENT:
                    message = _("De verwijzing naar %(org)s voor %(instrument)s is verstuurd.")
                else:
                    message = _(
                        "De verwijzing naar %(org)s voor %(instrument)s is als voorstel bewaard."
                    )
            elif referral.status == Referral.Status.SENT:
                message = _("De verwijzing naar %(org)s is verstuurd.")
            else:
                message = _("De verwijzing naar %(org)s is als voorstel bewaard.")
            message = message % {
                "org": referral.to_organisation,
                "instrument": referral.instrument,
            }
            if request.htmx:
                case = queries.get_case_for_user(request.user, pk)
                return _referrals_panel(request, case, referral_message=message, oob_status=True)
            messages.success(request, message)
            return redirect("casework:case_detail", pk=case.pk)
    if request.htmx:
        return _referrals_panel(request, case, referral_form=form)
    instrument = form.chosen_instrument
    return render(
        request,
        "casework/referral_form.html",
        {
            "form": form,
            "case": case,
            "instrument": instrument,
            "instrument_problems": (
                list(services.instrument_problems(case, instrument).values())
                if instrument is not None and not form.is_bound
                else []
            ),
            "instrument_url": _instrument_url(instrument),
        },
    )


def _referrals_panel(request: AuthedRequest, case: Case, **extra: Any) -> HttpResponse:
    context = _case_context(request, case, **extra)
    context["referrals"] = list(_case_referrals(request.user, case))
    context["oob_status"] = extra.get("oob_status", False)
    return render(request, "casework/_case_referrals.html", context)


def _referral_context(request: AuthedRequest, referral: Referral, **forms: Any) -> dict[str, Any]:
    user = request.user
    can_answer = services.can_answer_referral(user, referral)
    status = referral.status
    S = Referral.Status
    return {
        "referral": referral,
        "company_url": _company_url(referral.company_id),
        "can_accept": can_answer and status == S.SENT,
        "can_decline": can_answer and status in (S.SENT, S.ACCEPTED),
        "can_complete": can_answer and status == S.ACCEPTED,
        "can_send": status == S.PROPOSED and services.can_send_referral(user, referral),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "action_message": forms.get("action_message"),
        "action_error": forms.get("action_error"),
    }


@login_required
def referral_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral_for_user(request.user, pk)
    return render(request, "casework/referral_detail.html", _referral_context(request, referral))


def _referral_action(
    request: AuthedRequest,
    pk: int,
    form_class: type[Any],
    form_name: str,
    run: Any,
    done: str,
) -> HttpResponse:
    referral = queries.get_referral_for_user(request.user, pk)
    form = form_class(request.POST)
    extra: dict[str, Any] = {}
    if form.is_valid():
        try:
            run(referral, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            if form.non_field_errors():
                extra["action_error"] = " ".join(form.non_field_errors())
        else:
            referral = queries.get_referral_for_user(request.user, pk)
            message = done % {"org": referral.to_organisation}
            if request.htmx:
                context = _referral_context(request, referral, action_message=message)
                return render(request, "casework/_referral_actions.html", context)
            messages.success(request, message)
            return redirect("casework:referral_detail", pk=referral.pk)
    context = _referral_context(request, referral, **{form_name: form}, **extra)
    template = (
        "casework/_referral_actions.html" if request.htmx else "casework/referral_detail.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def referral_send(request: AuthedRequest, pk: int) -> HttpResponse:
    return _referral_action(
        request,
        pk,
        EmptyForm,
        "send_form",
        lambda referral, data: services.send_referral(request.user, referral),
        _("De verwijzing is verstuurd naar %(org)s."),
    )


@login_required
@require_POST
def referral_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    return _referral_action(
        request,
        pk,
        EmptyForm,
        "accept_form",
        lambda referral, data: services.accept_referral(request.user, referral),
        _("U heeft de verwijzing geaccepteerd. Neem contact op met de ondernemer."),
    )


@login_required
@require_POST
def referral_decline(request: AuthedRequest, pk: int) -> HttpResponse:
    return _referral_action(
        request,
        pk,
        DeclineForm,
        "decline_form",
        lambda referral, data: services.decline_referral(
            request.user, referral, data["decline_reason"]
        ),
        _("U heeft de verwijzing afgewezen; de verwijzer krijgt bericht."),
    )


@login_required
@require_POST
def referral_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    return _referral_action(
        request,
        pk,
        CompleteForm,
        "complete_form",
        lambda referral, data: services.complete_referral(request.user, referral, data["feedback"]),
        _("De verwijzing is afgerond; de verwijzer ziet uw terugkoppeling."),
    )


# --- contact moments -----------------------------------------------------------------


def _after_contact(moment: ContactMoment) -> HttpResponse:
    if moment.case_id:
        return redirect("casework:case_detail", pk=moment.case_id)
    url = _company_url(moment.company_id)
    return redirect(url) if url else redirect("casework:contact_detail", pk=moment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthedRequest, company_pk: int) -> HttpResponse:
    """Record a contact moment or intake with a company (optionally on one of its cases)."""
    user = request.user
    company = get_company_for_user(user, company_pk)
    initial: dict[str, Any] = {}
    case_param = request.GET.get("hulpvraag", "")
    if case_param.isdigit() and len(case_param) < 19:
        initial["case"] = int(case_param)
    kind_param = request.GET.get("soort", "")
    if kind_param in ContactMoment.Kind.values:
        initial["kind"] = kind_param
    form = ContactMomentForm(_posted(request), company=company, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            moment = services.record_contact(user, company, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Het contactmoment is vastgelegd."))
            return _after_contact(moment)
    return render(
        request,
        "casework/contact_form.html",
        {"form": form, "company": company, "company_url": _company_url(company.pk)},
    )


@login_required
def contact_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    moment = queries.get_contact_moment_for_user(request.user, pk)
    return render(
        request,
        "casework/contact_detail.html",
        {
            "moment": moment,
            "company_url": _company_url(moment.company_id),
            "can_change": services.can_change_contact_moment(request.user, moment),
            "persons": list(moment.persons.all()),
            "themes": list(moment.themes.all()),
            "needs": list(moment.needs.all()),
        },
    )


def _changeable_moment(request: AuthedRequest, pk: int) -> ContactMoment:
    moment = queries.get_contact_moment_for_user(request.user, pk)
    if not services.can_change_contact_moment(request.user, moment):
        raise PermissionDenied
    return moment


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    moment = _changeable_moment(request, pk)
    form = ContactMomentForm(
        _posted(request), company=moment.company, user=request.user, instance=moment
    )
    if request.method == "POST" and form.is_valid():
        try:
            moment = services.update_contact_moment(request.user, moment, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Het contactmoment is bijgewerkt."))
            return redirect("casework:contact_detail", pk=moment.pk)
    return render(
        request,
        "casework/contact_form.html",
        {
            "form": form,
            "company": moment.company,
            "moment": moment,
            "company_url": _company_url(moment.company_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    moment = _changeable_moment(request, pk)
    form = EmptyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        company_id, case_id = moment.company_id, moment.case_id
        services.delete_contact_moment(request.user, moment)
        messages.success(request, _("Het contactmoment is verwijderd."))
        if case_id:
            return redirect("casework:case_detail", pk=case_id)
        url = _company_url(company_id)
        return redirect(url or "casework:contact_list")
    return render(
        request,
        "casework/contact_confirm_delete.html",
        {"moment": moment, "company_url": _company_url(moment.company_id)},
    )


# --- lists ---------------------------------------------------------------------------

CASE_COLUMNS: list[Column] = [
    (_l("Kenmerk"), "reference"),
    (_l("Bedrijf"), "company.name"),
    (_l("KvK-nummer"), "company.kvk_number"),
    (_l("Kanaal"), "get_channel_display"),
    (_l("Vraag"), "question"),
    (_l("Thema's"), lambda case: ", ".join(t.name for t in case.themes.all())),
    (_l("Status"), "get_status_display"),
    (_l("Eigenaar"), "owner.full_name"),
    (_l("Organisatie"), "organisation.name"),
    (_l("Ontvangen"), "opened_at"),
    (_l("Reageren vóór"), "deadline"),
    (_l("Te laat"), "is_overdue"),
    (_l("Eerste reactie"), "first_response_at"),
    (_l("Afgesloten"), "closed_at"),
    (_l("Uitkomst"), "get_outcome_display"),
]

REFERRAL_COLUMNS: list[Column] = [
    (_l("Hulpvraag"), "case.reference"),
    (_l("Bedrijf"), "company.name"),
    (_l("KvK-nummer"), "company.kvk_number"),
    (_l("Van organisatie"), "from_organisation.name"),
    (_l("Verwezen door"), "created_by.full_name"),
    (_l("Naar organisatie"), "to_organisation.name"),
    (_l("Instrument"), "instrument.name"),
    (_l("Status"), "get_status_display"),
    (_l("Toelichting"), "message"),
    (_l("Verwezen op"), "created_at"),
    (_l("Verstuurd"), "sent_at"),
    (_l("Gereageerd"), "responded_at"),
    (_l("Afgerond"), "completed_at"),
    (_l("Reden van afwijzing"), "decline_reason"),
    (_l("Terugkoppeling"), "feedback"),
]

CONTACT_COLUMNS: list[Column] = [
    (_l("Datum en tijd"), "occurred_at"),
    (_l("Soort"), "get_kind_display"),
    (_l("Bedrijf"), "company.name"),
    (_l("KvK-nummer"), "company.kvk_number"),
    (_l("Organisatie"), "organisation.name"),
    (_l("Vastgelegd door"), "author.full_name"),
    (_l("Duur (minuten)"), "duration_minutes"),
    (_l("Behoeften"), lambda moment: ", ".join(n.name for n in moment.needs.all())),
    (_l("Thema's"), lambda moment: ", ".join(t.name for t in moment.themes.all())),
    (_l("Verslag"), "summary"),
    (_l("Opvolgen op"), "follow_up_on"),
    (_l("Vertrouwelijk"), "confidential"),
    (_l("Hulpvraag"), "case.reference"),
]


def _list_response(
    request: AuthedRequest,
    filterset: Any,
    *,
    sorting: Sorting,
    columns: list[Column],
    stem: str,
    template: str,
    prefetch: tuple[str, ...] = (),
    export_prefetch: tuple[str, ...] = (),
    **context: Any,
) -> HttpResponseBase:
    """A filtered, sorted, paginated list, or the export of the whole filtered set: a fixed
    number of queries whatever the page size."""
    queryset = filterset.qs
    if prefetch:
        queryset = queryset.prefetch_related(*prefetch)
    fmt = export_format(request)
    if fmt:
        queryset = sorting.apply(queryset.prefetch_related(*export_prefetch), request.GET)
        return export_response(fmt, queryset, columns, stem)
    listing = paginate(request, queryset, sorting=sorting)
    return render(
        request,
        template,
        {
            "filterset": filterset,
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            **context,
        },
    )


@login_required
def case_list(request: AuthedRequest) -> HttpResponseBase:
    filterset = CaseFilterSet(
        request.GET, queryset=queries.case_list(request.user), request=request
    )
    return _list_response(
        request,
        filterset,
        sorting=CASE_SORTING,
        columns=CASE_COLUMNS,
        stem="hulpvragen",
        template="casework/case_list.html",
        prefetch=("themes",),
    )


@login_required
def referral_list(request: AuthedRequest) -> HttpResponseBase:
    filterset = ReferralFilterSet(
        request.GET,
        queryset=queries.referral_list(request.user).select_related("instrument"),
        request=request,
    )
    return _list_response(
        request,
        filterset,
        sorting=REFERRAL_SORTING,
        columns=REFERRAL_COLUMNS,
        stem="verwijzingen",
        template="casework/referral_list.html",
        inbox=False,
    )


@login_required
def referral_inbox(request: AuthedRequest) -> HttpResponseBase:
    """Referrals to the user's organisations, newest first, filtered by status."""
    queryset = queries.referral_inbox(request.user).select_related(
        "case", "company", "from_organisation", "to_organisation", "created_by", "instrument"
    )
    filterset = ReferralFilterSet(request.GET, queryset=queryset, request=request)
    return _list_response(
        request,
        filterset,
        sorting=REFERRAL_SORTING,
        columns=REFERRAL_COLUMNS,
        stem="verwijzingen-inbox",
        template="casework/referral_list.html",
        inbox=True,
        new_referrals=queries.new_referrals_count(request.user),
    )


@login_required
def contact_list(request: AuthedRequest) -> HttpResponseBase:
    """Contact moments the user may see (confidential ones only of her organisations)."""
    filterset = ContactMomentFilterSet(
        request.GET, queryset=queries.contact_moment_list(request.user), request=request
    )
    return _list_response(
        request,
        filterset,
        sorting=CONTACT_SORTING,
        columns=CONTACT_COLUMNS,
        stem="contactmomenten",
        template="casework/contact_list.html",
        prefetch=("needs",),
        export_prefetch=("themes",),
    )
