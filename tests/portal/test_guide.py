"""The guide (wegwijzer): five optional questions in one GET form, then the instruments
that fit with the reasons in plain language and whom to contact."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from loket.core.models import Theme


def _result(client, **answers):
    return client.get(reverse("portal:guide_result"), answers)


def test_guide_page_asks_five_optional_questions_with_get(client, catalogue, world):
    response = client.get(reverse("portal:guide"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'method="get"' in html
    assert f'action="{reverse("portal:guide_result")}"' in html
    form = response.context["form"]
    assert list(form.fields) == ["doel", "sector", "grootte", "leeftijd", "gemeente"]
    assert not any(field.required for field in form.fields.values())
    assert "Emmen" in html
    assert "Twente" not in html


def test_result_shows_reasons_and_contact(client, catalogue, world):
    response = _result(client, doel="export", gemeente=world.assen.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Exportvoucher Drenthe" in html
    assert "Helpt bij: exporteren." in html
    assert "Eva Export" in html
    assert "0592 111 222" in html
    assert "Ontwikkelingsmaatschappij Noord" in html
    assert "Landelijke exportregeling" in html
    assert "Emmer Exportkrediet" not in html  # only in Emmen
    assert "Startersbegeleiding" not in html  # not about export


def test_municipality_criterion_met_is_a_reason(client, catalogue, world):
    html = _result(client, doel="export", gemeente=world.emmen.pk).content.decode()
    assert "Emmer Exportkrediet" in html
    assert "Geldt in uw gemeente (Emmen)." in html


def test_company_age_range_overlaps_the_instrument_criteria(client, catalogue):
    young = _result(client, leeftijd="0-2").content.decode()
    assert "Startersbegeleiding" in young
    assert "Past bij de leeftijd van uw bedrijf (0 tot 2 jaar)." in young
    assert "Groeiversneller" not in young  # for companies of 3 years and older
    middle = _result(client, leeftijd="2-5").content.decode()
    assert "Groeiversneller" in middle  # 3 or 4 years fits "3 and older"
    assert "Startersbegeleiding" not in middle  # at most 1 year
    old = _result(client, leeftijd="5+").content.decode()
    assert "Groeiversneller" in old
    assert "Startersbegeleiding" not in old


def test_size_class_excludes_instruments_for_other_sizes(client, catalogue):
    html = _result(client, doel="growth", grootte="zzp").content.decode()
    assert "Groeiversneller" not in html
    html = _result(client, doel="growth", grootte="small").content.decode()
    assert "Groeiversneller" in html
    assert "Bedoeld voor bedrijven van uw grootte" in html


def test_no_answers_shows_every_current_instrument(client, catalogue):
    response = _result(client)
    html = response.content.decode()
    for instrument in catalogue.current:
        assert instrument.name in html


def test_result_carries_answers_to_the_question_form(client, catalogue, world):
    response = _result(client, doel="export", gemeente=world.assen.pk, sector="C")
    link = response.context["ask_query"]
    assert parse_qs(link) == {"gemeente": [str(world.assen.pk)], "onderwerp": ["export"]}
    html = response.content.decode()
    assert f"{reverse('portal:ask')}?{link.replace('&', '&amp;')}" in html
    ask = client.get(f"{reverse('portal:ask')}?{link}")
    form = ask.context["form"]
    assert form["municipality"].value() == world.assen.pk
    assert form["topic"].value() == Theme.objects.get(slug="export").pk


def test_change_answers_link_fills_the_form_again(client, catalogue, world):
    response = _result(client, doel="export", leeftijd="2-5")
    href = f"{reverse('portal:guide')}?{response.context['change_query']}"
    assert parse_qs(urlparse(href).query) == {"doel": ["export"], "leeftijd": ["2-5"]}
    again = client.get(href)
    assert again.context["form"]["doel"].value() == "export"
    assert again.context["form"]["leeftijd"].value() == "2-5"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"doel": "vliegen"}, "doel"),
        ({"sector": "ZZ"}, "sector"),
        ({"grootte": "enorm"}, "grootte"),
        ({"leeftijd": "100"}, "leeftijd"),
        ({"gemeente": "abc"}, "gemeente"),
        ({"gemeente": "99999999999999999999999"}, "gemeente"),
        ({"gemeente": "-1"}, "gemeente"),
        ({"doel": "x" * 5000}, "doel"),
    ],
)
def test_guide_garbage_gets_a_message_at_the_question(client, catalogue, answers, field):
    response = _result(client, **answers)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert "Kies" in response.content.decode()


def test_municipality_of_another_region_is_refused(client, catalogue, world):
    from tests import factories as f

    enschede = f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    response = _result(client, gemeente=enschede.pk)
    assert response.status_code == 400
    assert response.context["form"].errors["gemeente"]
