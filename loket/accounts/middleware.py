"""Two-factor authentication for administrators and programme managers; each user's
interface language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from loket.accounts.mfa import has_totp, mfa_required

# Paths a user without the required TOTP may still reach: allauth's pages (log out, set up
# two-factor authentication), static files and the language switch, and the API, whose
# session authentication applies the same rule itself (401; loket/core/api.py).
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/api/", "/i18n/")


class RequireMFAMiddleware:
    """Sends a user whose role requires TOTP to the TOTP set-up page until they have it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get("loket_mfa_ok")
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and mfa_required(user)
        ):
            if has_totp(user):
                request.session["loket_mfa_ok"] = True
            else:
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user sees Loket in the language of their profile (``User.language``).

    Place after AuthenticationMiddleware. The language cookie follows the profile, so the
    login page after logging out speaks the same language. The language switch in the
    header changes the profile (``loket.accounts.views.set_language``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated and user.language in self.languages:
            language = user.language
            if language != translation.get_language():
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The user may have logged in during this request (request.user is replaced).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.languages:
            language = user.language
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
