"""Pages of the accounts app: administration of organisations, users and roles (for
programme managers and administrators of a region), "Mijn account" and personal API
tokens. Views are thin: reads through queries.py, changes through services.py."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from loket.accounts import queries, services
from loket.accounts.forms import (
    ApiTokenForm,
    LanguageForm,
    MembershipForm,
    NewUserForm,
    OrganisationFilterForm,
    OrganisationForm,
    UserFilterForm,
    UserForm,
)
from loket.accounts.mfa import has_totp, mfa_required
from loket.accounts.models import Organisation, User
from loket.core.lists import paginate
from loket.core.permissions import scope_of

View = Callable[..., HttpResponse]


def manager_required(view: View) -> View:
    """Logged in, and a programme manager or administrator of some region; else 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not queries.managed_region_ids(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _apply_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form (field errors where it names one)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _administrator_region_ids(user: Any) -> frozenset[int]:
    scope = scope_of(user)
    return frozenset(r for r, roles in scope.roles_by_region.items() if "administrator" in roles)


# ---------------------------------------------------------------- organisations


@manager_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = queries.organisations_managed_by(request.user).order_by("name", "pk")
    filters = OrganisationFilterForm(request.GET or None)
    if filters.is_valid():
        if q := filters.cleaned_data.get("q"):
            organisations = organisations.filter(name__icontains=q)
        if kind := filters.cleaned_data.get("kind"):
            organisations = organisations.filter(kind=kind)
    listing = paginate(request, organisations)
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "listing": listing,
            "page": listing.page,
            "query": listing.query,
            "filters": filters,
            "many_regions": len(queries.managed_region_ids(request.user)) > 1,
        },
    )


def _organisation_form(request: HttpRequest, instance: Organisation | None) -> OrganisationForm:
    return OrganisationForm(
        request.POST or None,
        instance=instance,
        regions=queries.managed_regions(request.user),
        municipalities=queries.municipalities_managed_by(request.user),
    )


_ORGANISATION_FIELDS = (
    "name",
    "kind",
    "email",
    "phone",
    "website",
    "municipality",
    "is_programme_partner",
)


@manager_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = _organisation_form(request, None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in _ORGANISATION_FIELDS}
        try:
            organisation = services.create_organisation(
                request.user,  # type: ignore[arg-type]
                region=form.cleaned_data["region"],
                **data,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Organisatie %(name)s is aangemaakt.") % {"name": organisation.name}
            )
            return redirect("accounts:organisation_list")
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": None})


@manager_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = queries.get_organisation_for_manager(request.user, pk)
    # The form edits a copy, so a refused change does not show on the page as saved.
    form = _organisation_form(request, queries.get_organisation_for_manager(request.user, pk))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in _ORGANISATION_FIELDS}
        try:
            services.update_organisation(
                request.user,  # type: ignore[arg-type]
                organisation,
                **data,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("accounts:organisation_edit", pk=organisation.pk)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


# ---------------------------------------------------------------- users


@manager_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = queries.users_managed_by(request.user).order_by("full_name", "pk")
    filters = UserFilterForm(
        request.GET or None, organisations=queries.organisations_managed_by(request.user)
    )
    if filters.is_valid():
        data = filters.cleaned_data
        users = queries.filter_users(
            users,
            managed_by=request.user,
            organisation=data.get("organisation"),
            role=data.get("role") or None,
            active={"1": True, "0": False}.get(data.get("active") or ""),
        )
    listing = paginate(request, users)
    return render(
        request,
        "accounts/user_list.html",
        {"listing": listing, "page": listing.page, "query": listing.query, "filters": filters},
    )


@manager_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = NewUserForm(
        request.POST or None,
        organisations=queries.organisations_managed_by(request.user),
        administrator_region_ids=_administrator_region_ids(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                request.user,  # type: ignore[arg-type]
                email=data["email"],
                full_name=data["full_name"],
                phone=data["phone"],
                language=data["language"],
                organisation=data["organisation"],
                role=data["role"],
                is_team_lead=data["is_team_lead"],
                send_invitation=data["send_invitation"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if data["send_invitation"]:
                messages.success(
                    request,
                    _("Gebruiker %(name)s is aangemaakt en krijgt een uitnodiging per e-mail.")
                    % {"name": user.full_name},
                )
            else:
                messages.success(
                    request, _("Gebruiker %(name)s is aangemaakt.") % {"name": user.full_name}
                )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_create.html", {"form": form})


def _membership_form(request: HttpRequest, data: Any = None) -> MembershipForm:
    return MembershipForm(
        data,
        organisations=queries.organisations_managed_by(request.user),
        administrator_region_ids=_administrator_region_ids(request.user),
        prefix="membership",
    )


def _user_page(
    request: HttpRequest,
    user: User,
    form: UserForm | None = None,
    membership_form: MembershipForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "form": form or UserForm(instance=user),
            "membership_form": membership_form or _membership_form(request),
            "memberships": user.managed_memberships,  # type: ignore[attr-defined]
            "has_totp": has_totp(user),
            "is_self": user.pk == request.user.pk,
            "can_edit": services.may_edit_user(request.user, user),  # type: ignore[arg-type]
        },
        status=status,
    )


@manager_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = queries.get_user_for_manager(request.user, pk)
    if request.method != "POST":
        return _user_page(request, user)
    form = UserForm(request.POST, instance=queries.get_user_for_manager(request.user, pk))
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in UserForm.Meta.fields}
        try:
            services.update_user(request.user, user, **data)  # type: ignore[arg-type]
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("accounts:user_detail", pk=user.pk)
    return _user_page(request, user, form=form)


def _user_action(
    request: HttpRequest, pk: int, action: Callable[[Any, User], Any], done: str
) -> HttpResponse:
    user = queries.get_user_for_manager(request.user, pk)
    try:
        action(request.user, user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
@manager_required
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_action(request, pk, services.deactivate_user, _("De gebruiker is uitgeschakeld."))


@require_POST
@manager_required
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_action(
        request, pk, services.reactivate_user, _("De gebruiker is weer ingeschakeld.")
    )


@require_POST
@manager_required
def user_invite(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_action(request, pk, services.invite, _("De uitnodiging is opnieuw verstuurd."))


@require_POST
@manager_required
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = queries.get_user_for_manager(request.user, pk)
    form = _membership_form(request, request.POST)
    if form.is_valid():
        try:
            services.add_membership(
                request.user,  # type: ignore[arg-type]
                user,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                is_team_lead=form.cleaned_data["is_team_lead"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Het lidmaatschap is toegevoegd."))
            return redirect("accounts:user_detail", pk=user.pk)
    return _user_page(request, user, membership_form=form, status=200)


@require_POST
@manager_required
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = queries.get_membership_for_manager(request.user, pk)
    user_pk = membership.user_id
    try:
        services.remove_membership(request.user, membership)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Het lidmaatschap is verwijderd."))
    if queries.users_managed_by(request.user).filter(pk=user_pk).exists():
        return redirect("accounts:user_detail", pk=user_pk)
    return redirect("accounts:user_list")


# ---------------------------------------------------------------- my account


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = LanguageForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        services.set_language(user, form.cleaned_data["language"])
        messages.success(request, _("Uw taalkeuze is opgeslagen."))
        return redirect("accounts:my_account")
    memberships = user.memberships.select_related("organisation").order_by("organisation__name")
    return render(
        request,
        "accounts/my_account.html",
        {
            "form": form,
            "memberships": memberships,
            "has_totp": has_totp(user),
            "mfa_required": mfa_required(user),
            "token_count": queries.tokens_of(user).filter(revoked_at__isnull=True).count(),
        },
    )


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; for a signed-in user it also changes the profile."""
    response = django_set_language(request)
    user = getattr(request, "user", None)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if user is not None and user.is_authenticated and language:
        services.set_language(user, language)
    return response


# ---------------------------------------------------------------- personal API tokens


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.issue_token(
                user, name=form.cleaned_data["name"], expires_on=form.cleaned_data["expires_on"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            # Shown once, in this response only; never stored, never in a URL.
            response = render(
                request, "accounts/token_created.html", {"token": token, "raw_token": raw}
            )
            response["Cache-Control"] = "no-store"
            return response
    listing = paginate(request, queries.tokens_of(user))
    return render(
        request,
        "accounts/token_list.html",
        {"form": form, "listing": listing, "page": listing.page, "query": listing.query},
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = queries.get_token_of(request.user, pk)
    services.revoke_token(request.user, token)  # type: ignore[arg-type]
    messages.success(request, _("De API-sleutel %(name)s is ingetrokken.") % {"name": token.name})
    return redirect("accounts:token_list")
