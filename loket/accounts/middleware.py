"""Two-factor authentication is required for administrators and programme managers."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from loket.core.permissions import scope_of


class RequireMFAMiddleware:
    """Sends a user whose role requires TOTP to the TOTP set-up page until they have it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(("/accounts/", "/static/", "/api/", "/i18n/"))
            and scope_of(user).requires_mfa(settings.LOKET_MFA_REQUIRED_ROLES)
            and not request.session.get("loket_mfa_ok")
        ):
            if Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists():
                request.session["loket_mfa_ok"] = True
            else:
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
