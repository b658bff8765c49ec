"""The dashboard page: charts with their tables, links to the records, the partner's
share, the period form with garbage, the cache and "Cijfers bijwerken", the exports, and
a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.monitoring.dashboard_data import dashboard_world, moment


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def setup(world):
    return dashboard_world(world)


def url(programme, **params):
    base = reverse("monitoring:dashboard", args=[programme.pk])
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{base}?{query}" if query else base


def test_the_page_shows_every_chart_with_its_table(world, setup, login):
    response = login(world.pam).get(url(setup.programme, jaar=2026, kwartaal=2))
    assert response.status_code == 200
    page = response.content.decode()
    for chart in (
        f"chart-realisatie-{setup.line.pk}",
        "chart-bereik",
        "chart-nieuw",
        "chart-behoeften",
        "chart-tevredenheid",
    ):
        assert f'<canvas id="{chart}" role="img" aria-label="' in page, chart
    for table in ("bereik", "nieuw", "behoeften", "tevredenheid", f"realisatie-{setup.line.pk}"):
        assert f'data-table="{table}"' in page, table
        assert f"export={table}&amp;format=csv" in page, table
        assert f"export={table}&amp;format=xlsx" in page, table
    assert "Toon de gegevens als tabel" in page
    assert "op koers" in page  # the status in words
    assert "niet getoond: minder dan 5 antwoorden" in page
    assert 'id="aandeel"' not in page  # pam sees the whole programme
    charts = json.loads(json.dumps(response.context["charts"]))
    assert charts["chart-bereik"]["labels"] == ["Assen", "Emmen"]
    assert charts["chart-nieuw"]["datasets"][0]["data"] == [2.0, 1.0]
    assert charts["chart-tevredenheid"]["datasets"][0]["data"][-2:] == [8.0, None]
    assert 'id="dashboard-charts" type="application/json"' in page
    assert "monitoring/dashboard.js" in page
    assert "vendor/chartjs/chart.umd.min.js" in page


def test_figures_link_to_the_records_behind_them(world, setup, login):
    client = login(world.pam)
    page = client.get(url(setup.programme, jaar=2026, kwartaal=2)).content.decode()
    records = reverse("monitoring:spec_records", args=[setup.programme.pk])
    reach_link = (
        f"{records}?meting=companies_reached&amp;gemeente={world.assen.pk}"
        "&amp;van=2026-04-01&amp;tot=2026-06-30"
    )
    assert f'<a class="utrecht-link" href="{reach_link}">2</a>' in page
    # following the link: the same two companies
    response = client.get(reach_link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.context["result"].total == 2
    indicator_link = reverse("monitoring:indicator_records", args=[setup.indicators[0].pk])
    assert f'href="{indicator_link}?jaar=2026&amp;kwartaal=2">3</a>' in page


def test_bob_sees_his_share_and_is_told(world, setup, login):
    response = login(world.bob).get(url(setup.programme, jaar=2026, kwartaal=2))
    assert response.status_code == 200
    page = response.content.decode()
    assert "U ziet het aandeel van uw organisatie (Gemeente Assen)" in page
    rows = response.context["sections"][0]["table"].rows
    assert [(r[0].text, r[1].text, r[2].text) for r in rows] == [("Emmen", "1", "1")]


def test_outsiders_get_404(world, setup, login):
    assert login(world.charlie).get(url(setup.programme)).status_code == 404
    assert login(world.olga).get(url(setup.programme)).status_code == 404
    assert login(world.pam).get(reverse("monitoring:dashboard", args=[2**63])).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"jaar": "abc", "kwartaal": "2"},
        {"jaar": "2026", "kwartaal": "9"},
        {"jaar": "1999", "kwartaal": "1"},
        {"jaar": "2026", "kwartaal": "-1"},
        {"jaar": "9" * 40},
        {"kwartaal": "x" * 500},
        {"jaar": "2026", "kwartaal": "2", "export": "nonsense", "format": "csv"},
        {"jaar": "2026", "kwartaal": "2", "export": "bereik", "format": "pdf"},
        {"jaar": "2026", "kwartaal": "2", "export": "realisatie-999999", "format": "csv"},
    ],
)
def test_garbage_gets_the_default_period_and_a_message(world, setup, login, query, monkeypatch):
    response = login(world.pam).get(
        reverse("monitoring:dashboard", args=[setup.programme.pk]), query
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    shown = [str(m) for m in response.context["messages"]]
    assert shown, query
    if "export" not in query:
        assert "Deze periode kan niet" in shown[0]


def test_a_period_outside_the_programme_says_why_at_the_quarter(world, setup, login):
    response = login(world.pam).get(url(setup.programme, jaar=2026, kwartaal=9))
    assert response.context["form"].errors["kwartaal"]


def test_exports_read_back(world, setup, login):
    client = login(world.pam)
    response = client.get(
        url(setup.programme, jaar=2026, kwartaal=2, export="bereik", format="csv")
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Gemeente", "In 2026 K2", "In 2026 t/m 2026 K2"]
    assert rows[1:] == [["Assen", "2", "3"], ["Emmen", "1", "1"]]
    response = client.get(
        url(setup.programme, jaar=2026, kwartaal=2, export="tevredenheid", format="xlsx")
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Kwartaal", "Gemiddeld cijfer", "Antwoorden")
    by_label = {row[0]: row[1:] for row in values[1:]}
    assert by_label["2026 K1"] == (8, 5)
    assert by_label["2026 K2"][1] == 4
    assert by_label["2026 K2"][0] != 8  # the suppressed average is not in the file
    response = client.get(
        url(setup.programme, jaar=2026, kwartaal=2, export="indicatoren", format="xlsx")
    )
    values = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert values[1][:6] == ("Intakes 0", "Digitalisering", "10", 3, 6, 60)
    assert values[1][6] == "op koers"
    response = client.get(
        url(
            setup.programme,
            jaar=2026,
            kwartaal=2,
            export=f"realisatie-{setup.line.pk}",
            format="csv",
        )
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Kwartaal", "Intakes 0"]
    assert rows[-1] == ["2026 K2", "3"]


def test_a_second_render_uses_the_cache_and_a_change_shows(
    world, setup, login, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = login(world.pam)
    address = url(setup.programme, jaar=2026, kwartaal=2)
    first = client.get(address)
    with django_assert_max_num_queries(12) as captured:
        second = client.get(address)
    assert not any(
        "GROUP BY" in q["sql"] or "COUNT(" in q["sql"] for q in captured.captured_queries
    )
    assert second.context["data"] == first.context["data"]
    assert "opnieuw berekend" not in second.content.decode()
    assert not second.context["data"]["stale"]
    # a new contact moment raises the region's stamp: the next visitor gets the figures
    # at once, as they were, with a note that they are being recomputed ...
    with django_capture_on_commit_callbacks(execute=True):
        moment(world, setup.companies.e, dt.date(2026, 6, 1))
    with django_capture_on_commit_callbacks(execute=True) as refreshes:
        third = client.get(address)

    def reach(response):
        return {r[0].text: r[1].text for r in response.context["sections"][0]["table"].rows}

    assert reach(third)["Assen"] == "2"
    assert third.context["data"]["stale"]
    assert "Ze worden nu op de achtergrond opnieuw berekend" in third.content.decode()
    # ... by one background task (the worker ran it here), after which the change shows
    assert len(refreshes) == 1
    fourth = client.get(address)
    assert reach(fourth)["Assen"] == "3"
    assert not fourth.context["data"]["stale"]
    assert "opnieuw berekend" not in fourth.content.decode()


def test_cijfers_bijwerken_recomputes(world, setup, login, settings):
    client = login(world.pam)
    address = url(setup.programme, jaar=2026, kwartaal=2)
    before = client.get(address).context["data"]["generated_at"]
    # a change that bypasses the signals (a bulk update) is not seen until "bijwerken"
    from loket.casework.models import ContactMoment

    ContactMoment.objects.filter(company=setup.companies.c).update(
        occurred_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
    )
    stale = client.get(address).context["data"]
    assert {r["municipality"]: r["quarter"] for r in stale["reach"]["rows"]}["Emmen"] == "1"
    response = client.post(
        reverse("monitoring:dashboard_refresh", args=[setup.programme.pk]),
        {"jaar": 2026, "kwartaal": 2},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("?jaar=2026&kwartaal=2")
    fresh = response.context["data"]
    assert {r["municipality"]: r["quarter"] for r in fresh["reach"]["rows"]}["Emmen"] == "0"
    assert fresh["generated_at"] >= before
    assert "De cijfers zijn bijgewerkt." in [str(m) for m in response.context["messages"]]
    assert "Cijfers van" in response.content.decode()


def test_refresh_needs_post_and_sight_of_the_programme(world, setup, login):
    target = reverse("monitoring:dashboard_refresh", args=[setup.programme.pk])
    assert login(world.pam).get(target).status_code == 405
    assert login(world.charlie).post(target, {"jaar": 2026, "kwartaal": 2}).status_code == 404
    garbage = login(world.pam).post(target, {"jaar": "abc"}, follow=True)
    assert garbage.status_code == 200


def _count_queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_queries_grow_by_a_fixed_number_per_indicator(world, login):
    """Computed afresh, each indicator costs its own aggregate query (its series, from
    which the quarter's table row is taken: one for a count of contact moments); the
    rest of the page is constant. From the cache, the page is constant whatever the
    number of indicators."""
    counts = {}
    warm = {}
    for n in (2, 6):
        data = dashboard_world(world, indicators=n, name=f"Programma {n}")
        client = login(world.pam)
        address = url(data.programme, jaar=2026, kwartaal=2)
        cache.clear()
        counts[n] = _count_queries(client, address)
        warm[n] = _count_queries(client, address)
    assert counts[6] - counts[2] == 1 * 4
    assert warm[6] == warm[2]
