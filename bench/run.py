#!/usr/bin/env python
"""Loket's performance harness: real data, real server, real HTTP.

    python bench/run.py                 # 40,000 companies / 400,000 contact moments / 60,000 cases
    python bench/run.py --small         # a quick run (2,000 / 20,000 / 3,000)
    DATABASE_URL=postgres://root@127.0.0.1:5432/postgres python bench/run.py

What it does:
1. creates a fresh database: a SQLite file in a temporary directory, or, when
   ``DATABASE_URL`` (or ``--db-url``) points at PostgreSQL, a new database on that server
   (dropped at the end unless ``--keep``);
2. migrates, collects static files and loads the demo generator at the chosen scale
   (``manage.py load_demo``; the load time is part of the report);
3. serves the app with gunicorn (2 workers, DEBUG=0, static files through whitenoise);
4. logs in over HTTP as an advisor (session cookie, CSRF token; advisors need no TOTP);
5. for each page (search with a misspelled name, company page, work queue, company list,
   matching, the programme dashboard and the draft quarterly report as a PDF) sends
   warm-up requests, then N timed requests, and reports p50 / p95; the two monitoring
   pages also report their first request (nothing cached) and p50 / p95 right after a
   counted record changed (the cached figures shown stale while a refresh is enqueued);
6. runs each page once in-process to capture the SQL it executes, times every SELECT alone
   on a plain DB-API cursor against the same database, and reports the slowest one (the
   page's main query) and the sum of all, with the ratio app / SQL (our overhead);
7. writes ``bench/results/<date>-<db>[-small].json`` and prints a short table.

Matching (``POST /api/match``): the region's catalogue is topped up with synthetic
instruments to ``--instruments`` (2,000; ``bench/matching/synthetic.py``), and the API is
called over HTTP with a personal API token, with profiles from the labelled set and of
companies. The quality of matching (precision@5 and recall@5 on the labelled set
``bench/matching/questions.json`` against the demo catalogue alone) comes from
``bench/matching/evaluate.py``, run in a separate process on its own throwaway database.

Targets at the full scale on SQLite: p95 < 50 ms for search and the company page,
< 100 ms for the lists, < 30 ms for matching, < 300 ms for the dashboard and < 2 s for
the report. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ADVISOR = "adviseur@ibdo.example"
FULL = {"companies": 40_000, "contacts": 400_000, "cases": 60_000, "referrals": 30_000}
SMALL = {"companies": 2_000, "contacts": 20_000, "cases": 3_000, "referrals": 1_500}
TARGETS_MS = {
    "search": 50.0,
    "company": 50.0,
    "queue": 100.0,
    "company_list": 100.0,
    "match": 30.0,
    # issue 6: the programme dashboard and the (draft) quarterly report as a PDF
    "dashboard": 300.0,
    "report": 2000.0,
}
# The monitoring pages also get their first request (nothing cached: the figures are
# computed while the visitor waits) and requests right after a change timed on their own.
AFTER_CHANGE_REQUESTS = 20
INSTRUMENTS = 2_000
MATCHING = ROOT / "bench" / "matching"


_STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - _STARTED:6.1f} s] {message}", flush=True)


# --- database ----------------------------------------------------------------------------


def prepare_database(args: argparse.Namespace, tmp: Path) -> tuple[str, str, str | None]:
    """(DATABASE_URL for the run, vendor, PostgreSQL database to drop afterwards)."""
    url = args.db_url or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", "sqlite", None
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"loket_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), "postgresql", name


def drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *argv: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(argv)} failed")
    return result.stdout


# --- HTTP --------------------------------------------------------------------------------


@dataclass(frozen=True)
class JsonBody:
    """A JSON request body for the API (sent with the API token, no CSRF)."""

    data: dict[str, Any]


Body = dict[str, str] | JsonBody | None
Call = tuple[str, str, Body]


@dataclass
class Browser:
    """Just enough of a browser: cookies, CSRF token, one connection per request."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def request(
        self, method: str, path: str, form: Body = None
    ) -> tuple[int, bytes, float, dict[str, str]]:
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "nl"}
        body = None
        if isinstance(form, JsonBody):
            body = json.dumps(form.data).encode()
            headers["Content-Type"] = "application/json"
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(form, dict):
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                jar: SimpleCookie = SimpleCookie()
                jar.load(value)
                for key, morsel in jar.items():
                    self.cookies[key] = morsel.value
        return response.status, content, elapsed, dict(response.getheaders())

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")


def wait_for_server(browser: Browser, process: subprocess.Popen[bytes], log_file: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.stderr.write(log_file.read_text(errors="replace")[-4000:])
            raise SystemExit("gunicorn stopped")
        try:
            status, *_ = browser.request("GET", "/health/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /health/ within 90 s")


def login(browser: Browser, email: str, password: str) -> None:
    status, body, *_ = browser.request("GET", "/accounts/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not match:
        raise SystemExit(f"login page answered {status} without a CSRF token")
    form = {"csrfmiddlewaretoken": match.group(1).decode(), "login": email, "password": password}
    status, body, _t, headers = browser.request("POST", "/accounts/login/", form)
    if status != 302 or "sessionid" not in browser.cookies:
        raise SystemExit(f"login as {email} failed: HTTP {status}")
    log(f"logged in as {email} (-> {headers.get('Location', '?')})")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(browser: Browser, calls: list[Call], warmup: int, n: int) -> dict[str, Any]:
    """Warm up, then time ``n`` requests cycling through ``calls``."""
    statuses: dict[int, int] = {}
    times: list[float] = []
    sizes: list[int] = []
    for i in range(warmup + n):
        method, path, form = calls[i % len(calls)]
        if isinstance(form, dict):
            form = {**form, "csrfmiddlewaretoken": browser.csrf()}
        status, body, elapsed, _headers = browser.request(method, path, form)
        if i >= warmup:
            statuses[status] = statuses.get(status, 0) + 1
            times.append(elapsed * 1000)
            sizes.append(len(body))
    ok = set(statuses) == {200}
    return {
        "requests": n,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "ok": ok,
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "mean_ms": round(statistics.fmean(times), 2) if times else None,
        "max_ms": round(max(times), 2) if times else None,
        "bytes_p50": int(statistics.median(sizes)) if sizes else 0,
    }


# --- SQL alone ---------------------------------------------------------------------------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def sample_targets(seed: int, count: int) -> dict[str, Any]:
    """Companies to open and misspelled names to search for, from the loaded data."""
    from django.db.models import Count

    from loket.companies.models import Company

    rng = random.Random(seed)
    ids = list(Company.objects.values_list("id", flat=True))
    picked = rng.sample(ids, min(count, len(ids)))
    busiest = (
        Company.objects.annotate(n=Count("contact_moments")).order_by("-n").values("id", "n")[:1]
    )
    heavy = list(busiest)
    if heavy and heavy[0]["id"] not in picked:
        picked[-1] = heavy[0]["id"]
    names = dict(Company.objects.filter(id__in=picked).values_list("id", "name"))
    queries = [misspell(rng, names[pk]) for pk in picked if pk in names]
    return {
        "company_ids": picked,
        "queries": queries,
        "busiest_company_contacts": heavy[0]["n"] if heavy else 0,
    }


def misspell(rng: random.Random, name: str) -> str:
    """One typo in the longest word (swap two inner letters or drop one), legal form off."""
    words = [w for w in re.split(r"\s+", name) if w not in {"B.V.", "V.O.F.", "N.V.", "C.V."}]
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 5:
        i = rng.randrange(1, len(word) - 2)
        if rng.random() < 0.5:
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            word = word[:i] + word[i + 1 :]
    words[longest] = word
    return " ".join(words)


def capture_sql(calls: list[Call], runs: int) -> dict[str, Any]:
    """Run the first call in-process as the advisor, capture its SQL, time each SELECT
    alone on the raw DB-API cursor (median of ``runs``)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from loket.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=ADVISOR))
    session = client.session
    session["loket_mfa_ok"] = True
    session.save()
    method, path, form = calls[0]
    with CaptureQueriesContext(connection) as captured:
        if isinstance(form, JsonBody):
            response = client.post(path, form.data, content_type="application/json")
        elif method == "POST":
            response = client.post(path, form)
        else:
            response = client.get(path)
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    connection.ensure_connection()
    raw = connection.connection
    timed = []
    for sql in statements:
        cursor = raw.cursor()
        samples = []
        for i in range(runs + 2):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            if i >= 2:
                samples.append((time.perf_counter() - started) * 1000)
        cursor.close()
        timed.append((statistics.median(samples), sql))
    timed.sort(reverse=True)
    main_ms, main_sql = timed[0] if timed else (0.0, "")
    plan: list[str] = []
    if main_sql:
        cursor = raw.cursor()
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(explain + main_sql)
        plan = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
        cursor.close()
    return {
        "status": response.status_code,
        "queries": len(captured.captured_queries),
        "selects": len(statements),
        "main_sql_ms": round(main_ms, 3),
        "all_sql_ms": round(sum(t for t, _ in timed), 3),
        "main_sql": main_sql[:4000],
        "main_plan": plan,
    }


# --- matching ----------------------------------------------------------------------------


def prepare_matching(instruments: int, seed: int, company_ids: list[int]) -> dict[str, Any]:
    """Top the catalogue up to ``instruments``, issue an API token for the advisor, pick
    the profiles to send, and time building the index in-process."""
    from loket.accounts.models import ApiToken, User
    from loket.catalogue import matching
    from loket.catalogue.models import Instrument
    from loket.catalogue.queries import region_q
    from loket.core.models import Municipality
    from loket.demo.generator import REGION_SLUG

    sys.path.insert(0, str(MATCHING))
    from synthetic import add_instruments

    advisor = User.objects.get(email=ADVISOR)
    region = advisor.memberships.select_related("organisation__region").get().organisation.region
    assert region.slug == REGION_SLUG
    demo_count = Instrument.objects.filter(region_q(region.pk)).distinct().count()
    started = time.perf_counter()
    added = add_instruments(region, instruments, seed)
    add_s = time.perf_counter() - started
    total = Instrument.objects.filter(region_q(region.pk)).distinct().count()
    _token, raw = ApiToken.issue(advisor, "bench")

    municipalities = dict(Municipality.objects.filter(region=region).values_list("name", "pk"))
    bodies: list[dict[str, Any]] = []
    questions_file = MATCHING / "questions.json"
    if questions_file.exists():
        for item in json.loads(questions_file.read_text(encoding="utf-8"))[:30]:
            body = {k: v for k, v in (item.get("profile") or {}).items() if v not in (None, "")}
            name = body.pop("municipality", None)
            if name and name in municipalities:
                body["municipality_id"] = municipalities[name]
            body["question"] = item.get("question", "")
            bodies.append(body)
    if not bodies:
        bodies = [
            {"phases": ["export"], "question": "Ik wil naar het buitenland", "employees": 8},
            {"phases": ["finance"], "question": "De bank geeft geen lening"},
            {"question": "zonnepanelen op het dak van ons bedrijfspand"},
            {"phases": ["start"], "company_age": 0, "size_class": "zzp"},
            {"themes": ["digitalisation"], "question": "onze website is gehackt"},
        ]
    bodies += [{"company_id": pk, "question": "hulp bij groei"} for pk in company_ids[:10]]
    for body in bodies:
        body["limit"] = 10

    matching.clear_cache()
    started = time.perf_counter()
    matching.match(matching.Profile(region_id=region.pk, phases=("export",)))
    build_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    matching.match(matching.Profile(region_id=region.pk, phases=("export",)))
    warm_ms = (time.perf_counter() - started) * 1000
    log(
        f"catalogue: {demo_count} demo + {added} synthetic = {total} instruments "
        f"({add_s:.1f} s); index build {build_ms:.0f} ms, warm match {warm_ms:.1f} ms"
    )
    return {
        "token": raw,
        "bodies": bodies,
        "report": {
            "demo_instruments": demo_count,
            "synthetic_instruments": added,
            "instruments": total,
            "index_build_ms": round(build_ms, 1),
            "match_in_process_ms": round(warm_ms, 2),
            "profiles": len(bodies),
        },
    }


# --- monitoring --------------------------------------------------------------------------


def prepare_monitoring() -> dict[str, Any]:
    """The demo programme's dashboard of the current quarter and its merged quarterly
    report of that quarter (made if missing) as a draft PDF, both as the advisor sees
    them (the whole programme)."""
    from django.urls import reverse
    from django.utils import timezone

    from loket.accounts.models import User
    from loket.monitoring.models import Report
    from loket.programmes.models import Programme
    from loket.programmes.periods import default_period

    programme = Programme.objects.order_by("pk").first()
    assert programme is not None, "the demo has no programme"
    year, quarter = default_period(programme, timezone.localdate())
    report, _made = Report.objects.get_or_create(
        programme=programme,
        region=programme.region,
        kind=Report.Kind.QUARTER,
        year=year,
        quarter=quarter,
        organisation=None,
        defaults={"created_by": User.objects.get(email=ADVISOR)},
    )
    dashboard = reverse("monitoring:dashboard", args=[programme.pk])
    return {
        "region_id": programme.region_id,
        "period": f"{year} K{quarter}",
        "dashboard": f"{dashboard}?jaar={year}&kwartaal={quarter}",
        "report": reverse("monitoring:report_draft_pdf", args=[report.pk]),
    }


def first_and_after_change(browser: Browser, path: str, region_id: int, n: int) -> dict[str, Any]:
    """The first request (nothing cached yet), then ``n`` requests each right after a
    counted record changed (the region's figure stamp raised, as the signals do): the
    page shows the cached figures marked stale and enqueues their refresh (no worker
    runs during the bench, so they stay stale)."""
    from loket.monitoring.cache import touch

    status, _body, elapsed, _headers = browser.request("GET", path, None)
    first_ms = elapsed * 1000
    times = []
    statuses: dict[int, int] = {}
    for _ in range(n):
        touch(region_id)
        code, _body, elapsed, _headers = browser.request("GET", path, None)
        statuses[code] = statuses.get(code, 0) + 1
        times.append(elapsed * 1000)
    return {
        "first_request_status": status,
        "first_request_ms": round(first_ms, 1),
        "after_change": {
            "requests": n,
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "p50_ms": round(percentile(times, 50), 2),
            "p95_ms": round(percentile(times, 95), 2),
        },
    }


def matching_quality(env: dict[str, str], tmp: Path) -> dict[str, Any]:
    """precision@5 / recall@5 from bench/matching/evaluate.py, run in its own process on
    a throwaway in-memory database (the numbers do not depend on the bench's scale)."""
    if not (MATCHING / "questions.json").exists():
        return {"error": "bench/matching/questions.json is missing"}
    out = tmp / "quality.json"
    quality_env = {k: v for k, v in env.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, str(MATCHING / "evaluate.py"), "--json", str(out)],
        cwd=ROOT,
        env=quality_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if not out.exists():
        return {"error": (result.stdout + result.stderr)[-2000:]}
    report = json.loads(out.read_text(encoding="utf-8"))
    misses = [
        {"id": r["id"], "missed": r["missed"], "extra": r["extra"]}
        for r in report["rows"]
        if r["missed"] or r["extra"]
    ]
    return {
        **{k: v for k, v in report.items() if k != "rows"},
        "misses": misses,
    }


# --- the run -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def git_commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="2,000 companies: a quick run")
    for name in FULL:
        parser.add_argument(f"--{name}", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=None, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sql-runs", type=int, default=20)
    parser.add_argument("--db-url", default="", help="PostgreSQL server (default DATABASE_URL)")
    parser.add_argument("--keep", action="store_true", help="keep the database and temp dir")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/")
    parser.add_argument("--out", default="", help="write the JSON here instead")
    parser.add_argument(
        "--instruments", type=int, default=INSTRUMENTS, help="catalogue size for matching"
    )
    parser.add_argument("--no-quality", action="store_true", help="skip the labelled set")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    scale = dict(SMALL if args.small else FULL)
    for name in FULL:
        if getattr(args, name) is not None:
            scale[name] = getattr(args, name)
    n_requests = args.requests or (100 if args.small else 200)
    tmp = Path(tempfile.mkdtemp(prefix="loket-bench-"))
    server_url = args.db_url or os.environ.get("DATABASE_URL", "")
    db_url, vendor, pg_name = prepare_database(args, tmp)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loket.settings",
        "DATABASE_URL": db_url,
        "LOKET_VAR_DIR": str(tmp),
        "DEBUG": "0",
        "LOKET_DEMO_ALLOWED": "1",
        "LOKET_HTTPS": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    server: subprocess.Popen[bytes] | None = None
    report: dict[str, Any] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": git_commit(),
        "database": vendor,
        "scale": scale,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            # Other work on the machine inflates the timings: compare runs at a low load.
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
        },
        "server": f"gunicorn, {args.workers} workers, DEBUG=0, whitenoise",
        "targets_p95_ms": TARGETS_MS,
    }
    try:
        log(f"database: {vendor} ({tmp if vendor == 'sqlite' else pg_name})")
        started = time.perf_counter()
        manage(env, "migrate", "--noinput", "-v0")
        report["migrate_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        manage(env, "collectstatic", "--noinput", "-v0")
        report["collectstatic_s"] = round(time.perf_counter() - started, 1)
        log(f"loading {scale} ...")
        started = time.perf_counter()
        out = manage(
            env,
            "load_demo",
            "--seed",
            str(args.seed),
            *[f"--{k}={v}" for k, v in scale.items()],
        )
        report["load_s"] = round(time.perf_counter() - started, 1)
        loaded = re.search(r"loaded in ([\d.]+) s", out)
        report["generator_s"] = float(loaded.group(1)) if loaded else None
        log(f"loaded in {report['load_s']} s (generator {report['generator_s']} s)")

        setup_django(env)
        from django.db import connection

        from loket.demo.people import DEMO_PASSWORD

        connection.ensure_connection()
        raw = connection.connection
        report["database_version"] = str(
            raw.execute("select sqlite_version()").fetchone()[0]
            if vendor == "sqlite"
            else raw.info.server_version
        )
        targets = sample_targets(args.seed, 20)
        report["busiest_company_contacts"] = targets["busiest_company_contacts"]
        matching_setup = prepare_matching(args.instruments, args.seed, targets["company_ids"])
        report["matching"] = matching_setup["report"]
        monitoring = prepare_monitoring()
        report["monitoring_period"] = monitoring["period"]
        connection.close()
        if not args.no_quality:
            log("matching quality on the labelled set ...")
            quality = matching_quality(env, tmp)
            report["matching"]["quality"] = quality
            if "error" in quality:
                log(f"matching quality: {quality['error'][:300]}")
            else:
                log(
                    f"matching quality: precision@5 {quality['precision_at_5']}, "
                    f"recall@5 {quality['recall_at_5']} ({quality['questions']} questions)"
                )

        port = free_port()
        log_file = tmp / "gunicorn.log"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "loket.wsgi:application",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--error-logfile",
                str(log_file),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        browser = Browser("127.0.0.1", port, token=matching_setup["token"])
        wait_for_server(browser, server, log_file)
        log(f"gunicorn on port {port}")
        login(browser, ADVISOR, DEMO_PASSWORD)

        pages: dict[str, list[Call]] = {
            "search": [("POST", "/bedrijven/zoeken/", {"q": q}) for q in targets["queries"]],
            "company": [("GET", f"/bedrijven/{pk}/", None) for pk in targets["company_ids"]],
            "queue": [("GET", "/werk/", None)],
            "company_list": [("GET", "/bedrijven/", None)],
            "match": [("POST", "/api/match", JsonBody(b)) for b in matching_setup["bodies"]],
            "dashboard": [("GET", monitoring["dashboard"], None)],
            "report": [("GET", monitoring["report"], None)],
        }
        results: dict[str, Any] = {}
        for name, calls in pages.items():
            extra: dict[str, Any] = {}
            if name in ("dashboard", "report"):
                extra = first_and_after_change(
                    browser, calls[0][1], monitoring["region_id"], AFTER_CHANGE_REQUESTS
                )
                connection.close()
            http_stats = measure(browser, calls, args.warmup, n_requests)
            sql = capture_sql(calls, args.sql_runs)
            connection.close()
            ratio = None
            if http_stats["ok"] and sql["all_sql_ms"]:
                ratio = round(http_stats["p50_ms"] / sql["all_sql_ms"], 1)
            results[name] = {
                "example": example(calls[0]),
                "http": http_stats,
                "sql": sql,
                "ratio_app_to_sql": ratio,
                "target_p95_ms": TARGETS_MS[name],
                "meets_target": bool(http_stats["ok"] and http_stats["p95_ms"] < TARGETS_MS[name]),
                **extra,
            }
            log(
                f"{name}: {http_stats['statuses']} p50 {http_stats['p50_ms']} ms "
                f"p95 {http_stats['p95_ms']} ms; SQL main {sql['main_sql_ms']} ms"
            )
        report["pages"] = results
        report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        if args.keep:
            log(f"kept {tmp}" + (f" and database {pg_name}" if pg_name else ""))
        elif pg_name:
            drop_database(server_url, pg_name)

    print_table(report)
    if args.out or not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        suffix = "-small" if args.small else ""
        path = RESULTS / f"{dt.date.today().isoformat()}-{vendor}{suffix}.json"
        if args.out:
            path = Path(args.out).resolve()
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"wrote {path}")
    return 0 if all(p["meets_target"] for p in report["pages"].values()) else 1


def example(call: Call) -> str:
    method, path, body = call
    if method == "GET":
        return path
    if isinstance(body, JsonBody):
        return f"{path} (POST JSON profile)"
    return f"{path} (POST q=…)"


def print_table(report: dict[str, Any]) -> None:
    scale = report["scale"]
    print()
    print(
        f"Loket bench, {report['database']} {report.get('database_version', '')}, "
        f"{scale['companies']:,} companies / {scale['contacts']:,} contact moments / "
        f"{scale['cases']:,} cases; load {report.get('load_s')} s "
        f"(generator {report.get('generator_s')} s); load average "
        f"{report['machine']['load_average_before'][0]} before, "
        f"{report.get('load_average_after', ['?'])[0]} after"
    )
    header = (
        f"{'page':<13} {'HTTP':<9} {'p50 ms':>7} {'p95 ms':>7} {'target':>7}      "
        f"{'SQL main':>8} {'SQL all':>8} {'app/SQL':>7} {'queries':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, page in report.get("pages", {}).items():
        http_stats, sql = page["http"], page["sql"]
        codes = http_stats["statuses"]
        status = (
            next(iter(codes)) if len(codes) == 1 else " ".join(f"{k}x{v}" for k, v in codes.items())
        )
        ratio = page["ratio_app_to_sql"]
        verdict = "ok" if page["meets_target"] else "MISS"
        print(
            f"{name:<13} {status:<9} {http_stats['p50_ms']:>7.1f} {http_stats['p95_ms']:>7.1f} "
            f"{'< ' + str(int(page['target_p95_ms'])):>7} {verdict:<4} "
            f"{sql['main_sql_ms']:>8.2f} {sql['all_sql_ms']:>8.2f} "
            f"{ratio if ratio is not None else '-':>7} {sql['queries']:>7}"
        )
        if "after_change" in page:
            after = page["after_change"]
            print(
                f"  {name}: first request (nothing cached) {page['first_request_ms']:.0f} ms; "
                f"right after a change (stale figures, refresh enqueued) "
                f"p50 {after['p50_ms']:.1f} / p95 {after['p95_ms']:.1f} ms"
            )
    matching = report.get("matching", {})
    quality = matching.get("quality", {})
    if matching:
        print(
            f"match: {matching['instruments']:,} instruments; index build "
            f"{matching['index_build_ms']} ms, in-process match "
            f"{matching['match_in_process_ms']} ms"
        )
    if "precision_at_5" in quality:
        print(
            f"matching quality: precision@5 {quality['precision_at_5']:.3f}, "
            f"recall@5 {quality['recall_at_5']:.3f} on {quality['questions']} labelled questions "
            f"({quality['catalogue_size']} demo instruments)"
        )
    elif quality:
        print(f"matching quality: not measured ({quality.get('error', '')[:200]})")
    print()


if __name__ == "__main__":
    sys.exit(main())
