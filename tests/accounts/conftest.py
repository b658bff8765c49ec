"""Fixtures of the accounts tests: clean rate limits, a manager of another region,
TOTP codes."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.core.cache import cache

from tests import factories as f

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth keeps login rate limits and used TOTP codes in the cache: start clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tom(world):
    """Programme manager of the other region (Twente): manages nothing in Drenthe."""
    user = f.UserFactory(email="tom@twente.example", full_name="Tom Twente")
    f.MembershipFactory(user=user, organisation=world.twente_bureau, role="programme_manager")
    return user


def give_totp(user) -> Authenticator:
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, generate_totp_secret()).instance


def code_for_secret(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def totp_code(user) -> str:
    """A valid code now for the user's authenticator (which it creates if needed)."""
    authenticator = give_totp(user)
    return code_for_secret(decrypt(authenticator.data["secret"]))


def wrong_code(right: str) -> str:
    return f"{(int(right) + 1) % 1_000_000:06d}"
