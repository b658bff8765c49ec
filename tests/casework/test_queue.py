"""The work queue: my open cases by deadline, the team's, follow-ups and the inbox."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loket.casework import services
from loket.casework.models import Case
from tests import factories as f

QUEUE = reverse("casework:queue")


def _case(world, owner, org, **kw):
    company = kw.pop("company", None) or f.CompanyFactory(region=world.region)
    return f.CaseFactory(company=company, region=world.region, owner=owner, organisation=org, **kw)


def _end_of_today():
    return timezone.localtime().replace(hour=23, minute=59, second=59, microsecond=0)


def _rows(html: str) -> list[str]:
    body = html.split('id="mine-heading"', 1)[1].split("</table>", 1)[0]
    return body.split('<tr class="utrecht-table__row')[2:]


def test_it_redirects_an_anonymous_visitor_to_the_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_lists_my_open_cases_by_deadline_marking_the_late_ones(world, login):
    now = timezone.now()
    later = _case(world, world.alice, world.bureau, deadline=now + dt.timedelta(days=3))
    late = _case(world, world.alice, world.bureau, deadline=now - dt.timedelta(hours=2))
    today = _case(world, world.alice, world.bureau, deadline=_end_of_today())
    answered = _case(
        world,
        world.alice,
        world.bureau,
        deadline=now - dt.timedelta(days=5),
        first_response_at=now - dt.timedelta(days=6),
        status=Case.Status.IN_PROGRESS,
    )
    closed = _case(world, world.alice, world.bureau, status=Case.Status.CLOSED)
    someone_elses = _case(world, world.pam, world.bureau)

    html = login(world.alice).get(QUEUE).content.decode()
    rows = _rows(html)
    order = [c.reference for c in (late, today, later, answered)]
    assert [next(ref for ref in order if ref in row) for row in rows] == order
    late_row = rows[0]
    assert "loket-row--overdue" in late_row
    assert "te laat" in late_row, "overdue is said in words, not only in colour"
    assert "vandaag" in rows[1]
    assert "te laat" not in rows[2]
    assert "gereageerd" in rows[3]
    mine = html.split('id="mine-heading"', 1)[1].split("</section>", 1)[0]
    assert closed.reference not in mine
    assert someone_elses.reference not in mine


def test_a_team_lead_sees_the_open_cases_of_her_team(world, login):
    pams = _case(world, world.pam, world.bureau)
    pams_closed = _case(world, world.pam, world.bureau, status=Case.Status.CLOSED)
    html = login(world.alice).get(QUEUE).content.decode()
    team = html.split('id="team-heading"', 1)[1].split("</section>", 1)[0]
    assert pams.reference in team
    assert "Pam Programma" in team
    assert pams_closed.reference not in team


def test_a_case_worker_who_leads_no_team_sees_no_team_section(world, login):
    _case(world, world.alice, world.bureau)
    html = login(world.pam).get(QUEUE).content.decode()
    assert 'id="team-heading"' not in html


def test_it_lists_follow_ups_due_until_a_later_contact_is_recorded(world, login):
    company = f.CompanyFactory(region=world.region, name="Smederij Ten Have")
    yesterday = timezone.now() - dt.timedelta(days=1)
    services.record_contact(
        world.alice,
        company,
        kind="phone",
        summary="Terugbellen.",
        occurred_at=yesterday,
        follow_up_on=timezone.localdate(),
    )
    future = f.CompanyFactory(region=world.region, name="Toekomst B.V.")
    services.record_contact(
        world.alice,
        future,
        kind="phone",
        summary="Later.",
        follow_up_on=timezone.localdate() + dt.timedelta(days=7),
    )
    client = login(world.alice)
    section = client.get(QUEUE).content.decode().split('id="followup-heading"', 1)[1]
    section = section.split("</section>", 1)[0]
    assert "Smederij Ten Have" in section
    assert "Toekomst B.V." not in section

    # a colleague of the same organisation calls back: the follow-up is done
    services.record_contact(world.pam, company, kind="phone", summary="Teruggebeld.")
    section = client.get(QUEUE).content.decode().split('id="followup-heading"', 1)[1]
    assert "Smederij Ten Have" not in section.split("</section>", 1)[0]


def test_a_partner_without_cases_sees_the_inbox_of_her_organisation(
    world, login, referral, django_capture_on_commit_callbacks
):
    html = login(world.bob).get(QUEUE).content.decode()
    assert 'id="mine-heading"' not in html
    assert "1 nieuwe verwijzing in de inbox" in html
    inbox = html.split('id="inbox-heading"', 1)[1].split("</section>", 1)[0]
    assert reverse("casework:referral_detail", args=[referral.pk]) in inbox
    assert "Bakkerij De Vries" in inbox
    assert "Programmabureau IBDO" in inbox
    # once accepted it is no longer new
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_referral(world.bob, referral)
    html = login(world.bob).get(QUEUE).content.decode()
    assert "0 nieuwe verwijzingen in de inbox" in html


def test_the_queue_of_another_organisation_shows_nothing_of_mine(world, login, referral):
    html = login(world.charlie).get(QUEUE).content.decode()
    assert "Bakkerij De Vries" not in html
    assert "0 nieuwe verwijzingen" in html


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(QUEUE).status_code == 200
    return len(ctx.captured_queries)


def test_the_queue_runs_a_constant_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.alice)
    for _ in range(2):
        _case(world, world.alice, world.bureau)
        _case(world, world.pam, world.bureau)
    small = _count_queries(client)
    for _ in range(30):
        company = f.CompanyFactory(region=world.region)
        _case(world, world.alice, world.bureau, company=company)
        _case(world, world.pam, world.bureau, company=company)
        f.ContactMomentFactory(
            company=company,
            author=world.alice,
            organisation=world.bureau,
            occurred_at=timezone.now() - dt.timedelta(days=2),
            follow_up_on=timezone.localdate(),
        )
        f.ReferralFactory(
            case=_case(world, world.pam, world.bureau, company=company),
            to_organisation=world.bureau,
            from_organisation=world.gem_assen,
        )
    assert _count_queries(client) == small
    with django_assert_max_num_queries(12):
        client.get(QUEUE)
