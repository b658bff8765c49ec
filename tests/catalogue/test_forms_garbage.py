"""Garbage into every catalogue form and parameter: a clear message on the field that
caused it, never a 500, and nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from loket.catalogue.models import Instrument, InstrumentVersion
from loket.core.models import AuditEvent
from tests import factories as f

HUGE = "99999999999999999999"


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def valid(world, **kw):
    values = {
        "region": str(world.region.pk),
        "name": "Exportvoucher",
        "summary": "Een voucher voor advies over de eerste stappen over de grens.",
        "kind": "voucher",
        "provider_kind": "programme",
        "provider_organisation": str(world.bureau.pk),
        "published": "on",
    }
    values.update(kw)
    return values


# (changes to a valid form, the field that must show the error)
GARBAGE = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "nul\x00byte"}, "name"),
    ({"summary": "y" * 301}, "summary"),
    ({"description": "<p>" * 10_000}, "description"),
    ({"kind": "rocket"}, "kind"),
    ({"kind": ""}, "kind"),
    ({"provider_kind": "aliens"}, "provider_kind"),
    ({"provider_organisation": "abc"}, "provider_organisation"),
    ({"provider_organisation": "-1"}, "provider_organisation"),
    ({"provider_organisation": "1e10"}, "provider_organisation"),
    ({"provider_organisation": HUGE}, "provider_organisation"),
    ({"contact_organisation": "999999"}, "contact_organisation"),
    ({"themes": ["abc"]}, "themes"),
    ({"themes": [HUGE]}, "themes"),
    ({"municipalities": ["0"]}, "municipalities"),
    ({"regions": [HUGE]}, "regions"),
    ({"phases": ["dreaming"]}, "phases"),
    ({"size_classes": ["huge"]}, "size_classes"),
    ({"legal_forms": ["gmbh"]}, "legal_forms"),
    ({"employees_min": "-1"}, "employees_min"),
    ({"employees_max": "1e99"}, "employees_max"),
    ({"company_age_min": "abc"}, "company_age_min"),
    ({"company_age_max": "100000"}, "company_age_max"),
    ({"employees_min": "50", "employees_max": "10"}, "employees_max"),
    ({"sbi_included": "<script>alert(1)</script>"}, "sbi_included"),
    ({"sbi_excluded": "ZZ"}, "sbi_excluded"),
    ({"sbi_included": "F", "sbi_excluded": "f"}, "sbi_excluded"),
    ({"amount_min": "abc"}, "amount_min"),
    ({"amount_min": "-5"}, "amount_min"),
    ({"amount_max": "NaN"}, "amount_max"),
    ({"amount_max": "Infinity"}, "amount_max"),
    ({"amount_max": "1e400"}, "amount_max"),
    ({"amount_max": "123456789012345"}, "amount_max"),
    ({"own_contribution": "1,234"}, "own_contribution"),
    ({"own_contribution": "€ --"}, "own_contribution"),
    ({"amount_min": "10", "amount_max": "5"}, "amount_max"),
    ({"open_from": "31-02-2026"}, "open_from"),
    ({"open_until": "0001-01-01"}, "open_until"),
    ({"deadline": "9999-12-31"}, "deadline"),
    ({"deadline": "morgen"}, "deadline"),
    ({"open_from": "2027-01-01", "open_until": "2026-01-01"}, "open_until"),
    ({"last_verified": "2999-01-01"}, "last_verified"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"contact_email": "not-an-email"}, "contact_email"),
    ({"contact_phone": "1" * 31}, "contact_phone"),
    ({"editor": "abc"}, "editor"),
    ({"editor": HUGE}, "editor"),
    ({"note": "n" * 201}, "note"),
    ({"region": "abc"}, "region"),
    ({"region": HUGE}, "region"),
    ({"region": ""}, "region"),
]


@pytest.mark.parametrize(("changes", "field"), GARBAGE)
def test_garbage_to_the_create_form_is_refused_on_its_field(world, login, changes, field):
    response = login(world.pam).post(reverse("catalogue:create"), valid(world, **changes))
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors.get(field), (field, dict(form.errors))
    assert "utrecht-form-field--invalid" in response.content.decode()
    assert not Instrument.objects.exists()
    assert not AuditEvent.objects.filter(object_type="catalogue.instrument").exists()


def test_the_valid_form_of_these_tests_does_save(world, login):
    response = login(world.pam).post(reverse("catalogue:create"), valid(world))
    assert response.status_code == 302
    assert Instrument.objects.count() == 1


def test_an_empty_create_form_names_every_required_field(world, login):
    response = login(world.pam).post(reverse("catalogue:create"), {})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert {"region", "name", "summary", "kind", "provider_kind"} <= set(errors)
    assert "Niet alles is goed ingevuld" in response.content.decode()
    assert not Instrument.objects.exists()


@pytest.fixture
def instrument(world):
    return f.InstrumentFactory(
        region=world.region, name="Innovatievoucher", provider_organisation=world.bureau
    )


@pytest.mark.parametrize(
    ("changes", "field"), [(c, fld) for c, fld in GARBAGE if fld not in ("region", "regions")]
)
def test_garbage_to_the_edit_form_changes_nothing(world, login, instrument, changes, field):
    data = valid(world, **changes)
    data.pop("region", None)
    response = login(world.alice).post(reverse("catalogue:edit", args=[instrument.pk]), data)
    assert response.status_code == 422
    assert response.context["form"].errors.get(field), (field, response.context["form"].errors)
    instrument.refresh_from_db()
    assert instrument.name == "Innovatievoucher"
    assert instrument.version == 1
    assert InstrumentVersion.objects.filter(instrument=instrument).count() == 1


def test_an_empty_edit_form_changes_nothing(world, login, instrument):
    response = login(world.alice).post(reverse("catalogue:edit", args=[instrument.pk]), {})
    assert response.status_code == 422
    instrument.refresh_from_db()
    assert instrument.version == 1


def test_garbage_posted_to_verify_and_delete_is_ignored(world, login, instrument):
    client = login(world.alice)
    junk = {"last_verified": "1900-01-01", "pk": HUGE, "confirm": "\x00"}
    assert client.post(reverse("catalogue:verify", args=[instrument.pk]), junk).status_code == 302
    instrument.refresh_from_db()
    assert not instrument.is_stale()
    assert client.post(reverse("catalogue:delete", args=[instrument.pk]), junk).status_code == 302
    assert not Instrument.objects.filter(pk=instrument.pk).exists()


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "rocket"},
        {"provider_kind": "\x00"},
        {"theme": "<script>alert(1)</script>"},
        {"phase": '"; DROP TABLE x'},
        {"phase": "%"},
        {"status": "sometimes"},
        {"mine": "banana"},
        {"q": "x" * 5000},
        {"q": "%_\\"},
        {"kind": ["voucher", "loan"], "pagina": ["1", "x"]},
        {"sorteer": "-", "per_pagina": "-5", "pagina": "1e9"},
    ],
)
def test_garbage_filters_never_answer_500(world, login, instrument, params):
    client = login(world.alice)
    response = client.get(reverse("catalogue:list"), params)
    assert response.status_code == 200
    assert client.get(reverse("catalogue:list"), {**params, "export": "csv"}).status_code == 200


def test_an_invalid_filter_is_explained_on_its_field(world, login, instrument):
    response = login(world.alice).get(
        reverse("catalogue:list"), {"kind": "rocket", "status": "sometimes"}
    )
    html = response.content.decode()
    assert html.count("utrecht-form-field--invalid") == 2
    assert "Selecteer een geldige keuze" in html


@pytest.mark.parametrize(
    "url",
    [
        f"/catalogus/{HUGE}/",
        f"/catalogus/{HUGE}/bewerken/",
        f"/catalogus/{HUGE}/verwijderen/",
        f"/catalogus/1/versies/{HUGE}/",
        "/catalogus/0/versies/0/",
    ],
)
def test_impossible_ids_in_urls_are_404(world, login, url):
    client = login(world.alice)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code in (404, 405)  # 405: a page only read
