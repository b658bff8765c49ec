"""The audit trail per company: administrators of the region only; who, when, what, and
the changed fields before and after, including views of persons and merged companies."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loket.companies import services
from tests import factories as f


@pytest.fixture
def company(world):
    company = services.create_company(
        world.alice,
        world.region,
        {"name": "Bakkerij Jansen", "employees": 4, "municipality": world.assen},
    )
    services.update_company(
        world.alice, company, {"name": "Bakkerij Jansen & Zn", "municipality": world.emmen}
    )
    person = services.create_person(world.alice, company, {"name": "Jan Jansen"})
    services.view_person(world.bob, person)
    return company


def _url(company, **query):
    url = reverse("companies:audit", args=[company.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_administrator_sees_who_when_what_and_before_after(world, login, company):
    response = login(world.adam).get(_url(company))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice Advies" in html
    assert "Bob Gemeente" in html
    assert "aangemaakt" in html
    assert "gewijzigd" in html
    assert "bekeken" in html
    assert "<del>Bakkerij Jansen</del>" in html
    assert "<ins>Bakkerij Jansen &amp; Zn</ins>" in html
    assert "<del>Assen</del>" in html
    assert "<ins>Emmen</ins>" in html
    assert "companies.person" in html  # the view of the person's record


@pytest.mark.parametrize("who", ["alice", "pam", "bob", "charlie", "olga"])
def test_everyone_else_gets_404(world, login, company, who):
    f.ContactMomentFactory(company=company, author=world.bob, organisation=world.gem_assen)
    assert login(getattr(world, who)).get(_url(company)).status_code == 404


def test_anonymous_is_sent_to_login(client, company):
    assert client.get(_url(company)).status_code == 302


def test_events_of_merged_companies_stay_reachable(world, login, company):
    dup = services.create_company(world.alice, world.region, {"name": "Jansen Dubbel"})
    dup_person = services.create_person(world.alice, dup, {"name": "Piet Dubbel"})
    services.view_person(world.alice, dup_person)
    dup_id = dup.pk
    services.merge_companies(world.alice, company, dup)
    html = login(world.adam).get(_url(company)).content.decode()
    assert "Jansen Dubbel" in html
    assert "Piet Dubbel" in html
    assert f"bij samengevoegd bedrijf {dup_id}" in html
    assert "samengevoegd" in html


def test_it_is_paginated_with_a_constant_number_of_queries(world, login, company):
    client = login(world.adam)
    client.get(_url(company))
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(company))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
        for i in range(60):
            municipality = world.assen if i % 2 else world.emmen
            services.update_company(
                world.alice, company, {"employees": 100 + i, "municipality": municipality}
            )
    first = client.get(_url(company)).content.decode()
    assert "pagina=2" in first
    second = client.get(_url(company, pagina=2))
    assert second.status_code == 200
    assert counts[0] == counts[1]


@pytest.mark.parametrize("garbage", ["abc", "0", "-3", "999999"])
def test_page_garbage_never_fails(world, login, company, garbage):
    assert login(world.adam).get(_url(company, pagina=garbage)).status_code == 200
