"""The week screen (programmes:hours_week): the grid shows the week's entries, saving
creates, changes and clears cells all or nothing, problems come back on the cell or row
with the input kept, cap warnings after the save, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from loket.core.models import AuditEvent
from loket.programmes.models import HourEntry
from tests import factories as f
from tests.programmes.hours_factories import entry, fill, iso_week, last_monday, setup, week_ago

D = Decimal
URL = reverse("programmes:hours_week")


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def h(world):
    return setup(world)


def week(client, **params: Any):
    params.setdefault("week", iso_week(last_monday()))
    return client.get(URL, params)


def rows_of(response) -> list[dict[str, Any]]:
    """The grid as the browser would post it back unchanged."""
    out = []
    for form in response.context["formset"].forms:
        row = {}
        for name in form.fields:
            value = form[name].value()
            row[name] = "" if value is None else str(value).replace(".", ",")
        out.append(row)
    return out


def post(client, rows: list[dict[str, Any]], initial: int = 0, params: str = "", **extra: Any):
    data: dict[str, Any] = {
        "rij-TOTAL_FORMS": str(len(rows)),
        "rij-INITIAL_FORMS": str(initial),
        "rij-MIN_NUM_FORMS": "0",
        "rij-MAX_NUM_FORMS": "40",
        **extra,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"rij-{index}-{key}"] = value
    query = params or f"week={iso_week(last_monday())}"
    return client.post(f"{URL}?{query}", data)


def row(activity, target: str = "", **cells: Any) -> dict[str, Any]:
    out = {"activity_type": str(activity.pk), "target": target, "lookup": "", "note": ""}
    out.update({k: str(v) for k, v in cells.items()})
    return out


def company(c) -> str:
    return f"c{c.pk}"


def trajectory(t) -> str:
    return f"t{t.pk}"


def errors_of(response) -> list[list[str]]:
    return [
        [str(e) for e in form.non_field_errors()]
        + [str(e) for name in form.errors if name != "__all__" for e in form.errors[name]]
        for form in response.context["formset"].forms
    ]


# --- showing the week -------------------------------------------------------------------------


def test_the_week_shows_ones_own_entries_in_rows_and_totals(h, login):
    entry(h, h.sam, "2", date=week_ago(0), company=h.bakker, note="intake")
    entry(h, h.sam, "1.5", date=week_ago(2), company=h.bakker, note="intake")
    entry(
        h,
        h.sam,
        "3",
        date=week_ago(2),
        trajectory=h.running,
        company=h.bakker,
        activity_type=h.coaching,
    )
    entry(h, h.w.alice, "8", date=week_ago(1), company=h.bakker)  # someone else's
    entry(h, h.sam, "4", date=week_ago(-7))  # the week before
    response = week(login(h.sam))
    assert response.status_code == 200
    rows = rows_of(response)
    assert rows[0]["target"] == company(h.bakker)
    assert rows[0]["note"] == "intake"
    assert (rows[0]["d0"], rows[0]["d2"], rows[0]["d1"]) == ("2", "1,5", "")
    assert rows[1]["target"] == trajectory(h.running)
    assert rows[1]["d2"] == "3"
    assert all(r["activity_type"] == "" for r in rows[2:])  # empty rows to add lines
    assert len(rows) == 2 + 5
    assert response.context["day_totals"][:3] == [D("2"), D("0"), D("4.5")]
    assert response.context["week_total"] == D("6.50")
    html = response.content.decode()
    assert "Uren week" in html
    assert "Nieuwe oven" in html
    assert f"week={iso_week(week_ago(-7))}" in html
    assert f"week={iso_week(week_ago(7))}" in html


def test_future_days_are_not_open_for_input(h, login):
    today = timezone.localdate()
    response = login(h.sam).get(URL)  # this week
    rows = response.context["formset"].forms
    for index in range(7):
        day = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=index)
        disabled = rows[0].fields[f"d{index}"].widget.attrs.get("disabled")
        assert bool(disabled) == (day > today)


def test_garbage_week_and_programme_parameters(h, login):
    client = login(h.sam)
    for value in ("abc", "2026-W99", "0000-W01", "9999-W10", "2026-W00", "x" * 500):
        assert client.get(URL, {"week": value}).status_code == 200
    assert client.get(URL, {"programme": "abc"}).status_code == 404
    assert client.get(URL, {"programme": "99999999999999999999999"}).status_code == 404
    foreign = f.ProgrammeFactory(region=h.w.other_region, organisations=[h.w.twente_bureau])
    assert client.get(URL, {"programme": foreign.pk}).status_code == 404
    assert client.get(URL, {"programme": h.other.pk}).context["programme"] == h.other


def test_someone_without_an_executing_organisation_is_told_so(h, login):
    response = login(h.w.charlie).get(URL)
    assert response.status_code == 200
    assert "geen van uw organisaties voert een programma uit" in response.content.decode()
    assert login(h.w.charlie).post(URL, {}).status_code == 200  # nothing to save


@pytest.mark.parametrize("rows_count", [1, 12])
def test_the_week_runs_a_constant_number_of_queries(
    h, login, rows_count, django_assert_num_queries
):
    others = [f.CompanyFactory(region=h.w.region) for _ in range(rows_count)]
    for index, other in enumerate(others):
        entry(h, h.sam, "1", date=week_ago(index % 5), company=other, note=str(index))
        entry(
            h, h.sam, "1", date=week_ago(0), trajectory=h.running, company=h.bakker, note=str(index)
        )
    client = login(h.sam)
    week(client)
    # session, user, memberships, programmes, entries, trajectories, recent companies
    # (ids, rows), activity types, executing organisations, organisations
    with django_assert_num_queries(11):
        response = week(client)
    assert len(response.context["formset"].forms) == 2 * rows_count + 5


# --- saving the week ----------------------------------------------------------------------------


def test_saving_creates_changes_and_clears_cells(h, login):
    kept = entry(h, h.sam, "2", date=week_ago(0), company=h.bakker)
    cleared = entry(h, h.sam, "1", date=week_ago(1), company=h.bakker)
    client = login(h.sam)
    rows = rows_of(week(client))
    rows[0].update(d0="2,5", d1="", d3="1:30")
    rows[1].update(row(h.talk, d4="3", d5="0,75"), note="werkbezoek")
    response = post(client, rows, initial=1)
    assert response.status_code == 302, errors_of(response)
    mine = {(e.date, e.company_id, e.note): e.hours for e in HourEntry.objects.filter(user=h.sam)}
    assert mine == {
        (week_ago(0), h.bakker.pk, ""): D("2.50"),
        (week_ago(3), h.bakker.pk, ""): D("1.50"),
        (week_ago(4), None, "werkbezoek"): D("3.00"),
        (week_ago(5), None, "werkbezoek"): D("0.75"),
    }
    assert HourEntry.objects.get(pk=kept.pk).hours == D("2.50")
    assert not HourEntry.objects.filter(pk=cleared.pk).exists()
    page = client.get(response["Location"])
    assert "Opgeslagen: 3 nieuw, 1 gewijzigd, 1 verwijderd." in page.content.decode()
    assert page.context["week_total"] == D("7.75")


def test_changing_a_rows_company_moves_all_its_entries(h, login):
    entry(h, h.sam, "2", date=week_ago(0), company=h.bakker)
    entry(h, h.sam, "3", date=week_ago(1), company=h.bakker)
    client = login(h.sam)
    rows = rows_of(week(client))
    rows[0].update(target="", lookup="23456789")  # smid by KvK number
    response = post(client, rows, initial=1)
    assert response.status_code == 302, errors_of(response)
    assert set(HourEntry.objects.values_list("company_id", flat=True)) == {h.smid.pk}
    events = AuditEvent.objects.filter(object_type="programmes.hourentry", action="change")
    assert {e.company_id for e in events} == {h.smid.pk, h.bakker.pk}


def test_a_company_found_by_name_and_a_trajectory_participant(h, login):
    client = login(h.sam)
    rows = [
        row(h.talk, lookup="bakkerij de brink", d0="1"),
        row(h.coaching, trajectory(h.running), lookup="Smederij Smid", d1="2"),
    ]
    response = post(client, rows)
    assert response.status_code == 302, errors_of(response)
    saved = {(e.company_id, e.trajectory_id) for e in HourEntry.objects.all()}
    assert saved == {(h.bakker.pk, None), (h.smid.pk, h.running.pk)}


def test_a_row_over_the_cap_is_blocked_nothing_is_saved_and_the_input_stays(h, login):
    fill(h, h.bakker, "20", h.running)
    client = login(h.sam)
    rows = [
        row(h.coaching, trajectory(h.running), d0="2", d1="2", d2="1"),
        row(h.talk, company(h.smid), d0="1"),
    ]
    response = post(client, rows)
    assert response.status_code == 422
    assert not HourEntry.objects.filter(user=h.sam).exists()
    message = (
        "Niet opgeslagen: voor Bakkerij De Brink geldt een maximum van 24 uur op trajecten "
        "van de regeling Innovatietraject. Er is al 20 uur geregistreerd; met deze uren komt "
        "het totaal op 25 uur."
    )
    assert message in errors_of(response)[0][0]
    assert errors_of(response)[1] == []
    kept = rows_of(response)
    assert (kept[0]["d0"], kept[0]["d2"], kept[1]["d0"]) == ("2", "1", "1")
    html = response.content.decode()
    assert message in html
    assert "Vraag toestemming voor meer uren" in html
    url = reverse("programmes:cap_override_create", args=[h.programme.pk])
    assert f"{url}?bedrijf={h.bakker.pk}&amp;regeling={h.scheme.pk}" in html
    # within the cap: saved, with the warning after it
    rows[0].update(d2="")
    response = post(client, rows)
    assert response.status_code == 302, errors_of(response)
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "Let op: voor Bakkerij De Brink is nu 24 van de 24 uur" in text
    assert page.context["week_total"] == D("5.00")


# --- garbage in the grid ---------------------------------------------------------------

FUTURE = "future"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"d0": "abc"}, "d0"),
        ({"d0": "25"}, "d0"),
        ({"d0": "-1"}, "d0"),
        ({"d0": "0,1"}, "d0"),
        ({"d0": "1,3"}, "d0"),
        ({"d0": "1e400"}, "d0"),
        ({"d0": "NaN"}, "d0"),
        ({"d0": "1:75"}, "d0"),
        ({"d0": "1,2,3"}, "d0"),
        ({"d0": "9" * 50}, "d0"),
        ({"activity_type": ""}, "activity_type"),
        ({"activity_type": "abc"}, "activity_type"),
        ({"activity_type": "other_talk"}, "activity_type"),
        ({"activity_type": "99999999999999999999999"}, "activity_type"),
        ({"target": "c999999"}, "target"),
        ({"target": "twente_co"}, "target"),
        ({"target": "withdrawn"}, "target"),
        ({"target": "applied"}, "target"),
        ({"target": "t99999999999999999999999"}, "target"),
        ({"target": "x1"}, "target"),
        ({"lookup": "34567890"}, "lookup"),
        ({"lookup": "Twentse Textiel"}, "lookup"),
        ({"lookup": "Bestaat Niet"}, "lookup"),
        ({"target": "bakker", "lookup": "23456789"}, "lookup"),
        ({"target": "running", "lookup": "stranger"}, "lookup"),
        ({"note": "x" * 501}, "note"),
        ({"note": "nul\x00byte"}, "note"),
        ({"e0": "abc"}, "e0"),
        ({"e0": "99999999"}, "d0"),
        ({"e0": "alice_entry"}, "d0"),
        ({"e0": "99999999999999999999999"}, "e0"),
    ],
)
def test_garbage_in_a_cell_or_row_is_refused_there_and_nothing_is_saved(h, login, changes, field):
    alice_entry = entry(h, h.w.alice, "2", date=week_ago(0))
    stranger = f.CompanyFactory(region=h.w.region, name="Niet deelnemend", kvk_number="45678901")
    named = {
        "other_talk": str(h.other_talk.pk),
        "twente_co": company(h.twente_co),
        "withdrawn": trajectory(h.withdrawn),
        "applied": trajectory(h.applied),
        "running": trajectory(h.running),
        "bakker": company(h.bakker),
        "stranger": stranger.kvk_number,
        "alice_entry": str(alice_entry.pk),
    }
    bad = row(h.talk, d0="1")
    bad.update({k: named.get(v, v) for k, v in changes.items()})
    client = login(h.sam)
    response = post(client, [row(h.talk, company(h.bakker), d1="2"), bad])
    assert response.status_code == 422
    form = response.context["formset"].forms[1]
    assert field in form.errors, form.errors
    assert response.context["formset"].forms[0].errors == {}
    assert not HourEntry.objects.filter(user=h.sam).exists()
    assert HourEntry.objects.get(pk=alice_entry.pk).hours == D("2")


def test_a_day_in_the_future_or_outside_the_programme_is_refused_at_its_cell(h, login):
    client = login(h.sam)
    today = timezone.localdate()
    next_monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
    response = post(client, [row(h.talk, d2="2")], params=f"week={iso_week(next_monday)}")
    assert response.status_code == 422
    assert "ligt in de toekomst" in " ".join(response.context["formset"].forms[0].errors["d2"])
    before = f"week={iso_week(dt.date(2024, 12, 30))}"  # Mon 30-12-2024 .. Sun 05-01-2025
    response = post(client, [row(h.talk, d0="2", d3="1")], params=before)
    assert response.status_code == 422
    errors = response.context["formset"].forms[0].errors
    assert "valt buiten de looptijd" in " ".join(errors["d0"])
    assert "d3" not in errors
    assert not HourEntry.objects.exists()


def test_a_new_row_without_hours_is_refused_unless_it_names_only_a_company(h, login):
    client = login(h.sam)
    response = post(
        client,
        [row(h.talk, company(h.bakker), d0="1"), row(h.coaching, note="vergeten")],
    )
    assert response.status_code == 422
    assert errors_of(response)[1] == ["Vul bij minstens één dag uren in, of maak de regel leeg."]
    assert not HourEntry.objects.exists()
    response = post(
        client,
        [
            row(h.talk, company(h.bakker), d0="1"),
            {**row(h.talk, company(h.smid)), "activity_type": ""},
        ],
    )
    assert response.status_code == 302, errors_of(response)
    assert HourEntry.objects.count() == 1


def test_a_row_prefilled_from_a_trajectory(h, login):
    client = login(h.sam)
    response = week(client, traject=h.running.pk)
    assert rows_of(response)[0]["target"] == trajectory(h.running)
    response = week(client, bedrijf=h.smid.pk)
    assert rows_of(response)[0]["target"] == company(h.smid)
    assert week(client, bedrijf=h.twente_co.pk).context["formset"].forms[0]["target"].value() in (
        None,
        "",
    )


def test_more_rows_than_allowed_is_refused(h, login):
    response = post(login(h.sam), [row(h.talk, d0="0,25")] * 41)
    assert response.status_code == 422
    assert not HourEntry.objects.exists()


def test_a_broken_management_form_is_no_500(h, login):
    client = login(h.sam)
    response = client.post(f"{URL}?week={iso_week(last_monday())}", {"rij-TOTAL_FORMS": "abc"})
    assert response.status_code == 422
    assert not HourEntry.objects.exists()


def test_someone_working_for_two_executing_organisations_chooses(h, login):
    f.MembershipFactory(user=h.sam, organisation=h.w.gem_assen, role="partner")
    client = login(h.sam)
    assert week(client).context["week_form"] is not None
    response = post(client, [row(h.talk, d0="1")], organisation=str(h.w.gem_assen.pk))
    assert response.status_code == 302, errors_of(response)
    assert HourEntry.objects.get().organisation == h.w.gem_assen
    response = post(client, [row(h.talk, d1="1")], organisation=str(h.w.gem_emmen.pk))
    assert response.status_code == 422
    assert "organisation" in response.context["week_form"].errors
