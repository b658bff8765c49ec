"""Referring a case to an instrument of the catalogue: the service's rules, the referral
form prefilled from a suggestion, what the partner sees (e-mail, inbox, referral page)
and the API (``instrument_id`` in, ``instrument`` out), each with garbage."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loket.accounts.models import ApiToken
from loket.casework import services
from loket.casework.models import Case, Referral
from loket.core.models import AuditEvent, Theme
from tests import factories as f

HUGE = "9" * 30
NUL = "a\x00b"
TODAY = timezone.localdate


def _url(name, *args):
    return reverse(f"casework:{name}", args=args)


def _counts():
    return (Referral.objects.count(), AuditEvent.objects.count(), len(mail.outbox))


@pytest.fixture
def tafel(world):
    """A regional instrument of Drenthe whose contact organisation is Gemeente Assen."""
    return f.InstrumentFactory(
        region=world.region,
        name="Financieringstafel Drenthe",
        kind="financing_table",
        phases=["finance"],
        themes=[Theme.objects.get(slug="finance")],
        contact_organisation=world.gem_assen,
    )


@pytest.fixture
def wbso(world):
    """A national scheme without a contact organisation in the region."""
    return f.InstrumentFactory(
        region=None,
        name="Landelijke innovatieregeling",
        provider_kind="national",
        provider_name="RVO",
        phases=["innovation", "finance"],
    )


def _refer(world, case, instrument, to=None, **kw):
    return services.refer(
        world.alice,
        case,
        to_organisation=to or world.gem_assen,
        message="Graag aan tafel.",
        instrument=instrument,
        **kw,
    )


# --- the service -------------------------------------------------------------------------


def test_a_referral_for_an_instrument_records_it_and_goes_to_its_contact_organisation(
    world, case, tafel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = _refer(world, case, tafel)
    referral.refresh_from_db()
    assert referral.instrument == tafel
    assert referral.to_organisation == world.gem_assen
    assert referral.status == Referral.Status.SENT
    event = AuditEvent.objects.get(
        object_type="casework.referral", object_id=referral.pk, action=AuditEvent.Action.CREATE
    )
    assert event.changes["instrument"] == [None, tafel.pk]
    # the partner's e-mail names the instrument, and still no case content
    sent = [m for m in mail.outbox if world.gem_assen.email in m.to]
    assert len(sent) == 1
    assert "Financieringstafel Drenthe" in sent[0].body
    assert "oven" not in sent[0].body
    # the outcome stays the advisor's choice at close
    assert Case.objects.get(pk=case.pk).outcome == ""


def test_a_referral_without_an_instrument_mentions_none(
    world, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = _refer(world, case, None)
    assert referral.instrument is None
    assert "instrument" not in mail.outbox[0].body


def test_an_instrument_with_a_contact_organisation_goes_nowhere_else(world, case, tafel):
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        _refer(world, case, tafel, to=world.gem_emmen)
    assert "Gemeente Assen" in caught.value.message_dict["to_organisation"][0]
    assert _counts() == before


@pytest.mark.parametrize(
    "change",
    [
        {"published": False},
        {"budget_exhausted": True},
        {"open_until": dt.date(2020, 1, 31), "open_from": dt.date(2020, 1, 1)},
        {"open_from": dt.date(2199, 1, 1)},
        {"deadline": dt.date(2020, 1, 31)},
    ],
    ids=["unpublished", "exhausted", "closed", "not-yet-open", "past-deadline"],
)
def test_an_instrument_that_is_not_current_is_refused(world, case, tafel, change):
    for key, value in change.items():
        setattr(tafel, key, value)
    tafel.save()
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        _refer(world, case, tafel)
    assert "niet open" in caught.value.message_dict["instrument"][0]
    assert _counts() == before


def test_an_instrument_of_another_region_is_refused(world, case):
    twente = f.InstrumentFactory(region=world.other_region, name="Twentse voucher")
    with pytest.raises(ValidationError) as caught:
        _refer(world, case, twente)
    assert "regio" in caught.value.message_dict["instrument"][0]
    narrowed = f.InstrumentFactory(region=None, provider_kind="national", name="Alleen Twente")
    narrowed.regions.set([world.other_region])
    with pytest.raises(ValidationError) as caught:
        _refer(world, case, narrowed)
    assert "instrument" in caught.value.message_dict
    assert not Referral.objects.exists()


def test_a_national_scheme_goes_to_the_partner_the_advisor_picks(world, case, wbso):
    referral = _refer(world, case, wbso, to=world.gem_emmen)
    assert referral.instrument == wbso
    assert referral.to_organisation == world.gem_emmen


def test_a_contact_organisation_outside_the_region_leaves_the_choice_to_the_advisor(
    world, case, wbso
):
    wbso.contact_organisation = world.twente_bureau
    wbso.save()
    referral = _refer(world, case, wbso, to=world.gem_assen)
    assert referral.to_organisation == world.gem_assen


def test_the_case_own_organisation_as_contact_organisation_is_no_referral(world, case):
    own = f.InstrumentFactory(region=world.region, contact_organisation=world.bureau)
    with pytest.raises(ValidationError) as caught:
        _refer(world, case, own, to=world.bureau)
    assert "eigen" in caught.value.message_dict["to_organisation"][0]


def test_one_organisation_may_hold_a_case_for_several_instruments_but_not_twice_for_one(
    world, case, tafel
):
    other = f.InstrumentFactory(region=world.region, contact_organisation=world.gem_assen)
    _refer(world, case, None)
    _refer(world, case, tafel)
    _refer(world, case, other)
    with pytest.raises(ValidationError) as caught:
        _refer(world, case, tafel)
    assert "voor dit instrument" in caught.value.message_dict["to_organisation"][0]
    assert Referral.objects.filter(case=case).count() == 3


def test_a_proposal_for_an_instrument_that_closed_since_is_not_sent(world, case, tafel):
    referral = _refer(world, case, tafel, send=False)
    tafel.budget_exhausted = True
    tafel.save()
    with pytest.raises(ValidationError) as caught:
        services.send_referral(world.alice, referral)
    assert "Financieringstafel Drenthe" in caught.value.message_dict["instrument"][0]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PROPOSED


def test_a_partner_cannot_refer_for_an_instrument(world, case, tafel, referral):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.refer(
            world.bob, case, to_organisation=world.gem_emmen, message="x", instrument=tafel
        )


# --- the referral form -------------------------------------------------------------------


def _select(html, name):
    """The opening tag of a select and its options."""
    match = re.search(rf'(<select[^>]*name="{name}"[^>]*>)(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return match.group(1), match.group(2)


def _form_url(case, instrument):
    return f"{_url('referral_create', case.pk)}?instrument={instrument}"


def test_the_form_is_prefilled_with_the_instrument_and_its_contact_organisation(
    world, login, case, tafel
):
    response = login(world.alice).get(_form_url(case, tafel.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Financieringstafel Drenthe" in html
    assert f'name="instrument" value="{tafel.pk}"' in html
    tag, options = _select(html, "to_organisation")
    assert "disabled" in tag
    assert "Gemeente Assen" in options
    assert "Gemeente Emmen" not in options


def test_posting_the_form_refers_to_the_contact_organisation_whatever_else_is_posted(
    world, login, case, tafel, django_capture_on_commit_callbacks
):
    data = {
        "instrument": tafel.pk,
        "to_organisation": world.gem_emmen.pk,  # ignored: the field is fixed
        "message": "Graag aan tafel.",
        "action": "send",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.alice).post(_url("referral_create", case.pk), data)
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)
    assert referral.instrument == tafel
    assert referral.to_organisation == world.gem_assen
    page = login(world.alice).get(_url("case_detail", case.pk)).content.decode()
    assert "De verwijzing naar Gemeente Assen voor Financieringstafel Drenthe is verstuurd." in page


def test_a_national_scheme_lets_the_advisor_pick_the_partner(world, login, case, wbso):
    client = login(world.alice)
    html = client.get(_form_url(case, wbso.pk)).content.decode()
    tag, options = _select(html, "to_organisation")
    assert "disabled" not in tag
    assert "Gemeente Emmen" in options
    assert "geen in deze regio" in html
    # choosing nobody is refused on the field
    before = _counts()
    response = client.post(
        _url("referral_create", case.pk),
        {"instrument": wbso.pk, "to_organisation": "", "message": "Help", "action": "send"},
    )
    assert 'id="id_to_organisation_error"' in response.content.decode()
    assert _counts() == before
    response = client.post(
        _url("referral_create", case.pk),
        {
            "instrument": wbso.pk,
            "to_organisation": world.gem_emmen.pk,
            "message": "Help bij de aanvraag",
            "action": "propose",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)
    assert (referral.instrument, referral.to_organisation) == (wbso, world.gem_emmen)
    assert referral.status == Referral.Status.PROPOSED


@pytest.mark.parametrize("value", ["abc", HUGE, "-1", "0", "999999", "1.5", NUL, "twente"])
def test_a_garbage_instrument_in_the_address_is_a_404(world, login, case, value):
    if value == "twente":
        value = str(f.InstrumentFactory(region=world.other_region).pk)
    response = login(world.alice).get(_url("referral_create", case.pk), {"instrument": value})
    assert response.status_code == 404


def test_a_closed_instrument_shows_why_before_anything_is_posted(world, login, case, tafel):
    tafel.deadline = dt.date(2020, 1, 31)
    tafel.save()
    client = login(world.alice)
    html = client.get(_form_url(case, tafel.pk)).content.decode()
    assert "Dit instrument is niet open" in html
    before = _counts()
    response = client.post(
        _url("referral_create", case.pk),
        {"instrument": tafel.pk, "message": "Graag", "action": "send"},
    )
    assert response.status_code == 200
    assert "Dit instrument is niet open" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize("value", ["abc", HUGE, "-1", "1.5", NUL, "twente"])
@pytest.mark.parametrize("htmx", [False, True])
def test_the_form_refuses_a_garbage_instrument(world, login, case, value, htmx):
    if value == "twente":
        value = str(f.InstrumentFactory(region=world.other_region).pk)
    before = _counts()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = login(world.alice).post(
        _url("referral_create", case.pk),
        {
            "instrument": value,
            "to_organisation": world.gem_assen.pk,
            "message": "Graag",
            "action": "send",
        },
        **headers,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "utrecht-alert--error" in html
    expected = "Null-tekens" if value == NUL else "Dit instrument bestaat niet of geldt niet"
    assert f"Instrument: {expected}" in html
    assert _counts() == before


@pytest.mark.parametrize("who", ["charlie", "olga"])
def test_outsiders_get_a_404_for_the_form_with_an_instrument(world, login, case, tafel, who):
    response = login(getattr(world, who)).get(_form_url(case, tafel.pk))
    assert response.status_code == 404


def test_a_partner_who_sees_the_case_may_not_refer_it(world, login, case, tafel, referral):
    response = login(world.bob).get(_form_url(case, tafel.pk))
    assert response.status_code == 403


# --- what the partner sees -------------------------------------------------------------


def test_the_partner_sees_the_instrument_in_the_inbox_and_on_the_referral(
    world, login, case, tafel
):
    referral = _refer(world, case, tafel)
    client = login(world.bob)
    inbox = client.get(_url("referral_inbox")).content.decode()
    row = inbox.split(_url("referral_detail", referral.pk), 1)[1].split("</tr>", 1)[0]
    assert "Financieringstafel Drenthe" in row
    detail = client.get(_url("referral_detail", referral.pk)).content.decode()
    assert "Financieringstafel Drenthe" in detail
    assert reverse("catalogue:detail", args=[tafel.pk]) in detail
    response = client.get(_url("referral_inbox"), {"export": "csv"})
    export = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Instrument" in export.splitlines()[0]
    assert "Financieringstafel Drenthe" in export


def test_the_case_page_lists_the_instrument_of_each_referral(world, login, case, tafel):
    _refer(world, case, tafel)
    html = login(world.alice).get(_url("case_detail", case.pk)).content.decode()
    referrals = html.split('id="case-referrals"', 1)[1]
    assert "Instrument:" in referrals
    assert "Financieringstafel Drenthe" in referrals


def test_the_inbox_runs_a_constant_number_of_queries_with_instruments(world, login, case, tafel):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.bob)
    counts = []
    for n in (1, 8):
        while Referral.objects.count() < n:
            company = f.CompanyFactory(region=world.region, municipality=world.assen)
            other = services.open_case(world.alice, company, channel="phone", question="Geld?")
            _refer(world, other, tafel)
        client.get(_url("referral_inbox"))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url("referral_inbox")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# --- the API -------------------------------------------------------------------------------


def _api(user):
    _, raw = ApiToken.issue(user, "tests")
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    def post(path, body):
        payload = body if isinstance(body, str) else json.dumps(body)
        return client.post(f"/api{path}", payload, content_type="application/json")

    def get(path):
        return client.get(f"/api{path}")

    return post, get


def _body(case, org, **extra):
    return {"case": case.pk, "to_organisation": org.pk, "message": "Graag.", **extra}


def test_the_api_refers_for_an_instrument_and_shows_it(world, case, tafel):
    post, get = _api(world.alice)
    response = post("/referrals", _body(case, world.gem_assen, instrument_id=tafel.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["instrument"] == {"id": tafel.pk, "name": "Financieringstafel Drenthe"}
    assert get(f"/referrals/{body['id']}").json()["instrument"]["id"] == tafel.pk
    listed = get("/referrals").json()["items"]
    assert listed[0]["instrument"]["name"] == "Financieringstafel Drenthe"
    plain = post("/referrals", _body(case, world.gem_emmen))
    assert plain.status_code == 201
    assert plain.json()["instrument"] is None


def _refusal(response, field="instrument_id"):
    assert response.status_code == 422, response.content
    return [e for e in response.json()["detail"] if e["loc"][-1] == field]


@pytest.mark.parametrize(
    "literal",
    ['"abc"', HUGE, "-1", "0", "999999", "1.5", "[]", "{}", "true", '"a\\u0000b"', '""'],
)
def test_the_api_refuses_a_garbage_instrument_id(world, case, literal):
    post, _get = _api(world.alice)
    raw = json.dumps(_body(case, world.gem_assen))[:-1] + f', "instrument_id": {literal}}}'
    before = _counts()
    response = post("/referrals", raw)
    assert response.status_code == 422, response.content
    assert any("instrument_id" in e["loc"] for e in response.json()["detail"])
    assert _counts() == before


def test_the_api_refuses_an_instrument_that_is_unknown_closed_elsewhere_or_mismatched(
    world, case, tafel
):
    post, _get = _api(world.alice)
    before = _counts()
    twente = f.InstrumentFactory(region=world.other_region)
    assert _refusal(post("/referrals", _body(case, world.gem_assen, instrument_id=twente.pk)))
    narrowed = f.InstrumentFactory(region=None, provider_kind="national")
    narrowed.regions.set([world.other_region])
    errors = _refusal(post("/referrals", _body(case, world.gem_assen, instrument_id=narrowed.pk)))
    assert "regio" in errors[0]["msg"]
    errors = _refusal(
        post("/referrals", _body(case, world.gem_emmen, instrument_id=tafel.pk)), "to_organisation"
    )
    assert "Gemeente Assen" in errors[0]["msg"]
    tafel.published = False
    tafel.save()
    errors = _refusal(post("/referrals", _body(case, world.gem_assen, instrument_id=tafel.pk)))
    assert "niet open" in errors[0]["msg"]
    assert _counts() == before


def test_an_outsider_cannot_refer_for_an_instrument_through_the_api(world, case, tafel):
    post, _get = _api(world.olga)
    response = post("/referrals", _body(case, world.gem_assen, instrument_id=tafel.pk))
    assert response.status_code == 422
    assert not Referral.objects.exists()
