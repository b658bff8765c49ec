"""Programme managers and administrators administer the organisations of their region."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loket.accounts.models import Organisation
from loket.core.models import AuditEvent
from tests import factories as f

LIST = "accounts:organisation_list"
CREATE = "accounts:organisation_create"


def valid_data(world, **overrides):
    data = {
        "region": world.region.pk,
        "name": "Ondernemersvereniging Assen-Zuid",
        "kind": "business_association",
        "email": "info@ov-assen.example",
        "phone": "0592 123 456",
        "website": "ov-assen.example",
        "municipality": world.assen.pk,
        "is_programme_partner": "on",
    }
    data.update(overrides)
    return data


def test_a_programme_manager_creates_an_organisation(client, world, login):
    login(world.pam)

    response = client.post(reverse(CREATE), valid_data(world))

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Ondernemersvereniging Assen-Zuid")
    assert organisation.region == world.region
    assert organisation.municipality == world.assen
    assert organisation.website == "https://ov-assen.example"
    event = AuditEvent.objects.get(object_type="accounts.organisation", object_id=organisation.pk)
    assert event.action == "create"
    assert event.actor == world.pam
    assert event.changes["name"] == "Ondernemersvereniging Assen-Zuid"
    listing = client.get(reverse(LIST)).content.decode()
    assert "Ondernemersvereniging Assen-Zuid" in listing


def test_an_administrator_edits_an_organisation_and_the_change_is_audited(client, world, login):
    login(world.adam)
    url = reverse("accounts:organisation_edit", args=[world.gem_assen.pk])

    response = client.post(url, valid_data(world, name="Gemeente Assen (EZ)", kind="municipality"))

    assert response.status_code == 302
    world.gem_assen.refresh_from_db()
    assert world.gem_assen.name == "Gemeente Assen (EZ)"
    event = AuditEvent.objects.filter(object_id=world.gem_assen.pk, action="change").get()
    assert event.changes["name"] == ["Gemeente Assen", "Gemeente Assen (EZ)"]
    assert event.region_id == world.region.pk


def test_the_region_of_an_organisation_does_not_change(client, world, login):
    login(world.pam)
    url = reverse("accounts:organisation_edit", args=[world.gem_assen.pk])

    client.post(url, valid_data(world, region=world.other_region.pk, kind="municipality"))

    world.gem_assen.refresh_from_db()
    assert world.gem_assen.region == world.region


def field_errors(response, form="form"):
    return response.context[form].errors


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Vul de naam van de organisatie in."),
        ("name", "   ", "Vul de naam van de organisatie in."),
        ("name", "x" * 201, None),
        ("name", "Gemeente\x00Assen", None),
        ("name", "gemeente assen", "Er bestaat al een organisatie met deze naam."),
        ("kind", "", "Kies het soort organisatie."),
        ("kind", "spaceship", "Kies een soort uit de lijst."),
        ("email", "not-an-address", "Vul een geldig e-mailadres in, zoals info@voorbeeld.nl."),
        ("website", "http://", "Vul een geldig webadres in, zoals https://voorbeeld.nl."),
        ("municipality", "999999", "Kies een gemeente uit de lijst."),
        ("municipality", "abc", "Kies een gemeente uit de lijst."),
        ("region", "999999", "Kies een regio uit de lijst."),
        ("phone", "1" * 31, None),
    ],
)
def test_garbage_gives_a_field_error_and_saves_nothing(client, world, login, field, value, message):
    login(world.pam)
    before = Organisation.objects.count()
    events = AuditEvent.objects.count()

    response = client.post(reverse(CREATE), valid_data(world, **{field: value}))

    assert response.status_code == 200
    errors = field_errors(response)
    assert field in errors, errors
    if message:
        assert message in errors[field]
    assert Organisation.objects.count() == before
    assert AuditEvent.objects.count() == events
    assert "loket-form-errors" in response.content.decode()


def test_a_municipality_of_another_region_is_refused(client, world, login, tom):
    hengelo = f.MunicipalityFactory(region=world.other_region, name="Hengelo", cbs_code="GM0164")
    login(world.pam)

    response = client.post(reverse(CREATE), valid_data(world, municipality=hengelo.pk))

    assert "municipality" in field_errors(response)
    assert not Organisation.objects.filter(name="Ondernemersvereniging Assen-Zuid").exists()


def test_garbage_on_the_edit_page_changes_nothing(client, world, login):
    login(world.pam)
    url = reverse("accounts:organisation_edit", args=[world.gem_assen.pk])

    response = client.post(url, {"name": "", "kind": "nonsense", "email": "@"})

    assert response.status_code == 200
    assert set(field_errors(response)) >= {"name", "kind", "email"}
    world.gem_assen.refresh_from_db()
    assert world.gem_assen.name == "Gemeente Assen"
    # The page heading still shows the saved name, not the refused one.
    assert '<h1 class="utrecht-heading-1">Gemeente Assen</h1>' in response.content.decode()


def test_the_list_shows_only_the_managers_region(client, world, login, tom):
    login(tom)

    html = client.get(reverse(LIST)).content.decode()

    assert "Programmabureau Twente" in html
    assert "Gemeente Assen" not in html


def test_the_list_filters_by_name_and_kind(client, world, login):
    login(world.pam)

    html = client.get(reverse(LIST), {"q": "emmen"}).content.decode()
    assert "Gemeente Emmen" in html
    assert "Gemeente Assen" not in html

    html = client.get(reverse(LIST), {"kind": "programme"}).content.decode()
    assert "Programmabureau IBDO" in html
    assert "Gemeente Emmen" not in html

    response = client.get(reverse(LIST), {"kind": "nonsense", "pagina": "zzz"})
    assert response.status_code == 200


def test_the_list_is_paginated(client, world, login, settings):
    settings.LOKET_PAGE_SIZE = 5
    for i in range(12):
        f.OrganisationFactory(region=world.region, name=f"Bank {i:02d}", kind="bank")
    login(world.pam)

    first = client.get(reverse(LIST)).content.decode()
    third = client.get(reverse(LIST), {"pagina": 3}).content.decode()

    assert "Pagina 1 van 3" in first
    assert "Bank 00" in first
    assert "Pagina 3 van 3" in third
    assert "Bank 00" not in third
    bigger = client.get(reverse(LIST), {"per_pagina": 10})
    assert len(bigger.context["page"].object_list) == 10
    garbage = client.get(reverse(LIST), {"per_pagina": "veel", "pagina": "-1"})
    assert len(garbage.context["page"].object_list) == 5


@pytest.mark.parametrize("size", [5, 30])
def test_the_list_runs_a_constant_number_of_queries(
    client, world, login, settings, size, django_assert_max_num_queries
):
    for i in range(40):
        f.OrganisationFactory(
            region=world.region, name=f"Vereniging {i:02d}", kind="other", municipality=world.emmen
        )
    login(world.pam)
    client.get(reverse(LIST))  # warm up (session, content types)

    settings.LOKET_PAGE_SIZE = 5
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(LIST))
    settings.LOKET_PAGE_SIZE = size

    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse(LIST))

    assert len(response.context["page"].object_list) == min(size, 43)
