#!/usr/bin/env python
"""The events and collectives pages on the demo data, in-process: p50 / p95 and queries.

    LOKET_DEMO_ALLOWED=1 DATABASE_URL=sqlite:////tmp/demo.sqlite3 \\
        .venv/bin/python manage.py migrate && ... manage.py load_demo
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 LOKET_MANIFEST_STATIC=0 \\
        .venv/bin/python bench/activity_pages.py [--runs 20]

Signs in as the demo's programme manager (Django's test client, no HTTP) and times the
event list and its export, the page and figures of the event with the most registrations
(a webinar of a few hundred viewers), the programme's reach per quarter, the collectives
list, a cluster, a table, a carousel round and its match screen, and, anonymously, the
public calendar and an event page of it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from loket.accounts.models import User  # noqa: E402
from loket.collectives.models import CarouselRound, Collective  # noqa: E402
from loket.events.models import Event  # noqa: E402
from loket.programmes.models import Programme  # noqa: E402


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    client.get(url)  # warm
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--email", default="manager@ibdo.example")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    programme = Programme.objects.order_by("pk").first()
    if programme is None or not Event.objects.exists():
        print("No events: load the demo first (manage.py load_demo).")
        return 1
    biggest = Event.objects.annotate(n=Count("registrations")).order_by("-n", "pk").first()
    coming = (
        Event.objects.filter(public=True, status="published", starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    cluster = Collective.objects.filter(kind="cluster").order_by("pk").first()
    table = Collective.objects.filter(kind="financing_table").order_by("pk").first()
    rnd = CarouselRound.objects.order_by("-starts_on").first()
    staff_pages = [
        reverse("events:event_list"),
        reverse("events:event_list") + "?format=xlsx",
        reverse("events:event_detail", args=[biggest.pk]),
        reverse("events:figures", args=[biggest.pk]),
        reverse("events:programme_activity", args=[programme.pk]),
        reverse("collectives:collective_list"),
        reverse("collectives:collective_detail", args=[cluster.pk]),
        reverse("collectives:collective_detail", args=[table.pk]),
        reverse("collectives:round_detail", args=[rnd.pk]),
        reverse("collectives:match_screen", args=[rnd.pk]),
    ]
    public_pages = [reverse("agenda:calendar")]
    if coming is not None:
        public_pages.append(reverse("agenda:event", args=[coming.pk]))
    client = Client()
    client.force_login(User.objects.get(email=args.email))
    session = client.session
    session["loket_mfa_ok"] = True
    session.save()
    print(f"{'page':60} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for url in staff_pages:
        p50, p95, queries = measure(client, url, args.runs)
        print(f"{url:60} {p50:8.1f} {p95:8.1f} {queries:8d}")
    anonymous = Client()
    for url in public_pages:
        p50, p95, queries = measure(anonymous, url, args.runs)
        print(f"{url + ' (public)':60} {p50:8.1f} {p95:8.1f} {queries:8d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
