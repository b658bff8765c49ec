"""The company forms: create, edit, the duplicate warning, merge and delete. Garbage in
every field gives a clear error on that field and saves nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from loket.accounts.models import Organisation
from loket.companies import services
from loket.companies.models import Company, SbiCode
from loket.core.models import AuditEvent, Theme
from tests import factories as f

CREATE = reverse("companies:create")


def _payload(**overrides):
    data = {
        "kvk_number": "",
        "name": "Fietsenmaker Pietersen",
        "trade_names": "",
        "legal_form": "",
        "employees": "",
        "founded_on": "",
        "street": "",
        "house_number": "",
        "house_number_addition": "",
        "postcode": "",
        "city": "",
        "municipality": "",
        "email": "",
        "phone": "",
        "website": "",
        "account_manager": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _errors(response):
    return response.context["form"].errors


# --- create ------------------------------------------------------------------------------


def test_it_shows_the_create_form_with_choices_from_the_region(world, login):
    f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    f.OrganisationFactory(
        region=world.region, name="OV Assen", kind=Organisation.Kind.BUSINESS_ASSOCIATION
    )
    response = login(world.alice).get(CREATE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Emmen" in html
    assert "Enschede" not in html
    assert "OV Assen" in html
    assert "<optgroup" in html  # SBI divisions grouped by section
    form = response.context["form"]
    managers = set(form.fields["account_manager"].queryset)
    assert {world.alice, world.pam, world.adam} <= managers
    assert world.bob not in managers
    assert world.olga not in managers


def test_it_creates_a_company_with_every_field(world, login):
    sbi = SbiCode.objects.filter(section__isnull=False).first()
    theme = Theme.objects.first()
    association = f.OrganisationFactory(
        region=world.region, name="OV Assen", kind=Organisation.Kind.BUSINESS_ASSOCIATION
    )
    data = _payload(
        kvk_number="1234 5678",
        name="Fietsenmaker Pietersen",
        trade_names="Pietersen Fietsen\nFiets & Zo",
        legal_form="eenmanszaak",
        sbi_codes=[str(sbi.pk)],
        employees="3",
        founded_on="2023-05-01",
        street="Kerkstraat",
        house_number="12",
        house_number_addition="a",
        postcode="9401ab",
        city="Assen",
        municipality=str(world.assen.pk),
        email="info@pietersen.example",
        phone="0592 123456",
        website="pietersen.example",
        themes=[str(theme.pk)] if theme else [],
        business_associations=[str(association.pk)],
        account_manager=str(world.alice.pk),
    )
    response = login(world.alice).post(CREATE, data)
    company = Company.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("companies:detail", args=[company.pk])
    assert company.kvk_number == "12345678"
    assert company.postcode == "9401 AB"
    assert company.trade_names == ["Pietersen Fietsen", "Fiets & Zo"]
    assert company.municipality == world.assen
    assert company.account_manager == world.alice
    assert company.website == "https://pietersen.example"
    assert list(company.sbi_codes.all()) == [sbi]
    assert list(company.business_associations.all()) == [association]
    assert company.is_starter
    page = login(world.alice).get(response["Location"]).content.decode()
    assert "is aangemaakt" in page


GARBAGE = [
    ("kvk_number", "12ab5678", "8 cijfers"),
    ("kvk_number", "123456789", "8 cijfers"),
    ("name", "   ", "naam"),
    ("postcode", "SW1A 1AA", "Nederlandse postcode"),
    ("postcode", "0123 AB", "Nederlandse postcode"),
    ("postcode", "9401 SS", "Nederlandse postcode"),
    ("employees", "-3", ""),
    ("employees", "veel", ""),
    ("employees", "99999999999", ""),
    ("house_number", "12a", ""),
    ("house_number", "0", ""),
    ("founded_on", "31-02-2020", ""),
    ("founded_on", "2999-01-01", "toekomst"),
    ("email", "geen-adres", ""),
    ("website", "http://", ""),
    ("municipality", "999999", ""),
    ("municipality", "abc", ""),
    ("legal_form", "piratenschip", ""),
    ("sbi_codes", ["999999"], ""),
    ("sbi_codes", ["x"], ""),
    ("themes", ["abc"], ""),
    ("business_associations", ["123456"], ""),
    ("account_manager", "999999", ""),
    ("name", "x" * 500, ""),
    ("trade_names", "\n".join(["y" * 250]), "200"),
]


@pytest.mark.parametrize(("field", "value", "text"), GARBAGE)
def test_garbage_gives_a_field_error_and_saves_nothing(world, login, field, value, text):
    response = login(world.alice).post(CREATE, _payload(**{field: value}))
    assert response.status_code == 422
    errors = _errors(response)
    assert field in errors, errors
    if text:
        assert text in " ".join(errors[field])
    assert not Company.objects.exists()
    assert 'class="utrecht-form-field utrecht-form-field--invalid' in response.content.decode()


def test_municipality_of_another_region_is_not_a_choice(world, login):
    twente = f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    response = login(world.alice).post(CREATE, _payload(municipality=str(twente.pk)))
    assert "municipality" in _errors(response)
    assert not Company.objects.exists()


def test_house_number_without_postcode_is_refused(world, login):
    response = login(world.alice).post(CREATE, _payload(house_number="12"))
    assert "postcode" in _errors(response)


def test_a_partner_cannot_set_the_account_manager(world, login):
    response = login(world.bob).post(CREATE, _payload(account_manager=str(world.alice.pk)))
    assert response.status_code == 302
    assert Company.objects.get().account_manager is None


def test_a_partner_is_no_account_manager(world, login):
    response = login(world.alice).post(CREATE, _payload(account_manager=str(world.bob.pk)))
    assert "account_manager" in _errors(response)


# --- the duplicate warning ---------------------------------------------------------------


def test_duplicate_warning_shows_candidates_and_is_confirmed_with_the_checkbox(world, login):
    first = services.create_company(
        world.alice,
        world.region,
        {"name": "Bakkerij Jansen", "postcode": "9401 AB", "house_number": 10},
    )
    data = _payload(name="Bakkerij Jansen B.V.", postcode="9401AB", house_number="10")
    client = login(world.alice)
    response = client.post(CREATE, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert reverse("companies:detail", args=[first.pk]) in html
    assert "Toch aanmaken" in html
    assert Company.objects.count() == 1

    response = client.post(CREATE, {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Company.objects.count() == 2


def test_the_same_kvk_number_is_a_field_error_without_override(world, login):
    first = services.create_company(
        world.alice, world.region, {"name": "Bakkerij Jansen", "kvk_number": "12345678"}
    )
    client = login(world.alice)
    for extra in ({}, {"confirm_duplicate": "on"}):
        response = client.post(CREATE, _payload(name="Heel Anders", kvk_number="12345678", **extra))
        html = response.content.decode()
        assert response.status_code == 422
        assert "kvk_number" in _errors(response)
        assert reverse("companies:detail", args=[first.pk]) in html
        assert 'name="confirm_duplicate"' not in html
    assert Company.objects.count() == 1


def test_duplicates_a_partner_may_not_see_are_counted_not_named(world, login):
    services.create_company(
        world.alice,
        world.region,
        {"name": "Geheime Bakkerij", "postcode": "9401 AB", "house_number": 10},
    )
    response = login(world.bob).post(
        CREATE, _payload(name="Geheime Bakkerij", postcode="9401 AB", house_number="10")
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "niet kunt inzien" in html
    assert html.count("Geheime Bakkerij") == 1  # only in the field bob typed


# --- regions -----------------------------------------------------------------------------


def test_a_user_in_two_regions_chooses_the_region_first(world, login):
    f.MembershipFactory(user=world.alice, organisation=world.twente_bureau, role="advisor")
    client = login(world.alice)
    chooser = client.get(CREATE)
    assert "In welke regio" in chooser.content.decode()
    assert "form" in chooser.context
    assert "regio" in chooser.context["form"].fields
    garbage = client.get(CREATE + "?regio=abc")
    assert "In welke regio" in garbage.content.decode()
    form = client.get(f"{CREATE}?regio={world.other_region.pk}")
    assert form.context["region"] == world.other_region
    response = client.post(f"{CREATE}?regio={world.other_region.pk}", _payload())
    assert response.status_code == 302
    assert Company.objects.get().region == world.other_region


def test_a_user_without_a_region_may_not_create(world, login):
    nobody = f.UserFactory(email="nobody@example.org")
    assert login(nobody).get(CREATE).status_code == 403


# --- edit --------------------------------------------------------------------------------


@pytest.fixture
def company(world):
    return services.create_company(
        world.alice,
        world.region,
        {"name": "Bakkerij Jansen", "kvk_number": "12345678", "employees": 4},
    )


def test_edit_form_is_filled_in_and_saves_with_an_audit_diff(world, login, company):
    url = reverse("companies:edit", args=[company.pk])
    client = login(world.alice)
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="Bakkerij Jansen"' in form.content.decode()
    response = client.post(
        url,
        _payload(
            name="Bakkerij Jansen",
            kvk_number="12345678",
            employees="60",
            postcode="7811 AB",
            house_number="1",
        ),
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.employees == 60
    assert company.postcode == "7811 AB"
    event = AuditEvent.objects.get(action="change")
    assert event.changes["employees"] == [4, 60]


@pytest.mark.parametrize(("field", "value"), [(g[0], g[1]) for g in GARBAGE[:12]])
def test_edit_garbage_changes_nothing(world, login, company, field, value):
    url = reverse("companies:edit", args=[company.pk])
    data = _payload(name="Bakkerij Jansen", kvk_number="12345678", employees="4")
    data[field] = value
    response = login(world.alice).post(url, data)
    assert response.status_code == 422
    assert field in _errors(response)
    assert not AuditEvent.objects.filter(action="change").exists()


def test_edit_to_a_kvk_number_that_is_taken_is_a_field_error(world, login, company):
    other = services.create_company(
        world.alice, world.region, {"name": "Ander", "kvk_number": "87654321"}
    )
    url = reverse("companies:edit", args=[other.pk])
    response = login(world.alice).post(url, _payload(name="Ander", kvk_number="12345678"))
    assert response.status_code == 422
    assert "kvk_number" in _errors(response)


def test_edit_is_404_for_who_may_not_see_the_company(world, login, company):
    url = reverse("companies:edit", args=[company.pk])
    assert login(world.olga).get(url).status_code == 404
    assert login(world.bob).get(url).status_code == 404
    assert login(world.bob).post(url, _payload(name="Gekaapt")).status_code == 404
    company.refresh_from_db()
    assert company.name == "Bakkerij Jansen"


# --- merge -------------------------------------------------------------------------------


@pytest.fixture
def pair(world):
    keep = services.create_company(
        world.alice,
        world.region,
        {
            "name": "Bakkerij Jansen",
            "kvk_number": "12345678",
            "postcode": "9401 AB",
            "house_number": 10,
        },
    )
    dup = services.create_company(
        world.alice,
        world.region,
        {"name": "Bakkerij Jansen BV", "postcode": "9401 AB", "house_number": 10},
        confirm_duplicate=True,
    )
    services.create_person(world.alice, dup, {"name": "Piet Jansen"})
    f.ContactMomentFactory(company=dup, author=world.alice, organisation=world.bureau)
    f.ContactMomentFactory(company=dup, author=world.alice, organisation=world.bureau)
    return keep, dup


def test_merge_flow_pick_compare_confirm(world, login, pair):
    keep, dup = pair
    url = reverse("companies:merge", args=[keep.pk])
    client = login(world.alice)
    start = client.get(url)
    assert start.status_code == 200
    assert "Bakkerij Jansen BV" in start.content.decode()  # suggested duplicate

    compare = client.post(url, {"other": str(dup.pk)})
    assert compare.status_code == 200
    html = compare.content.decode()
    assert "Samenvoegen bevestigen" in html
    assert compare.context["duplicate"].n_contact_moments == 2
    assert compare.context["duplicate"].n_persons == 1
    assert Company.objects.count() == 2  # nothing happened yet

    done = client.post(url, {"duplicate": str(dup.pk), "confirm": "on"})
    assert done.status_code == 302
    assert done["Location"] == reverse("companies:detail", args=[keep.pk])
    assert not Company.objects.filter(pk=dup.pk).exists()
    assert keep.contact_moments.count() == 2
    page = client.get(done["Location"]).content.decode()
    assert "is samengevoegd met" in page


def test_merge_picks_the_duplicate_by_kvk_number(world, login, pair):
    keep, dup = pair
    services.update_company(world.alice, dup, {"kvk_number": "87654321"})
    response = login(world.alice).post(
        reverse("companies:merge", args=[keep.pk]), {"other": "8765 4321"}
    )
    assert response.context["duplicate"].pk == dup.pk


@pytest.mark.parametrize(
    "data",
    [
        {"other": ""},
        {"other": "abc"},
        {"other": "12345678"},  # the company itself
        {"other": "99999999"},
        {"other": "1" * 30},
        {"duplicate": "abc"},
        {"duplicate": "-5"},
        {"duplicate": "999999", "confirm": "on"},
    ],
)
def test_merge_garbage_gives_a_field_error_and_merges_nothing(world, login, pair, data):
    keep, _dup = pair
    response = login(world.alice).post(reverse("companies:merge", args=[keep.pk]), data)
    assert response.status_code == 422
    assert response.context["form"].errors
    assert Company.objects.count() == 2


def test_merge_cannot_reach_a_company_of_another_region(world, login, pair):
    keep, _dup = pair
    twente = services.create_company(world.olga, world.other_region, {"name": "Twente BV"})
    response = login(world.alice).post(
        reverse("companies:merge", args=[keep.pk]), {"duplicate": str(twente.pk), "confirm": "on"}
    )
    assert response.status_code == 422
    assert Company.objects.filter(pk=twente.pk).exists()


def test_merge_is_for_programme_staff(world, login, pair):
    keep, dup = pair
    f.ContactMomentFactory(company=keep, author=world.bob, organisation=world.gem_assen)
    url = reverse("companies:merge", args=[keep.pk])
    assert login(world.bob).get(url).status_code == 403
    response = login(world.bob).post(url, {"duplicate": str(dup.pk), "confirm": "on"})
    assert response.status_code == 403
    assert login(world.olga).get(url).status_code == 404
    assert Company.objects.count() == 2


# --- delete ------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes_on_post(world, login, company):
    url = reverse("companies:delete", args=[company.pk])
    client = login(world.pam)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Definitief verwijderen" in confirm.content.decode()
    assert Company.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Company.objects.exists()


def test_delete_is_for_programme_managers_and_administrators(world, login, company):
    url = reverse("companies:delete", args=[company.pk])
    assert login(world.alice).post(url).status_code == 403
    assert login(world.olga).post(url).status_code == 404
    assert Company.objects.exists()
    assert login(world.adam).post(url).status_code == 302
    assert not Company.objects.exists()


def test_an_empty_post_shows_errors_instead_of_a_fresh_form(world, login, company):
    client = login(world.alice)
    response = client.post(CREATE, {})
    assert response.status_code == 422
    assert "name" in _errors(response)
    merge = client.post(reverse("companies:merge", args=[company.pk]), {})
    assert merge.status_code == 422
    assert "other" in merge.context["form"].errors
    edit = client.post(reverse("companies:edit", args=[company.pk]), {})
    assert edit.status_code == 422
    assert Company.objects.count() == 1
