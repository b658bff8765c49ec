"""Keep the cached figures warm, so nobody waits for the aggregates.

``warm_figures`` (enqueued by ``run_scheduled`` every run) computes, for every programme
that runs today, the dashboard of the current quarter and the indicator list's figures
of the current year for the whole programme and for each executing organisation's
share, and every municipality's view of the quarter. Each
is computed only when its cache entry is missing or stale, i.e. after a counted record
changed (``cache.py``): a quiet night costs one small query per page.

``refresh_figures`` recomputes one stale entry; ``cache.remember`` enqueues it
when it hands out figures computed before the region's last change.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils import timezone, translation
from django_tasks import task

from loket.core.models import Municipality
from loket.monitoring import cache
from loket.monitoring.dashboard import dashboard_data
from loket.monitoring.figures import realised_in_year
from loket.monitoring.municipality import municipality_data
from loket.programmes.models import Programme
from loket.programmes.periods import default_period, year_span
from loket.programmes.queries import executing_organisation_ids

log = logging.getLogger(__name__)


@task()
def warm_figures() -> int:
    """Returns how many pages' figures it made sure of."""
    today = timezone.localdate()
    warmed = 0
    programmes = Programme.objects.filter(starts_on__lte=today, ends_on__gte=today)
    regions = set()
    for language in ("nl", "en"):
        with translation.override(language):
            for programme in programmes:
                regions.add(programme.region_id)
                year, quarter = default_period(programme, today)
                dashboard_data(programme, year, quarter, None, stale_ok=False)
                warmed += 1
                for organisation_id in sorted(executing_organisation_ids(programme)):
                    dashboard_data(programme, year, quarter, [organisation_id], stale_ok=False)
                    warmed += 1
                if language == "nl":  # the indicator figures are numbers in any language
                    warmed += _warm_indicators(programme, today)
            year, quarter = today.year, (today.month - 1) // 3 + 1
            for municipality in Municipality.objects.filter(region_id__in=regions):
                municipality_data(municipality, year, quarter, stale_ok=False)
                warmed += 1
    log.info("warm_figures: %s pages", warmed)
    return warmed


def _warm_indicators(programme: Programme, today: dt.date) -> int:
    year = year_span(programme, today)[0]
    realised_in_year(programme, year, None, stale_ok=False)
    shares = sorted(executing_organisation_ids(programme))
    for organisation_id in shares:
        realised_in_year(programme, year, [organisation_id], stale_ok=False)
    return 1 + len(shares)


@task()
def refresh_figures(region_id: int, key: list[Any]) -> bool:
    """Recompute the cached figures named by ``key`` (see ``cache.remember``);
    False when what they belong to is gone (the entry then simply expires)."""
    try:
        return _refresh(region_id, key)
    finally:
        cache.refreshed(region_id, key)


def _refresh(region_id: int, key: list[Any]) -> bool:
    kind = key[0]
    if kind == "dashboard":
        _, programme_pk, share, year, quarter, language = key
        programme = Programme.objects.filter(pk=programme_pk, region_id=region_id).first()
        if programme is None:
            return False
        with translation.override(language):
            dashboard_data(programme, year, quarter, share, fresh=True)
        return True
    if kind == "indicators":
        _, programme_pk, share, year = key
        programme = Programme.objects.filter(pk=programme_pk, region_id=region_id).first()
        if programme is None:
            return False
        realised_in_year(programme, year, share, fresh=True)
        return True
    if kind == "municipality":
        _, municipality_pk, year, quarter = key
        municipality = Municipality.objects.filter(pk=municipality_pk, region_id=region_id).first()
        if municipality is None:
            return False
        municipality_data(municipality, year, quarter, fresh=True)
        return True
    if kind == "report":
        from loket.monitoring import report_data
        from loket.monitoring.models import Report

        _, programme_pk, report_kind, year, quarter, share = key
        reports = Report.objects.filter(
            programme_id=programme_pk,
            region_id=region_id,
            kind=report_kind,
            year=year,
            quarter=quarter,
        )
        reports = (
            reports.filter(organisation_id=share[0]) if share else reports.filter(organisation=None)
        )
        report = reports.first()
        if report is None:
            return False
        report_data.build(report, fresh=True)
        return True
    log.warning("refresh_figures: unknown kind of figures %r", kind)
    return False
