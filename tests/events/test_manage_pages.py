"""The staff's event pages: the list (filters, garbage filters, constant queries, CSV
and XLSX), create and edit with garbage refused at the field and nothing half-saved,
the event page with its registrations per role, publish and cancel as POST actions."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from loket.core.models import AuditEvent, Theme
from loket.events.models import Event, Registration
from tests import factories as f
from tests.events.manage_helpers import in_days, setup


@pytest.fixture
def data(world):
    return setup(world)


def _url(name, *args):
    return reverse(f"events:{name}", args=args)


def _event(world, data, **kw):
    kw.setdefault("programme", data.programme)
    kw.setdefault("organiser", world.bureau)
    kw.setdefault("partners", [world.gem_assen])
    return f.EventFactory(**kw)


def _post_data(world, data, **changes):
    values = {
        "programme": data.programme.pk,
        "kind": "network",
        "title": "Ondernemerscafé Assen",
        "description": "Ontmoet andere ondernemers.",
        "starts_at": in_days(21, 15).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": in_days(21, 17).strftime("%Y-%m-%dT%H:%M"),
        "venue": "TT Hall",
        "address": "De Haar 1, Assen",
        "municipality": world.assen.pk,
        "capacity": "40",
        "organiser": world.bureau.pk,
        "partners": [world.gem_assen.pk],
        "public": "on",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


# --- the list --------------------------------------------------------------------------


def test_the_list_filters_by_period_kind_theme_municipality_and_status(world, data, login):
    theme = Theme.objects.filter(active=True).first()
    cafe = _event(world, data, title="Innovatiecafé", kind="cafe", starts_at=in_days(3))
    cafe.themes.set([theme])
    _event(
        world,
        data,
        title="Webinar export",
        kind="webinar",
        online=True,
        address="",
        status=Event.Status.DRAFT,
        starts_at=in_days(40),
    )
    _event(
        world,
        data,
        title="Netwerk Emmen",
        municipality=world.emmen,
        starts_at=in_days(-30),
        ends_at=in_days(-30, 17),
    )
    _event(world, data, title="Afgelast", status=Event.Status.CANCELLED, starts_at=in_days(10))
    client = login(world.alice)

    def titles(params):
        response = client.get(_url("event_list"), params)
        assert response.status_code == 200
        return [row.title for row in response.context["page"].object_list]

    assert titles({}) == ["Webinar export", "Afgelast", "Innovatiecafé", "Netwerk Emmen"]
    assert titles({"kind": "cafe"}) == ["Innovatiecafé"]
    assert titles({"theme": theme.pk}) == ["Innovatiecafé"]
    assert titles({"municipality": world.emmen.pk}) == ["Netwerk Emmen"]
    assert titles({"status": "draft"}) == ["Webinar export"]
    start = in_days(0).date().isoformat()
    end = in_days(10).date().strftime("%d-%m-%Y")
    assert titles({"start": start, "end": end}) == ["Afgelast", "Innovatiecafé"]
    assert titles({"q": "webinar"}) == ["Webinar export"]
    assert titles({"sorteer": "title"}) == [
        "Afgelast",
        "Innovatiecafé",
        "Netwerk Emmen",
        "Webinar export",
    ]
    for params in (
        {"status": "kapot"},
        {"kind": "<script>"},
        {"theme": "abc"},
        {"municipality": "99999999999999999999999"},
        {"start": "31-02-2026", "end": "9999-01-01"},
        {"q": "x" * 500},
        {"q": "\x00"},
        {"pagina": "-1", "per_pagina": "x", "sorteer": "nonsense"},
    ):
        response = client.get(_url("event_list"), params)
        assert response.status_code == 200, params


def test_the_list_shows_only_events_the_user_sees(world, data, login):
    _event(world, data, title="Met Assen")
    _event(world, data, title="Met Emmen", partners=[world.gem_emmen])
    f.EventFactory(title="In Twente")
    assert [
        e.title for e in login(world.bob).get(_url("event_list")).context["page"].object_list
    ] == ["Met Assen"]
    assert login(world.olga).get(_url("event_list")).context["page"].paginator.count == 0


def test_the_list_runs_a_constant_number_of_queries(world, data, login):
    client = login(world.alice)
    theme = Theme.objects.filter(active=True).first()

    def make(n):
        for _i in range(n):
            event = _event(world, data, partners=[world.gem_assen, world.gem_emmen])
            event.themes.set([theme])
            f.RegistrationFactory.create_batch(2, event=event)

    def count():
        client.get(_url("event_list"))  # warm the session and scope caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url("event_list")).status_code == 200
        return len(queries)

    make(2)
    few = count()
    make(8)
    assert count() == few
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url("event_list"), {"export": "csv"})
        b"".join(response.streaming_content)
    assert len(queries) <= few


def test_the_list_exports_csv_and_xlsx(world, data, login):
    event = _event(world, data, title="=Formule", capacity=25)
    f.RegistrationFactory.create_batch(3, event=event)
    f.RegistrationFactory(event=event, status=Registration.Status.WAITING)
    client = login(world.alice)
    response = client.get(_url("event_list"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.startswith("Titel;Soort;Status;Begint;Eindigt;Plaats")
    assert row.startswith("'=Formule;netwerkbijeenkomst;gepubliceerd;")
    assert ";Gemeente Assen;" in row
    response = client.get(_url("event_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    columns = dict(zip(rows[0], rows[1], strict=True))
    assert columns["Maximum aantal deelnemers"] == 25
    assert columns["Aangemeld"] == 3
    assert columns["Wachtlijst"] == 1


# --- create and edit -------------------------------------------------------------------


def test_an_advisor_creates_an_event(world, data, login):
    client = login(world.alice)
    assert client.get(_url("event_create")).status_code == 200
    response = client.post(
        _url("event_create"), _post_data(world, data, plan_line=data.plan_line.pk)
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("event_detail", event.pk)
    assert event.status == Event.Status.DRAFT
    assert event.plan_line == data.plan_line
    assert list(event.partners.all()) == [world.gem_assen]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"partners": None}, "partners", "het programma organiseert nooit alleen"),
        ({"partners": [0]}, "partners", "is geen geldige waarde"),
        ({"partners": ["abc"]}, "partners", "is geen geldige waarde"),
        ({"kind": "masterclass"}, "host_company", "vul het gastbedrijf in"),
        (
            {"kind": "masterclass", "host_company": "99999999"},
            "host_company",
            "Geen bedrijf gevonden",
        ),
        ({"kind": "feest"}, "kind", "Selecteer een geldige keuze"),
        ({"title": ""}, "title", "Geef het evenement een titel."),
        ({"title": "x" * 201}, "title", "niet meer dan 200 tekens"),
        ({"starts_at": "gisteren"}, "starts_at", "Voer een geldige datum/tijd in."),
        ({"starts_at": "01-01-0001 10:00"}, "starts_at", "Kies een datum tussen"),
        ({"ends_at": in_days(21, 14).strftime("%Y-%m-%dT%H:%M")}, "ends_at", "na het begin"),
        (
            {"registration_deadline": in_days(25).strftime("%d-%m-%Y %H:%M")},
            "registration_deadline",
            "vóór het evenement begint",
        ),
        ({"capacity": "0"}, "capacity", "Vul minstens 1 in"),
        ({"capacity": "-5"}, "capacity", "Vul minstens 1 in"),
        ({"capacity": "veel"}, "capacity", "Vul een geheel getal in"),
        ({"capacity": "99999999999999999999"}, "capacity", "hoogstens 100000"),
        ({"address": ""}, "address", "Vul het adres in"),
        (
            {"online": "on", "address": ""},
            "online_url",
            "Vul de link naar de online bijeenkomst in",
        ),
        ({"online": "on", "online_url": "geen link"}, "online_url", "Voer een geldige URL in."),
        ({"plan_line": "x"}, "plan_line", "Selecteer een geldige keuze"),
        ({"plan_line": "foreign"}, "plan_line", "Deze planregel hoort bij een ander programma."),
        (
            {"municipality": "99999999999999999999999"},
            "municipality",
            "Selecteer een geldige keuze",
        ),
        ({"programme": ""}, "programme", "Kies het programma"),
        ({"organiser": "-1"}, "organiser", "Selecteer een geldige keuze"),
        ({"description": "\x00"}, "description", "Null"),
    ],
)
def test_garbage_is_refused_at_the_field_and_nothing_is_saved(
    world, data, login, changes, field, message
):
    client = login(world.alice)
    if changes.get("plan_line") == "foreign":  # a line of another programme of the region
        changes = {"plan_line": data.foreign_line.pk}
    response = client.post(_url("event_create"), _post_data(world, data, **changes))
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field]), form.errors[field]
    assert Event.objects.count() == 0
    html = response.content.decode()
    assert 'class="utrecht-form-field__error-message' in html
    assert "Niet alles is goed ingevuld" in html


def test_a_partner_can_only_name_his_own_organisation_as_organiser(world, data, login):
    client = login(world.bob)
    form = client.get(_url("event_create")).context["form"]
    assert list(form.fields["organiser"].queryset) == [world.gem_assen]
    response = client.post(
        _url("event_create"), _post_data(world, data, partners=[world.gem_emmen.pk])
    )
    assert response.status_code == 422
    assert "organiser" in response.context["form"].errors
    response = client.post(
        _url("event_create"),
        _post_data(world, data, organiser=world.gem_assen.pk, partners=[world.gem_emmen.pk]),
    )
    assert response.status_code == 302
    assert Event.objects.get().organiser == world.gem_assen


def test_edit_keeps_the_input_on_errors_and_saves_when_right(world, data, login):
    event = _event(world, data, title="Oude titel", status=Event.Status.DRAFT)
    client = login(world.alice)
    page = client.get(_url("event_edit", event.pk))
    assert page.status_code == 200
    assert page.context["form"]["title"].value() == "Oude titel"
    assert "programme" not in page.context["form"].fields
    post = _post_data(world, data, title="Nieuwe titel", partners=None)
    post.pop("programme")
    response = client.post(_url("event_edit", event.pk), post)
    assert response.status_code == 422
    assert response.context["form"]["title"].value() == "Nieuwe titel"
    event.refresh_from_db()
    assert event.title == "Oude titel"
    post["partners"] = [world.gem_emmen.pk]
    response = client.post(_url("event_edit", event.pk), post)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Nieuwe titel"
    assert list(event.partners.all()) == [world.gem_emmen]


def test_a_co_organiser_may_look_but_not_change(world, data, login):
    event = _event(world, data)
    client = login(world.bob)
    assert client.get(_url("event_detail", event.pk)).status_code == 200
    assert client.get(_url("event_edit", event.pk)).status_code == 403
    assert client.post(_url("event_publish", event.pk)).status_code == 403
    assert client.post(_url("event_cancel", event.pk), {"reason": "x"}).status_code == 403
    charlie = login(world.charlie)
    assert charlie.get(_url("event_detail", event.pk)).status_code == 404


# --- the event page, publish and cancel ------------------------------------------------


def test_the_event_page_lists_registrations_and_audits_the_view(world, data, login):
    event = _event(world, data, title="Borrel", capacity=10)
    company = f.CompanyFactory(region=world.region, name="Bakkerij De Brink")
    f.RegistrationFactory(
        event=event,
        name="Anna de Bakker",
        company=company,
        attendance=Registration.Attendance.PRESENT,
    )
    f.RegistrationFactory(event=event, name="Wim Wachter", status=Registration.Status.WAITING)
    client = login(world.alice)
    response = client.get(_url("event_detail", event.pk))
    html = response.content.decode()
    assert "Anna de Bakker" in html
    assert "Bakkerij De Brink" in html
    assert "Wim Wachter" in html
    assert "op de wachtlijst" in html
    assert response.context["counts"]["confirmed"] == 1
    assert response.context["present"] == 1
    assert "<caption" in html
    assert 'scope="col"' in html
    viewed = AuditEvent.objects.get(object_id=event.pk, action=AuditEvent.Action.VIEW)
    assert viewed.actor == world.alice
    assert viewed.changes == {"registrations": 2}


def test_publish_and_cancel_from_the_event_page(
    world, data, login, mailoutbox, django_capture_on_commit_callbacks
):
    event = _event(world, data, title="Borrel", status=Event.Status.DRAFT)
    f.RegistrationFactory(event=event, email="anna@bakker.example")
    client = login(world.alice)
    assert "Publiceren" in client.get(_url("event_detail", event.pk)).content.decode()
    assert client.get(_url("event_publish", event.pk)).status_code == 405
    response = client.post(_url("event_publish", event.pk), follow=True)
    assert "Het evenement Borrel is gepubliceerd." in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    response = client.post(_url("event_publish", event.pk), follow=True)
    assert "Alleen een concept kan worden gepubliceerd" in response.content.decode()

    response = client.post(_url("event_cancel", event.pk), {"reason": "x" * 2001})
    assert response.status_code == 422
    assert "reason" in response.context["cancel_form"].errors
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("event_cancel", event.pk), {"reason": "Te weinig aanmeldingen."}, follow=True
        )
    assert "is afgelast" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert [m.to for m in mailoutbox] == [["anna@bakker.example"]]
    assert "Te weinig aanmeldingen." in mailoutbox[0].body
    assert client.get(_url("event_edit", event.pk)).status_code == 302
