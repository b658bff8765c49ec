"""The programme pages in English: no Dutch of the interface left (the data is the
user's own and may be in any language)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from loket.accounts.models import Membership
from loket.programmes.models import Trajectory
from tests import factories as f
from tests.core.test_translations import DUTCH, assert_english, visible_text


@pytest.fixture
def english_manager(world):
    world.pam.language = "en"
    world.pam.save(update_fields=["language"])
    return world.pam


@pytest.fixture
def programme(world):
    programme = f.ProgrammeFactory(
        region=world.region,
        name="Growth Programme",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        organisations=[world.bureau],
    )
    province = f.FunderFactory(programme=programme, name="Province")
    talks = f.ActivityTypeFactory(programme=programme, name="Talks", code="talks")
    f.HourlyRateFactory(programme=programme, organisation=world.bureau, year=2025)
    scheme = f.SchemeFactory(programme=programme, funder=province, name="Innovation path")
    f.PlanLineFactory(
        programme=programme,
        year=2026,
        activity_type=talks,
        organisation=world.bureau,
        count=10,
        hours_per_unit=Decimal("2.00"),
        funders={province: (100, 0)},
    )
    company = f.CompanyFactory(region=world.region, name="Oak Forge Ltd")
    trajectory = f.TrajectoryFactory(
        scheme=scheme, company=company, title="Robot cell", status=Trajectory.Status.APPLIED
    )
    Membership.objects.filter(user=world.pam).update(role="programme_manager")
    f.HourEntryFactory(
        programme=programme,
        user=world.pam,
        organisation=world.bureau,
        activity_type=talks,
        company=company,
        date=dt.date(2026, 3, 2),
        hours=Decimal("3.00"),
    )
    return programme, scheme, trajectory


def test_the_programme_pages_are_in_english(english_manager, programme, login):
    programme, scheme, trajectory = programme
    client = login(english_manager)
    pages = [
        (reverse("programmes:programme_list"), "Programmes"),
        (reverse("programmes:programme_detail", args=[programme.pk]), "Funders"),
        (reverse("programmes:financing", args=[programme.pk]), "Financing overview"),
        (reverse("programmes:realisation", args=[programme.pk]), "Realisation"),
        (reverse("programmes:scheme_list", args=[programme.pk]), "Schemes"),
        (reverse("programmes:scheme_detail", args=[scheme.pk]), "Innovation path"),
        (reverse("programmes:trajectory_list", args=[programme.pk]), "Trajectories"),
        (reverse("programmes:trajectory_detail", args=[trajectory.pk]), "Approve"),
        (reverse("programmes:hour_list"), "Hours"),
        (reverse("programmes:hours_week") + "?week=2026-W10", "Hours"),
        (reverse("programmes:plan_import", args=[programme.pk]), "Import"),
    ]
    for url, phrase in pages:
        response = client.get(url)
        assert_english(response, phrase)


def test_the_dutch_check_would_notice_a_dutch_page(world, programme, login):
    """The check above can fail: the same page in Dutch is caught by it."""
    programme, _scheme, _trajectory = programme
    response = login(world.pam).get(reverse("programmes:programme_detail", args=[programme.pk]))
    text = visible_text(response)
    assert any(word in text for word in DUTCH)
