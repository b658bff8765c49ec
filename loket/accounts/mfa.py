"""Who must use two-factor authentication, and whether they have it."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings

from loket.core.permissions import scope_of


def mfa_required(user: Any) -> bool:
    """True when one of the user's roles requires TOTP (administrators, programme
    managers), and for operators with access to the Django admin."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_staff", False):
        return True
    return scope_of(user).requires_mfa(settings.LOKET_MFA_REQUIRED_ROLES)


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
