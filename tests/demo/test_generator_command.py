"""The demo generator and its command, each test from an empty database: the same seed gives
the same region, the command loads once, prints working credentials and never runs in
production."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from loket.casework.models import Case, ContactMoment
from loket.companies.models import Company
from loket.core.models import Region
from loket.demo.generator import DemoNotAllowed, Scale, flush, generate
from loket.demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET

TINY = Scale(companies=40, contacts=400, cases=60, referrals=30)
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=timezone.get_default_timezone())


def company_snapshot():
    return list(
        Company.objects.order_by("kvk_number", "name").values_list(
            "name", "kvk_number", "postcode", "house_number", "municipality__name", "employees"
        )
    )


def test_the_same_seed_gives_the_same_companies(db, allowed):
    generate(seed=11, scale=TINY, now=NOW, rebuild_index=False)
    first = company_snapshot()
    statuses = list(Case.objects.order_by("opened_at").values_list("status", flat=True))
    flush()
    assert not Company.objects.exists()
    generate(seed=11, scale=TINY, now=NOW, rebuild_index=False)
    assert company_snapshot() == first
    assert list(Case.objects.order_by("opened_at").values_list("status", flat=True)) == statuses
    flush()
    generate(seed=12, scale=TINY, now=NOW, rebuild_index=False)
    assert company_snapshot() != first


def test_needs_follow_the_brief(db, allowed):
    generate(
        seed=3,
        scale=Scale(companies=60, contacts=2000, cases=50, referrals=20),
        now=NOW,
        rebuild_index=False,
    )
    needs = Counter(
        ContactMoment.objects.filter(needs__isnull=False).values_list("needs__slug", flat=True)
    )
    top = {slug for slug, _n in needs.most_common(3)}
    assert top == {"innovation", "internationalisation", "management"}
    assert 0 < ContactMoment.objects.filter(confidential=True).count() < 100  # a few


def test_it_refuses_in_production(db, settings):
    settings.DEBUG = False
    settings.LOKET_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="never in production"):
        call_command("load_demo", "--companies", "5", stdout=io.StringIO())
    with pytest.raises(DemoNotAllowed):
        generate(scale=TINY)
    assert not Region.objects.exists()
    assert not Company.objects.exists()


def test_the_command_prints_working_credentials(db, allowed):
    out = io.StringIO()
    call_command(
        "load_demo",
        "--companies",
        "30",
        "--contacts",
        "200",
        "--cases",
        "30",
        "--referrals",
        "10",
        stdout=out,
    )
    text = out.getvalue()
    assert "adviseur@ibdo.example" in text
    assert "beheer@ibdo.example" in text
    assert DEMO_PASSWORD in text
    assert DEMO_TOTP_SECRET in text
    assert "otpauth://totp/" in text
    assert authenticate(username="adviseur@ibdo.example", password=DEMO_PASSWORD) is not None
    assert authenticate(username="partner@gemeente-assen.example", password=DEMO_PASSWORD)
    manager = authenticate(username="manager@ibdo.example", password=DEMO_PASSWORD)
    totp = Authenticator.objects.get(user=manager, type=Authenticator.Type.TOTP)
    code = text.split("code nu / current code: ")[1][:6]
    assert validate_totp_code(totp.wrap().instance.data["secret"], code)


def test_the_command_will_not_load_twice_unless_flushed(db, allowed):
    args = ["--companies", "20", "--contacts", "100", "--cases", "20", "--referrals", "5"]
    call_command("load_demo", *args, stdout=io.StringIO())
    with pytest.raises(CommandError, match="--flush"):
        call_command("load_demo", *args, stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()
    call_command("load_demo", "--flush", "--companies", "25", *args[2:], stdout=io.StringIO())
    assert Company.objects.count() == 25


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--companies", "-1"], "0 of meer"), (["--cases", "veel"], "invalid int value")],
)
def test_it_rejects_garbage_options(db, allowed, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("load_demo", *args, stdout=io.StringIO())
    assert not Company.objects.exists()


def test_a_big_load_keeps_every_index(db, allowed, monkeypatch):
    # Big tables are loaded with their secondary indexes dropped and rebuilt afterwards.
    monkeypatch.setattr("loket.demo.bulk.REBUILD_INDEXES_FROM", 50)

    def indexes():
        with connection.cursor() as cursor:
            return {
                table: set(connection.introspection.get_constraints(cursor, table))
                for table in (Company._meta.db_table, ContactMoment._meta.db_table)
            }

    before = indexes()
    generate(seed=5, scale=TINY, now=NOW, rebuild_index=False)
    assert indexes() == before
    assert ContactMoment.objects.filter(company__municipality__name="Assen").exists()
