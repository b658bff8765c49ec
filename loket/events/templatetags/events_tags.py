"""The company page's "Evenementen" section: ``{% load events_tags %}{% company_events company %}``
shows the events the company registered for, with the attendance, as far as the user sees
the events; nothing when there are none. One query, whatever the number of events."""

from __future__ import annotations

from typing import Any

from django import template

from loket.events.queries import registrations_visible_to

register = template.Library()

MAX_ROWS = 50


@register.inclusion_tag("events/company_section.html", takes_context=True)
def company_events(context: dict[str, Any], company: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    registrations = list(
        registrations_visible_to(user)
        .filter(company=company)
        .select_related("event")
        .order_by("-event__starts_at", "name", "pk")[: MAX_ROWS + 1]
    )
    return {
        "company": company,
        "event_registrations": registrations[:MAX_ROWS],
        "more_events": len(registrations) > MAX_ROWS,
    }
