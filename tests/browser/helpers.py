"""Helpers for the browser tests: log in through the real form, check accessibility.

Import them in a test module: ``from tests.browser.helpers import assert_accessible, login_as``.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import Page

from loket.core.permissions import scope_of

# The password tests/factories.py UserFactory gives every user.
PASSWORD = "correct-horse-battery"

BLOCKING_IMPACTS = ("serious", "critical")
_axe = Axe()


def totp_code_for(user: Any) -> str:
    """A valid TOTP code for ``user``, giving them an authenticator first if they have none."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        authenticator = TOTP.activate(user, generate_totp_secret()).instance
    secret = decrypt(authenticator.data["secret"])
    counters = list(yield_hotp_counters_from_time())
    code = format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
    # allauth refuses a code used twice within its period; a test may log in twice.
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    return code


def needs_mfa(user: Any) -> bool:
    return scope_of(user).requires_mfa(settings.LOKET_MFA_REQUIRED_ROLES)


def login_as(page: Page, live_server: Any, user: Any, password: str = PASSWORD) -> None:
    """Log ``user`` in through the login form, as a person would.

    Users whose role requires two-factor authentication (programme managers and
    administrators) get a TOTP authenticator, and the helper types a valid code.
    """
    if needs_mfa(user):
        totp_code_for(user)  # the authenticator exists before the login, as in real life
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name='login']").fill(user.email)
    page.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        page.locator("input[name='password']").press("Enter")
    if needs_mfa(user) or "/accounts/2fa/authenticate" in page.url:
        code = page.locator("input[name='code']")
        if code.count() == 0:
            raise AssertionError(f"expected the two-factor step after the password, got {page.url}")
        # A code is valid for its 30-second period only: on a loaded machine the period
        # can end between computing the code and the server checking it. Then the form
        # comes back and a person would type the new code; so does the helper (twice).
        for _attempt in range(3):
            code.fill(totp_code_for(user))
            with page.expect_navigation():
                code.press("Enter")
            if "/accounts/2fa/authenticate" not in page.url:
                break
        else:
            raise AssertionError(f"the two-factor code of {user.email} was refused three times")
    if "/accounts/login" in page.url:
        raise AssertionError(
            f"login as {user.email} failed: still on {page.url} ({page.title()!r})"
        )


def axe_violations(page: Page, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict]:
    """axe-core's violations on the current page with one of ``impacts``."""
    results = _axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       {node.get('html', '')[:200]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail on any axe-core violation with impact serious or critical (WCAG 2.1 AA bar)."""
    violations = axe_violations(page)
    if violations:
        raise AssertionError(
            f"axe-core found {len(violations)} serious/critical violation(s) on {page.url}:\n"
            + format_violations(violations)
        )
