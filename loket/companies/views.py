"""The company pages: the company page with its timeline, the company and person forms,
merge, delete, consent and the per-company audit trail.

Views are thin: they read through ``queries.py`` (an object the user may not see is a
404), declare input with forms, and change things only through ``services.py``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loket.casework.suggestions import sbi_prefetch, suggest, wants_excluded
from loket.companies import services
from loket.companies.forms import (
    CompanyForm,
    ConsentForm,
    MergeLookupForm,
    PersonCreateForm,
    PersonForm,
    RegionChoiceForm,
    WithdrawConsentForm,
    add_service_errors,
)
from loket.companies.models import Company, Person
from loket.companies.queries import (
    companies_visible_to,
    get_company_for_user,
    get_person_for_user,
)
from loket.companies.timeline import (
    audit_trail,
    change_rows,
    company_timeline,
    open_work,
    with_record_counts,
)
from loket.core.models import Region
from loket.core.permissions import Scope, scope_of

AUDIT_PAGE_SIZE = 50


def _page_number(request: HttpRequest) -> int:
    """?pagina=N (as the shared pagination writes it; ?page=N works too); anything else
    is page 1, so garbage never answers 500."""
    raw = request.GET.get("pagina") or request.GET.get("page") or "1"
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return max(1, min(number, 10_000))


def _posted(request: HttpRequest) -> Any:
    """Bind forms on every POST, even an empty one (which then shows its errors)."""
    return request.POST if request.method == "POST" else None


def _page_size() -> int:
    return max(1, int(getattr(settings, "LOKET_PAGE_SIZE", 25)))


def _company_permissions(scope: Scope, company: Company) -> dict[str, bool]:
    region_id = company.region_id
    in_region = region_id in scope.region_ids
    return {
        "can_edit": in_region,
        "can_add_person": in_region,
        "can_record_contact": in_region and bool(scope.organisations_in(region_id)),
        "can_open_case": in_region,
        "can_merge": scope.is_programme_staff(region_id),
        "can_delete": scope.can_manage(region_id),
        "can_audit": scope.can_audit(region_id),
    }


def _list_url() -> str:
    try:
        return reverse("companies:list")
    except NoReverseMatch:
        return reverse("core:home")


# --- the company page --------------------------------------------------------------------


def _section_flags() -> dict[str, Exists]:
    """Whether the company has anything for the page's trajectory, collective, event and
    business case sections, read with the company itself: most companies have none, and
    each section's own (scoped) query is only asked when there is something to show."""
    from loket.collectives.models import Member
    from loket.events.models import Registration
    from loket.monitoring.models import BusinessCase
    from loket.programmes.models import TrajectoryParticipant

    company = OuterRef("pk")
    return {
        "has_trajectories": Exists(TrajectoryParticipant.objects.filter(company=company)),
        "has_memberships": Exists(Member.objects.filter(company=company)),
        "has_registrations": Exists(Registration.objects.filter(company=company)),
        "has_business_cases": Exists(BusinessCase.objects.filter(company=company)),
    }


@login_required
@require_GET
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Account manager, key data, open work and contact persons on top; below them one
    timeline of everything the viewer may see, newest first, page by page."""
    company = get_object_or_404(
        companies_visible_to(request.user)
        .select_related("municipality", "account_manager")
        .prefetch_related(sbi_prefetch(), "themes", "business_associations")
        .annotate(**_section_flags()),
        pk=pk,
    )
    page = company_timeline(request.user, company, page=_page_number(request), size=_page_size())
    context: dict[str, Any] = {"company": company, "timeline": page}
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        # "Older items" on the timeline: only the next page of entries.
        response = render(request, "companies/_timeline_page.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    scope = scope_of(request.user)
    from loket.programmes.services.trajectories import trajectories_for_company

    context.update(
        {
            "work": open_work(request.user, company),
            "persons": list(company.persons.order_by("name", "id")),
            "suggestions": suggest(company, show_excluded=wants_excluded(request.GET)),
            "company_trajectories": trajectories_for_company(request.user, company)
            if company.has_trajectories  # type: ignore[attr-defined]  # (_section_flags)
            else None,
            **_company_permissions(scope, company),
        }
    )
    response = render(request, "companies/company_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- create and edit ---------------------------------------------------------------------


def _chosen_region(request: HttpRequest, scope: Scope) -> Region | None:
    """The region of a new company: the user's only region, or the one chosen (?regio=)."""
    regions = Region.objects.filter(pk__in=scope.region_ids)
    if len(scope.region_ids) == 1:
        return regions.first()
    raw = request.GET.get("regio", "")
    if raw.isdigit() and int(raw) in scope.region_ids:
        return regions.filter(pk=int(raw)).first()
    return None


def _duplicate_context(request: HttpRequest, candidates: list[Company]) -> dict[str, Any]:
    """The probable duplicates the user may open, and how many others exist that they
    may not see (their names stay hidden)."""
    ids = [c.pk for c in candidates]
    visible = set(
        companies_visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    return {
        "candidates": [c for c in candidates if c.pk in visible],
        "hidden_candidates": len([c for c in candidates if c.pk not in visible]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def company_create(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.region_ids:
        raise PermissionDenied
    region = _chosen_region(request, scope)
    if region is None:
        chooser = RegionChoiceForm(
            request.GET if "regio" in request.GET else None,
            regions=Region.objects.filter(pk__in=scope.region_ids),
        )
        if chooser.is_bound:
            chooser.is_valid()
        return render(request, "companies/company_region_choice.html", {"form": chooser})
    form = CompanyForm(
        _posted(request),
        region=region,
        may_set_account_manager=scope.is_programme_staff(region.pk),
        creating=True,
    )
    context: dict[str, Any] = {
        "form": form,
        "region": region,
        "several_regions": len(scope.region_ids) > 1,
        "creating": True,
        "show_confirm": False,
    }
    if request.method == "POST" and form.is_valid():
        try:
            company = services.create_company(
                request.user,  # type: ignore[arg-type]
                region,
                form.service_data(),
                confirm_duplicate=form.cleaned_data.get("confirm_duplicate", False),
            )
        except services.DuplicateCompanyWarning as warning:
            add_service_errors(form, warning)
            context.update(_duplicate_context(request, warning.candidates))
            context["same_kvk"] = warning.same_kvk
            context["show_confirm"] = not warning.same_kvk
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het bedrijf %(name)s is aangemaakt.") % {"name": company})
            return redirect("companies:detail", pk=company.pk)
    elif request.method == "POST" and form.data.get("confirm_duplicate"):
        context["show_confirm"] = True
    return render(request, "companies/company_form.html", context, status=_status(request, form))


def _status(request: HttpRequest, form: Any) -> int:
    """200 for a fresh form; 422 when posted input was refused (htmx and tests see it)."""
    return 422 if request.method == "POST" and form.errors else 200


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_company_for_user(request.user, pk)
    scope = scope_of(request.user)
    if company.region_id not in scope.region_ids:
        raise PermissionDenied
    form = CompanyForm(
        _posted(request),
        initial=CompanyForm.initial_from(company),
        region=company.region,
        may_set_account_manager=scope.is_programme_staff(company.region_id),
        creating=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_company(request.user, company, form.service_data())  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De gegevens zijn opgeslagen."))
            return redirect("companies:detail", pk=company.pk)
    return render(
        request,
        "companies/company_form.html",
        {"form": form, "company": company, "region": company.region, "creating": False},
        status=_status(request, form),
    )


# --- merge and delete ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def company_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Programme staff merge a duplicate into this company: pick it (POST, by KvK number or
    Loket number), compare both with what will move, confirm."""
    company = get_company_for_user(request.user, pk)
    scope = scope_of(request.user)
    if not scope.is_programme_staff(company.region_id):
        raise PermissionDenied
    candidates = companies_visible_to(request.user).filter(region_id=company.region_id)
    form = MergeLookupForm(_posted(request), keep=company, candidates=candidates)
    context: dict[str, Any] = {"company": company, "form": form}
    if request.method == "POST" and form.is_valid():
        duplicate = form.cleaned_data["duplicate_company"]
        if form.cleaned_data.get("confirm"):
            try:
                kept = services.merge_companies(request.user, company, duplicate)  # type: ignore[arg-type]
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(duplicate)s is samengevoegd met %(kept)s.")
                    % {"duplicate": duplicate.name, "kept": kept.name},
                )
                return redirect("companies:detail", pk=kept.pk)
        else:
            pair = {
                c.pk: c
                for c in with_record_counts(
                    candidates.filter(pk__in=[company.pk, duplicate.pk]).select_related(
                        "municipality", "account_manager"
                    )
                )
            }
            context.update({"keep": pair[company.pk], "duplicate": pair[duplicate.pk]})
            return render(request, "companies/company_merge_confirm.html", context)
    if request.method == "GET":
        suggestions = services.find_duplicates(
            company.region,
            kvk_number=company.kvk_number,
            postcode=company.postcode,
            house_number=company.house_number,
            name=company.name,
            exclude_pk=company.pk,
        )
        context["suggestions"] = _duplicate_context(request, suggestions)["candidates"]
    return render(request, "companies/company_merge.html", context, status=_status(request, form))


@login_required
@require_http_methods(["GET", "POST"])
def company_delete(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_company_for_user(request.user, pk)
    if not scope_of(request.user).can_manage(company.region_id):
        raise PermissionDenied
    if request.method == "POST":
        name = company.name
        try:
            services.delete_company(request.user, company)  # type: ignore[arg-type]
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(reverse("companies:detail", args=[company.pk]))
        messages.success(request, _("Het bedrijf %(name)s is verwijderd.") % {"name": name})
        return redirect(_list_url())
    counts = with_record_counts(companies_visible_to(request.user).filter(pk=company.pk)).get()
    return render(request, "companies/company_confirm_delete.html", {"company": counts})


# --- audit trail ---------------------------------------------------------------------------


@login_required
@require_GET
def company_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Every audit event of the company and of the companies merged into it, including
    views of its persons: administrators of the region only, a 404 for anyone else."""
    company = get_company_for_user(request.user, pk)
    if not scope_of(request.user).can_audit(company.region_id):
        raise Http404
    ids = services.merged_company_ids(company)
    paginator = Paginator(audit_trail(ids).select_related("actor"), AUDIT_PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    events = list(page.object_list)
    rows = change_rows(events)
    return render(
        request,
        "companies/company_audit.html",
        {
            "company": company,
            "page": page,
            "events": [(event, rows.get(event.pk, [])) for event in events],
            "merged_ids": [i for i in ids if i != company.pk],
        },
    )


# --- persons and consent -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_company_for_user(request.user, pk)
    if company.region_id not in scope_of(request.user).region_ids:
        raise PermissionDenied
    form = PersonCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consent = None
        if data.get("consent_purpose"):
            consent = services.ConsentInput(
                purpose=data["consent_purpose"],
                method=data["consent_method"],
                given_on=timezone.localdate(),
            )
        try:
            person = services.create_person(request.user, company, data, consent=consent)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De contactpersoon is toegevoegd."))
            return redirect("companies:person_detail", pk=person.pk)
    return render(
        request,
        "companies/person_form.html",
        {"form": form, "company": company, "creating": True},
        status=_status(request, form),
    )


def _render_person(
    request: HttpRequest,
    person: Person,
    *,
    consent_form: ConsentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The person page. Showing it is a view of personal data: audited every time."""
    services.view_person(request.user, person)  # type: ignore[arg-type]
    scope = scope_of(request.user)
    consents = list(person.consents.select_related("recorded_by"))
    in_region = person.region_id in scope.region_ids
    return render(
        request,
        "companies/person_detail.html",
        {
            "person": person,
            "company": person.company,
            "consents": consents,
            "consent_form": consent_form or ConsentForm(initial={"given_on": timezone.localdate()}),
            "can_change": in_region,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    return _render_person(request, person)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    if person.region_id not in scope_of(request.user).region_ids:
        raise PermissionDenied
    form = PersonForm(
        _posted(request),
        initial={
            "name": person.name,
            "role": person.role,
            "email": person.email,
            "phone": person.phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(request.user, person, form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De contactpersoon is opgeslagen."))
            return redirect("companies:person_detail", pk=person.pk)
    else:
        # The form shows the person's data: that is a view of the record too.
        services.view_person(request.user, person)  # type: ignore[arg-type]
    return render(
        request,
        "companies/person_form.html",
        {"form": form, "company": person.company, "person": person, "creating": False},
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    if person.region_id not in scope_of(request.user).region_ids:
        raise PermissionDenied
    company = person.company
    if request.method == "POST":
        services.delete_person(request.user, person)  # type: ignore[arg-type]
        messages.success(request, _("De contactpersoon is verwijderd."))
        return redirect("companies:detail", pk=company.pk)
    return render(
        request, "companies/person_confirm_delete.html", {"person": person, "company": company}
    )


@login_required
@require_POST
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    if person.region_id not in scope_of(request.user).region_ids:
        raise PermissionDenied
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.record_consent(
                request.user,  # type: ignore[arg-type]
                person,
                services.ConsentInput(**form.cleaned_data),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De toestemming is vastgelegd."))
            return redirect("companies:person_detail", pk=person.pk)
    return _render_person(request, person, consent_form=form, status=422)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    if person.region_id not in scope_of(request.user).region_ids:
        raise PermissionDenied
    consent = get_object_or_404(person.consents.all(), pk=consent_pk)
    form = WithdrawConsentForm(request.POST, consent=consent)
    if form.is_valid():
        try:
            services.withdraw_consent(
                request.user,  # type: ignore[arg-type]
                consent,
                on=form.cleaned_data.get("withdrawn_on"),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("De toestemming is ingetrokken."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("companies:person_detail", pk=person.pk)
