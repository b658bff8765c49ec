"""The company page's "Collectief" section:
``{% load collectives_tags %}{% company_collectives company %}`` shows the collectives the
company takes part in (or took part in), as far as the user sees them; nothing when there
are none."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import F

from loket.collectives.queries import members_visible_to

register = template.Library()


@register.inclusion_tag("collectives/collective_company_section.html", takes_context=True)
def company_collectives(context: dict[str, Any], company: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    memberships = list(
        members_visible_to(user)
        .filter(company=company)
        .select_related("collective")
        .order_by(F("left_on").desc(nulls_first=True), "collective__name", "pk")
    )
    return {"company": company, "memberships": memberships}
