"""The hour list (filters, pagination, export, query counts), changing and deleting one
entry, and the page for more hours than a company's cap."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from loket.programmes.models import CapOverride, HourEntry
from tests import factories as f
from tests.programmes.hours_factories import entry, setup, week_ago

D = Decimal
LIST = reverse("programmes:hour_list")


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def h(world):
    return setup(world)


def edit_url(e):
    return reverse("programmes:hour_edit", args=[e.pk])


def delete_url(e):
    return reverse("programmes:hour_delete", args=[e.pk])


def override_url(h, **params):
    url = reverse("programmes:cap_override_create", args=[h.programme.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def listed(response):
    return list(response.context["page"].object_list)


# --- the list -----------------------------------------------------------------------------


def test_one_sees_ones_own_hours_a_manager_everyones(h, login):
    mine = entry(h, h.sam, "2", company=h.bakker)
    theirs = entry(h, h.w.alice, "3", date=week_ago(1))
    foreign = f.HourEntryFactory(
        programme=f.ProgrammeFactory(region=h.w.other_region), user=h.w.olga
    )
    assert listed(login(h.sam).get(LIST)) == [mine]
    assert set(listed(login(h.w.pam).get(LIST))) == {mine, theirs}
    assert listed(login(h.w.olga).get(LIST)) == [foreign]
    assert listed(login(h.w.charlie).get(LIST)) == []
    page = login(h.w.pam).get(LIST).content.decode()
    assert edit_url(mine) not in page  # a manager sees, but changes only her own


def test_filters_and_total(h, login):
    entry(h, h.w.alice, "2", date=dt.date(2025, 3, 3), company=h.bakker)
    entry(h, h.w.alice, "3", date=dt.date(2025, 4, 7), company=h.smid, activity_type=h.coaching)
    entry(h, h.sam, "4", date=dt.date(2025, 4, 8), company=h.smid)
    client = login(h.w.pam)
    get = lambda **p: client.get(LIST, p)  # noqa: E731
    assert len(listed(get(date_from="2025-04-01"))) == 2
    assert len(listed(get(date_to="2025-03-31"))) == 1
    assert len(listed(get(user=h.sam.pk))) == 1
    assert len(listed(get(activity_type=h.coaching.pk))) == 1
    assert len(listed(get(company="smederij"))) == 2
    assert len(listed(get(company="1234 5678"))) == 1
    assert len(listed(get(programme=h.other.pk))) == 0
    response = get(company="smid")
    assert response.context["total"] == D("7.00")
    assert "samen 7 uur" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "morgen"},
        {"date_to": "0001-01-01"},
        {"user": "abc"},
        {"user": "99999999999999999999999"},
        {"programme": "-1"},
        {"activity_type": "1e10"},
        {"company": "x" * 300},
        {"sorteer": "hack"},
        {"pagina": "999"},
        {"per_pagina": "100000"},
        {"export": "pdf"},
    ],
)
def test_garbage_filters_are_no_500(h, login, params):
    entry(h, h.sam, "2")
    response = login(h.sam).get(LIST, params)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(h, login, count, django_assert_num_queries):
    for i in range(count):
        entry(
            h,
            f.UserFactory(),
            "1",
            date=dt.date(2025, 3, 1) + dt.timedelta(days=i),
            company=h.bakker,
            trajectory=h.running,
        )
    client = login(h.w.pam)
    client.get(LIST)
    # session, user, memberships, count, page, total, the choices of programme, person
    # and activity
    with django_assert_num_queries(9):
        response = client.get(LIST, {"per_pagina": 100})
    assert len(listed(response)) == count


def test_the_export_holds_the_whole_selection(h, login, django_assert_max_num_queries):
    for i in range(30):
        entry(h, h.sam, "1.25", date=dt.date(2025, 3, 1) + dt.timedelta(days=i), company=h.bakker)
    client = login(h.sam)
    client.get(LIST)
    with django_assert_max_num_queries(5):
        response = client.get(LIST, {"export": "csv", "per_pagina": 10})
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0][:3] == ["Datum", "Medewerker", "Organisatie"]
    assert len(rows) == 31
    assert rows[1][0] == "30-03-2025"
    assert rows[1][5] == "Bakkerij De Brink"
    assert rows[1][8] == "1,25"
    xlsx = client.get(LIST, {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


# --- one entry ----------------------------------------------------------------------------


def test_changing_an_entry_rechecks_the_cap(h, login):
    f.UserFactory()
    mine = entry(h, h.sam, "2", company=h.bakker, trajectory=h.running)
    entry(h, h.w.alice, "20", date=dt.date(2025, 3, 3), company=h.bakker, trajectory=h.running)
    client = login(h.sam)
    assert client.get(edit_url(mine)).status_code == 200
    data = {
        "date": week_ago(0).isoformat(),
        "activity_type": str(h.talk.pk),
        "target": f"t{h.running.pk}",
        "lookup": "",
        "hours": "4,25",
        "note": "",
    }
    response = client.post(edit_url(mine), data)
    assert response.status_code == 422
    assert "met deze uren komt het totaal op 24,25 uur" in " ".join(
        response.context["form"].errors["hours"]
    )
    assert "Vraag toestemming voor meer uren" in response.content.decode()
    assert HourEntry.objects.get(pk=mine.pk).hours == D("2")
    response = client.post(edit_url(mine), {**data, "hours": "4", "note": "demo"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.hours, mine.note) == (D("4"), "demo")
    page = client.get(response["Location"]).content.decode()
    assert "Let op: voor Bakkerij De Brink is nu 24 van de 24 uur" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": "31-02-2026"}, "date"),
        ({"date": "9999-12-31"}, "date"),
        ({"date": "2099-01-01"}, "date"),
        ({"date": "2024-12-31"}, "date"),
        ({"hours": ""}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": "25"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": "0,1"}, "hours"),
        ({"activity_type": "abc"}, "activity_type"),
        ({"activity_type": "other"}, "activity_type"),
        ({"target": "withdrawn"}, "target"),
        ({"target": "c99999999999999999999"}, "target"),
        ({"lookup": "34567890"}, "lookup"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_garbage_on_one_entry_is_refused_on_its_field(h, login, changes, field):
    mine = entry(h, h.sam, "2", company=h.bakker)
    named = {"other": str(h.other_talk.pk), "withdrawn": f"t{h.withdrawn.pk}"}
    data = {
        "date": week_ago(0).isoformat(),
        "activity_type": str(h.talk.pk),
        "target": f"c{h.bakker.pk}",
        "lookup": "",
        "hours": "3",
        "note": "",
    }
    data.update({k: named.get(v, v) for k, v in changes.items()})
    response = login(h.sam).post(edit_url(mine), data)
    assert response.status_code == 422
    assert field in response.context["form"].errors, response.context["form"].errors
    assert HourEntry.objects.get(pk=mine.pk).hours == D("2")


def test_others_entries_are_404_and_a_managers_403(h, login):
    theirs = entry(h, h.w.alice, "2", company=h.bakker)
    for who in (h.sam, h.w.bob, h.w.charlie, h.w.adam):
        client = login(who)
        assert client.get(edit_url(theirs)).status_code == 404
        assert client.post(delete_url(theirs)).status_code == 404
    client = login(h.w.pam)
    assert client.get(edit_url(theirs)).status_code == 403
    assert client.post(delete_url(theirs)).status_code == 403
    assert HourEntry.objects.filter(pk=theirs.pk).exists()


def test_deleting_ones_own_entry(h, login):
    mine = entry(h, h.sam, "2.5", company=h.bakker)
    client = login(h.sam)
    assert "2,5 uur Gesprekken" in client.get(delete_url(mine)).content.decode()
    response = client.post(delete_url(mine))
    assert response.status_code == 302
    assert not HourEntry.objects.exists()


# --- more hours -----------------------------------------------------------------------------


def test_a_manager_allows_more_hours_from_the_link_in_the_block(h, login):
    entry(h, h.w.alice, "20", date=dt.date(2025, 3, 3), company=h.bakker, trajectory=h.running)
    client = login(h.w.pam)
    url = override_url(h, bedrijf=h.bakker.pk, regeling=h.scheme.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["company"].value() == "12345678"
    assert page.context["usage"].total == D("20")
    response = client.post(
        url,
        {"company": "12345678", "scheme": str(h.scheme.pk), "extra_hours": "40", "reason": "Oven."},
    )
    assert response.status_code == 302
    override = CapOverride.objects.get()
    assert (override.company, override.scheme, override.extra_hours) == (
        h.bakker,
        h.scheme,
        D("40"),
    )
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "Bakkerij De Brink mag 40 uur meer. Het maximum is nu 64 uur." in text
    assert "Oven." in text


def test_others_see_whom_to_ask_and_may_not_post(h, login):
    for who in (h.sam, h.w.bob, h.w.alice):
        client = login(who)
        page = client.get(override_url(h, bedrijf=h.bakker.pk))
        assert page.status_code == 200
        assert "Vraag toestemming aan Pam Programma" in page.content.decode()
        response = client.post(
            override_url(h),
            {"company": "12345678", "scheme": "", "extra_hours": "8", "reason": "Meer."},
        )
        assert response.status_code == 403
    assert login(h.w.charlie).get(override_url(h)).status_code == 404
    assert not CapOverride.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"company": ""}, "company"),
        ({"company": "34567890"}, "company"),
        ({"company": "Onbekend"}, "company"),
        ({"scheme": "abc"}, "scheme"),
        ({"scheme": "99999999999999999999"}, "scheme"),
        ({"extra_hours": ""}, "extra_hours"),
        ({"extra_hours": "abc"}, "extra_hours"),
        ({"extra_hours": "-8"}, "extra_hours"),
        ({"extra_hours": "0,1"}, "extra_hours"),
        ({"extra_hours": "1000,25"}, "extra_hours"),
        ({"extra_hours": "2,1"}, "extra_hours"),
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
    ],
)
def test_garbage_permission_is_refused_on_its_field(h, login, changes, field):
    data = {
        "company": "12345678",
        "scheme": str(h.scheme.pk),
        "extra_hours": "8",
        "reason": "Oven.",
    }
    data.update(changes)
    response = login(h.w.pam).post(override_url(h), data)
    assert response.status_code == 422
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not CapOverride.objects.exists()
