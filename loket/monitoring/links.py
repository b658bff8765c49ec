"""Links from a figure to the records behind it. Every figure on the dashboard, the
report page and the municipality view links here, so a number can always be traced:

- ``records_url(indicator, start, end)``: an indicator's records over a span of dates;
- ``records_url_for_period(indicator, year, quarter)``: over a quarter, a year
  (``quarter=None``) or the whole programme period (both None);
- ``spec_records_url(programme, spec, start, end)``: an ad-hoc figure (a measure with
  filters, e.g. the dashboard's reach per municipality).

The pages validate every parameter themselves; these helpers only build the URL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from loket.monitoring.measures import Spec

# Spec field -> query parameter of the ad-hoc records page.
SPEC_PARAMS = {
    "theme_id": "thema",
    "need_id": "behoefte",
    "organisation_id": "organisatie",
    "municipality_id": "gemeente",
    "size_class": "grootte",
    "starter": "starter",
    "scheme_id": "regeling",
    "event_kind": "soort",
    "newness": "nieuw",
}


def _indicator_pk(indicator: Any) -> int:
    return int(getattr(indicator, "pk", indicator))


def records_url(indicator: Any, start: dt.date, end: dt.date) -> str:
    """The records behind an indicator's figure over [start, end] (an Indicator or its
    id)."""
    base = reverse("monitoring:indicator_records", args=[_indicator_pk(indicator)])
    return f"{base}?{urlencode({'van': start.isoformat(), 'tot': end.isoformat()})}"


def records_url_for_period(indicator: Any, year: int | None, quarter: int | None = None) -> str:
    base = reverse("monitoring:indicator_records", args=[_indicator_pk(indicator)])
    params: dict[str, Any] = {}
    if year is not None:
        params["jaar"] = year
        if quarter is not None:
            params["kwartaal"] = quarter
    return f"{base}?{urlencode(params)}" if params else base


def spec_records_url(programme: Any, spec: Spec, start: dt.date, end: dt.date) -> str:
    """The records behind an ad-hoc figure of ``programme`` (a Programme or its id)."""
    base = reverse("monitoring:spec_records", args=[_indicator_pk(programme)])
    params: list[tuple[str, str]] = [("meting", spec.measure)]
    for field, param in SPEC_PARAMS.items():
        value = getattr(spec, field)
        if value:
            params.append((param, str(value)))
    params += [("van", start.isoformat()), ("tot", end.isoformat())]
    return f"{base}?{urlencode(params)}"
