"""Every casework form with garbage: a clear message on the field, nothing saved, never a
500. Hypothesis throws random text at the contact-moment form on top of the known cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.casework import services
from loket.casework.models import Case, ContactMoment, Referral
from loket.core.models import AuditEvent

HUGE = "9" * 30
LONG = "x" * 10_001
NUL = "a\x00b"


def _url(name, *args):
    return reverse(f"casework:{name}", args=args)


def _counts():
    return (
        Case.objects.count(),
        ContactMoment.objects.count(),
        Referral.objects.count(),
        AuditEvent.objects.count(),
    )


def _statuses():
    return list(Case.objects.values_list("status", flat=True)) + list(
        Referral.objects.values_list("status", flat=True)
    )


def _assert_refused(response, field_html_id: str | None, before, statuses):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "utrecht-form-field-error-message" in html or "utrecht-alert--error" in html
    if field_html_id:
        assert f'id="{field_html_id}_error"' in html, f"no error on {field_html_id}"
    assert _counts() == before, "nothing is saved"
    assert _statuses() == statuses


def _yesterday():
    return (timezone.localtime() - dt.timedelta(days=1)).strftime("%d-%m-%Y %H:%M")


# --- open a case -----------------------------------------------------------------------

CASE_GARBAGE = [
    ("channel", ""),
    ("channel", "pigeon"),
    ("channel", NUL),
    ("question", ""),
    ("question", "   "),
    ("question", NUL),
    ("question", LONG),
    ("person", "abc"),
    ("person", "-1"),
    ("person", HUGE),
    ("person", NUL),
    ("owner", "abc"),
    ("owner", HUGE),
    ("themes", "abc"),
    ("themes", HUGE),
]


@pytest.mark.parametrize(("field", "value"), CASE_GARBAGE)
def test_open_case_form_with_garbage(world, login, company, field, value):
    before, statuses = _counts(), _statuses()
    data = {"channel": "phone", "question": "Een vraag"}
    data[field] = value
    response = login(world.alice).post(_url("case_create", company.pk), data)
    _assert_refused(response, f"id_{field}", before, statuses)


@pytest.mark.parametrize(("field", "value"), [g for g in CASE_GARBAGE if g[0] != "owner"])
def test_edit_case_form_with_garbage(world, login, case, field, value):
    before, statuses = _counts(), _statuses()
    data = {"channel": "phone", "question": "Een vraag"}
    data[field] = value
    response = login(world.alice).post(_url("case_edit", case.pk), data)
    _assert_refused(response, f"id_{field}", before, statuses)
    case.refresh_from_db()
    assert case.question == "Hoe financier ik een nieuwe oven?"


# --- status, owner ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": ""},
        {"status": "gone"},
        {"status": NUL},
        {"status": "new"},  # not allowed from new
        {"status": "closed"},
        {"status": "closed", "outcome": "bankrupt"},
        {"status": "closed", "outcome": "answered", "outcome_note": LONG},
        {"status": ["closed", "intake"], "outcome": NUL},
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_status_change_with_garbage(world, login, case, data, htmx):
    before, statuses = _counts(), _statuses()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = login(world.alice).post(_url("case_status", case.pk), data, **headers)
    _assert_refused(response, None, before, statuses)


@pytest.mark.parametrize("value", ["", "abc", "-1", HUGE, NUL, "1.5"])
def test_reassign_with_garbage(world, login, case, value):
    before, statuses = _counts(), _statuses()
    response = login(world.alice).post(_url("case_reassign", case.pk), {"owner": value})
    _assert_refused(response, "id_owner", before, statuses)
    case.refresh_from_db()
    assert case.owner == world.alice


# --- referrals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("to_organisation", ""),
        ("to_organisation", "abc"),
        ("to_organisation", HUGE),
        ("to_organisation", NUL),
        ("message", ""),
        ("message", " \n "),
        ("message", LONG),
        ("message", NUL),
        ("action", "explode"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_refer_form_with_garbage(world, login, case, field, value, htmx):
    before, statuses = _counts(), _statuses()
    data = {"to_organisation": world.gem_assen.pk, "message": "Graag", "action": "send"}
    data[field] = value
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = login(world.alice).post(_url("referral_create", case.pk), data, **headers)
    # the action is a button, not a field: its garbage gets the general message
    _assert_refused(response, None if field == "action" else f"id_{field}", before, statuses)


@pytest.mark.parametrize("value", ["", "   ", NUL, LONG])
def test_decline_with_garbage(world, login, referral, value):
    before, statuses = _counts(), _statuses()
    response = login(world.bob).post(
        _url("referral_decline", referral.pk), {"decline_reason": value}
    )
    _assert_refused(response, "id_decline_reason", before, statuses)


@pytest.mark.parametrize("value", ["", "   ", NUL, LONG])
def test_complete_with_garbage(world, login, referral, value):
    services.accept_referral(world.bob, referral)
    before, statuses = _counts(), _statuses()
    response = login(world.bob).post(_url("referral_complete", referral.pk), {"feedback": value})
    _assert_refused(response, "id_feedback", before, statuses)


def test_answering_a_referral_in_the_wrong_state_says_so(world, login, referral):
    before, statuses = _counts(), _statuses()
    client = login(world.bob)
    response = client.post(_url("referral_complete", referral.pk), {"feedback": "Klaar"})
    _assert_refused(response, None, before, statuses)
    assert "al “verstuurd”" in response.content.decode()
    response = client.post(_url("referral_send", referral.pk))
    assert response.status_code == 403


# --- contact moments -------------------------------------------------------------------

CONTACT_GARBAGE = [
    ("kind", ""),
    ("kind", "telepathy"),
    ("occurred_at", ""),
    ("occurred_at", "gisteren"),
    ("occurred_at", "31-02-2026 10:00"),
    ("occurred_at", "24-11-2026 25:61"),
    ("occurred_at", "2026-13-01T10:00"),
    ("occurred_at", "01-01-99999 10:00"),
    ("occurred_at", NUL),
    ("occurred_at", "01-01-2099 10:00"),  # in the future
    ("duration_minutes", "abc"),
    ("duration_minutes", "0"),
    ("duration_minutes", "-5"),
    ("duration_minutes", "1.5"),
    ("duration_minutes", "1441"),
    ("duration_minutes", HUGE),
    ("persons", "abc"),
    ("persons", HUGE),
    ("themes", "-1"),
    ("needs", "abc"),
    ("needs", HUGE),
    ("summary", ""),
    ("summary", "   "),
    ("summary", NUL),
    ("summary", LONG),
    ("follow_up_on", "morgen"),
    ("follow_up_on", "30-02-2026"),
    ("follow_up_on", "01-01-2000"),  # before the contact
    ("follow_up_on", NUL),
    ("case", "abc"),
    ("case", HUGE),
    ("case", NUL),
]


@pytest.mark.parametrize(("field", "value"), CONTACT_GARBAGE)
def test_contact_form_with_garbage(world, login, company, case, field, value):
    before, statuses = _counts(), _statuses()
    data = {"kind": "phone", "occurred_at": _yesterday(), "summary": "Gebeld."}
    data[field] = value
    response = login(world.alice).post(_url("contact_create", company.pk), data)
    _assert_refused(response, f"id_{field}", before, statuses)


@pytest.mark.parametrize(("field", "value"), CONTACT_GARBAGE[:12])
def test_contact_edit_form_with_garbage(world, login, company, field, value):
    moment = services.record_contact(world.alice, company, kind="phone", summary="Gebeld.")
    before, statuses = _counts(), _statuses()
    data = {"kind": "phone", "occurred_at": _yesterday(), "summary": "Gewijzigd."}
    data[field] = value
    response = login(world.alice).post(_url("contact_edit", moment.pk), data)
    _assert_refused(response, f"id_{field}", before, statuses)
    moment.refresh_from_db()
    assert moment.summary == "Gebeld."


@pytest.mark.parametrize("value", ["", "abc", HUGE, NUL])
def test_contact_form_of_a_user_of_two_organisations_with_garbage(world, login, company, value):
    from tests import factories as f

    f.MembershipFactory(user=world.alice, organisation=world.gem_assen, role="partner")
    before, statuses = _counts(), _statuses()
    data = {
        "kind": "phone",
        "occurred_at": _yesterday(),
        "summary": "Gebeld.",
        "organisation": value,
    }
    response = login(world.alice).post(_url("contact_create", company.pk), data)
    _assert_refused(response, "id_organisation", before, statuses)


@pytest.mark.parametrize("query", ["?hulpvraag=abc", f"?hulpvraag={HUGE}", "?soort=%00", "?x=1"])
def test_contact_form_ignores_garbage_in_the_address(world, login, company, query):
    response = login(world.alice).get(_url("contact_create", company.pk) + query)
    assert response.status_code == 200


fields = st.sampled_from(
    ["kind", "occurred_at", "duration_minutes", "persons", "needs", "summary", "follow_up_on"]
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(fields, st.text(max_size=40), min_size=1))
def test_random_input_never_breaks_the_contact_form(world, login, company, data):
    before = ContactMoment.objects.count()
    response = login(world.alice).post(_url("contact_create", company.pk), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert ContactMoment.objects.count() == before


# --- list filters ----------------------------------------------------------------------

LIST_GARBAGE = [
    ("/werk/hulpvragen/", "status", "bogus", "id_status"),
    ("/werk/hulpvragen/", "channel", NUL, "id_channel"),
    ("/werk/hulpvragen/", "owner", "abc", "id_owner"),
    ("/werk/hulpvragen/", "owner", HUGE, "id_owner"),
    ("/werk/hulpvragen/", "theme", "-1", "id_theme"),
    ("/werk/hulpvragen/", "overdue", "maybe", None),
    ("/werk/hulpvragen/", "opened_from", "32-13-2026", "id_opened_from"),
    ("/werk/hulpvragen/", "opened_to", "01-01-99999", "id_opened_to"),
    ("/werk/verwijzingen/alle/", "status", NUL, "id_status"),
    ("/werk/verwijzingen/alle/", "to_organisation", HUGE, "id_to_organisation"),
    ("/werk/verwijzingen/alle/", "from_organisation", "x", "id_from_organisation"),
    ("/werk/verwijzingen/alle/", "created_from", "gisteren", "id_created_from"),
    ("/werk/verwijzingen/", "status", "gone", "id_status"),
    ("/werk/contactmomenten/", "kind", "telepathy", "id_kind"),
    ("/werk/contactmomenten/", "organisation", HUGE, "id_organisation"),
    ("/werk/contactmomenten/", "need", "abc", "id_need"),
    ("/werk/contactmomenten/", "theme", NUL, "id_theme"),
    ("/werk/contactmomenten/", "occurred_from", "2026-02-30", "id_occurred_from"),
    ("/werk/contactmomenten/", "occurred_to", NUL, "id_occurred_to"),
]


@pytest.mark.parametrize(("url", "param", "value", "field_id"), LIST_GARBAGE)
def test_list_filters_with_garbage(world, login, case, url, param, value, field_id):
    from urllib.parse import urlencode

    query = urlencode({param: value, "pagina": "abc", "per_pagina": HUGE, "sorteer": NUL})
    response = login(world.alice).get(f"{url}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    if field_id:
        assert f'id="{field_id}_error"' in html
    # the export of a garbage filter is the unfiltered export, never an error
    response = login(world.alice).get(f"{url}?{query}&export=csv")
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["pdf", "", NUL, "CSV"])
def test_an_unknown_export_format_shows_the_page(world, login, value):
    from urllib.parse import urlencode

    response = login(world.alice).get("/werk/hulpvragen/?" + urlencode({"export": value}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
