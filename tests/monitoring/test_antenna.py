"""The antenna function: needs of the period counted per need (hand-counted), the
signals for policy (never a confidential one, never the company or the report), an
organisation's share, the top 5 for the dashboard; and the signal field on a contact
moment in the casework form, pages and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from loket.casework.models import ContactMoment
from loket.core.models import Need, Theme
from loket.monitoring.antenna import antenna, top_needs
from tests import factories as f
from tests.api.conftest import ApiClient
from tests.monitoring.business_data import bw_fixture  # noqa: F401

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def _at(month, day):
    return timezone.make_aware(dt.datetime(2026, month, day, 10, 0))


def _need(slug, nl, en, position=0):
    return Need.objects.create(slug=slug, name_nl=nl, name_en=en, position=position)


@pytest.fixture
def heard(bw):
    w = bw.w
    innovatie = _need("bc-innovatie", "Innovatie", "Innovation")
    export = _need("bc-export", "Export", "Export")
    financiering = _need("bc-financiering", "Financiering", "Financing")
    personeel = _need("bc-personeel", "Personeel", "Staff")
    export_theme = Theme.objects.create(slug="bc-export", name_nl="Export", name_en="Export")

    def moment(org, author, when, needs=(), themes=(), signal="", **kw):
        m = f.ContactMomentFactory(
            company=bw.brink,
            organisation=org,
            author=author,
            occurred_at=when,
            signal=signal,
            summary="Verslag: vertrouwelijke details van het gesprek.",
            **kw,
        )
        m.needs.set(needs)
        m.themes.set(themes)
        return m

    moment(
        w.bureau,
        w.alice,
        _at(2, 3),
        [innovatie, export],
        [export_theme],
        "Te weinig technici in de regio.",
    )
    moment(bw.nom, bw.nina, _at(2, 10), [innovatie], signal="Netcongestie remt uitbreiding.")
    moment(
        w.bureau,
        w.alice,
        _at(3, 1),
        [innovatie, financiering],
        signal="Geheim signaal.",
        confidential=True,
    )
    moment(w.gem_emmen, w.charlie, _at(2, 20), [export], signal="Emmen: geen uitvoerder.")
    moment(w.bureau, w.alice, _at(4, 2), [export], signal="Na de periode.")
    moment(bw.nom, bw.nina, _at(1, 5), [personeel, financiering])
    return bw


def test_needs_are_counted_per_need_and_signals_listed_newest_first(heard):
    bw = heard
    result = antenna(bw.programme, *Q1)
    # innovatie: 3 moments (the confidential one counts: a count shows nothing of it);
    # financiering 2; export 1 (Emmen does not execute the programme; April is later);
    # personeel 1 (ties in the list's order).
    assert result["needs"] == [
        {"need": "Innovatie", "count": 3},
        {"need": "Financiering", "count": 2},
        {"need": "Export", "count": 1},
        {"need": "Personeel", "count": 1},
    ]
    assert result["signals"] == [
        {
            "date": "2026-02-10",
            "theme": "",
            "organisation": "NOM",
            "text": "Netcongestie remt uitbreiding.",
        },
        {
            "date": "2026-02-03",
            "theme": "Export",
            "organisation": "Programmabureau IBDO",
            "text": "Te weinig technici in de regio.",
        },
    ]
    text = str(result)
    assert "Geheim" not in text  # a confidential moment's signal stays in its organisation
    assert "Bakkerij De Brink" not in text
    assert "Verslag" not in text


def test_an_organisations_share(heard):
    bw = heard
    result = antenna(bw.programme, *Q1, organisation_ids=[bw.nom.pk])
    assert result["needs"] == [
        {"need": "Financiering", "count": 1},
        {"need": "Innovatie", "count": 1},
        {"need": "Personeel", "count": 1},
    ]
    assert [s["text"] for s in result["signals"]] == ["Netcongestie remt uitbreiding."]
    assert antenna(bw.programme, *Q1, organisation_ids=[]) == {"needs": [], "signals": []}


def test_labels_in_the_active_language(heard):
    with translation.override("en"):
        result = antenna(heard.programme, *Q1)
    assert result["needs"][0] == {"need": "Innovation", "count": 3}


def test_top_five_for_the_dashboard(bw):
    needs = [_need(f"bc-n{i}", f"Behoefte {i}", f"Need {i}") for i in range(7)]
    for i, need in enumerate(needs):
        for _ in range(i + 1):  # need i heard i+1 times
            m = f.ContactMomentFactory(
                company=bw.brink, organisation=bw.nom, author=bw.nina, occurred_at=_at(2, 1)
            )
            m.needs.add(need)
    top = top_needs(bw.programme, *Q1)
    assert top == [{"need": f"Behoefte {i}", "count": i + 1} for i in (6, 5, 4, 3, 2)]


def test_two_queries(heard, django_assert_num_queries):
    antenna(heard.programme, *Q1)  # reads the programme's organisations once
    with django_assert_num_queries(2):
        antenna(heard.programme, *Q1)


# --- the signal on a contact moment --------------------------------------------------


def test_the_signal_round_trips_through_the_form_and_shows_on_the_pages(bw, login):
    client = login(bw.w.alice)
    url = reverse("casework:contact_create", args=[bw.brink.pk])
    assert "Signaal voor beleid" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": "phone",
            "occurred_at": "2026-02-24T10:00",
            "summary": "Gebeld over uitbreiding.",
            "signal": "  Bedrijventerreinen zitten vol.  ",
        },
    )
    assert response.status_code == 302
    moment = ContactMoment.objects.get(summary="Gebeld over uitbreiding.")
    assert moment.signal == "Bedrijventerreinen zitten vol."
    detail = client.get(reverse("casework:contact_detail", args=[moment.pk])).content.decode()
    assert "Signaal voor beleid" in detail
    assert "Bedrijventerreinen zitten vol." in detail
    company = client.get(reverse("companies:detail", args=[bw.brink.pk])).content.decode()
    assert "Signaal voor beleid:" in company
    edit = reverse("casework:contact_edit", args=[moment.pk])
    assert "Bedrijventerreinen zitten vol." in client.get(edit).content.decode()
    # Too long: a message at the field, nothing changed.
    response = client.post(
        edit,
        {
            "kind": "phone",
            "occurred_at": "2026-02-24T10:00",
            "summary": "Gebeld over uitbreiding.",
            "signal": "x" * 20_001,
        },
    )
    assert response.status_code in (200, 422)
    assert "id_signal_error" in response.content.decode() or "20000" in response.content.decode()
    moment.refresh_from_db()
    assert moment.signal == "Bedrijventerreinen zitten vol."


def test_the_signal_in_the_api(bw):
    api = ApiClient(bw.w.alice)
    response = api.post(
        "/contact-moments",
        {
            "company": bw.brink.pk,
            "kind": "visit",
            "summary": "Bezoek.",
            "signal": "Netcongestie.",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["signal"] == "Netcongestie."
    moment_id = response.json()["id"]
    response = api.patch(f"/contact-moments/{moment_id}", {"signal": ""})
    assert response.status_code == 200
    assert response.json()["signal"] == ""
    response = api.patch(f"/contact-moments/{moment_id}", {"signal": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "signal"
    assert ContactMoment.objects.get(pk=moment_id).signal == ""
