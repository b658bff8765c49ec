"""A deterministic generator of a realistic, fictional Drenthe programme.

``generate(seed=..., scale=Scale(...))`` creates the region with its 12 municipalities plus
Hardenberg, the programme bureau and more than 50 partners with users for every role,
and then three years of history: companies with contact persons and consent, contact
moments, help requests (cases) in every status and referrals in every status. The same
seed (and the same ``now``) gives the same data. The small scales serve the tests, the
default scale the demo (``manage.py load_demo``), the large scale the benchmark.

Speed: rows are built in memory and written with raw ``executemany`` (SQLite) or
``COPY`` (PostgreSQL) in one transaction (see ``bulk.py``); no audit events are written
for generated history.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from loket.accounts.models import Membership, Organisation, User
from loket.casework.models import Case, ContactMoment, Referral
from loket.companies.models import Company, Consent, Person, SbiCode
from loket.core.models import AuditEvent, Municipality, Region
from loket.demo import data
from loket.demo.activities import load_activities
from loket.demo.assignment import load_rules
from loket.demo.build_casework import History
from loket.demo.catalogue import flush_shared, load_catalogue
from loket.demo.monitoring import load_monitoring_counts
from loket.demo.people import create_cast
from loket.demo.programmes import flush_programmes, load_programme

REGION_SLUG = "drenthe"
REGION_NAME = "Drenthe"


class DemoNotAllowed(Exception):
    """Demo data may only be generated with DEBUG or LOKET_DEMO_ALLOWED on."""


def demo_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "LOKET_DEMO_ALLOWED", False))


@dataclass(frozen=True)
class Scale:
    companies: int = 2_000
    contacts: int = 20_000
    cases: int = 3_000
    referrals: int = 1_500


@dataclass
class Result:
    region: Region
    counts: dict[str, int]
    credentials: list[tuple[str, str, bool]]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def ensure_sbi_codes() -> dict[str, int]:
    """The SBI sections and divisions (the data migration loads them; this tops them up
    on a database migrated before the full list shipped). Returns code -> id."""
    path = settings.BASE_DIR / "loket" / "companies" / "data" / "sbi.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    existing = dict(SbiCode.objects.values_list("code", "id"))
    if len(existing) < len(rows):
        sections: dict[str, SbiCode] = {}
        for row in rows:
            if row["section"] is None:
                sections[row["code"]] = SbiCode.objects.update_or_create(
                    code=row["code"],
                    defaults={"name_nl": row["name_nl"], "name_en": row["name_en"]},
                )[0]
        for row in rows:
            if row["section"] is not None:
                SbiCode.objects.update_or_create(
                    code=row["code"],
                    defaults={
                        "name_nl": row["name_nl"],
                        "name_en": row["name_en"],
                        "section": sections[row["section"]],
                    },
                )
        existing = dict(SbiCode.objects.values_list("code", "id"))
    return existing


def ensure_region() -> tuple[Region, list[Municipality]]:
    region, _ = Region.objects.get_or_create(slug=REGION_SLUG, defaults={"name": REGION_NAME})
    municipalities = []
    for name, cbs, *_rest in data.MUNICIPALITIES:
        muni, _ = Municipality.objects.update_or_create(
            region=region, name=name, defaults={"cbs_code": cbs}
        )
        municipalities.append(muni)
    return region, municipalities


@contextmanager
def load_cache() -> Iterator[None]:
    """On SQLite, a 256 MB page cache while loading: the indexes of the big tables then
    stay in memory instead of spilling to the WAL mid-transaction."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def is_loaded() -> bool:
    region = Region.objects.filter(slug=REGION_SLUG).first()
    return region is not None and Company.objects.filter(region=region).exists()


def generate(
    *,
    seed: int = 2026,
    scale: Scale | None = None,
    now: dt.datetime | None = None,
    rebuild_index: bool = True,
) -> Result:
    """Generate the demo programme. Refuses unless demo data is allowed (never in
    production). Run ``flush()`` first to replace an earlier demo."""
    if not demo_allowed():
        raise DemoNotAllowed(
            "Demodata is uitgeschakeld (DEBUG en LOKET_DEMO_ALLOWED staan uit) / "
            "demo data is disabled (DEBUG and LOKET_DEMO_ALLOWED are off)."
        )
    scale = scale or Scale()
    rng = random.Random(seed)
    now = now or timezone.now()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with transaction.atomic(), load_cache():
        region, municipalities = ensure_region()
        sbi = ensure_sbi_codes()
        cast = create_cast(rng, region, municipalities)
        timings["reference"] = time.perf_counter() - started
        history = History(rng, region, municipalities, cast, sbi, scale, now)
        history.build()
        timings["build"] = time.perf_counter() - started - timings["reference"]
        counts = history.write()
        timings["write"] = time.perf_counter() - started - timings["reference"] - timings["build"]
        # The instrument catalogue and the portal's assignment rules.
        mark = time.perf_counter()
        counts["instruments"] = load_catalogue(region, cast, timezone.localdate(now))
        counts["assignment_rules"] = load_rules(region, municipalities, cast, history.territory)
        timings["catalogue"] = time.perf_counter() - mark
        # The programme: plan, schemes, trajectories, vouchers and a year of hours.
        mark = time.perf_counter()
        programme = load_programme(region, today=timezone.localdate(now), seed=seed)
        counts.update({f"programme_{k}": v for k, v in programme.items()})
        timings["programme"] = time.perf_counter() - mark
        # Events and collective instruments of the programme.
        mark = time.perf_counter()
        counts.update(load_activities(region, today=timezone.localdate(now), seed=seed))
        timings["activities"] = time.perf_counter() - mark
        # Monitoring: indicators and targets, the survey, business cases, reports.
        mark = time.perf_counter()
        counts.update(load_monitoring_counts(region, today=timezone.localdate(now), seed=seed))
        timings["monitoring"] = time.perf_counter() - mark
    if rebuild_index:
        mark = time.perf_counter()
        from loket.companies.search import rebuild_search_index

        rebuild_search_index()
        timings["search_index"] = time.perf_counter() - mark
    # Fresh statistics for the planner. Without them PostgreSQL plans for empty tables,
    # and SQLite walks a region's date index instead of one company's (400 ms instead
    # of 1 ms for a company timeline at 400,000 contact moments).
    mark = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - mark
    counts = {
        "municipalities": len(municipalities),
        "organisations": Organisation.objects.filter(region=region).count(),
        "users": User.objects.filter(memberships__organisation__region=region).distinct().count(),
        **counts,
    }
    return Result(
        region=region,
        counts=counts,
        credentials=cast.credentials,
        seconds=time.perf_counter() - started,
        timings=timings,
    )


# --- flush -------------------------------------------------------------------------------


def _regional_models() -> list[type[models.Model]]:
    out = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model is Region:
                out.append(model)
                break
    return out


def flush() -> None:
    """Delete the demo region's regional data and its users (not the region itself)."""
    region = Region.objects.filter(slug=REGION_SLUG).first()
    if region is None:
        return
    with transaction.atomic():
        user_ids = set(
            Membership.objects.filter(organisation__region=region).values_list("user_id", flat=True)
        )
        # Programmes first: their trajectories and hours protect companies and users.
        flush_programmes(region)
        # The big tables first (Django cascades to whatever other apps attach to them).
        Referral.objects.filter(region=region).delete()
        ContactMoment.objects.filter(region=region).delete()
        Case.objects.filter(region=region).delete()
        Consent.objects.filter(person__region=region).delete()
        Person.objects.filter(region=region).delete()
        Company.objects.filter(region=region).delete()
        AuditEvent.objects.filter(region=region).delete()
        # Whatever other regional rows later apps keep, until nothing more can go.
        pending: list[type[models.Model]] = [
            m for m in _regional_models() if m not in (Region, Organisation, Municipality)
        ]
        pending += [Organisation, Municipality]
        for _round in range(len(pending) + 1):
            left: list[type[models.Model]] = []
            for model in pending:
                try:
                    with transaction.atomic():
                        model._default_manager.filter(region=region).delete()
                except (ProtectedError, RestrictedError, IntegrityError):
                    left.append(model)
            if not left:
                break
            pending = left
        else:
            raise RuntimeError(f"Could not flush: {', '.join(m.__name__ for m in pending)}")
        flush_shared()  # the demo's national and EU instruments (they have no region)
        User.objects.filter(pk__in=user_ids, memberships__isnull=True).delete()
