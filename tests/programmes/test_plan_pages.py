"""The programme pages as their users meet them: who sees which programme, who may
change it (others who see it get 403, the rest 404), the programme's home page with its
plan per year, the forms that change it, and a constant number of queries however big
the plan is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from loket.core.models import AuditEvent
from loket.programmes.models import ActivityType, Funder, PlanLine, Programme
from tests import factories as f
from tests.programmes.plan_factories import line_post, small_plan

D = Decimal


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def plan(world):
    return small_plan(world)


def edit_urls(plan):
    """Every page that changes the programme or its plan, with a real object."""
    line = f.PlanLineFactory(
        programme=plan.programme,
        activity_type=plan.management,
        organisation=plan.bureau,
        hours_per_unit=None,
        fixed_hours=D("40"),
        funders={plan.province: (100, 0)},
    )
    pk = plan.programme.pk
    return [
        reverse("programmes:programme_edit", args=[pk]),
        reverse("programmes:funder_create", args=[pk]),
        reverse("programmes:funder_edit", args=[plan.chamber.pk]),
        reverse("programmes:funder_delete", args=[plan.chamber.pk]),
        reverse("programmes:rate_create", args=[pk]),
        reverse("programmes:rate_edit", args=[plan.rate.pk]),
        reverse("programmes:rate_delete", args=[plan.rate.pk]),
        reverse("programmes:activity_type_create", args=[pk]),
        reverse("programmes:activity_type_edit", args=[plan.talks.pk]),
        reverse("programmes:activity_type_delete", args=[plan.talks.pk]),
        reverse("programmes:plan_line_create", args=[pk]),
        reverse("programmes:plan_line_edit", args=[line.pk]),
        reverse("programmes:plan_line_delete", args=[line.pk]),
    ]


# --- who sees what -------------------------------------------------------------------


def test_the_list_shows_the_programmes_a_user_sees(world, plan, login):
    twente = f.ProgrammeFactory(region=world.other_region, name="Twente Onderneemt")
    client = login(world.alice)
    response = client.get(reverse("programmes:programme_list"))
    assert response.status_code == 200
    assert plan.programme.name in response.content.decode()
    assert twente.name not in response.content.decode()
    assert "Nieuw programma" not in response.content.decode()
    pam = login(world.pam).get(reverse("programmes:programme_list")).content.decode()
    assert "Nieuw programma" in pam
    charlie = login(world.charlie).get(reverse("programmes:programme_list"))
    assert plan.programme.name not in charlie.content.decode()
    olga = login(world.olga).get(reverse("programmes:programme_list")).content.decode()
    assert twente.name in olga
    assert plan.programme.name not in olga


def test_the_list_filters_and_survives_garbage(world, plan, login):
    f.ProgrammeFactory(
        region=world.region,
        name="Oud programma",
        starts_on=dt.date(2014, 5, 1),
        ends_on=dt.date(2015, 12, 31),
    )
    client = login(world.pam)
    url = reverse("programmes:programme_list")
    past = client.get(url, {"status": "past"}).content.decode()
    assert "Oud programma" in past
    assert plan.programme.name not in past
    found = client.get(url, {"q": "2025"}).content.decode()
    assert plan.programme.name in found
    assert "Oud programma" not in found
    for params in (
        {"status": "later"},
        {"q": "x" * 500},
        {"pagina": "abc"},
        {"per_pagina": "-1"},
        {"sorteer": "; drop"},
    ):
        assert client.get(url, params).status_code == 200, params


def test_the_navigation_links_to_programmes(world, login):
    page = login(world.alice).get(reverse("programmes:programme_list")).content.decode()
    assert f'href="{reverse("programmes:programme_list")}" aria-current="page"' in page
    try:
        hours = reverse("programmes:hours_week")
    except NoReverseMatch:
        return
    assert f'href="{hours}"' in page


def test_the_programme_page_shows_the_plan_per_year(world, plan, login):
    f.HourlyRateFactory(
        programme=plan.programme, organisation=plan.bureau, year=2026, rate=D("110.00")
    )
    scheme = f.SchemeFactory(programme=plan.programme, funder=plan.chamber, name="Groeitraject")
    f.PlanLineFactory(
        programme=plan.programme,
        year=2025,
        activity_type=plan.talks,
        organisation=plan.bureau,
        count=40,
        hours_per_unit=D("2.50"),
        funders={plan.province: (50, "1210.00"), plan.chamber: (50, 0)},
    )
    f.PlanLineFactory(
        programme=plan.programme,
        year=2026,
        activity_type=plan.management,
        organisation=world.gem_assen,
        hours_per_unit=None,
        fixed_hours=D("80"),
        scheme=scheme,
        funders={plan.chamber: (100, 0)},
    )
    response = login(world.alice).get(
        reverse("programmes:programme_detail", args=[plan.programme.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "01-01-2025 t/m 31-12-2026" in page
    assert 'id="plan-2025"' in page
    assert 'id="plan-2026"' in page
    assert "Plan 2025: 1 regel, 100 uur" in page
    assert "Plan 2026: 1 regel, 80 uur" in page
    assert "€ 1.210,00" in page  # out-of-pocket of the province
    assert "50 %" in page
    assert "Groeitraject" in page
    assert "€ 100,00" in page
    assert "€ 110,00" in page
    assert "geen tarief" in page  # Gemeente Assen has none
    assert "180 uur in 2 planregels" in page
    # alice sees it but may not change it: no edit links
    assert reverse("programmes:programme_edit", args=[plan.programme.pk]) not in page
    assert "Planregel toevoegen" not in page
    pam = login(world.pam).get(reverse("programmes:programme_detail", args=[plan.programme.pk]))
    assert reverse("programmes:programme_edit", args=[plan.programme.pk]) in pam.content.decode()
    assert "Planregel toevoegen" in pam.content.decode()


def test_the_programme_page_links_to_its_other_pages_and_import_only_for_editors(
    world, plan, login
):
    pk = plan.programme.pk
    detail = reverse("programmes:programme_detail", args=[pk])
    page = login(world.alice).get(detail).content.decode()
    for name in ("financing", "realisation", "scheme_list", "trajectory_list"):
        assert f'href="{reverse(f"programmes:{name}", args=[pk])}"' in page, name
    export = reverse("programmes:plan_export", args=[pk])
    assert f'href="{export}?format=xlsx"' in page
    assert f'href="{export}?format=yaml"' in page
    assert f'href="{reverse("programmes:hours_week")}"' in page
    assert reverse("programmes:plan_import", args=[pk]) not in page
    assert (
        reverse("programmes:plan_import", args=[pk])
        in login(world.pam).get(detail).content.decode()
    )


@pytest.mark.parametrize("role", ["charlie", "olga"])
def test_outsiders_get_404_everywhere(world, plan, login, role):
    client = login(getattr(world, role))
    detail = reverse("programmes:programme_detail", args=[plan.programme.pk])
    assert client.get(detail).status_code == 404
    for url in edit_urls(plan):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "x"}).status_code == 404, url
    assert not AuditEvent.objects.exclude(action="view").exists()


def test_who_sees_but_may_not_edit_gets_403(world, plan, login):
    client = login(world.alice)
    for url in edit_urls(plan):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "x"}).status_code == 403, url
    assert client.get(reverse("programmes:programme_create")).status_code == 403
    assert client.post(reverse("programmes:programme_create"), {}).status_code == 403
    # staff of an executing organisation see the programme, and may not change it either
    charlie = login(world.charlie)
    plan.programme.organisations.add(world.gem_emmen)
    assert (
        charlie.get(reverse("programmes:programme_detail", args=[plan.programme.pk])).status_code
        == 200
    )
    assert (
        charlie.get(reverse("programmes:programme_edit", args=[plan.programme.pk])).status_code
        == 403
    )


@pytest.mark.parametrize("role", ["pam", "adam"])
def test_managers_open_every_edit_page(world, plan, login, role):
    client = login(getattr(world, role))
    for url in edit_urls(plan):
        assert client.get(url).status_code == 200, url


# --- changing things through the pages -------------------------------------------------


def test_pam_creates_a_programme_with_standard_activity_types(world, login):
    client = login(world.pam)
    page = client.get(reverse("programmes:programme_create")).content.decode()
    assert 'name="standard_activity_types"' in page
    assert "checked" in page
    response = client.post(
        reverse("programmes:programme_create"),
        {
            "region": str(world.region.pk),
            "name": "IBDO 2014-2015",
            "starts_on": "01-05-2014",
            "ends_on": "31-12-2015",
            "organisations": [str(world.bureau.pk), str(world.gem_assen.pk)],
            "hours_cap_per_company": "24",
            "standard_activity_types": "on",
        },
    )
    programme = Programme.objects.get(name="IBDO 2014-2015")
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:programme_detail", args=[programme.pk])
    assert programme.starts_on == dt.date(2014, 5, 1)
    assert programme.hours_cap_per_company == D("24.00")
    assert ActivityType.objects.filter(programme=programme).count() == 10
    page = client.get(response["Location"]).content.decode()
    assert "Fysieke evenementen" in page
    assert "175" in page


def test_unticking_the_standard_activity_types(world, login):
    login(world.adam).post(
        reverse("programmes:programme_create"),
        {
            "region": str(world.region.pk),
            "name": "Kaal",
            "starts_on": "2025-01-01",
            "ends_on": "2025-12-31",
        },
    )
    assert not ActivityType.objects.filter(programme__name="Kaal").exists()


def test_pam_edits_the_programme(world, plan, login):
    response = login(world.pam).post(
        reverse("programmes:programme_edit", args=[plan.programme.pk]),
        {
            "name": "Plan 2025-2027",
            "starts_on": "01-01-2025",
            "ends_on": "31-12-2027",
            "organisations": [str(world.bureau.pk), str(world.gem_assen.pk)],
            "hours_cap_per_company": "",
        },
    )
    assert response.status_code == 302
    plan.programme.refresh_from_db()
    assert plan.programme.years == [2025, 2026, 2027]
    assert AuditEvent.objects.filter(
        object_type="programmes.programme", object_id=plan.programme.pk, action="change"
    ).exists()


def test_pam_adds_a_plan_line_with_a_fifty_fifty_split(world, plan, login):
    client = login(world.pam)
    form = client.get(reverse("programmes:plan_line_create", args=[plan.programme.pk]))
    page = form.content.decode()
    assert "Provincie" in page
    assert "KvK" in page
    assert 'name="financiering-TOTAL_FORMS"' in page
    response = client.post(
        reverse("programmes:plan_line_create", args=[plan.programme.pk]), line_post(plan)
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#plan-2025")
    line = PlanLine.objects.get()
    assert line.hours == D("20.00")
    assert sorted(line.fundings.values_list("hours_share", "out_of_pocket_incl_vat")) == [
        (D("50.00"), D("0.00")),
        (D("50.00"), D("121.00")),
    ]
    # and edits it: everything to the chamber
    response = client.post(
        reverse("programmes:plan_line_edit", args=[line.pk]),
        line_post(
            plan,
            **{
                "financiering-0-hours_share": "",
                "financiering-0-out_of_pocket_incl_vat": "",
                "financiering-1-hours_share": "100",
            },
        ),
    )
    assert response.status_code == 302
    assert list(line.fundings.values_list("funder_id", flat=True)) == [plan.chamber.pk]
    edit = client.get(reverse("programmes:plan_line_edit", args=[line.pk])).content.decode()
    assert 'value="100"' in edit


def test_funders_rates_and_activity_types_through_their_pages(world, plan, login):
    client = login(world.pam)
    pk = plan.programme.pk
    response = client.post(
        reverse("programmes:funder_create", args=[pk]),
        {"name": "Ondernemers", "kind": "companies"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#financiers")
    response = client.post(
        reverse("programmes:rate_create", args=[pk]),
        {"organisation": str(world.gem_assen.pk), "year": "2026", "rate": "87,50"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#tarieven")
    response = client.post(
        reverse("programmes:activity_type_create", args=[pk]),
        {"name": "Webinars", "default_hours_per_unit": "8"},
    )
    assert response.status_code == 302
    page = client.get(reverse("programmes:programme_detail", args=[pk])).content.decode()
    assert "Ondernemers" in page
    assert "€ 87,50" in page
    assert "webinars" in page
    response = client.post(
        reverse("programmes:funder_edit", args=[plan.chamber.pk]),
        {"name": "Kamer van Koophandel", "kind": "chamber", "position": "5"},
    )
    assert response.status_code == 302
    plan.chamber.refresh_from_db()
    assert plan.chamber.name == "Kamer van Koophandel"
    assert plan.chamber.position == 5


def test_deleting_a_funder_in_use_is_refused_with_the_reason(world, plan, login):
    f.PlanLineFactory(
        programme=plan.programme,
        activity_type=plan.talks,
        organisation=plan.bureau,
        funders={plan.province: (100, 0)},
    )
    client = login(world.pam)
    url = reverse("programmes:funder_delete", args=[plan.province.pk])
    page = client.get(url).content.decode()
    assert "Verwijderen kan nu niet" in page
    assert "1 planregel" in page
    assert "Definitief verwijderen" not in page
    response = client.post(url, follow=True)
    assert Funder.objects.filter(pk=plan.province.pk).exists()
    assert "1 planregel" in response.content.decode()
    # a funder in nothing goes
    client.post(reverse("programmes:funder_delete", args=[plan.chamber.pk]))
    assert not Funder.objects.filter(pk=plan.chamber.pk).exists()


def test_deleting_a_plan_line(world, plan, login):
    line = f.PlanLineFactory(
        programme=plan.programme,
        activity_type=plan.talks,
        organisation=plan.bureau,
        funders={plan.province: (100, 0)},
    )
    client = login(world.pam)
    assert (
        "Definitief verwijderen"
        in client.get(reverse("programmes:plan_line_delete", args=[line.pk])).content.decode()
    )
    response = client.post(reverse("programmes:plan_line_delete", args=[line.pk]))
    assert response.status_code == 302
    assert not PlanLine.objects.exists()


# --- queries -------------------------------------------------------------------------


def _grow(plan, world, start: int, stop: int):
    """More funders, organisations, rates, activity types and plan lines."""
    programme = plan.programme
    funders = [plan.province, plan.chamber]
    for i in range(start, stop):
        funders.append(f.FunderFactory(programme=programme, name=f"Fonds {i}"))
    for i in range(start, stop):
        org = f.OrganisationFactory(region=world.region, name=f"Uitvoerder {i}")
        programme.organisations.add(org)
        f.HourlyRateFactory(programme=programme, organisation=org, year=2025, rate=D("90"))
        activity = f.ActivityTypeFactory(programme=programme, name=f"Soort {i}")
        scheme = f.SchemeFactory(programme=programme, funder=funders[i % len(funders)])
        for year in (2025, 2026):
            f.PlanLineFactory(
                programme=programme,
                year=year,
                activity_type=activity,
                organisation=org,
                scheme=scheme,
                funders={funders[i % len(funders)]: (60, "10.00"), funders[-1]: (40, 0)},
            )


def test_the_programme_page_runs_a_constant_number_of_queries(
    world, plan, login, django_assert_num_queries
):
    client = login(world.alice)
    url = reverse("programmes:programme_detail", args=[plan.programme.pk])
    _grow(plan, world, 0, 1)
    client.get(url)  # warm the session and the scope
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(plan, world, 1, 12)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    assert "Uitvoerder 11" in response.content.decode()


def test_the_list_runs_a_constant_number_of_queries(world, login, django_assert_num_queries):
    client = login(world.alice)
    url = reverse("programmes:programme_list")
    f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _i in range(20):
        f.ProgrammeFactory(region=world.region, organisations=[world.bureau, world.gem_assen])
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_a_manager_of_two_regions_chooses_the_region(world, login):
    f.MembershipFactory(user=world.pam, organisation=world.twente_bureau, role="programme_manager")
    client = login(world.pam)
    url = reverse("programmes:programme_create")
    page = client.get(url).content.decode()
    assert '<select name="region"' in page
    assert "Programmabureau Twente (Twente)" in page
    response = client.post(
        url,
        {
            "region": str(world.region.pk),
            "name": "Grensoverschrijdend",
            "starts_on": "2025-01-01",
            "ends_on": "2025-12-31",
            "organisations": [str(world.bureau.pk), str(world.twente_bureau.pk)],
        },
    )
    assert response.status_code == 422
    assert "Programmabureau Twente" in response.context["form"].errors["organisations"][0]
    assert not Programme.objects.exists()
    response = client.post(
        url,
        {
            "region": str(world.other_region.pk),
            "name": "Twente Onderneemt",
            "starts_on": "2025-01-01",
            "ends_on": "2025-12-31",
            "organisations": [str(world.twente_bureau.pk)],
        },
    )
    assert response.status_code == 302
    assert Programme.objects.get().region == world.other_region
