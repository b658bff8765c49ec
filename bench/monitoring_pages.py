#!/usr/bin/env python
"""The monitoring pages on the demo data, in-process: p50 / p95 and queries.

    LOKET_DEMO_ALLOWED=1 DATABASE_URL=sqlite:////tmp/demo.sqlite3 \\
        .venv/bin/python manage.py migrate && ... manage.py load_demo
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 LOKET_MANIFEST_STATIC=0 \\
        .venv/bin/python bench/monitoring_pages.py [--runs 20] [--year 2026 --quarter 2]

Signs in as the demo's programme manager (Django's test client, no HTTP) and times the
programme dashboard of the first programme:

- cold: the figures computed afresh (the cache emptied before each request): what the
  very first visitor waits for, when nothing was cached yet;
- warm: the figures from the cache (every later visitor until a counted record changes);
- after a change: the region's stamp raised before each request; the page shows the
  cached figures marked stale and enqueues their refresh (``cache.remember``);
- compute: ``dashboard_data(..., fresh=True)`` alone, without the page around it;
- the API's dashboard, warm;
- the merged quarterly report of the same quarter (made if missing): its page cold and
  warm, building its data afresh, rendering its PDF and XLSX, and downloading a
  submitted version (stored bytes);
- the municipality view of the municipality with the most companies, cold and warm;
- the indicator list (this year's figure of every indicator), cold, warm and after a
  change.

The targets (issue 6), at 40,000 companies and 400,000 contact moments: the dashboard
under 300 ms and the report under 2 s at p95.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from loket.accounts.models import ApiToken, User  # noqa: E402
from loket.monitoring import report_data, report_render  # noqa: E402
from loket.monitoring.cache import touch  # noqa: E402
from loket.monitoring.dashboard import dashboard_data  # noqa: E402
from loket.monitoring.models import Report  # noqa: E402
from loket.monitoring.services.reports import submit  # noqa: E402
from loket.programmes.models import Programme  # noqa: E402
from loket.programmes.periods import default_period  # noqa: E402


def timed(action: Callable[[], object], runs: int, before: Callable[[], None] | None = None):
    action()  # warm the code paths (and the cache, for a warm run)
    times = []
    queries = 0
    for _run in range(runs):
        if before:
            before()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            action()
        times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--email", default="manager@ibdo.example")
    parser.add_argument("--year", type=int)
    parser.add_argument("--quarter", type=int)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        print("No programme: load the demo first (manage.py load_demo).")
        return 1
    year, quarter = default_period(programme, timezone.localdate())
    year, quarter = args.year or year, args.quarter or quarter
    user = User.objects.get(email=args.email)
    client = Client()
    client.force_login(user)
    session = client.session
    session["loket_mfa_ok"] = True
    session.save()
    page = reverse("monitoring:dashboard", args=[programme.pk])
    page += f"?jaar={year}&kwartaal={quarter}"
    _token, raw = ApiToken.issue(user, "bench")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    api_url = f"/api/programmes/{programme.pk}/dashboard?year={year}&quarter={quarter}"

    def get(c: Client, url: str) -> Callable[[], object]:
        def action() -> object:
            response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return action

    report, _made = Report.objects.get_or_create(
        programme=programme,
        region=programme.region,
        kind=Report.Kind.QUARTER,
        year=year,
        quarter=quarter,
        organisation=None,
        defaults={"created_by": user},
    )
    version = report.versions.order_by("-number").first() or submit(user, report, note="bench")
    report_page = reverse("monitoring:report_detail", args=[report.pk])
    version_pdf = reverse("monitoring:report_version_pdf", args=[report.pk, version.number])
    from django.db.models import Count

    from loket.core.models import Municipality

    municipality = (
        Municipality.objects.filter(region=programme.region)
        .annotate(n=Count("companies"))
        .order_by("-n")
        .first()
    )
    municipality_page = reverse("monitoring:municipality_detail", args=[municipality.pk])
    municipality_page += f"?jaar={year}&kwartaal={quarter}"
    draft_pdf = reverse("monitoring:report_draft_pdf", args=[report.pk])
    indicator_list = reverse("monitoring:indicator_list", args=[programme.pk])
    built = report_data.build(report, fresh=True)

    def changed() -> None:
        """A counted record changed: the region's stamp rises (as the signals do)."""
        touch(programme.region_id)

    rows = [
        (
            "dashboard page, cold (figures computed)",
            timed(get(client, page), args.runs, cache.clear),
        ),
        ("dashboard page, warm (figures cached)", timed(get(client, page), args.runs)),
        (
            "dashboard page after a change (stale, refresh enqueued)",
            timed(get(client, page), args.runs, changed),
        ),
        (
            "dashboard_data(fresh=True) alone",
            timed(lambda: dashboard_data(programme, year, quarter, None, fresh=True), args.runs),
        ),
        ("API dashboard, warm", timed(get(api, api_url), args.runs)),
        (
            "report page, cold (figures computed)",
            timed(get(client, report_page), args.runs, cache.clear),
        ),
        ("report page, warm (figures cached)", timed(get(client, report_page), args.runs)),
        (
            "report page after a change (stale)",
            timed(get(client, report_page), args.runs, changed),
        ),
        (
            "draft report PDF after a change (stale)",
            timed(get(client, draft_pdf), args.runs, changed),
        ),
        (
            "report data built afresh (as on submit)",
            timed(lambda: report_data.build(report, fresh=True), args.runs),
        ),
        (
            "report PDF + XLSX rendered",
            timed(lambda: (report_render.to_pdf(built), report_render.to_xlsx(built)), args.runs),
        ),
        ("submitted version's PDF (stored bytes)", timed(get(client, version_pdf), args.runs)),
        ("municipality view, cold", timed(get(client, municipality_page), args.runs, cache.clear)),
        ("municipality view, warm", timed(get(client, municipality_page), args.runs)),
        (
            "indicator list, cold (figures computed)",
            timed(get(client, indicator_list), args.runs, cache.clear),
        ),
        ("indicator list, warm (figures cached)", timed(get(client, indicator_list), args.runs)),
        (
            "indicator list after a change (stale)",
            timed(get(client, indicator_list), args.runs, changed),
        ),
    ]
    print(f"{programme.name}, {year} K{quarter} ({connection.vendor})")
    print(f"{'what':45} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for what, (p50, p95, queries) in rows:
        print(f"{what:45} {p50:8.1f} {p95:8.1f} {queries:8d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
