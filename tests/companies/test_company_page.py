"""The company page: key data, open work, contact persons and one timeline filtered by
what the viewer may see, newest first, page by page, in a constant number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loket.casework.models import Referral
from loket.companies import services
from loket.companies.timeline import company_timeline
from loket.core.models import AuditEvent, Need, Theme
from loket.core.permissions import scope_of
from tests import factories as f
from tests.companies.pages_data import ago, company_with_history


@pytest.fixture
def history(world):
    return company_with_history(world)


def _url(company, **query):
    url = reverse("companies:detail", args=[company.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _timeline_html(html: str) -> str:
    return html.split('id="timeline"', 1)[1]


def test_it_shows_key_data_account_manager_and_persons(world, login, history):
    response = login(world.alice).get(_url(history.company))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bakkerij De Brink" in html
    assert "Alice Advies" in html  # the account manager, on top
    assert "12345678" in html
    assert "9401 AB" in html
    assert "Assen" in html
    person_url = reverse("companies:person_detail", args=[history.person.pk])
    assert f'href="{person_url}"' in html
    assert "Jan de Bakker" in html


def test_it_shows_open_work_with_overdue_marker_referral_status_and_follow_up(
    world, login, history
):
    html = login(world.alice).get(_url(history.company)).content.decode()
    work = html.split('id="openstaand"', 1)[1].split('id="contactpersonen"', 1)[0]
    assert history.case.reference in work
    assert "te laat" in work  # deadline passed without a first response
    assert "Alice Advies" in work  # the owner
    assert "Gemeente Assen" in work
    assert "verstuurd" in work
    assert "Op te volgen" in work  # bob's follow-up in three days


def test_timeline_is_newest_first_across_kinds(world, login, history):
    html = _timeline_html(login(world.alice).get(_url(history.company)).content.decode())
    order = [
        "Contactpersoon Jan de Bakker toegevoegd",
        "Bob belde over de vergunning",
        "Verwijzing naar",
        history.case.reference,
        "Kennismaking met de bakker",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Bedrijf aangemaakt" in html
    assert reverse("casework:case_detail", args=[history.case.pk]) in html
    assert reverse("casework:referral_detail", args=[history.referral.pk]) in html


def test_timeline_shows_changes_with_changed_fields_but_not_views(world, login, history):
    services.update_company(world.alice, history.company, {"employees": 12, "city": "Assen "})
    services.view_person(world.alice, history.person)
    html = _timeline_html(login(world.alice).get(_url(history.company)).content.decode())
    assert "Bedrijfsgegevens gewijzigd" in html
    assert "aantal werkzame personen" in html
    assert "bekeken" not in html


def test_confidential_contact_moment_of_another_organisation_never_appears(world, login, history):
    for user in (world.alice, world.bob, world.adam):
        html = login(user).get(_url(history.company)).content.decode()
        assert "schuldsanering" not in html, user


def test_confidential_contact_moment_is_visible_inside_its_own_organisation(world, login, history):
    html = login(world.charlie).get(_url(history.company)).content.decode()
    assert "schuldsanering" in html
    assert "vertrouwelijk" in html


def test_partner_sees_a_company_his_organisation_has_to_do_with(world, login, history):
    response = login(world.bob).get(_url(history.company))
    assert response.status_code == 200
    assert "Bob belde over de vergunning" in response.content.decode()


def test_partner_gets_404_for_a_company_his_organisation_has_nothing_to_do_with(world, login):
    quiet = f.CompanyFactory(region=world.region, name="Stille Smederij")
    assert login(world.bob).get(_url(quiet)).status_code == 404
    assert login(world.charlie).get(_url(quiet)).status_code == 404
    assert login(world.alice).get(_url(quiet)).status_code == 200


def test_other_region_gets_404(world, login, history):
    assert login(world.olga).get(_url(history.company)).status_code == 404


def test_anonymous_is_sent_to_login(client, history):
    response = client.get(_url(history.company))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_company_is_404(world, login):
    assert login(world.alice).get("/bedrijven/999999/").status_code == 404


def test_buttons_follow_roles(world, login, history):
    company = history.company
    merge = reverse("companies:merge", args=[company.pk])
    audit = reverse("companies:audit", args=[company.pk])
    delete = reverse("companies:delete", args=[company.pk])
    alice = login(world.alice).get(_url(company)).content.decode()
    assert merge in alice
    assert audit not in alice
    assert delete not in alice
    assert reverse("casework:contact_create", args=[company.pk]) in alice
    assert reverse("casework:case_create", args=[company.pk]) in alice
    adam = login(world.adam).get(_url(company)).content.decode()
    assert audit in adam
    assert delete in adam
    bob = login(world.bob).get(_url(company)).content.decode()
    assert merge not in bob
    assert audit not in bob
    assert reverse("companies:edit", args=[company.pk]) in bob


def _fill(world, company, n):
    """n contact moments, n cases, n referrals and n changes, interleaved in time (every
    four hours one of each), so every page holds every kind."""
    for i in range(n):
        f.ContactMomentFactory(
            company=company,
            author=world.alice,
            organisation=world.bureau,
            occurred_at=ago(hours=i * 4 + 1),
            summary=f"Gesprek {i}",
        )
        case = f.CaseFactory(
            company=company,
            owner=world.alice,
            organisation=world.bureau,
            opened_at=ago(hours=i * 4 + 2),
        )
        referral = f.ReferralFactory(
            case=case, to_organisation=world.gem_assen, status=Referral.Status.SENT
        )
        Referral.objects.filter(pk=referral.pk).update(created_at=ago(hours=i * 4 + 3))
        services.update_company(world.alice, company, {"employees": i + 10})
        # Set the change back in time (test data only: the trail is append-only).
        latest = AuditEvent.objects.filter(company_id=company.pk).order_by("-id")[0]
        AuditEvent.objects.filter(pk=latest.pk).update(at=ago(hours=i * 4 + 4))


def test_timeline_pages_do_not_overlap_and_cover_everything(world, login, settings):
    settings.LOKET_PAGE_SIZE = 7
    company = services.create_company(world.alice, world.region, {"name": "Veel Historie BV"})
    _fill(world, company, 5)
    seen = []
    number = 1
    while True:
        page = company_timeline(world.alice, company, page=number, size=7)
        seen.extend((e.kind, e.obj.pk) for e in page.entries)
        dates = [e.at for e in page.entries]
        assert dates == sorted(dates, reverse=True)
        if not page.has_next:
            break
        number += 1
    assert len(seen) == len(set(seen)) == 5 * 4 + 1  # 5 of each kind and the creation
    assert number == 3


def test_timeline_page_links_work_without_javascript(world, login, settings):
    settings.LOKET_PAGE_SIZE = 10
    company = services.create_company(world.alice, world.region, {"name": "Lange Lijst BV"})
    _fill(world, company, 4)  # 17 entries
    client = login(world.alice)
    first = client.get(_url(company)).content.decode()
    assert first.count('class="loket-timeline__item') == 10
    assert "?pagina=2" in first
    second = client.get(_url(company, pagina=2)).content.decode()
    assert second.count('class="loket-timeline__item') == 7
    assert "?pagina=1" in second  # back to newer items
    assert "?pagina=3" not in second


def test_timeline_more_loads_as_a_partial_with_htmx(world, login, settings):
    settings.LOKET_PAGE_SIZE = 10
    company = services.create_company(world.alice, world.region, {"name": "Lange Lijst BV"})
    _fill(world, company, 4)
    response = login(world.alice).get(_url(company, pagina=2), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('class="loket-timeline__item') == 7
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("garbage", ["abc", "-1", "0", "99999999999999999999", "1.5", "%00"])
def test_timeline_page_garbage_is_page_one_or_empty(world, login, history, garbage):
    response = login(world.alice).get(_url(history.company, pagina=garbage))
    assert response.status_code == 200


def test_timeline_page_past_the_end_says_so(world, login, history):
    html = login(world.alice).get(_url(history.company, pagina=500)).content.decode()
    assert "Geen oudere items" in html


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_company_page_runs_a_constant_number_of_queries(world, login, settings):
    """Whatever the page size and however long the history: 5 vs 50 of each kind,
    page size 10 vs 50."""
    counts = {}
    client = login(world.alice)
    for n in (5, 50):
        company = services.create_company(world.alice, world.region, {"name": f"Historie {n}"})
        services.create_person(world.alice, company, {"name": f"Contact {n}"})
        _fill(world, company, n)
        for size in (10, 50):
            settings.LOKET_PAGE_SIZE = size
            client.get(_url(company))  # warm the session and caches
            counts[(n, size)] = _count_queries(client, _url(company))
    assert len(set(counts.values())) == 1, counts
    assert next(iter(counts.values())) <= 25, counts


def test_timeline_runs_a_constant_number_of_queries_for_a_partner(world):
    """Partner scoping adds subqueries, not queries."""
    scope_of(world.bob)  # read once per request anyway
    counts = []
    for n in (5, 50):
        company = services.create_company(world.alice, world.region, {"name": f"Partner {n}"})
        _fill(world, company, n)
        f.ContactMomentFactory(company=company, author=world.bob, organisation=world.gem_assen)
        with CaptureQueriesContext(connection) as ctx:
            page = company_timeline(world.bob, company, page=2, size=10 if n == 5 else 40)
            assert page.entries
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    # the union, contact moments + 3 prefetches, cases, referrals, changes
    assert counts[0] <= 8


def test_timeline_html_has_no_personal_data_in_urls(world, login, history):
    html = login(world.alice).get(_url(history.company)).content.decode()
    for href in re.findall(r'href="([^"]+)"', html):
        assert "Jan" not in href
        assert "@" not in href.replace("mailto:", "")


def test_a_follow_up_stays_open_until_someone_has_contact_on_or_after_its_date(world, login):
    company = services.create_company(world.alice, world.region, {"name": "Opvolging BV"})
    f.ContactMomentFactory(
        company=company,
        author=world.alice,
        organisation=world.bureau,
        occurred_at=ago(days=10),
        follow_up_on=(ago(days=7)).date(),
    )
    client = login(world.alice)
    html = client.get(_url(company)).content.decode()
    work = html.split('id="openstaand"', 1)[1].split('id="contactpersonen"', 1)[0]
    assert "Op te volgen" in work
    assert "verlopen" in work
    f.ContactMomentFactory(
        company=company, author=world.bob, organisation=world.gem_assen, occurred_at=ago(days=3)
    )
    html = client.get(_url(company)).content.decode()
    work = html.split('id="openstaand"', 1)[1].split('id="contactpersonen"', 1)[0]
    assert "Op te volgen" not in work


def test_contact_moment_on_the_timeline_shows_who_was_there_needs_and_themes(world, login, history):
    need = Need.objects.order_by("position").first()
    theme = Theme.objects.order_by("position").first()
    history.alice_moment.persons.set([history.person])
    history.alice_moment.needs.set([need])
    history.alice_moment.themes.set([theme])
    html = _timeline_html(login(world.alice).get(_url(history.company)).content.decode())
    moment = html.split("Kennismaking met de bakker", 1)[1].split("</li>", 1)[0]
    assert "Jan de Bakker" in moment
    assert need.name_nl in moment
    assert theme.name_nl in moment
