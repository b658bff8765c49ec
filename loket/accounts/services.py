"""Domain operations on organisations, users, memberships and personal API tokens.

Every operation checks that the actor may do it (a programme manager or administrator of
the region concerned), runs in one transaction and leaves an audit event. Only
administrators grant, change or take away the administrator role.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loket.accounts.models import ApiToken, Membership, Organisation, Role, User
from loket.core.audit import diff, record, snapshot
from loket.core.models import Municipality, Region
from loket.core.permissions import forget_scope, require, scope_of

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "email",
    "phone",
    "website",
    "municipality",
    "is_programme_partner",
)
USER_FIELDS = ("full_name", "email", "phone", "language", "is_active")


def _require_manager(actor: User, region_id: int) -> None:
    require(scope_of(actor).can_manage(region_id))


def _require_role_grantable(actor: User, region_id: int, role: str) -> None:
    if role == Role.ADMINISTRATOR:
        require(scope_of(actor).has_role("administrator", region_id=region_id))


def _is_administrator(user: User) -> bool:
    return Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()


def may_edit_user(actor: User, user: User) -> bool:
    """A manager edits a user who is a member in one of the manager's regions; only an
    administrator edits an administrator."""
    regions = set(
        Membership.objects.filter(user=user).values_list("organisation__region_id", flat=True)
    )
    scope = scope_of(actor)
    if not any(scope.can_manage(r) for r in regions):
        return False
    if _is_administrator(user):
        return any(scope.has_role("administrator", region_id=r) for r in regions)
    return True


def _require_may_edit_user(actor: User, user: User) -> None:
    require(may_edit_user(actor, user))


# ---------------------------------------------------------------- organisations


def _check_municipality(region: Region, municipality: Municipality | None) -> None:
    if municipality is not None and municipality.region_id != region.pk:
        raise ValidationError(
            {"municipality": _("Deze gemeente hoort niet bij de regio van de organisatie.")}
        )


@transaction.atomic
def create_organisation(actor: User, *, region: Region, **fields: Any) -> Organisation:
    _require_manager(actor, region.pk)
    _check_municipality(region, fields.get("municipality"))
    organisation = Organisation(region=region, **fields)
    organisation.full_clean()
    organisation.save()
    record(actor, "create", organisation, changes=snapshot(organisation, ORGANISATION_FIELDS))
    return organisation


@transaction.atomic
def update_organisation(actor: User, organisation: Organisation, **fields: Any) -> Organisation:
    _require_manager(actor, organisation.region_id)
    _check_municipality(organisation.region, fields.get("municipality"))
    before = snapshot(organisation, ORGANISATION_FIELDS)
    for name, value in fields.items():
        if name not in ORGANISATION_FIELDS:
            raise ValueError(f"Unknown organisation field {name!r}")
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    changes = diff(before, snapshot(organisation, ORGANISATION_FIELDS))
    if changes:
        record(actor, "change", organisation, changes=changes)
    return organisation


# ---------------------------------------------------------------- users


def _email_taken(email: str, exclude_pk: int | None = None) -> bool:
    qs = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


@transaction.atomic
def create_user(
    actor: User,
    *,
    email: str,
    full_name: str,
    organisation: Organisation,
    role: str,
    is_team_lead: bool = False,
    phone: str = "",
    language: str = settings.LANGUAGE_CODE,
    send_invitation: bool = True,
) -> User:
    """A new user with a first membership and no password: the invitation e-mail
    carries a link to choose one."""
    _require_manager(actor, organisation.region_id)
    _require_role_grantable(actor, organisation.region_id, role)
    email = User.objects.normalize_email(email).lower()
    if _email_taken(email):
        raise ValidationError({"email": _("Er bestaat al een gebruiker met dit e-mailadres.")})
    user = User(email=email, full_name=full_name, phone=phone, language=language)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, is_team_lead=is_team_lead
    )
    record(actor, "create", user, changes=snapshot(user, USER_FIELDS))
    record(actor, "create", membership, changes=snapshot(membership))
    if send_invitation:
        invite(actor, user)
    return user


@transaction.atomic
def update_user(actor: User, user: User, **fields: Any) -> User:
    _require_may_edit_user(actor, user)
    before = snapshot(user, USER_FIELDS)
    if "email" in fields:
        fields["email"] = User.objects.normalize_email(fields["email"]).lower()
        if _email_taken(fields["email"], exclude_pk=user.pk):
            raise ValidationError({"email": _("Er bestaat al een gebruiker met dit e-mailadres.")})
    if fields.get("is_active") is False and user.pk == actor.pk:
        raise ValidationError({"is_active": _("U kunt uw eigen account niet uitschakelen.")})
    for name, value in fields.items():
        if name not in USER_FIELDS:
            raise ValueError(f"Unknown user field {name!r}")
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    changes = diff(before, snapshot(user, USER_FIELDS))
    if changes:
        record(actor, "change", user, changes=changes)
    return user


@transaction.atomic
def deactivate_user(actor: User, user: User) -> User:
    """Switch an account off: the user can no longer log in and their API tokens stop
    working. Nothing is deleted; their work stays on the records."""
    _require_may_edit_user(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("U kunt uw eigen account niet uitschakelen."))
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        record(actor, "change", user, changes={"is_active": [True, False]})
    return user


@transaction.atomic
def reactivate_user(actor: User, user: User) -> User:
    _require_may_edit_user(actor, user)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        record(actor, "change", user, changes={"is_active": [False, True]})
    return user


def invitation_url(user: User) -> str:
    """An absolute link to choose a password (allauth's password reset link)."""
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    return settings.SITE_URL.rstrip("/") + path.replace("UID-KEY", key)


def invite(actor: User, user: User) -> None:
    """Send the user an e-mail with a link to choose a password, after the commit."""
    _require_may_edit_user(actor, user)
    url = invitation_url(user)
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    with translation.override(user.language):
        context = {"user": user, "url": url, "days": days, "inviter": actor}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
    recipient = user.email
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    )


# ---------------------------------------------------------------- memberships


@transaction.atomic
def add_membership(
    actor: User, user: User, *, organisation: Organisation, role: str, is_team_lead: bool = False
) -> Membership:
    _require_manager(actor, organisation.region_id)
    _require_role_grantable(actor, organisation.region_id, role)
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"role": _("Deze gebruiker heeft deze rol al bij deze organisatie.")})
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, is_team_lead=is_team_lead
    )
    forget_scope(user)
    record(actor, "create", membership, changes=snapshot(membership))
    return membership


@transaction.atomic
def remove_membership(actor: User, membership: Membership) -> None:
    region_id = membership.organisation.region_id
    _require_manager(actor, region_id)
    _require_role_grantable(actor, region_id, membership.role)
    user = membership.user
    if not Membership.objects.filter(user=user).exclude(pk=membership.pk).exists():
        raise ValidationError(
            _(
                "Dit is het laatste lidmaatschap van deze gebruiker. Schakel de gebruiker"
                " uit in plaats van het lidmaatschap te verwijderen."
            )
        )
    if user.pk == actor.pk and membership.role in {Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR}:
        raise ValidationError(_("U kunt uw eigen beheerrol niet verwijderen."))
    record(actor, "delete", membership, changes=snapshot(membership))
    membership.delete()
    forget_scope(user)


# ---------------------------------------------------------------- personal settings


def set_language(user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return
    user.language = language
    user.save(update_fields=["language"])


# ---------------------------------------------------------------- API tokens


@transaction.atomic
def issue_token(
    user: User, *, name: str, expires_on: dt.date | None = None
) -> tuple[ApiToken, str]:
    """A personal API token. The raw token is returned once; only its hash is kept."""
    require(user.is_active)
    expires_at = None
    if expires_on is not None:
        if expires_on <= timezone.localdate():
            raise ValidationError({"expires_on": _("Kies een datum in de toekomst.")})
        # Valid through the chosen day, Dutch time.
        expires_at = timezone.make_aware(
            dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time.min)
        )
    token, raw = ApiToken.issue(user, name, expires_at=expires_at)
    record(user, "create", token, changes={"name": name, "hint": token.hint})
    return token, raw


@transaction.atomic
def revoke_token(user: User, token: ApiToken) -> ApiToken:
    require(token.user_id == user.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(user, "change", token, changes={"revoked_at": [None, token.revoked_at.isoformat()]})
    return token
