"""The company page's "Businesscases" section:
``{% load business_case_tags %}{% company_business_cases company %}`` shows the business
cases with the company that the user sees (one query); nothing when there are none."""

from __future__ import annotations

from typing import Any

from django import template

from loket.monitoring.queries import business_cases_visible_to

register = template.Library()


@register.inclusion_tag("monitoring/business_case_company_section.html", takes_context=True)
def company_business_cases(context: dict[str, Any], company: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    cases = list(
        business_cases_visible_to(user)
        .filter(company=company)
        .select_related("programme", "organisation")
        .order_by("-started_on", "title", "pk")
    )
    return {"company": company, "business_cases": cases}
