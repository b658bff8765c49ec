"""The demo region generator: deterministic, realistic, complete, and never in production."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from loket.accounts.models import Membership, Organisation, Role
from loket.casework.models import Case, ContactMoment, Referral
from loket.collectives.models import TableCase
from loket.companies.models import Company, CompanySearchEntry, Person
from loket.companies.validators import validate_kvk_number, validate_postcode
from loket.core.models import Municipality, Region
from loket.core.workdays import add_working_days
from loket.demo import data
from loket.demo.generator import DemoNotAllowed, Scale, flush, generate
from loket.demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET
from loket.events.models import Registration

TINY = Scale(companies=40, contacts=400, cases=60, referrals=30)
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def allowed(settings):
    settings.LOKET_DEMO_ALLOWED = True
    return settings


@pytest.fixture
def demo(db, allowed):
    return generate(seed=7, scale=TINY, now=NOW)


def company_snapshot():
    return list(
        Company.objects.order_by("kvk_number", "name").values_list(
            "name", "kvk_number", "postcode", "house_number", "municipality__name", "employees"
        )
    )


def test_it_generates_the_requested_scale(demo):
    counts = demo.counts
    assert counts["companies"] == Company.objects.count() == 40
    # (besides the contact moments of the events' attendees and the tables' cases)
    history = ContactMoment.objects.exclude(
        pk__in=Registration.objects.filter(contact_moment__isnull=False).values("contact_moment")
    ).exclude(
        pk__in=TableCase.objects.filter(contact_moment__isnull=False).values("contact_moment")
    )
    assert counts["contact_moments"] == history.count() == 400
    assert counts["cases"] == Case.objects.count() == 60
    assert counts["referrals"] == Referral.objects.count() == 30
    assert Person.objects.count() >= 40
    assert CompanySearchEntry.objects.count() == 40  # the search index was rebuilt


def test_it_creates_drenthe_with_its_municipalities_and_hardenberg(demo):
    munis = dict(Municipality.objects.values_list("name", "cbs_code"))
    assert len(munis) == 13
    assert munis["Assen"] == "GM0106"
    assert munis["Emmen"] == "GM0114"
    assert munis["Hardenberg"] == "GM0160"
    for name in ("Aa en Hunze", "Borger-Odoorn", "Midden-Drenthe", "Westerveld", "Tynaarlo"):
        assert name in munis
    # every municipality has companies, even at the smallest scale
    per_muni = Counter(Company.objects.values_list("municipality__name", flat=True))
    assert set(per_muni) == set(munis)


def test_it_creates_more_than_fifty_partners_and_users_for_every_role(demo):
    orgs = Organisation.objects.filter(region=demo.region)
    assert orgs.filter(kind=Organisation.Kind.PROGRAMME).count() == 1
    assert orgs.exclude(kind=Organisation.Kind.PROGRAMME).count() >= 50
    kinds = set(orgs.values_list("kind", flat=True))
    assert kinds >= {
        "province",
        "municipality",
        "chamber",
        "development_agency",
        "school",
        "bank",
        "cluster",
        "business_association",
        "advisory",
    }
    roles = Counter(Membership.objects.values_list("role", flat=True))
    assert set(roles) == set(Role.values)
    assert roles["advisor"] == 10
    assert roles["specialist"] >= 5
    partners_with_users = orgs.filter(memberships__role="partner").distinct().count()
    assert partners_with_users > orgs.count() // 2


def test_every_case_status_and_referral_status_is_present(demo):
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)


def test_cases_have_deadlines_by_working_days_and_consistent_times(demo):
    for case in Case.objects.all():
        local = timezone.localtime(case.opened_at)
        assert case.deadline == add_working_days(local, 1)
        assert case.opened_at <= NOW
        if case.status == Case.Status.NEW:
            assert case.first_response_at is None
        else:
            assert case.opened_at <= case.first_response_at <= NOW
        if case.status == Case.Status.CLOSED:
            assert case.outcome
            assert case.closed_at >= case.first_response_at
        else:
            assert case.closed_at is None
            assert case.outcome == ""
        assert case.reference.startswith(f"HV-{local.year}-")
    assert any(c.deadline < NOW for c in Case.objects.filter(status="new"))  # overdue ones


def test_referrals_carry_their_reasons_and_feedback(demo):
    for ref in Referral.objects.all():
        assert ref.company_id == ref.case.company_id
        if ref.status == Referral.Status.DECLINED:
            assert ref.decline_reason
            assert ref.responded_at
        if ref.status == Referral.Status.COMPLETED:
            assert ref.feedback
            assert ref.completed_at >= ref.responded_at >= ref.sent_at
        if ref.status == Referral.Status.PROPOSED:
            assert ref.sent_at is None


def test_postcodes_are_valid_and_lie_in_the_municipality(demo):
    areas = {
        name: {pc for _place, pcs in places for pc in pcs}
        for name, _cbs, _w, _area, places in data.MUNICIPALITIES
    }
    for postcode, muni in Company.objects.values_list("postcode", "municipality__name"):
        validate_postcode(postcode)
        assert postcode[:4] in areas[muni]


def test_kvk_numbers_are_valid_and_unique(demo):
    numbers = [k for k in Company.objects.values_list("kvk_number", flat=True) if k]
    assert len(numbers) >= 38
    for number in numbers:
        validate_kvk_number(number)
    assert len(set(numbers)) == len(numbers)


def test_every_regional_row_carries_the_region(demo):
    region = demo.region
    for model in (Company, Person, ContactMoment, Case, Referral, Municipality, Organisation):
        assert not model.objects.exclude(region=region).exists()
    for moment in ContactMoment.objects.select_related("company", "author"):
        assert moment.author.memberships.filter(organisation_id=moment.organisation_id).exists()
    assert Company.objects.filter(account_manager__isnull=False).count() > 20


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


def test_generated_rows_pass_model_validation(demo):
    for company in Company.objects.all()[:40]:
        try:
            company.full_clean()
        except ValidationError as exc:  # pragma: no cover - shows which field is wrong
            pytest.fail(f"{company.name}: {exc}")


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
