"""Template helpers of the accounts app."""

from __future__ import annotations

from typing import Any

from django import template

from loket.accounts.mfa import mfa_required

register = template.Library()


@register.filter(name="mfa_required")
def mfa_required_filter(user: Any) -> bool:
    """Whether the user's role requires two-factor authentication."""
    return mfa_required(user)
