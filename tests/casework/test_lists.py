"""Lists of cases, referrals and contact moments: filters, sorting, pagination, exports of
the filtered set, visibility, and a number of queries that does not grow with the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from loket.casework import services
from loket.casework.models import Case
from loket.core.models import Need, Theme
from tests import factories as f

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
CASES = reverse("casework:case_list")
REFERRALS = reverse("casework:referral_list")
INBOX = reverse("casework:referral_inbox")
CONTACTS = reverse("casework:contact_list")


def _refs(response) -> list[str]:
    """The case references in the table body, in order."""
    import re

    body = response.content.decode().split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r">(HV-[\w-]+)<", body)


def _csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


@pytest.fixture
def cases(world):
    """Five cases that differ in every filtered property."""
    now = timezone.now()
    assen = f.CompanyFactory(region=world.region, name="Assen Metaal")
    emmen = f.CompanyFactory(region=world.region, name="Emmer Bakkerij")
    finance = (
        Theme.objects.get(slug="financiering")
        if Theme.objects.filter(slug="financiering").exists()
        else Theme.objects.first()
    )
    made = {
        "late": f.CaseFactory(
            company=assen,
            region=world.region,
            owner=world.alice,
            organisation=world.bureau,
            reference="HV-T-LATE",
            channel="phone",
            opened_at=dt.datetime(2026, 10, 1, 10, tzinfo=AMS),
            deadline=now - dt.timedelta(days=1),
        ),
        "answered": f.CaseFactory(
            company=assen,
            region=world.region,
            owner=world.pam,
            organisation=world.bureau,
            reference="HV-T-ANSWERED",
            channel="web",
            status=Case.Status.IN_PROGRESS,
            opened_at=dt.datetime(2026, 10, 15, 10, tzinfo=AMS),
            deadline=now - dt.timedelta(days=1),
            first_response_at=now - dt.timedelta(days=2),
        ),
        "closed": f.CaseFactory(
            company=emmen,
            region=world.region,
            owner=world.alice,
            organisation=world.bureau,
            reference="HV-T-CLOSED",
            channel="email",
            status=Case.Status.CLOSED,
            opened_at=dt.datetime(2026, 9, 1, 10, tzinfo=AMS),
            deadline=now,
        ),
        "fresh": f.CaseFactory(
            company=emmen,
            region=world.region,
            owner=world.pam,
            organisation=world.bureau,
            reference="HV-T-FRESH",
            channel="phone",
            opened_at=dt.datetime(2026, 11, 20, 10, tzinfo=AMS),
            deadline=now + dt.timedelta(days=2),
            question='=HYPERLINK("http://evil")',
        ),
        "twente": f.CaseFactory(
            company=f.CompanyFactory(region=world.other_region, name="Twentse Weverij"),
            region=world.other_region,
            owner=world.olga,
            organisation=world.twente_bureau,
            reference="HV-T-TWENTE",
        ),
    }
    made["fresh"].themes.add(finance)
    made["theme"] = finance
    return made


# --- cases -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"HV-T-LATE", "HV-T-ANSWERED", "HV-T-CLOSED", "HV-T-FRESH"}),
        ("?status=new", {"HV-T-LATE", "HV-T-FRESH"}),
        ("?status=new&status=closed", {"HV-T-LATE", "HV-T-FRESH", "HV-T-CLOSED"}),
        ("?open=true", {"HV-T-LATE", "HV-T-ANSWERED", "HV-T-FRESH"}),
        ("?open=false", {"HV-T-CLOSED"}),
        ("?channel=phone", {"HV-T-LATE", "HV-T-FRESH"}),
        ("?overdue=true", {"HV-T-LATE"}),
        ("?overdue=false", {"HV-T-ANSWERED", "HV-T-CLOSED", "HV-T-FRESH"}),
        ("?opened_from=01-10-2026&opened_to=15-10-2026", {"HV-T-LATE", "HV-T-ANSWERED"}),
        ("?opened_from=2026-10-02", {"HV-T-ANSWERED", "HV-T-FRESH"}),
        ("?opened_to=01-09-2026", {"HV-T-CLOSED"}),
    ],
)
def test_the_case_list_filters(world, login, cases, query, expected):
    response = login(world.alice).get(CASES + query)
    assert response.status_code == 200
    assert set(_refs(response)) == expected


def test_the_case_list_filters_by_owner_and_theme(world, login, cases):
    client = login(world.alice)
    assert set(_refs(client.get(f"{CASES}?owner={world.pam.pk}"))) == {
        "HV-T-ANSWERED",
        "HV-T-FRESH",
    }
    assert _refs(client.get(f"{CASES}?theme={cases['theme'].pk}")) == ["HV-T-FRESH"]


def test_the_case_list_marks_overdue_cases_in_words(world, login, cases):
    html = login(world.alice).get(CASES + "?overdue=true").content.decode()
    assert "loket-row--overdue" in html
    assert "te laat" in html


def test_the_case_list_sorts_by_a_whitelisted_key_only(world, login, cases):
    client = login(world.alice)
    assert _refs(client.get(CASES)) == ["HV-T-FRESH", "HV-T-ANSWERED", "HV-T-LATE", "HV-T-CLOSED"]
    assert _refs(client.get(CASES + "?sorteer=opened")) == [
        "HV-T-CLOSED",
        "HV-T-LATE",
        "HV-T-ANSWERED",
        "HV-T-FRESH",
    ]
    by_company = _refs(client.get(CASES + "?sorteer=company"))
    assert by_company[:2] == ["HV-T-LATE", "HV-T-ANSWERED"]  # Assen Metaal first
    # anything else gives the default order, never an error
    for garbage in ("password", "-owner__password", "company__name;DROP", "%00"):
        response = client.get(CASES + "?sorteer=" + garbage)
        assert response.status_code == 200
        assert _refs(response) == _refs(client.get(CASES))


def test_the_case_list_paginates_keeping_the_filters(world, login):
    company = f.CompanyFactory(region=world.region)
    for i in range(15):
        f.CaseFactory(
            company=company,
            region=world.region,
            owner=world.alice,
            organisation=world.bureau,
            reference=f"HV-P-{i:03d}",
            channel="web",
        )
    client = login(world.alice)
    first = client.get(CASES + "?channel=web&per_pagina=10")
    assert len(_refs(first)) == 10
    html = first.content.decode()
    assert "channel=web&amp;per_pagina=10&amp;pagina=2" in html
    second = client.get(CASES + "?channel=web&per_pagina=10&pagina=2")
    assert len(_refs(second)) == 5
    assert not set(_refs(first)) & set(_refs(second))
    assert "15 resultaten" in second.content.decode()


def test_a_partner_lists_only_cases_of_companies_of_her_organisation(world, login, cases, referral):
    assert _refs(login(world.bob).get(CASES)) == [referral.case.reference]
    assert _refs(login(world.charlie).get(CASES)) == []
    assert _refs(login(world.olga).get(CASES)) == ["HV-T-TWENTE"]


def test_the_case_export_holds_the_whole_filtered_set(world, login, cases):
    company = f.CompanyFactory(region=world.region)
    for i in range(30):
        f.CaseFactory(
            company=company,
            region=world.region,
            owner=world.alice,
            organisation=world.bureau,
            reference=f"HV-E-{i:03d}",
            channel="event",
        )
    client = login(world.alice)
    response = client.get(CASES + "?channel=event&per_pagina=10&pagina=2&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "hulpvragen-" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][0] == "Kenmerk"
    assert len(rows) == 31, "every matching case, not one page"
    assert {r[0] for r in rows[1:]} == {f"HV-E-{i:03d}" for i in range(30)}


def test_the_case_export_defuses_formulas_and_writes_dutch_dates(world, login, cases):
    rows = _csv(login(world.alice).get(CASES + "?export=csv&sorteer=opened"))
    fresh = next(r for r in rows if r[0] == "HV-T-FRESH")
    header = rows[0]
    assert fresh[header.index("Vraag")].startswith("'=HYPERLINK")
    assert fresh[header.index("Ontvangen")] == "20-11-2026 10:00"
    assert fresh[header.index("Thema's")] == cases["theme"].name_nl
    late = next(r for r in rows if r[0] == "HV-T-LATE")
    assert late[header.index("Te laat")] == "ja"


def test_the_case_export_as_xlsx(world, login, cases):
    response = login(world.alice).get(CASES + "?status=new&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Kenmerk"
    assert {row[0] for row in values[1:]} == {"HV-T-LATE", "HV-T-FRESH"}
    fresh = next(row for row in values if row[0] == "HV-T-FRESH")
    assert fresh[values[0].index("Vraag")].startswith("'=")
    assert fresh[values[0].index("Ontvangen")] == dt.datetime(2026, 11, 20, 10, 0)


# --- referrals -------------------------------------------------------------------------


@pytest.fixture
def referrals(world, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        to_assen = services.refer(
            world.alice, case, to_organisation=world.gem_assen, message="Assen graag"
        )
        to_emmen = services.refer(
            world.alice, case, to_organisation=world.gem_emmen, message="Emmen graag"
        )
        services.accept_referral(world.charlie, to_emmen)
    other = services.open_case(
        world.alice,
        f.CompanyFactory(region=world.region, name="Ander Bedrijf"),
        channel="web",
        question="Andere vraag",
    )
    proposal = services.refer(
        world.alice, other, to_organisation=world.gem_assen, message="Voorstel", send=False
    )
    return {"assen": to_assen, "emmen": to_emmen, "proposal": proposal}


def _referral_ids(response) -> set[int]:
    import re

    body = response.content.decode().split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return {int(pk) for pk in re.findall(r'href="/werk/verwijzingen/(\d+)/"', body)}


def test_the_referral_list_filters_by_status_and_organisations(world, login, referrals):
    client = login(world.alice)
    ids = {k: v.pk for k, v in referrals.items()}
    assert _referral_ids(client.get(REFERRALS)) == set(ids.values())
    assert _referral_ids(client.get(REFERRALS + "?status=accepted")) == {ids["emmen"]}
    assert _referral_ids(client.get(f"{REFERRALS}?to_organisation={world.gem_assen.pk}")) == {
        ids["assen"],
        ids["proposal"],
    }
    assert _referral_ids(client.get(f"{REFERRALS}?from_organisation={world.gem_assen.pk}")) == set()
    assert _referral_ids(
        client.get(f"{REFERRALS}?from_organisation={world.bureau.pk}&status=sent")
    ) == {ids["assen"]}


def test_the_inbox_holds_what_was_sent_to_my_organisation_newest_first(
    world, login, referrals, django_capture_on_commit_callbacks
):
    later_case = services.open_case(
        world.alice, f.CompanyFactory(region=world.region), channel="web", question="Later"
    )
    with django_capture_on_commit_callbacks(execute=True):
        newest = services.refer(
            world.alice, later_case, to_organisation=world.gem_assen, message="Nieuwste"
        )
    html = login(world.bob).get(INBOX).content.decode()
    body = html.split("<tbody", 1)[1]
    assert body.index(f"/werk/verwijzingen/{newest.pk}/") < body.index(
        f"/werk/verwijzingen/{referrals['assen'].pk}/"
    )
    assert f"/werk/verwijzingen/{referrals['proposal'].pk}/" not in body, "not sent yet"
    assert f"/werk/verwijzingen/{referrals['emmen'].pk}/" not in body
    assert "2 nieuwe verwijzingen wachten op een reactie." in html
    assert _referral_ids(login(world.charlie).get(INBOX)) == {referrals["emmen"].pk}
    assert _referral_ids(login(world.charlie).get(INBOX + "?status=sent")) == set()
    assert _referral_ids(login(world.olga).get(INBOX)) == set()


def test_the_inbox_exports_as_csv(world, login, referrals):
    rows = _csv(login(world.bob).get(INBOX + "?export=csv"))
    assert len(rows) == 2
    assert rows[1][rows[0].index("Naar organisatie")] == "Gemeente Assen"
    assert rows[1][rows[0].index("Toelichting")] == "Assen graag"


# --- contact moments -------------------------------------------------------------------


@pytest.fixture
def moments(world, company, referral):
    needs = list(Need.objects.order_by("pk")[:2])
    theme = Theme.objects.order_by("pk").first()
    last_week = timezone.now() - dt.timedelta(days=7)
    made = {
        "intake": services.record_contact(
            world.alice,
            company,
            kind="intake",
            summary="Intake",
            needs=[needs[0]],
            occurred_at=last_week,
        ),
        "secret": services.record_contact(
            world.alice,
            company,
            kind="visit",
            summary="Geheim",
            confidential=True,
            themes=[theme],
        ),
        "bob": services.record_contact(
            world.bob,
            company,
            kind="phone",
            summary="Bob belde",
            needs=[needs[1]],
            follow_up_on=timezone.localdate() + dt.timedelta(days=3),
        ),
    }
    made.update(needs=needs, theme=theme, last_week=last_week)
    return made


def _moment_ids(response) -> set[int]:
    import re

    body = response.content.decode().split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return {int(pk) for pk in re.findall(r'href="/werk/contactmomenten/(\d+)/"', body)}


def test_confidential_contact_moments_are_listed_only_inside_the_organisation(
    world, login, moments
):
    m = moments
    assert _moment_ids(login(world.pam).get(CONTACTS)) == {
        m["intake"].pk,
        m["secret"].pk,
        m["bob"].pk,
    }
    assert _moment_ids(login(world.bob).get(CONTACTS)) == {m["intake"].pk, m["bob"].pk}
    rows = _csv(login(world.bob).get(CONTACTS + "?export=csv"))
    assert "Geheim" not in str(rows)
    assert _moment_ids(login(world.charlie).get(CONTACTS)) == set()


def test_the_contact_list_filters(world, login, moments):
    m = moments
    client = login(world.alice)
    day = timezone.localtime(m["last_week"]).strftime("%d-%m-%Y")
    cases = [
        ("?kind=intake", {m["intake"].pk}),
        (f"?organisation={world.gem_assen.pk}", {m["bob"].pk}),
        (f"?need={m['needs'][0].pk}", {m["intake"].pk}),
        (f"?theme={m['theme'].pk}", {m["secret"].pk}),
        (f"?occurred_from={day}&occurred_to={day}", {m["intake"].pk}),
        ("?follow_up=true", {m["bob"].pk}),
    ]
    for query, expected in cases:
        assert _moment_ids(client.get(CONTACTS + query)) == expected, query


def test_the_contact_export_lists_needs_and_marks_confidential(world, login, moments):
    rows = _csv(login(world.alice).get(CONTACTS + "?export=csv&sorteer=date"))
    header = rows[0]
    assert [r[header.index("Verslag")] for r in rows[1:]] == ["Intake", "Geheim", "Bob belde"]
    assert rows[1][header.index("Behoeften")] == moments["needs"][0].name_nl
    assert rows[2][header.index("Vertrouwelijk")] == "ja"


# --- query counts ----------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.fixture
def many(world, django_capture_on_commit_callbacks):
    """120 cases, contact moments and referrals over 12 companies."""
    theme = Theme.objects.first()
    need = Need.objects.first()
    companies = [f.CompanyFactory(region=world.region) for _ in range(12)]
    for i in range(120):
        company = companies[i % 12]
        case = f.CaseFactory(
            company=company,
            region=world.region,
            owner=world.alice if i % 2 else world.pam,
            organisation=world.bureau,
            reference=f"HV-M-{i:04d}",
        )
        case.themes.add(theme)
        moment = f.ContactMomentFactory(
            company=company,
            author=world.alice,
            organisation=world.bureau,
            case=case,
        )
        moment.needs.add(need)
        moment.themes.add(theme)
        f.ReferralFactory(
            case=case,
            to_organisation=world.gem_assen if i % 2 else world.gem_emmen,
            from_organisation=world.bureau,
            created_by=world.alice,
        )


QUERY_BUDGET = {CASES: 8, REFERRALS: 7, INBOX: 7, CONTACTS: 9}


@pytest.mark.parametrize("url", [CASES, REFERRALS, INBOX, CONTACTS])
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_list_page_runs_the_same_queries_at_10_and_100_rows(
    world, login, many, url, who, django_assert_num_queries
):
    client = login(getattr(world, who))
    small = _queries(client, url + "?per_pagina=10")
    response = client.get(url + "?per_pagina=100")
    rows = response.content.decode().count('<th scope="row"')
    expected = 0 if (who, url) == ("alice", INBOX) else (100 if who == "alice" else 60)
    assert rows == expected
    with django_assert_num_queries(small):
        client.get(url + "?per_pagina=100&pagina=1")
    # session, user, scope, count, page, prefetches, the filters' choices
    assert small <= QUERY_BUDGET[url]


@pytest.mark.parametrize("url", [CASES, REFERRALS, CONTACTS])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_runs_the_same_queries_for_60_or_120_rows(world, login, many, url, fmt):
    bobs = _queries(login(world.bob), url + f"?export={fmt}")  # 60 rows
    alices = _queries(login(world.alice), url + f"?export={fmt}")  # 120 rows
    assert alices == bobs
