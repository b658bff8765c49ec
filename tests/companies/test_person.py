"""Contact persons: personal data, reachable only through the company, every view audited,
consent recorded and withdrawn."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from loket.companies import services
from loket.companies.models import Consent, Person
from loket.core.models import AuditEvent
from tests import factories as f


@pytest.fixture
def person(world):
    company = services.create_company(world.alice, world.region, {"name": "Bakkerij Jansen"})
    return services.create_person(
        world.alice,
        company,
        {"name": "Jan Jansen", "role": "eigenaar", "email": "jan@jansen.example"},
    )


def _views(person):
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="companies.person", object_id=person.pk
    )


def test_every_view_of_the_person_page_is_audited(world, login, person):
    url = reverse("companies:person_detail", args=[person.pk])
    client = login(world.alice)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jan Jansen" in html
    assert "jan@jansen.example" in html
    client.get(url)
    views = list(_views(person))
    assert len(views) == 2
    assert {v.actor for v in views} == {world.alice}
    assert all(v.company_id == person.company_id for v in views)


def test_a_person_of_a_company_one_may_not_see_is_404_and_not_audited(world, login, person):
    url = reverse("companies:person_detail", args=[person.pk])
    assert login(world.bob).get(url).status_code == 404
    assert login(world.olga).get(url).status_code == 404
    assert login(world.alice).get("/bedrijven/personen/999999/").status_code == 404
    assert not _views(person).exists()


def test_a_partner_whose_organisation_has_to_do_with_the_company_sees_the_person(
    world, login, person
):
    f.ContactMomentFactory(company=person.company, author=world.bob, organisation=world.gem_assen)
    url = reverse("companies:person_detail", args=[person.pk])
    assert login(world.bob).get(url).status_code == 200
    assert _views(person).get().actor == world.bob


def test_the_company_page_links_persons_by_number_only(world, login, person):
    html = (
        login(world.alice)
        .get(reverse("companies:detail", args=[person.company_id]))
        .content.decode()
    )
    assert f'href="{reverse("companies:person_detail", args=[person.pk])}"' in html


# --- create, edit, delete ----------------------------------------------------------------


def test_it_adds_a_person_with_consent(world, login, person):
    url = reverse("companies:person_create", args=[person.company_id])
    response = login(world.alice).post(
        url,
        {
            "name": "Marie Jansen",
            "role": "directeur",
            "email": "marie@jansen.example",
            "phone": "",
            "consent_purpose": "Gegevens delen met partners",
            "consent_method": "written",
        },
    )
    marie = Person.objects.get(name="Marie Jansen")
    assert response.status_code == 302
    assert response["Location"] == reverse("companies:person_detail", args=[marie.pk])
    consent = marie.consents.get()
    assert consent.method == "written"
    assert consent.recorded_by == world.alice


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 300}, "name"),
        ({"name": "Marie", "email": "geen-adres"}, "email"),
        ({"name": "Marie", "phone": "1" * 50}, "phone"),
        ({"name": "Marie", "consent_purpose": "Delen"}, "consent_method"),
        ({"name": "Marie", "consent_method": "verbal"}, "consent_purpose"),
        (
            {"name": "Marie", "consent_purpose": "Delen", "consent_method": "rooksignaal"},
            "consent_method",
        ),
    ],
)
def test_person_create_garbage_gives_a_field_error(world, login, person, data, field):
    url = reverse("companies:person_create", args=[person.company_id])
    response = login(world.alice).post(url, data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert Person.objects.count() == 1
    assert not Consent.objects.exists()


def test_person_create_is_404_for_a_company_one_may_not_see(world, login, person):
    url = reverse("companies:person_create", args=[person.company_id])
    assert login(world.charlie).post(url, {"name": "Indringer"}).status_code == 404
    assert Person.objects.count() == 1


def test_it_edits_a_person_with_an_audit_diff(world, login, person):
    url = reverse("companies:person_edit", args=[person.pk])
    client = login(world.alice)
    form = client.get(url)
    assert 'value="Jan Jansen"' in form.content.decode()
    assert _views(person).count() == 1  # the form shows the record: a view
    response = client.post(
        url, {"name": "Jan Jansen", "role": "eigenaar", "email": "jan@nieuw.example"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "jan@nieuw.example"
    event = AuditEvent.objects.get(action="change", object_type="companies.person")
    assert event.changes == {"email": ["jan@jansen.example", "jan@nieuw.example"]}


def test_person_edit_garbage_changes_nothing(world, login, person):
    url = reverse("companies:person_edit", args=[person.pk])
    response = login(world.alice).post(url, {"name": "", "email": "@@"})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "name" in errors
    assert "email" in errors
    person.refresh_from_db()
    assert person.name == "Jan Jansen"


def test_it_deletes_a_person_after_confirmation(world, login, person):
    url = reverse("companies:person_delete", args=[person.pk])
    client = login(world.alice)
    assert client.get(url).status_code == 200
    assert Person.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("companies:detail", args=[person.company_id])
    assert not Person.objects.exists()


def test_person_delete_is_404_for_other_region(world, login, person):
    assert (
        login(world.olga).post(reverse("companies:person_delete", args=[person.pk])).status_code
        == 404
    )
    assert Person.objects.exists()


# --- consent -----------------------------------------------------------------------------


def test_it_records_consent_what_when_how(world, login, person):
    url = reverse("companies:consent_create", args=[person.pk])
    given = timezone.localdate() - dt.timedelta(days=3)
    response = login(world.alice).post(
        url, {"purpose": "Nieuwsbrief", "method": "email", "given_on": given.isoformat()}
    )
    assert response.status_code == 302
    consent = person.consents.get()
    assert (consent.purpose, consent.method, consent.given_on) == ("Nieuwsbrief", "email", given)
    page = login(world.alice).get(response["Location"]).content.decode()
    assert "Nieuwsbrief" in page
    assert "e-mail" in page
    assert given.strftime("%d-%m-%Y") in page


def test_consent_accepts_a_dutch_date(world, login, person):
    url = reverse("companies:consent_create", args=[person.pk])
    login(world.alice).post(url, {"purpose": "Delen", "method": "verbal", "given_on": "01-02-2025"})
    assert person.consents.get().given_on == dt.date(2025, 2, 1)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"purpose": "", "method": "verbal", "given_on": "2025-01-01"}, "purpose"),
        ({"purpose": "Delen", "method": "", "given_on": "2025-01-01"}, "method"),
        ({"purpose": "Delen", "method": "duif", "given_on": "2025-01-01"}, "method"),
        ({"purpose": "Delen", "method": "verbal", "given_on": "gisteren"}, "given_on"),
        ({"purpose": "Delen", "method": "verbal", "given_on": "2999-01-01"}, "given_on"),
        ({"purpose": "Delen", "method": "verbal", "given_on": "1900-01-01"}, "given_on"),
        ({"purpose": "x" * 300, "method": "verbal", "given_on": "2025-01-01"}, "purpose"),
    ],
)
def test_consent_garbage_shows_the_error_on_the_person_page(world, login, person, data, field):
    url = reverse("companies:consent_create", args=[person.pk])
    response = login(world.alice).post(url, data)
    assert response.status_code == 422
    assert field in response.context["consent_form"].errors
    assert "Jan Jansen" in response.content.decode()
    assert not Consent.objects.exists()
    assert _views(person).count() == 1  # the page with the error shows the record too


def test_consent_is_not_a_get(world, login, person):
    url = reverse("companies:consent_create", args=[person.pk])
    assert login(world.alice).get(url).status_code == 405


@pytest.fixture
def consent(world, person):
    return services.record_consent(
        world.alice,
        person,
        services.ConsentInput(
            purpose="Delen", method="verbal", given_on=timezone.localdate() - dt.timedelta(days=10)
        ),
    )


def test_it_withdraws_consent(world, login, person, consent):
    url = reverse("companies:consent_withdraw", args=[person.pk, consent.pk])
    client = login(world.alice)
    response = client.post(url, {"withdrawn_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    page = client.get(response["Location"]).content.decode()
    assert "ingetrokken op" in page
    again = client.post(url, {}, follow=True)
    assert "al ingetrokken" in again.content.decode()


@pytest.mark.parametrize("value", ["morgen", "2999-01-01", "2000-01-01"])
def test_withdraw_garbage_is_refused_with_a_message(world, login, person, consent, value):
    url = reverse("companies:consent_withdraw", args=[person.pk, consent.pk])
    response = login(world.alice).post(url, {"withdrawn_on": value}, follow=True)
    assert response.status_code == 200
    assert response.context["messages"]
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_withdraw_a_consent_of_another_person_is_404(world, login, person, consent):
    other = services.create_person(world.alice, person.company, {"name": "Ander"})
    url = reverse("companies:consent_withdraw", args=[other.pk, consent.pk])
    assert login(world.alice).post(url).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_an_empty_post_shows_errors(world, login, person):
    client = login(world.alice)
    create = client.post(reverse("companies:person_create", args=[person.company_id]), {})
    assert create.status_code == 422
    assert "name" in create.context["form"].errors
    edit = client.post(reverse("companies:person_edit", args=[person.pk]), {})
    assert edit.status_code == 422
    consent = client.post(reverse("companies:consent_create", args=[person.pk]), {})
    assert consent.status_code == 422
    assert Person.objects.count() == 1
