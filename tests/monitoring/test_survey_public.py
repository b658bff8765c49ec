"""The public survey pages: answer once, clear pages for expired, answered, cancelled and
unknown links (never a 500), garbage answers refused on the field, unsubscribing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from loket.monitoring.models import SurveyInvitation, SurveyOptOut
from loket.monitoring.services.survey import email_hash
from tests import factories as f

S = SurveyInvitation.Status
GOOD = {"mark": "8", "helped": "Snel antwoord", "improve": "", "recommend": "yes"}


@pytest.fixture
def invitation(world):
    return f.SurveyInvitationFactory(company=f.CompanyFactory(region=world.region))


def _url(invitation, name="survey:answer"):
    return reverse(name, args=[invitation.token])


def test_an_entrepreneur_answers_once(client, invitation):
    page = client.get(_url(invitation))
    assert page.status_code == 200
    assert "<legend" in page.content.decode()
    response = client.post(_url(invitation), GOOD)
    assert response.status_code == 302
    assert response["Location"] == _url(invitation, "survey:thanks")
    assert "Bedankt" in client.get(response["Location"]).content.decode()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.mark, invitation.recommend) == (S.ANSWERED, 8, "yes")
    assert invitation.helped == "Snel antwoord"
    # a second answer: refused with a clear page, the first answer stays
    again = client.post(_url(invitation), {**GOOD, "mark": "2"})
    assert again.status_code == 409
    assert "al beantwoord" in again.content.decode()
    assert client.get(_url(invitation)).status_code == 200
    invitation.refresh_from_db()
    assert invitation.mark == 8


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**GOOD, "mark": "0"}, "mark"),
        ({**GOOD, "mark": "11"}, "mark"),
        ({**GOOD, "mark": "acht"}, "mark"),
        ({**GOOD, "mark": "8.5"}, "mark"),
        ({**GOOD, "mark": ""}, "mark"),
        ({k: v for k, v in GOOD.items() if k != "mark"}, "mark"),
        ({**GOOD, "recommend": "altijd"}, "recommend"),
        ({**GOOD, "recommend": ""}, "recommend"),
        ({**GOOD, "helped": "x" * 5000}, "helped"),
        ({**GOOD, "improve": "y" * 2001}, "improve"),
    ],
)
def test_garbage_answers_are_refused_on_the_field(client, invitation, data, field):
    response = client.post(_url(invitation), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    invitation.refresh_from_db()
    assert invitation.status == S.SENT
    assert invitation.mark is None


def test_nul_bytes_and_odd_text_do_not_break_the_page(client, invitation):
    response = client.post(_url(invitation), {**GOOD, "helped": "a\x00b"})
    assert response.status_code in (302, 400)


def test_an_expired_link_gets_a_clear_page(client, invitation):
    invitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    invitation.save()
    for response in (client.get(_url(invitation)), client.post(_url(invitation), GOOD)):
        assert response.status_code in (409, 410)
        assert "verlopen" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.mark is None


def test_a_cancelled_invitation_gets_a_clear_page(client, invitation):
    invitation.status = S.CANCELLED
    invitation.save()
    response = client.get(_url(invitation))
    assert response.status_code == 410
    assert "niet meer beschikbaar" in response.content.decode()


@pytest.mark.parametrize(
    "token",
    ["onbekend", "a" * 64, "a" * 65, "x" * 500, "%00", "..%2E", "ü¡∂"],
)
def test_unknown_or_tampered_tokens_get_a_clear_404(client, invitation, token):
    for suffix in ("", "bedankt/", "afmelden/"):
        response = client.get(f"/enquete/{token}/{suffix}")
        assert response.status_code == 404, (token, suffix)
        assert "Deze link werkt niet" in response.content.decode()
    assert client.post(f"/enquete/{token}/", GOOD).status_code == 404


def test_a_tampered_token_one_character_off(client, invitation):
    tampered = invitation.token[:-1] + ("A" if invitation.token[-1] != "A" else "B")
    response = client.get(f"/enquete/{tampered}/")
    assert response.status_code == 404
    assert "Deze link werkt niet" in response.content.decode()


def test_a_link_not_sent_yet_does_not_work(client, world):
    scheduled = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region), status=S.SCHEDULED, sent_at=None
    )
    assert client.get(_url(scheduled)).status_code == 404


def test_an_invitation_of_another_region_is_404(client, world):
    other = f.SurveyInvitationFactory(company=f.CompanyFactory(region=world.other_region))
    assert client.get(_url(other)).status_code == 404


def test_thanks_before_answering_goes_to_the_survey(client, invitation):
    response = client.get(_url(invitation, "survey:thanks"))
    assert response.status_code == 302
    assert response["Location"] == _url(invitation)


def test_unsubscribe_asks_then_records_and_cancels_pending_invitations(client, world):
    first = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region), email="anna@bakkerij.example"
    )
    pending = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region),
        email="Anna@Bakkerij.example",
        status=S.SCHEDULED,
        sent_at=None,
    )
    answered = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.region),
        email="anna@bakkerij.example",
        status=S.ANSWERED,
        mark=7,
        answered_at=timezone.now(),
    )
    elsewhere = f.SurveyInvitationFactory(
        company=f.CompanyFactory(region=world.other_region), email="anna@bakkerij.example"
    )
    page = client.get(_url(first, "survey:unsubscribe"))
    assert page.status_code == 200
    assert not SurveyOptOut.objects.exists()  # a GET changes nothing
    response = client.post(_url(first, "survey:unsubscribe"))
    assert response.status_code == 200
    assert "U bent afgemeld" in response.content.decode()
    assert SurveyOptOut.objects.get().email_hash == email_hash("anna@bakkerij.example")
    statuses = {i.pk: i.status for i in SurveyInvitation.objects.all()}
    assert statuses[first.pk] == S.CANCELLED
    assert statuses[pending.pk] == S.CANCELLED
    assert statuses[answered.pk] == S.ANSWERED
    assert statuses[elsewhere.pk] == S.SENT
    # twice: no error
    assert client.post(_url(first, "survey:unsubscribe")).status_code == 200
    assert SurveyOptOut.objects.count() == 1
