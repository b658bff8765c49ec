"""allauth adapters: no self sign-up, Loket's wording for login errors, TOTP kept for
roles that require it."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from loket.accounts.mfa import mfa_required


class AccountAdapter(DefaultAccountAdapter):
    """Users are created by administrators; nobody signs up on their own."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "Het e-mailadres of het wachtwoord klopt niet. Controleer ze en probeer het opnieuw."
        ),
        "too_many_login_attempts": _(
            "Te veel mislukte inlogpogingen. Wacht vijf minuten en probeer het dan opnieuw,"
            " of vraag een nieuw wachtwoord aan."
        ),
        "incorrect_code": _("Deze code klopt niet. Vul de code in die uw app nu toont."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """A login of the last few minutes counts as a recent authentication, so a
        programme manager who must set up two-factor authentication right after logging
        in is not asked for the password a second time."""
        request = context.request
        user = getattr(request, "user", None)
        if request is not None and user is not None and user.is_authenticated:
            records = get_authentication_records(request, user)
            if records and time.time() - records[-1].get("at", 0) < (
                account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("Deze code klopt niet. Vul de code in die uw app nu toont."),
        "cannot_delete_authenticator": _(
            "Voor uw rol is tweestapsverificatie verplicht; u kunt haar niet uitzetten."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
