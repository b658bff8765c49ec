"""The portal's pages for anonymous visitors: home, search, instrument pages, partners.
Only current instruments of the portal's region (and shared ones) ever show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests import factories as f


def _text(response) -> str:
    return response.content.decode()


def test_home_offers_search_guide_question_partners_and_staff_login(client, catalogue):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = _text(response)
    assert 'role="search"' in html
    assert f'action="{reverse("portal:search")}"' in html
    assert f'href="{reverse("portal:guide")}"' in html
    assert f'href="{reverse("portal:ask")}"' in html
    assert f'href="{reverse("portal:partners")}"' in html
    assert "Inloggen voor medewerkers" in html
    assert f'href="{reverse("account_login")}"' in html


def test_signed_in_staff_still_reach_the_portal(world, login, catalogue):
    client = login(world.alice)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert f'href="{reverse("core:home")}"' in _text(response)
    assert (
        client.get(reverse("portal:instrument", args=["exportvoucher-drenthe"])).status_code == 200
    )


def test_search_finds_by_meaning_and_shows_why(client, catalogue):
    response = client.get(reverse("portal:search"), {"q": "ik wil naar het buitenland"})
    assert response.status_code == 200
    html = _text(response)
    assert "Exportvoucher Drenthe" in html
    assert "Sluit aan bij uw vraag" in html
    assert "Startersbegeleiding" not in html


def test_search_without_words_lists_every_current_instrument(client, catalogue):
    response = client.get(reverse("portal:search"))
    html = _text(response)
    for instrument in catalogue.current:
        assert instrument.name in html
    assert "5 regelingen staan open" in html


def test_search_with_only_stop_words_finds_nothing_politely(client, catalogue):
    response = client.get(reverse("portal:search"), {"q": "de het een"})
    assert response.status_code == 200
    assert "Wij vonden geen regeling" in _text(response)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 201},
        {"q": "export", "pagina": "-1"},
        {"q": "export", "pagina": "99999999999999999999999"},
        {"q": "\x00export"},
        {"pagina": "abc"},
    ],
)
def test_search_garbage_never_fails(client, catalogue, params):
    response = client.get(reverse("portal:search"), params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "hoogstens 200 tekens" in _text(response) or "Null" in _text(response)


def test_hidden_instruments_never_show_anywhere(client, catalogue):
    pages = [
        client.get(reverse("portal:search"), {"q": "export buitenland subsidie fonds lening"}),
        client.get(reverse("portal:search")),
        client.get(reverse("portal:search"), {"q": "exportsubsidie"}),
        client.get(reverse("portal:partners")),
        client.get(reverse("portal:guide_result"), {"doel": "export"}),
        client.get(reverse("portal:guide_result")),
        client.get(reverse("portal:home")),
    ]
    for response in pages:
        assert response.status_code == 200
        html = _text(response)
        for instrument in catalogue.hidden.values():
            assert instrument.name not in html, (instrument.name, response.request)
            assert instrument.slug not in html
    for instrument in catalogue.hidden.values():
        url = reverse("portal:instrument", args=[instrument.slug])
        assert client.get(url).status_code == 404, instrument.name


def test_instrument_page_shows_rich_text_amounts_deadline_how_to_apply_and_contact(
    client, catalogue
):
    export = catalogue.export
    response = client.get(reverse("portal:instrument", args=[export.slug]))
    assert response.status_code == 200
    html = _text(response)
    assert "<strong>exportadvies</strong>" in html  # sanitised on save, shown as HTML
    assert "€ 1.000,00 tot € 12.345,67 excl. btw" in html
    assert "€ 250,00 excl. btw" in html
    assert export.deadline.strftime("%d-%m-%Y") in html
    assert "Vraag aan via het loket van de NOM." in html
    for fact in ("Ontwikkelingsmaatschappij Noord", "Eva Export", "0592 111 222"):
        assert fact in html
    assert 'href="mailto:eva@nom.example"' in html
    assert 'href="https://nom.example/export"' in html


def test_shared_national_instrument_has_a_page(client, catalogue):
    response = client.get(reverse("portal:instrument", args=[catalogue.national.slug]))
    assert response.status_code == 200
    assert "RVO" in _text(response)


def test_unknown_or_odd_slug_is_404(client, catalogue):
    for slug in ("bestaat-niet", "1", "a" * 300):
        assert client.get(f"/instrumenten/{slug}/").status_code == 404


def test_partner_directory_lists_programme_partners_with_current_instruments(client, catalogue):
    response = client.get(reverse("portal:partners"))
    html = _text(response)
    assert "Ontwikkelingsmaatschappij Noord" in html
    assert "ontwikkelingsmaatschappij" in html.lower()
    assert 'href="https://nom.example"' in html
    assert "050 521 4444" in html
    assert reverse("portal:instrument", args=["exportvoucher-drenthe"]) in html
    assert "Adviesbureau Buiten" not in html  # not a programme partner
    assert "Programmabureau Twente" not in html  # another region


def test_portal_speaks_english_after_the_language_switch(client, catalogue):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    try:
        response = client.get(reverse("portal:home"))
        assert '<html lang="en"' in _text(response)
    finally:
        translation.activate("nl")


def test_only_get_is_allowed_on_read_pages(client, catalogue):
    for name in ("portal:home", "portal:search", "portal:guide", "portal:partners"):
        assert client.post(reverse(name)).status_code == 405


def _partners(n, region):
    for i in range(n):
        org = f.OrganisationFactory(region=region, name=f"Partner {i:03d}")
        f.InstrumentFactory(
            region=region, provider_organisation=org, contact_organisation=org, phases=["growth"]
        )


def test_page_query_counts_do_not_grow_with_the_catalogue(
    client, catalogue, world, django_assert_max_num_queries
):
    counts = {}
    for size in (2, 12):
        _partners(size, world.region)
        client.get(reverse("portal:guide_result"), {"doel": "growth"})  # warm the index
        urls = {
            "home": reverse("portal:home"),
            "guide": reverse("portal:guide_result")
            + "?doel=growth&gemeente="
            + str(world.assen.pk),
            "partners": reverse("portal:partners"),
            "search": reverse("portal:search") + "?q=groei",
        }
        for name, url in urls.items():
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.setdefault(name, []).append(len(ctx.captured_queries))
    for name, (small, large) in counts.items():
        assert small == large, (name, counts)
    with django_assert_max_num_queries(1):  # the region
        client.get(reverse("portal:home"))
