"""The case page: question, status with its transitions, owner, referrals, contacts; the
open-case and contact-moment forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from loket.casework import services
from loket.casework.models import Case, ContactMoment, Referral
from loket.core.models import Need, Theme
from tests import factories as f

S = Case.Status


def _url(name, *args):
    return reverse(f"casework:{name}", args=args)


# --- the case page ---------------------------------------------------------------------


def test_the_case_page_shows_question_company_status_and_transitions(world, login, case):
    response = login(world.alice).get(_url("case_detail", case.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html
    assert "Hoe financier ik een nieuwe oven?" in html
    assert reverse("companies:detail", args=[case.company_id]) in html
    assert "Alice Advies" in html
    for label in ("Intake starten", "In behandeling nemen", "Wacht op ondernemer"):
        assert label in html
    assert "Hulpvraag afsluiten" in html
    assert 'name="outcome"' in html
    assert "Doorverwijzen naar een partner" in html
    # the region's organisations except the case's own are offered
    form_html = html.split('id="case-referrals"', 1)[1]
    assert "Gemeente Assen" in form_html
    assert "Programmabureau Twente" not in form_html
    # a contact moment is recorded on the case from its page
    contact_form = html.split("Contactmoment vastleggen bij deze hulpvraag", 1)[1]
    assert f'action="{_url("contact_create", case.company_id)}"' in contact_form
    assert f'<option value="{case.pk}" selected>' in contact_form


def test_a_partner_reads_a_case_of_her_referral_but_cannot_change_it(world, login, case, referral):
    client = login(world.bob)
    html = client.get(_url("case_detail", case.pk)).content.decode()
    assert "Hoe financier ik een nieuwe oven?" in html
    assert "In behandeling nemen" not in html
    assert "Doorverwijzen naar een partner" not in html
    response = client.post(_url("case_status", case.pk), {"status": S.IN_PROGRESS})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == S.REFERRED


@pytest.mark.parametrize("who", ["charlie", "olga"])
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("case_detail", "get"),
        ("case_edit", "get"),
        ("case_status", "post"),
        ("case_reassign", "post"),
        ("referral_create", "post"),
    ],
)
def test_a_case_of_a_company_the_user_has_nothing_to_do_with_is_a_404(
    world, login, case, who, name, method
):
    client = login(getattr(world, who))
    response = getattr(client, method)(_url(name, case.pk), {"status": S.CLOSED})
    assert response.status_code == 404


def test_an_unknown_or_huge_case_id_is_a_404(world, login):
    client = login(world.alice)
    assert client.get(_url("case_detail", 999999)).status_code == 404
    assert client.get("/werk/hulpvragen/99999999999999999999999/").status_code == 404


def test_a_status_change_without_javascript_redirects_to_the_case(world, login, case):
    client = login(world.alice)
    response = client.post(_url("case_status", case.pk), {"status": S.WAITING}, follow=True)
    assert response.redirect_chain[-1][0] == _url("case_detail", case.pk)
    assert "De status is nu “wacht op ondernemer”." in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.WAITING
    assert case.first_response_at is not None


def test_a_status_change_with_htmx_answers_the_panel_in_place(world, login, case):
    client = login(world.alice)
    response = client.post(
        _url("case_status", case.pk), {"status": S.IN_PROGRESS}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="case-status"')
    assert "<html" not in html
    assert "in behandeling" in html
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS


def test_a_forbidden_transition_shows_why_and_changes_nothing(world, login, case):
    Case.objects.filter(pk=case.pk).update(status=S.IN_PROGRESS)
    response = login(world.alice).post(_url("case_status", case.pk), {"status": S.NEW})
    assert response.status_code == 200
    assert "kan een hulpvraag niet naar" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS


def test_closing_asks_for_the_outcome_then_reopening_is_offered(world, login, case):
    client = login(world.alice)
    response = client.post(_url("case_status", case.pk), {"status": S.CLOSED})
    html = response.content.decode()
    assert "Kies de uitkomst om af te sluiten." in html
    case.refresh_from_db()
    assert case.status == S.NEW

    client.post(
        _url("case_status", case.pk),
        {"status": S.CLOSED, "outcome": "answered", "outcome_note": "Uitgelegd hoe het werkt."},
    )
    case.refresh_from_db()
    assert case.status == S.CLOSED
    html = client.get(_url("case_detail", case.pk)).content.decode()
    assert "vraag beantwoord" in html
    assert "Uitgelegd hoe het werkt." in html
    assert "Heropenen" in html
    assert "Doorverwijzen naar een partner" not in html


def test_the_owner_hands_the_case_to_another_case_worker_of_the_region(world, login, case):
    client = login(world.alice)
    html = client.get(_url("case_detail", case.pk)).content.decode()
    reassign = html.split("Andere eigenaar kiezen", 1)[1].split("</form>", 1)[0]
    assert "Pam Programma" in reassign
    assert "Bob Gemeente" not in reassign, "a partner cannot own cases"
    assert "Olga Overijssel" not in reassign, "another region's advisor is not offered"

    response = client.post(_url("case_reassign", case.pk), {"owner": world.bob.pk})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    client.post(_url("case_reassign", case.pk), {"owner": world.pam.pk})
    case.refresh_from_db()
    assert case.owner == world.pam


def test_the_case_page_shows_deadline_overdue_and_first_response_time(world, login, company):
    opened = timezone.now() - dt.timedelta(days=3)
    late = f.CaseFactory(
        company=company,
        region=world.region,
        owner=world.alice,
        organisation=world.bureau,
        opened_at=opened,
        deadline=opened + dt.timedelta(days=1),
    )
    client = login(world.alice)
    html = client.get(_url("case_detail", late.pk)).content.decode()
    assert "te laat" in html
    assert "nog niet" in html
    Case.objects.filter(pk=late.pk).update(first_response_at=opened + dt.timedelta(hours=2))
    html = client.get(_url("case_detail", late.pk)).content.decode()
    assert "na 2 uur" in html
    assert "te laat" not in html


def test_the_case_page_runs_a_constant_number_of_queries(
    world, login, case, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.alice)

    def count():
        client.get(_url("case_detail", case.pk))  # warm the session and the matching index
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url("case_detail", case.pk)).status_code == 200
        return len(ctx.captured_queries)

    services.record_contact(world.alice, case.company, kind="phone", summary="x", case=case)
    small = count()
    for i in range(8):
        services.record_contact(world.alice, case.company, kind="visit", summary=f"{i}", case=case)
        org = f.OrganisationFactory(region=world.region, name=f"Partner {i}")
        with django_capture_on_commit_callbacks(execute=True):
            services.refer(world.alice, case, to_organisation=org, message="Graag")
    assert count() == small


# --- opening a case --------------------------------------------------------------------


def test_the_open_case_form_defaults_the_owner_to_me_and_offers_the_companys_persons(
    world, login, company, person
):
    f.PersonFactory(company=f.CompanyFactory(region=world.region), name="Iemand Anders")
    response = login(world.alice).get(_url("case_create", company.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{world.alice.pk}" selected>' in html
    assert "Jan de Vries" in html
    assert "Iemand Anders" not in html


def test_opening_a_case_from_the_company_page(world, login, company, person):
    theme = Theme.objects.first()
    response = login(world.alice).post(
        _url("case_create", company.pk),
        {
            "channel": "email",
            "question": "Wil exporteren naar Duitsland.",
            "themes": [theme.pk],
            "person": person.pk,
            "owner": world.pam.pk,
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("case_detail", case.pk)
    assert case.owner == world.pam
    assert case.person == person
    assert list(case.themes.all()) == [theme]
    assert case.created_by == world.alice
    assert case.status == S.NEW


def test_a_person_of_another_company_is_refused(world, login, company):
    stranger = f.PersonFactory(company=f.CompanyFactory(region=world.region))
    response = login(world.alice).post(
        _url("case_create", company.pk),
        {"channel": "phone", "question": "Vraag", "person": stranger.pk},
    )
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert not Case.objects.exists()


def test_a_case_cannot_be_opened_for_an_invisible_company(world, login, company):
    response = login(world.charlie).get(_url("case_create", company.pk))
    assert response.status_code == 404
    response = login(world.olga).post(
        _url("case_create", company.pk), {"channel": "phone", "question": "Vraag"}
    )
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_editing_the_question_and_themes(world, login, case):
    theme = Theme.objects.first()
    client = login(world.alice)
    assert client.get(_url("case_edit", case.pk)).status_code == 200
    response = client.post(
        _url("case_edit", case.pk),
        {"channel": "web", "question": "Andere vraag", "themes": [theme.pk]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.question == "Andere vraag"
    assert case.channel == "web"
    assert list(case.themes.all()) == [theme]


# --- referring from the case page -----------------------------------------------------


def test_referring_from_the_case_page_sends_one_mail(
    world, login, case, django_capture_on_commit_callbacks
):
    client = login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("referral_create", case.pk),
            {
                "to_organisation": world.gem_assen.pk,
                "message": "Lokale subsidie?",
                "action": "send",
            },
        )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.SENT
    assert len(mail.outbox) == 1
    html = client.get(_url("case_detail", case.pk)).content.decode()
    assert "Naar Gemeente Assen" in html
    assert "doorverwezen" in html


def test_referring_with_htmx_updates_the_referrals_and_the_status_in_place(
    world, login, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.alice).post(
            _url("referral_create", case.pk),
            {"to_organisation": world.gem_emmen.pk, "message": "Graag", "action": "send"},
            HTTP_HX_REQUEST="true",
        )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="case-referrals"')
    assert "Naar Gemeente Emmen" in html
    assert 'hx-swap-oob="true"' in html
    assert "loket-status--referred" in html


def test_a_referral_can_be_kept_as_a_proposal(world, login, case):
    login(world.alice).post(
        _url("referral_create", case.pk),
        {"to_organisation": world.gem_assen.pk, "message": "Misschien", "action": "propose"},
    )
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.PROPOSED
    assert mail.outbox == []


def test_referring_to_the_cases_own_organisation_is_not_offered(world, login, case):
    response = login(world.alice).post(
        _url("referral_create", case.pk),
        {"to_organisation": world.bureau.pk, "message": "Zelf"},
    )
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert not Referral.objects.exists()


# --- contact moments -------------------------------------------------------------------


def _contact_data(**overrides):
    when = timezone.localtime() - dt.timedelta(days=1)
    data = {
        "kind": "intake",
        "occurred_at": when.strftime("%d-%m-%Y %H:%M"),
        "duration_minutes": "45",
        "summary": "Intake gedaan.",
    }
    data.update(overrides)
    return data


def test_the_contact_form_offers_persons_needs_and_the_open_cases_of_the_company(
    world, login, company, person, case
):
    f.CaseFactory(company=f.CompanyFactory(region=world.region), reference="HV-ANDER-1")
    response = login(world.alice).get(
        _url("contact_create", company.pk) + f"?hulpvraag={case.pk}&soort=intake"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jan de Vries" in html
    for need in Need.objects.filter(active=True):
        assert need.name_nl in html
    assert f'<option value="{case.pk}" selected>' in html
    assert "HV-ANDER-1" not in html
    assert 'value="intake"' in html
    assert 'type="datetime-local"' in html
    assert 'name="organisation"' not in html, "one organisation: no choice"


@pytest.mark.parametrize("fmt", ["%d-%m-%Y %H:%M", "%Y-%m-%dT%H:%M"])
def test_an_intake_on_a_case_in_dutch_or_html_date_format(world, login, company, person, case, fmt):
    when = (timezone.localtime() - dt.timedelta(days=1)).replace(second=0, microsecond=0)
    need = Need.objects.first()
    response = login(world.alice).post(
        _url("contact_create", company.pk),
        _contact_data(
            occurred_at=when.strftime(fmt),
            case=case.pk,
            persons=[person.pk],
            needs=[need.pk],
            follow_up_on=(when + dt.timedelta(days=7)).strftime("%d-%m-%Y"),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == _url("case_detail", case.pk)
    moment = ContactMoment.objects.get()
    assert timezone.localtime(moment.occurred_at) == when
    assert moment.duration_minutes == 45
    assert list(moment.needs.all()) == [need]
    assert moment.follow_up_on == (when + dt.timedelta(days=7)).date()
    case.refresh_from_db()
    assert case.status == S.INTAKE
    assert case.first_response_at is not None


def test_a_user_of_two_organisations_chooses_for_which_one(world, login, company):
    f.MembershipFactory(user=world.alice, organisation=world.gem_assen, role="partner")
    client = login(world.alice)
    html = client.get(_url("contact_create", company.pk)).content.decode()
    assert 'name="organisation"' in html
    client.post(
        _url("contact_create", company.pk),
        _contact_data(kind="phone", organisation=world.gem_assen.pk),
    )
    assert ContactMoment.objects.get().organisation == world.gem_assen


def test_editing_and_deleting_is_for_the_authors_organisation_only(world, login, company, referral):
    moment = services.record_contact(world.alice, company, kind="visit", summary="Bezoek.")
    bob = login(world.bob)
    html = bob.get(_url("contact_detail", moment.pk)).content.decode()
    assert "Bezoek." in html
    assert _url("contact_edit", moment.pk) not in html
    assert bob.get(_url("contact_edit", moment.pk)).status_code == 403
    assert bob.post(_url("contact_delete", moment.pk)).status_code == 403

    pam = login(world.pam)
    response = pam.post(
        _url("contact_edit", moment.pk),
        _contact_data(kind="visit", summary="Bezoek, aangevuld.", duration_minutes=""),
    )
    assert response.status_code == 302
    moment.refresh_from_db()
    assert moment.summary == "Bezoek, aangevuld."
    assert moment.duration_minutes is None
    assert pam.get(_url("contact_delete", moment.pk)).status_code == 200
    response = pam.post(_url("contact_delete", moment.pk))
    assert response.status_code == 302
    assert not ContactMoment.objects.filter(pk=moment.pk).exists()


def test_a_confidential_contact_moment_is_a_404_for_another_organisation(
    world, login, company, referral
):
    secret = services.record_contact(
        world.alice, company, kind="visit", summary="Geheim.", confidential=True
    )
    assert login(world.bob).get(_url("contact_detail", secret.pk)).status_code == 404
    html = login(world.pam).get(_url("contact_detail", secret.pk)).content.decode()
    assert "Geheim." in html
    assert "vertrouwelijk" in html
    case_html = login(world.bob).get(_url("case_detail", referral.case_id)).content.decode()
    assert "Geheim." not in case_html


def test_contact_pages_of_an_invisible_company_are_a_404(world, login, company):
    moment = services.record_contact(world.alice, company, kind="visit", summary="Bezoek.")
    for who in ("charlie", "olga"):
        client = login(getattr(world, who))
        assert client.get(_url("contact_create", company.pk)).status_code == 404
        assert client.get(_url("contact_detail", moment.pk)).status_code == 404
        assert client.post(_url("contact_edit", moment.pk)).status_code == 404
        assert client.post(_url("contact_delete", moment.pk)).status_code == 404
    assert ContactMoment.objects.filter(pk=moment.pk).exists()
