"""The table pages: the table's section (upcoming and past sessions, waiting cases with
their deadline, overdue ones marked) in a constant number of queries, recording a
session with experts, bringing in a case and hearing it; the advice shows on the
company's page. What the user may not see is a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loket.casework.models import ContactMoment
from loket.collectives.models import Collective, TableCase, TableSession
from loket.collectives.services import tables as services
from loket.collectives.views.tables import table_section
from tests import factories as f
from tests.collectives.tables_setup import held, make_tables


@pytest.fixture
def t(world):
    return make_tables(world)


def _bring(world, t, **data):
    data.setdefault("company", t.company)
    data.setdefault("question", "Onze grootste afnemer is failliet.")
    return services.bring_in_case(world.alice, t.table, data)


def test_the_section_for_the_collective_page(world, t):
    request = RequestFactory().get("/")
    request.user = world.alice
    template, context = table_section(request, t.table)
    assert template == "collectives/table_section.html"
    assert context["tables"].upcoming == [t.upcoming]
    assert context["tables"].past == [t.past]
    assert context["may_manage_table"] is True


def test_the_table_page_shows_sessions_and_waiting_cases_with_their_deadline(world, t, login):
    late = _bring(world, t, requested_on=dt.date(2025, 10, 3))
    fresh = _bring(world, t)
    page = login(world.alice).get(reverse("collectives:table_page", args=[t.table.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "binnen 2 werkdagen" in html
    assert "2 casussen wachten op bespreking, 1 te laat" in html
    assert f'data-convene-by="{late.convene_by:%Y-%m-%d}"' in html
    assert f'data-convene-by="{fresh.convene_by:%Y-%m-%d}"' in html
    # the overdue one is marked, and first (oldest deadline first)
    assert html.index(f'data-table-case="{late.pk}"') < html.index(f'data-table-case="{fresh.pk}"')
    row = html[html.index(f'data-table-case="{late.pk}"') :]
    assert "te laat" in row[: row.index("</tr>")]
    assert f'data-session="{t.upcoming.pk}"' in html
    assert f'data-session="{t.past.pk}"' in html
    assert "Casus inbrengen" in html


def test_the_collective_page_of_a_table_includes_the_section(world, t, login):
    table_case = _bring(world, t, requested_on=dt.date(2025, 10, 3))
    page = login(world.alice).get(reverse("collectives:collective_detail", args=[t.table.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-section="table"' in html
    assert f'data-table-case="{table_case.pk}"' in html
    assert "1 casus wacht op bespreking, 1 te laat" in html


def test_the_table_page_runs_a_constant_number_of_queries(world, t, login):
    client = login(world.alice)
    url = reverse("collectives:table_page", args=[t.table.pk])
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for days in (5, 9, 12):
        session = f.TableSessionFactory(collective=t.table, held_at=held(days))
        session.experts.set([world.bob, world.charlie])
    for _ in range(4):
        _bring(world, t)
    assert count() == before


def test_a_cluster_has_no_table_page(world, t, login):
    cluster = f.CollectiveFactory(programme=t.programme, organisation=world.bureau)
    client = login(world.alice)
    for name in ("table_page", "session_create", "table_case_create"):
        assert client.get(reverse(f"collectives:{name}", args=[cluster.pk])).status_code == 404


def test_record_a_session_with_experts(world, t, login):
    client = login(world.alice)
    response = client.post(
        reverse("collectives:session_create", args=[t.table.pk]),
        {
            "held_at": "20-11-2026 19:30",
            "location": "Gemeentehuis Assen",
            "experts": [world.bob.pk, world.charlie.pk],
            "notes": "Drie casussen.",
        },
    )
    session = TableSession.objects.get(location="Gemeentehuis Assen")
    assert response.url == reverse("collectives:session_detail", args=[session.pk])
    assert set(session.experts.all()) == {world.bob, world.charlie}
    page = client.get(response.url).content.decode()
    assert "Bob Gemeente" in page
    assert "Charlie Emmen" in page
    edit = client.post(
        reverse("collectives:session_edit", args=[session.pk]),
        {"held_at": "20-11-2026 20:00", "location": "Assen", "experts": [world.bob.pk]},
    )
    assert edit.status_code == 302
    session.refresh_from_db()
    assert session.location == "Assen"
    assert list(session.experts.all()) == [world.bob]
    assert timezone.localtime(session.held_at).hour == 20


def test_bring_in_a_case_and_hear_it(world, t, login):
    client = login(world.alice)
    case = f.CaseFactory(company=t.company, owner=world.alice, organisation=world.bureau)
    form = client.get(reverse("collectives:table_case_create", args=[t.table.pk]))
    assert "binnen 2 werkdagen" in form.content.decode()
    response = client.post(
        reverse("collectives:table_case_create", args=[t.table.pk]),
        {
            "company": t.company.kvk_number,
            "case": case.pk,
            "question": "Hoe overbruggen we drie maanden?",
        },
        follow=True,
    )
    table_case = TableCase.objects.get()
    assert table_case.case == case
    assert table_case.convene_by == services.convene_by(t.table, timezone.localdate())
    html = response.content.decode()
    assert table_case.convene_by.strftime("%d-%m-%Y") in html
    assert case.reference in html

    hear_url = reverse("collectives:table_case_hear", args=[table_case.pk])
    response = client.post(
        hear_url,
        {"session": t.past.pk, "advice": "Vraag uitstel aan.", "next_steps": "Bel de bank."},
        follow=True,
    )
    assert "Het advies staat op de tijdlijn van Bakkerij De Brink." in response.content.decode()
    company_page = client.get(reverse("companies:detail", args=[t.company.pk])).content.decode()
    assert "tafelsessie" in company_page
    assert "Vraag uitstel aan." in company_page
    assert "Bel de bank." in company_page

    client.post(hear_url, {"session": t.past.pk, "advice": "Vraag uitstel én krediet aan."})
    assert ContactMoment.objects.filter(company=t.company).count() == 1
    company_page = client.get(reverse("companies:detail", args=[t.company.pk])).content.decode()
    assert "Vraag uitstel én krediet aan." in company_page
    assert "Vraag uitstel aan." not in company_page


def test_plan_a_case_at_an_upcoming_session(world, t, login):
    table_case = _bring(world, t)
    client = login(world.alice)
    client.post(
        reverse("collectives:table_case_hear", args=[table_case.pk]), {"session": t.upcoming.pk}
    )
    table_case.refresh_from_db()
    assert table_case.session == t.upcoming
    assert table_case.contact_moment is None
    page = client.get(reverse("collectives:session_detail", args=[t.upcoming.pk]))
    assert "nog geen advies" in page.content.decode()


@pytest.mark.parametrize("role", ["bob", "charlie", "olga"])
def test_outsiders_get_404_everywhere(world, t, login, role):
    table_case = _bring(world, t)
    client = login(getattr(world, role))
    urls = [
        reverse("collectives:table_page", args=[t.table.pk]),
        reverse("collectives:session_create", args=[t.table.pk]),
        reverse("collectives:table_case_create", args=[t.table.pk]),
        reverse("collectives:session_detail", args=[t.past.pk]),
        reverse("collectives:session_edit", args=[t.past.pk]),
        reverse("collectives:table_case_detail", args=[table_case.pk]),
        reverse("collectives:table_case_hear", args=[table_case.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        posted = client.post(url, {"session": t.past.pk, "advice": "x"})
        assert posted.status_code in (404, 405), url  # 405: a page that is only read
    assert not ContactMoment.objects.exists()


def test_a_partner_running_a_table_manages_it(world, login):
    """Staff of the table's own organisation (here Gemeente Assen) manage it."""
    t = make_tables(world, kind=Collective.Kind.COUNTRY_TABLE, country="Duitsland")
    t.table.organisation = world.gem_assen
    t.table.save()
    client = login(world.bob)
    page = client.get(reverse("collectives:table_page", args=[t.table.pk]))
    assert page.status_code == 200
    assert "binnen 15 werkdagen" in page.content.decode()
    assert login(world.charlie).get(page.request["PATH_INFO"]).status_code == 404
