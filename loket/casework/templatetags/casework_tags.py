"""Small display helpers of the casework pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """A response time in words: "3 uur 5 minuten", "2 dagen 4 uur", "12 minuten"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d dag", "%(n)d dagen", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d uur", "%(n)d uur", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)d minuut", "%(n)d minuten", minutes) % {"n": minutes})
    return " ".join(parts) or ngettext("%(n)d minuut", "%(n)d minuten", 0) % {"n": 0}


@register.filter
def minutes(value: int | None) -> str:
    """A duration in minutes as "1 uur 30 min"."""
    if not value:
        return ""
    hours, rest = divmod(int(value), 60)
    if hours and rest:
        return _("%(h)d u %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d u") % {"h": hours}
    return _("%(m)d min") % {"m": rest}
