"""Garbage into every form of the programme and plan pages: a clear message at the field
(or, for the split over funders, at the shares) that caused it, a 422, never a 500, and
nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from loket.core.models import AuditEvent
from loket.programmes.models import ActivityType, Funder, HourlyRate, PlanLine, Programme
from tests import factories as f
from tests.programmes.plan_factories import line_post, small_plan

HUGE = "99999999999999999999"  # 10^20 - 1
HUGER = "100000000000000000000"  # 10^20


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def plan(world):
    return small_plan(world)


def refused(response, field=None):
    """The page came back with the form and a message at ``field``."""
    assert response.status_code == 422, response.status_code
    form = response.context["form"]
    if field is not None:
        assert form.errors.get(field), (field, form.errors)
    return form


def nothing_written(before: int):
    assert AuditEvent.objects.count() == before


# --- programme -----------------------------------------------------------------------


def programme_post(world, **changes):
    data = {
        "region": str(world.region.pk),
        "name": "Nieuw",
        "starts_on": "01-01-2025",
        "ends_on": "31-12-2026",
        "organisations": [str(world.bureau.pk)],
        "hours_cap_per_company": "24",
    }
    data.update(changes)
    return data


PROGRAMME_GARBAGE = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "nul\x00byte"}, "name"),
    ({"description": "y" * 5001}, "description"),
    ({"starts_on": ""}, "starts_on"),
    ({"starts_on": "31-02-2026"}, "starts_on"),
    ({"starts_on": "0001-01-01"}, "starts_on"),
    ({"ends_on": "9999-12-31"}, "ends_on"),
    ({"ends_on": "morgen"}, "ends_on"),
    ({"ends_on": "31-12-2024"}, "ends_on"),
    ({"ends_on": "31-12-2040"}, "ends_on"),
    ({"organisations": ["abc"]}, "organisations"),
    ({"organisations": [HUGE]}, "organisations"),
    ({"organisations": ["-1"]}, "organisations"),
    ({"hours_cap_per_company": "-1"}, "hours_cap_per_company"),
    ({"hours_cap_per_company": "veel"}, "hours_cap_per_company"),
    ({"hours_cap_per_company": HUGER}, "hours_cap_per_company"),
    ({"hours_cap_per_company": "1e400"}, "hours_cap_per_company"),
    ({"hours_cap_per_company": "NaN"}, "hours_cap_per_company"),
    ({"hours_cap_per_company": "2,345"}, "hours_cap_per_company"),
    ({"region": "abc"}, "region"),
    ({"region": HUGE}, "region"),
]


@pytest.mark.parametrize(("changes", "field"), PROGRAMME_GARBAGE)
def test_programme_create_garbage(world, login, changes, field):
    before = AuditEvent.objects.count()
    response = login(world.pam).post(
        reverse("programmes:programme_create"), programme_post(world, **changes)
    )
    refused(response, field)
    assert not Programme.objects.exists()
    nothing_written(before)


def test_programme_of_another_region_or_with_its_organisations(world, login):
    client = login(world.pam)
    url = reverse("programmes:programme_create")
    refused(client.post(url, programme_post(world, region=str(world.other_region.pk))), "region")
    refused(
        client.post(url, programme_post(world, organisations=[str(world.twente_bureau.pk)])),
        "organisations",
    )
    assert not Programme.objects.exists()


@pytest.mark.parametrize(("changes", "field"), PROGRAMME_GARBAGE[:-2])
def test_programme_edit_garbage(world, plan, login, changes, field):
    before = AuditEvent.objects.count()
    response = login(world.pam).post(
        reverse("programmes:programme_edit", args=[plan.programme.pk]),
        programme_post(world, **changes),
    )
    refused(response, field)
    plan.programme.refresh_from_db()
    assert plan.programme.name == "Plan 2025-2026"
    nothing_written(before)


# --- funders, rates, activity types ----------------------------------------------------

FUNDER_GARBAGE = [
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "KvK"}, "name"),  # already a funder of the programme
    ({"kind": "aliens"}, "kind"),
    ({"kind": ""}, "kind"),
    ({"position": "-1"}, "position"),
    ({"position": "abc"}, "position"),
    ({"position": HUGE}, "position"),
]


@pytest.mark.parametrize(("changes", "field"), FUNDER_GARBAGE)
def test_funder_garbage(world, plan, login, changes, field):
    before = AuditEvent.objects.count()
    client = login(world.pam)
    data = {"name": "Regio Deal", "kind": "national", **changes}
    refused(client.post(reverse("programmes:funder_create", args=[plan.programme.pk]), data), field)
    if changes.get("name") != "KvK":
        refused(
            client.post(reverse("programmes:funder_edit", args=[plan.province.pk]), data), field
        )
    assert Funder.objects.filter(programme=plan.programme).count() == 2
    nothing_written(before)


def test_a_second_own_contributions_funder_is_refused_at_the_kind(world, plan, login):
    f.FunderFactory(programme=plan.programme, name="Ondernemers", kind="companies")
    response = login(world.pam).post(
        reverse("programmes:funder_create", args=[plan.programme.pk]),
        {"name": "Bedrijven", "kind": "companies"},
    )
    form = refused(response, "kind")
    assert "één financier voor de eigen bijdragen" in form.errors["kind"][0]


RATE_GARBAGE = [
    ({"organisation": ""}, "organisation"),
    ({"organisation": "abc"}, "organisation"),
    ({"organisation": HUGE}, "organisation"),
    ({"organisation": "-3"}, "organisation"),
    ({"year": "2030"}, "year"),
    ({"year": "2024"}, "year"),
    ({"year": "twintig"}, "year"),
    ({"year": HUGE}, "year"),
    ({"rate": ""}, "rate"),
    ({"rate": "-1"}, "rate"),
    ({"rate": "duur"}, "rate"),
    ({"rate": HUGER}, "rate"),
    ({"rate": "Infinity"}, "rate"),
    ({"rate": "1,005"}, "rate"),
]


@pytest.mark.parametrize(("changes", "field"), RATE_GARBAGE)
def test_rate_garbage(world, plan, login, changes, field):
    before = AuditEvent.objects.count()
    client = login(world.pam)
    data = {"organisation": str(world.gem_assen.pk), "year": "2026", "rate": "90", **changes}
    refused(client.post(reverse("programmes:rate_create", args=[plan.programme.pk]), data), field)
    refused(client.post(reverse("programmes:rate_edit", args=[plan.rate.pk]), data), field)
    assert HourlyRate.objects.count() == 1
    nothing_written(before)


def test_rate_of_an_organisation_that_does_not_execute_or_is_elsewhere(world, plan, login):
    client = login(world.pam)
    url = reverse("programmes:rate_create", args=[plan.programme.pk])
    for org in (world.gem_emmen, world.twente_bureau):
        data = {"organisation": str(org.pk), "year": "2025", "rate": "90"}
        refused(client.post(url, data), "organisation")
    data = {"organisation": str(world.bureau.pk), "year": "2025", "rate": "90"}
    form = refused(client.post(url, data), "year")
    assert form.errors["year"] == ["Deze organisatie heeft voor dit jaar al een tarief."]


ACTIVITY_TYPE_GARBAGE = [
    ({"name": ""}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": "Gesprekken"}, "name"),
    ({"code": "met spaties"}, "code"),
    ({"code": "projectmanagement"}, "code"),
    ({"code": "x" * 51}, "code"),
    ({"default_hours_per_unit": "-2"}, "default_hours_per_unit"),
    ({"default_hours_per_unit": "twee"}, "default_hours_per_unit"),
    ({"default_hours_per_unit": HUGER}, "default_hours_per_unit"),
    ({"position": "-1"}, "position"),
    ({"position": "1e5"}, "position"),
]


@pytest.mark.parametrize(("changes", "field"), ACTIVITY_TYPE_GARBAGE)
def test_activity_type_garbage(world, plan, login, changes, field):
    before = AuditEvent.objects.count()
    client = login(world.pam)
    data = {"name": "Webinars", "code": "", "default_hours_per_unit": "8", **changes}
    url = reverse("programmes:activity_type_create", args=[plan.programme.pk])
    refused(client.post(url, data), field)
    assert ActivityType.objects.filter(programme=plan.programme).count() == 2
    nothing_written(before)


# --- plan lines ----------------------------------------------------------------------


@pytest.fixture
def elsewhere(world):
    """Another programme of the region (its scheme, funder and activity type) and an
    organisation of another region."""
    other = small_plan(world, name="Ander programma")
    return {
        "scheme": f.SchemeFactory(programme=other.programme, funder=other.province),
        "funder": other.province,
        "activity_type": other.talks,
        "twente": world.twente_bureau,
    }


def line_garbage(world, elsewhere):
    """(changes to a valid plan line POST, the field of the message)."""
    return [
        ({"year": "2030"}, "year"),
        ({"year": "2024"}, "year"),
        ({"year": "abc"}, "year"),
        ({"activity_type": ""}, "activity_type"),
        ({"activity_type": str(elsewhere["activity_type"].pk)}, "activity_type"),
        ({"activity_type": HUGE}, "activity_type"),
        ({"organisation": str(world.gem_emmen.pk)}, "organisation"),
        ({"organisation": str(elsewhere["twente"].pk)}, "organisation"),
        ({"organisation": "abc"}, "organisation"),
        ({"organisation": ""}, "organisation"),
        ({"scheme": str(elsewhere["scheme"].pk)}, "scheme"),
        ({"scheme": HUGER}, "scheme"),
        ({"count": "-1"}, "count"),
        ({"count": "tien"}, "count"),
        ({"count": "2,5"}, "count"),
        ({"count": HUGER}, "count"),
        ({"count": ""}, "count"),
        ({"hours_per_unit": "-2"}, "hours_per_unit"),
        ({"hours_per_unit": "twee"}, "hours_per_unit"),
        ({"hours_per_unit": HUGER}, "hours_per_unit"),
        ({"hours_per_unit": "1e20"}, "hours_per_unit"),
        ({"hours_per_unit": "0,001"}, "hours_per_unit"),
        ({"fixed_hours": "NaN"}, "fixed_hours"),
        ({"fixed_hours": "40"}, "fixed_hours"),  # both a norm and fixed hours
        ({"description": "z" * 301}, "description"),
    ]


def test_plan_line_garbage(world, plan, login, elsewhere):
    client = login(world.pam)
    url = reverse("programmes:plan_line_create", args=[plan.programme.pk])
    before = AuditEvent.objects.count()
    for changes, field in line_garbage(world, elsewhere):
        refused(client.post(url, line_post(plan, **changes)), field)
    assert not PlanLine.objects.exists()
    nothing_written(before)


def test_plan_line_edit_garbage(world, plan, login, elsewhere):
    line = f.PlanLineFactory(
        programme=plan.programme,
        activity_type=plan.talks,
        organisation=plan.bureau,
        funders={plan.province: (100, 0)},
    )
    client = login(world.pam)
    url = reverse("programmes:plan_line_edit", args=[line.pk])
    before = AuditEvent.objects.count()
    for changes, field in line_garbage(world, elsewhere):
        refused(client.post(url, line_post(plan, **changes)), field)
    line.refresh_from_db()
    assert (line.count, line.hours_per_unit) == (1, 10)
    assert list(line.fundings.values_list("funder_id", "hours_share")) == [(plan.province.pk, 100)]
    nothing_written(before)


def shares_refused(response):
    """Refused, with the message at the shares (the formset), not only at the top."""
    assert response.status_code == 422
    formset = response.context["formset"]
    page = response.content.decode()
    assert 'id="verdeling_fouten"' in page
    return formset


@pytest.mark.parametrize(
    ("province", "chamber", "total"),
    [("50", "60", "110,00"), ("50", "", "50,00"), ("", "", "0,00"), ("33,33", "33,33", "66,66")],
)
def test_shares_must_add_up_to_100_the_message_at_the_shares(
    world, plan, login, province, chamber, total
):
    response = login(world.pam).post(
        reverse("programmes:plan_line_create", args=[plan.programme.pk]),
        line_post(
            plan,
            **{"financiering-0-hours_share": province, "financiering-1-hours_share": chamber},
        ),
    )
    formset = shares_refused(response)
    message = formset.non_form_errors()[0]
    assert message == f"De aandelen in de uren tellen op tot {total} % in plaats van 100 %."
    assert not PlanLine.objects.exists()


FUNDING_ROW_GARBAGE = [
    ({"financiering-0-hours_share": "-10", "financiering-1-hours_share": "110"}, "hours_share"),
    ({"financiering-0-hours_share": "veel"}, "hours_share"),
    ({"financiering-0-hours_share": "101"}, "hours_share"),
    ({"financiering-0-hours_share": HUGER}, "hours_share"),
    ({"financiering-0-out_of_pocket_incl_vat": "-5"}, "out_of_pocket_incl_vat"),
    ({"financiering-0-out_of_pocket_incl_vat": "€ --"}, "out_of_pocket_incl_vat"),
    ({"financiering-0-out_of_pocket_incl_vat": HUGER}, "out_of_pocket_incl_vat"),
    ({"financiering-0-funder": "abc"}, "funder"),
    ({"financiering-0-funder": HUGER}, "funder"),
    ({"financiering-0-funder": ""}, "funder"),
]


@pytest.mark.parametrize(("changes", "field"), FUNDING_ROW_GARBAGE)
def test_funding_row_garbage_is_refused_in_its_row(world, plan, login, changes, field):
    response = login(world.pam).post(
        reverse("programmes:plan_line_create", args=[plan.programme.pk]),
        line_post(plan, **changes),
    )
    assert response.status_code == 422
    formset = response.context["formset"]
    assert formset.forms[0].errors.get(field), formset.errors
    assert not PlanLine.objects.exists()


def test_a_share_over_100_says_so(world, plan, login):
    response = login(world.pam).post(
        reverse("programmes:plan_line_create", args=[plan.programme.pk]),
        line_post(plan, **{"financiering-0-hours_share": "101"}),
    )
    assert response.context["formset"].forms[0].errors["hours_share"] == [
        "Een aandeel is hoogstens 100 %."
    ]


def test_a_funder_of_another_programme_posted_in_the_split(world, plan, login, elsewhere):
    response = login(world.pam).post(
        reverse("programmes:plan_line_create", args=[plan.programme.pk]),
        line_post(plan, **{"financiering-1-funder": str(elsewhere["funder"].pk)}),
    )
    assert response.status_code == 422
    errors = response.context["formset"].forms[1].errors["funder"]
    assert errors == ["Deze financier hoort niet bij het programma."]
    assert not PlanLine.objects.exists()


def test_the_same_funder_twice_or_a_tampered_management_form(world, plan, login):
    client = login(world.pam)
    url = reverse("programmes:plan_line_create", args=[plan.programme.pk])
    twice = line_post(plan, **{"financiering-1-funder": str(plan.province.pk)})
    formset = shares_refused(client.post(url, twice))
    assert "twee keer" in formset.non_form_errors()[0]
    for changes in (
        {"financiering-TOTAL_FORMS": "1000"},
        {"financiering-TOTAL_FORMS": "abc"},
        {"financiering-TOTAL_FORMS": HUGER},
    ):
        response = client.post(url, line_post(plan, **changes))
        assert response.status_code == 422, changes
    data = line_post(plan)
    del data["financiering-TOTAL_FORMS"]
    assert client.post(url, data).status_code == 422
    assert not PlanLine.objects.exists()


def test_the_error_page_links_the_messages_to_their_fields(world, plan, login):
    response = login(world.pam).post(
        reverse("programmes:plan_line_create", args=[plan.programme.pk]),
        line_post(plan, count="-1", **{"financiering-0-hours_share": "60"}),
    )
    page = response.content.decode()
    assert 'aria-describedby="id_count_error"' in page or 'id="id_count_error"' in page
    assert 'aria-invalid="true"' in page
