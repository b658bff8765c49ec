"""The referral page and inbox: the receiving organisation accepts, declines with a reason
or completes with feedback; the sender sees the answer."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from loket.casework import services
from loket.casework.models import Case, Referral

R = Referral.Status


def _url(name, *args):
    return reverse(f"casework:{name}", args=args)


def test_the_partner_sees_the_referral_with_company_case_and_message(world, login, referral):
    response = login(world.bob).get(_url("referral_detail", referral.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verwijzing naar Gemeente Assen" in html
    assert reverse("companies:detail", args=[referral.company_id]) in html
    assert "Graag contact opnemen." in html
    assert "Hoe financier ik een nieuwe oven?" in html
    assert "Accepteren" in html
    assert "Afwijzen" in html
    assert "Afronden met terugkoppeling" not in html, "complete comes after accepting"


def test_the_partner_now_sees_the_company_page(world, login, referral):
    response = login(world.bob).get(reverse("companies:detail", args=[referral.company_id]))
    assert response.status_code == 200


def test_the_sender_sees_no_answer_buttons(world, login, referral):
    html = login(world.alice).get(_url("referral_detail", referral.pk)).content.decode()
    assert 'action="/werk/verwijzingen/' not in html.split('id="referral-actions"', 1)[1]


@pytest.mark.parametrize("who", ["charlie", "olga"])
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("referral_detail", "get"),
        ("referral_accept", "post"),
        ("referral_decline", "post"),
        ("referral_complete", "post"),
        ("referral_send", "post"),
    ],
)
def test_a_referral_of_a_company_the_user_has_nothing_to_do_with_is_a_404(
    world, login, referral, who, name, method
):
    client = login(getattr(world, who))
    response = getattr(client, method)(_url(name, referral.pk), {"decline_reason": "x"})
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == R.SENT


def test_the_sender_cannot_answer_her_own_referral(world, login, referral):
    client = login(world.alice)
    assert client.post(_url("referral_accept", referral.pk)).status_code == 403
    response = client.post(_url("referral_decline", referral.pk), {"decline_reason": "x"})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == R.SENT


def test_accepting_without_javascript(world, login, referral, django_capture_on_commit_callbacks):
    client = login(world.bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("referral_accept", referral.pk), follow=True)
    assert response.redirect_chain[-1][0] == _url("referral_detail", referral.pk)
    html = response.content.decode()
    assert "U heeft de verwijzing geaccepteerd." in html
    assert "Afronden met terugkoppeling" in html
    referral.refresh_from_db()
    assert referral.status == R.ACCEPTED
    assert referral.handled_by == world.bob
    assert mail.outbox[-1].to == [world.alice.email]


def test_accepting_twice_says_it_is_already_accepted(world, login, referral):
    client = login(world.bob)
    client.post(_url("referral_accept", referral.pk))
    response = client.post(_url("referral_accept", referral.pk))
    assert response.status_code == 200
    assert "Deze verwijzing is al “geaccepteerd”." in response.content.decode()


def test_accepting_with_htmx_answers_the_panel(world, login, referral):
    response = login(world.bob).post(_url("referral_accept", referral.pk), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="referral-actions"')
    assert "loket-status--accepted" in html
    assert "<html" not in html


def test_declining_needs_a_reason(world, login, referral, django_capture_on_commit_callbacks):
    client = login(world.bob)
    response = client.post(_url("referral_decline", referral.pk), {"decline_reason": "  "})
    assert response.status_code == 200
    assert "Geef aan waarom u de verwijzing afwijst." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == R.SENT

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("referral_decline", referral.pk), {"decline_reason": "Buiten ons gebied."})
    referral.refresh_from_db()
    assert referral.status == R.DECLINED
    referral.case.refresh_from_db()
    assert referral.case.status == Case.Status.IN_PROGRESS
    # the sender reads the reason on the case page
    html = login(world.alice).get(_url("case_detail", referral.case_id)).content.decode()
    assert "Buiten ons gebied." in html
    assert "afgewezen" in html


def test_completing_needs_feedback_which_the_sender_then_reads(
    world, login, referral, django_capture_on_commit_callbacks
):
    client = login(world.bob)
    services.accept_referral(world.bob, referral)
    response = client.post(
        _url("referral_complete", referral.pk), {"feedback": ""}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Schrijf kort wat u voor het bedrijf deed." in html
    assert html.lstrip().startswith('<section id="referral-actions"')
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("referral_complete", referral.pk), {"feedback": "Vergunning geregeld."})
    referral.refresh_from_db()
    assert referral.status == R.COMPLETED
    assert mail.outbox[-1].to == [world.alice.email]
    alice = login(world.alice)
    for url in (_url("case_detail", referral.case_id), _url("referral_detail", referral.pk)):
        assert "Vergunning geregeld." in alice.get(url).content.decode()
    case = Case.objects.get(pk=referral.case_id)
    assert case.status == Case.Status.IN_PROGRESS
    assert case.owner == world.alice


def test_the_sender_sends_a_proposed_referral(
    world, login, case, django_capture_on_commit_callbacks
):
    proposal = services.refer(
        world.alice, case, to_organisation=world.gem_emmen, message="Idee", send=False
    )
    client = login(world.alice)
    html = client.get(_url("referral_detail", proposal.pk)).content.decode()
    assert "Versturen naar de partner" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("referral_send", proposal.pk))
    proposal.refresh_from_db()
    assert proposal.status == R.SENT
    assert [m.to for m in mail.outbox] == [[world.gem_emmen.email]]
