"""Everything counts: the programme's event figures on a small data set counted by hand,
per quarter, with filters, in a constant number of queries; the reach page, its XLSX
and the API."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from loket.core.models import Theme
from loket.events import measures
from loket.events.models import Event, Registration
from tests import factories as f

PRESENT = Registration.Attendance.PRESENT
ABSENT = Registration.Attendance.ABSENT
H1 = (dt.date(2025, 1, 1), dt.date(2025, 6, 30))


def at(day: dt.date, hour: int = 15) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def data(world):
    """Companies A, B, C, D and five events of the programme (see the counts below):

    - E0 2024-11-15: D present (so D is known in 2025);
    - E1 2025-02-10 workshop, theme, Assen, co-organised by Gemeente Emmen: A, B, C and
      someone without a company present, D absent, one cancelled, one waiting;
      B had a contact moment on 2025-01-05 (known); C's case opened 2025-05-01 (after its
      first visit: still new);
    - E2 2025-05-20 webinar organised by Gemeente Assen: A, D and a viewer without a
      company present;
    - a cancelled event, a draft and an event of another programme in the range, with
      visitors, that do not count.
    """
    w = world
    programme = f.ProgrammeFactory(
        region=w.region, organisations=[w.bureau], starts_on=dt.date(2024, 1, 1)
    )
    other = f.ProgrammeFactory(region=w.region, organisations=[w.bureau])
    theme = Theme.objects.filter(active=True).first() or f.ThemeFactory()
    a, b, c, d = (f.CompanyFactory(region=w.region, name=n) for n in "ABCD")

    def event(day, **kw):
        kw.setdefault("programme", programme)
        kw.setdefault("organiser", w.bureau)
        return f.EventFactory(starts_at=at(day), ends_at=at(day, 17), **kw)

    def reg(ev, company, attendance=PRESENT, **kw):
        return f.RegistrationFactory(event=ev, company=company, attendance=attendance, **kw)

    e0 = event(dt.date(2024, 11, 15))
    reg(e0, d)
    e1 = event(
        dt.date(2025, 2, 10), kind=Event.Kind.WORKSHOP, municipality=w.assen, partners=[w.gem_emmen]
    )
    e1.themes.set([theme])
    for company in (a, b, c, None):
        reg(e1, company)
    reg(e1, d, ABSENT)
    reg(e1, a, Registration.Attendance.UNKNOWN, status=Registration.Status.CANCELLED)
    reg(e1, None, Registration.Attendance.UNKNOWN, status=Registration.Status.WAITING)
    f.ContactMomentFactory(
        company=b, author=w.alice, organisation=w.bureau, occurred_at=at(dt.date(2025, 1, 5))
    )
    f.CaseFactory(
        company=c, owner=w.alice, organisation=w.bureau, opened_at=at(dt.date(2025, 5, 1))
    )
    e2 = event(
        dt.date(2025, 5, 20),
        kind=Event.Kind.WEBINAR,
        online=True,
        organiser=w.gem_assen,
        partners=[w.bureau],
    )
    for company in (a, d, None):
        reg(e2, company, source=Registration.Source.WEBINAR)
    for ev in (
        event(dt.date(2025, 3, 1), status=Event.Status.CANCELLED),
        event(dt.date(2025, 6, 1), status=Event.Status.DRAFT),
        event(dt.date(2025, 4, 1), programme=other),
    ):
        reg(ev, f.CompanyFactory(region=w.region))
    return SimpleNamespace(programme=programme, theme=theme, a=a, b=b, c=c, d=d)


def figures(data, start, end, **filters):
    return measures.event_measures(data.programme, start, end, measures.Filters(**filters))


def test_the_first_half_year_counted_by_hand(data):
    assert figures(data, *H1) == measures.EventMeasures(
        events_held=2, registrations=8, visits=7, companies=4, new_companies=2, known_companies=2
    )


def test_per_quarter(data):
    rows, total = measures.programme_activity(data.programme, *H1)
    assert [row.label for row in rows] == ["2025 K1", "2025 K2"]
    assert rows[0].events == measures.EventMeasures(1, 5, 4, 3, 2, 1)
    # In the second quarter A is known: it came to the workshop in February.
    assert rows[1].events == measures.EventMeasures(1, 3, 3, 2, 0, 2)
    assert total.events == figures(data, *H1)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": Event.Kind.WEBINAR}, (1, 3, 3, 2, 0, 2)),
        ({"kind": Event.Kind.WORKSHOP}, (1, 5, 4, 3, 2, 1)),
        ({"kind": Event.Kind.CAFE}, (0, 0, 0, 0, 0, 0)),
        ({"municipality_id": "assen"}, (1, 5, 4, 3, 2, 1)),
        ({"organisation_id": "gem_assen"}, (1, 3, 3, 2, 0, 2)),  # organiser of the webinar
        ({"organisation_id": "gem_emmen"}, (1, 5, 4, 3, 2, 1)),  # co-organiser of E1
        ({"organisation_id": "bureau"}, (2, 8, 7, 4, 2, 2)),
    ],
)
def test_filters(world, data, filters, expected):
    resolved = {
        key: getattr(world, value).pk if isinstance(value, str) and key.endswith("_id") else value
        for key, value in filters.items()
    }
    assert tuple(figures(data, *H1, **resolved).as_dict().values()) == expected


def test_theme_filter(data):
    assert figures(data, *H1, theme_id=data.theme.pk).events_held == 1


def test_an_event_that_has_not_started_does_not_count(world, data):
    soon = timezone.now() + dt.timedelta(days=3)
    f.EventFactory(programme=data.programme, starts_at=soon, ends_at=soon + dt.timedelta(hours=1))
    today = timezone.localdate()
    assert figures(data, today, today + dt.timedelta(days=10)).events_held == 0


def test_a_constant_number_of_queries(world, data, django_assert_num_queries):
    with django_assert_num_queries(3):
        figures(data, *H1)
    for _ in range(5):
        ev = f.EventFactory(
            programme=data.programme,
            organiser=world.bureau,
            starts_at=at(dt.date(2025, 3, 3)),
            ends_at=at(dt.date(2025, 3, 3), 17),
        )
        for _ in range(3):
            f.RegistrationFactory(event=ev, company=f.CompanyFactory(region=world.region))
    with django_assert_num_queries(3):
        figures(data, *H1)


def test_quarters_are_clipped_to_the_range():
    found = measures.quarters(dt.date(2025, 2, 15), dt.date(2025, 7, 1))
    assert [(q.label, q.start, q.end) for q in found] == [
        ("2025 K1", dt.date(2025, 2, 15), dt.date(2025, 3, 31)),
        ("2025 K2", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ("2025 K3", dt.date(2025, 7, 1), dt.date(2025, 7, 1)),
    ]


# --- the page and the API ----------------------------------------------------------------


def _page(data):
    return reverse("events:programme_activity", args=[data.programme.pk])


def test_the_page_shows_the_figures_per_quarter(world, data, login):
    response = login(world.alice).get(_page(data), {"begin": "2025-01-01", "einde": "30-06-2025"})
    assert response.status_code == 200
    label, cells = response.context["rows"][0]
    assert (label, cells[:6]) == ("2025 K1", [1, 5, 4, 3, 2, 1])
    assert response.context["total"][:6] == [2, 8, 7, 4, 2, 2]
    html = response.content.decode()
    assert "Bereik per kwartaal" in html
    assert 'scope="col"' in html


def test_the_page_for_other_roles(world, data, login):
    assert login(world.bob).get(_page(data)).status_code == 404  # not in the programme
    assert login(world.charlie).get(_page(data)).status_code == 404
    assert login(world.pam).get(_page(data)).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"begin": "gisteren", "einde": "2025-06-30"},
        {"begin": "2025-06-30", "einde": "2025-01-01"},
        {"begin": "0001-01-01", "einde": "9999-12-31"},
        {"begin": "2000-01-01", "einde": "2025-01-01"},
        {"begin": "2025-01-01", "einde": "2025-06-30", "soort": "feest"},
        {"begin": "2025-01-01", "einde": "2025-06-30", "gemeente": str(2**70)},
        {"begin": "2025-01-01", "einde": "2025-06-30", "organisatie": "-1"},
        {"begin": "2025-01-01", "einde": "2025-06-30", "thema": "\x00"},
    ],
)
def test_garbage_filters_get_a_message_not_a_500(world, data, login, query):
    response = login(world.alice).get(_page(data), query)
    assert response.status_code == 422
    assert "utrecht-form-field--invalid" in response.content.decode()


def test_the_xlsx_download(world, data, login):
    from openpyxl import load_workbook

    response = login(world.alice).get(
        _page(data), {"begin": "2025-01-01", "einde": "2025-06-30", "export": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Periode", "Van", "Tot en met", "Evenementen gehouden")
    assert [row[0] for row in rows[1:]] == ["2025 K1", "2025 K2", "Totaal"]
    assert rows[3][3:9] == (2, 8, 7, 4, 2, 2)


def test_the_api(world, data):
    from django.test import Client

    from loket.accounts.models import ApiToken

    _token, raw = ApiToken.issue(world.alice, "t")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    url = f"/api/programmes/{data.programme.pk}/activity"
    body = client.get(url, {"start": "2025-01-01", "end": "2025-06-30"}).json()
    assert body["total"]["events"] == {
        "events_held": 2,
        "registrations": 8,
        "visits": 7,
        "companies": 4,
        "new_companies": 2,
        "known_companies": 2,
    }
    assert [q["label"] for q in body["quarters"]] == ["2025 K1", "2025 K2"]
    webinars = client.get(url, {"start": "2025-01-01", "end": "2025-06-30", "kind": "webinar"})
    assert webinars.json()["total"]["events"]["events_held"] == 1
    for bad in (
        {"start": "2025-06-30", "end": "2025-01-01"},
        {"start": "nu"},
        {"kind": "feest"},
        {"theme": "bestaat-niet"},
        {"municipality": world.other_region.pk + 10_000},
        {"organisation": 2**70},
        {"start": "1000-01-01", "end": "2025-01-01"},
    ):
        response = client.get(url, bad)
        assert response.status_code == 422, (bad, response.content)


def test_the_collective_instruments_count_along(world, data, login):
    table = f.CollectiveFactory(
        programme=data.programme, kind="financing_table", phase="", organisation=world.bureau
    )
    f.TableSessionFactory(collective=table, held_at=at(dt.date(2025, 2, 3)))
    f.TableSessionFactory(collective=table, held_at=at(dt.date(2025, 5, 3)))
    f.TableSessionFactory(collective=table, held_at=at(dt.date(2025, 5, 17)))
    rows, total = measures.programme_activity(data.programme, *H1)
    assert [row.collectives["table_sessions_held"] for row in rows] == [1, 2]
    assert total.collectives["table_sessions_held"] == 3
    response = login(world.alice).get(_page(data), {"begin": "2025-01-01", "einde": "2025-06-30"})
    assert "Tafelsessies gehouden" in response.content.decode()
    assert "Actieve clusters: verkennen" in response.content.decode()
