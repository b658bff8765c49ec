#!/usr/bin/env python
"""The programme pages on the demo data, in-process: p50 / p95 and queries per page.

    LOKET_DEMO_ALLOWED=1 DATABASE_URL=sqlite:////tmp/demo.sqlite3 \\
        .venv/bin/python manage.py migrate && ... manage.py load_demo
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 LOKET_MANIFEST_STATIC=0 \\
        .venv/bin/python bench/programme_pages.py [--runs 20]

Signs in as the demo's programme manager (Django's test client, no HTTP) and times each
page of the demo programme: its home page, the financing overview (page, XLSX, PDF), the
realisation (page, PDF), schemes, trajectories, the week of hours and the hour list.
The demo programme is small (one programme, ~50 plan lines, ~70 trajectories, ~1,500 hour
entries); these numbers show the pages' own cost, not behaviour at scale.
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from loket.accounts.models import User  # noqa: E402
from loket.programmes.models import Programme, Scheme, Trajectory  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--email", default="manager@ibdo.example")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        print("No programme: load the demo first (manage.py load_demo).")
        return 1
    scheme = Scheme.objects.filter(programme=programme).order_by("pk").first()
    trajectory = Trajectory.objects.filter(programme=programme).order_by("pk").first()
    pk = programme.pk
    pages = [
        reverse("programmes:programme_detail", args=[pk]),
        reverse("programmes:financing", args=[pk]),
        reverse("programmes:financing", args=[pk]) + "?format=xlsx",
        reverse("programmes:financing", args=[pk]) + "?format=pdf",
        reverse("programmes:realisation", args=[pk]),
        reverse("programmes:realisation", args=[pk]) + "?format=pdf",
        reverse("programmes:scheme_detail", args=[scheme.pk]),
        reverse("programmes:trajectory_list", args=[pk]),
        reverse("programmes:trajectory_detail", args=[trajectory.pk]),
        reverse("programmes:hours_week"),
        reverse("programmes:hour_list"),
        reverse("programmes:plan_export", args=[pk]) + "?format=xlsx",
    ]
    client = Client()
    client.force_login(User.objects.get(email=args.email))
    session = client.session
    session["loket_mfa_ok"] = True
    session.save()
    print(f"{'page':60} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for url in pages:
        client.get(url)  # warm
        times = []
        for _run in range(args.runs):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{url:60} {statistics.median(times):8.1f} {p95:8.1f} {len(queries):8d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
