"""The municipality view's pages: who opens which municipality, the figures on the page,
the one-page PDF and garbage in the period."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from tests.monitoring.municipality_data import build

pytestmark = pytest.mark.django_db

PERIOD = {"jaar": "2025", "kwartaal": "2"}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def detail(municipality, **params):
    return reverse("monitoring:municipality_detail", args=[municipality.pk])


def pdf_url(municipality):
    return reverse("monitoring:municipality_pdf", args=[municipality.pk])


def test_a_municipal_account_manager_goes_straight_to_her_municipality(world, login):
    response = login(world.bob).get(reverse("monitoring:municipality_list"))
    assert response.status_code == 302
    assert response["Location"] == detail(world.assen)


def test_programme_staff_choose_among_the_municipalities_of_their_region(world, login):
    response = login(world.alice).get(reverse("monitoring:municipality_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Assen" in text
    assert "Emmen" in text


@pytest.mark.parametrize(
    ("role", "assen", "emmen"),
    [("bob", 200, 404), ("charlie", 404, 200), ("pam", 200, 200), ("olga", 404, 404)],
)
def test_only_ones_own_municipality_opens(world, login, role, assen, emmen):
    client = login(getattr(world, role))
    assert client.get(detail(world.assen)).status_code == assen
    assert client.get(detail(world.emmen)).status_code == emmen
    assert client.get(pdf_url(world.assen)).status_code == assen
    assert client.get(pdf_url(world.emmen)).status_code == emmen


def _figure_cells(text, key):
    start = text.index(f'data-figure="{key}"')
    return text[start : text.index("</tr>", start)]


def test_the_page_shows_the_hand_counted_figures_and_the_needs(world, login):
    data = build(world)
    response = login(world.bob).get(detail(world.assen), PERIOD)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Wat het programma deed in Assen" in text
    assert "IBDO 2025-2028" in text
    assert ">3<" in _figure_cells(text, "companies_helped")
    assert ">4<" in _figure_cells(text, "companies_helped")
    assert "€ 3.000,00" in _figure_cells(text, "euros_paid")
    assert "€ 4.000,00" in _figure_cells(text, "euros_paid")
    assert "Innovatie" in text
    assert "Internationalisering" in text
    for company in (data.a1, data.a2, data.a3, data.e1):
        assert company.name not in text  # a council paper: no company names


def test_bob_sees_no_links_to_records_of_a_programme_he_does_not_see(world, login):
    build(world)  # executed by the bureau only: bob does not see the programme
    text = login(world.bob).get(detail(world.assen), PERIOD).content.decode()
    assert "/records" not in text
    assert "meting=" not in text


def test_programme_staff_get_a_link_to_the_records_where_one_exists(world, login):
    build(world)
    text = login(world.pam).get(detail(world.assen), PERIOD).content.decode()
    try:
        reverse("monitoring:spec_records", args=[1])
    except Exception:  # the records page is not there (yet): figures stay plain
        assert "meting=" not in text
    else:
        assert "meting=cases" in _figure_cells(text, "cases")
        assert "gemeente=" in _figure_cells(text, "cases")
        assert "meting=" not in _figure_cells(text, "companies_helped")


@pytest.mark.parametrize(
    "params",
    [
        {"jaar": "abc", "kwartaal": "2"},
        {"jaar": "2025", "kwartaal": "5"},
        {"jaar": "99999999999999999999", "kwartaal": "x"},
        {"jaar": "1999", "kwartaal": "1"},
        {"jaar": "", "kwartaal": ""},
        {"jaar": "2025\x00", "kwartaal": "2"},
    ],
)
def test_garbage_in_the_period_gets_a_message_and_the_current_quarter(world, login, params):
    client = login(world.bob)
    response = client.get(detail(world.assen), params)
    assert response.status_code == 422
    text = response.content.decode()
    assert "De gekozen periode klopt niet" in text
    assert "utrecht-form-field__error-message" in text  # at the field
    assert client.get(pdf_url(world.assen), params).status_code == 200


def test_the_pdf_is_one_page_with_the_name_and_the_figures(world, login):
    build(world)
    response = login(world.bob).get(pdf_url(world.assen), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="assen-2025-k2.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Wat het programma deed in Assen" in text
    assert "2025 K2" in text
    assert "IBDO 2025-2028" in text
    assert "€ 3.000,00" in text
    assert "€ 4.000,00" in text
    assert "innovatie" in text
    assert "internationalisering" in text
    assert "Bedrijven geholpen" in text
    assert "Assen 1 B.V." not in text


def test_the_pdf_stays_one_page_with_several_programmes(world, login):
    from tests import factories as f

    build(world)
    for n in range(4):
        f.ProgrammeFactory(region=world.region, name=f"Extra programma {n}")
    response = login(world.pam).get(pdf_url(world.assen), PERIOD)
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert "Extra programma 3" in reader.pages[0].extract_text()


def test_the_page_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    from tests import factories as f

    build(world)
    client = login(world.pam)
    client.get(detail(world.assen), PERIOD)  # warm the session and the user
    cache.clear()
    with django_assert_max_num_queries(30) as first:
        client.get(detail(world.assen), PERIOD)
    for _ in range(5):
        company = f.CompanyFactory(region=world.region, municipality=world.assen)
        f.ContactMomentFactory(company=company, organisation=world.bureau, author=world.alice)
    cache.clear()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(detail(world.assen), PERIOD)
