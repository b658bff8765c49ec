"""The demo region generator: deterministic, realistic, complete, and never in production."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from loket.accounts.models import Membership, Organisation, Role
from loket.casework.models import Case, ContactMoment, Referral
from loket.collectives.models import TableCase
from loket.companies.models import Company, CompanySearchEntry, Person
from loket.companies.validators import validate_kvk_number, validate_postcode
from loket.core.models import Municipality
from loket.core.workdays import add_working_days
from loket.demo import data
from loket.demo.generator import Scale
from loket.events.models import Registration

TINY = Scale(companies=40, contacts=400, cases=60, referrals=30)
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=timezone.get_default_timezone())


# The demo of every test here, generated once for the module (tests/demo/conftest.py).
DEMO = {"seed": 7, "scale": TINY, "now": NOW}


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


def test_generated_rows_pass_model_validation(demo):
    for company in Company.objects.all()[:40]:
        try:
            company.full_clean()
        except ValidationError as exc:  # pragma: no cover - shows which field is wrong
            pytest.fail(f"{company.name}: {exc}")
