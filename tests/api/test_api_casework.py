"""The API for contact moments, cases and referrals: the main path, end to end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from loket.casework.models import Case, ContactMoment, Referral
from loket.core.models import AuditEvent
from tests import factories as f


def ids(response):
    return [row["id"] for row in response.json()["items"]]


# --- contact moments -------------------------------------------------------------------


def test_confidential_contact_moments_stay_inside_the_organisation(data, api_as):
    alice = ids(api_as(data.w.alice).get("/contact-moments", {"company": data.assen_co.pk}))
    bob = ids(api_as(data.w.bob).get("/contact-moments", {"company": data.assen_co.pk}))
    assert data.moment_secret.pk in alice
    assert data.moment_secret.pk not in bob
    assert data.moment_bob.pk in bob
    assert api_as(data.w.bob).get(f"/contact-moments/{data.moment_secret.pk}").status_code == 404


def test_contact_moments_filter_like_the_list_page(data, api_as):
    client = api_as(data.w.alice)
    visits = ids(client.get("/contact-moments", {"kind": "visit"}))
    assert visits == [data.moment_alice.pk]
    by_org = ids(client.get("/contact-moments", {"organisation": data.w.gem_emmen.pk}))
    assert by_org == [data.moment_charlie.pk]
    bad = client.get("/contact-moments", {"kind": "fax"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "kind"]


def test_an_intake_answers_a_case_and_records_needs(data, api_as):
    response = api_as(data.w.alice).post(
        "/contact-moments",
        {
            "company": data.assen_co.pk,
            "kind": "intake",
            "summary": "Intake: wil exporteren naar Duitsland.",
            "needs": ["internationalisation", "finance"],
            "themes": ["export"],
            "persons": [data.person.pk],
            "case": data.case.pk,
            "duration_minutes": 45,
            "occurred_at": "2026-01-10T10:00:00",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["needs"] == ["internationalisation", "finance"]
    assert body["persons"] == [{"id": data.person.pk, "name": data.person.name}]
    assert body["organisation"]["id"] == data.w.bureau.pk
    assert body["occurred_at"].startswith("2026-01-10T09:00:00")  # 10:00 Amsterdam is 09:00 UTC
    data.case.refresh_from_db()
    assert data.case.status == Case.Status.INTAKE
    assert data.case.first_response_at is not None


def test_a_contact_moment_refuses_what_does_not_belong(data, api_as):
    client = api_as(data.w.alice)
    other_person = client.post(
        "/contact-moments",
        {"company": data.emmen_co.pk, "kind": "phone", "summary": "x", "persons": [data.person.pk]},
    )
    assert other_person.json()["detail"][0]["loc"] == ["body", "payload", "persons"]
    future = client.post(
        "/contact-moments",
        {
            "company": data.assen_co.pk,
            "kind": "phone",
            "summary": "x",
            "occurred_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert future.status_code == 422
    assert future.json()["detail"][0]["loc"] == ["body", "payload", "occurred_at"]
    not_mine = client.post(
        "/contact-moments",
        {
            "company": data.assen_co.pk,
            "kind": "phone",
            "summary": "x",
            "organisation": data.w.gem_assen.pk,
        },
    )
    assert not_mine.json()["detail"][0]["loc"] == ["body", "payload", "organisation"]
    invisible = api_as(data.w.charlie).post(
        "/contact-moments", {"company": data.quiet_co.pk, "kind": "phone", "summary": "x"}
    )
    assert invisible.json()["detail"][0]["loc"] == ["body", "payload", "company"]


def test_only_the_authors_organisation_changes_a_contact_moment(data, api_as):
    path = f"/contact-moments/{data.moment_alice.pk}"
    assert api_as(data.w.bob).patch(path, {"summary": "Anders"}).status_code == 403
    changed = api_as(data.w.alice).patch(
        path, {"summary": "Aangevuld verslag", "needs": ["growth"]}
    )
    assert changed.status_code == 200
    assert changed.json()["summary"] == "Aangevuld verslag"
    assert changed.json()["needs"] == ["growth"]
    assert api_as(data.w.bob).delete(path).status_code == 403
    assert api_as(data.w.alice).delete(path).status_code == 204
    assert not ContactMoment.objects.filter(pk=data.moment_alice.pk).exists()


@pytest.mark.parametrize("size", [3, 30])
def test_contact_moment_list_runs_a_constant_number_of_queries(
    data, api_as, django_assert_num_queries, size
):
    for moment in f.ContactMomentFactory.create_batch(
        30, company=data.assen_co, author=data.w.alice, organisation=data.w.bureau
    ):
        moment.persons.add(data.person)
    client = api_as(data.w.alice)
    client.get("/me")
    # token, scope, page, persons, themes, needs
    with django_assert_num_queries(6):
        response = client.get("/contact-moments", {"limit": size})
    assert len(response.json()["items"]) == size


# --- cases ---------------------------------------------------------------------------


def test_it_opens_a_case_with_a_deadline(data, api_as):
    response = api_as(data.w.alice).post(
        "/cases",
        {
            "company": data.emmen_co.pk,
            "channel": "phone",
            "question": "Subsidie voor zonnepanelen?",
            "themes": ["finance"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "new"
    assert body["owner"]["id"] == data.w.alice.pk
    assert body["reference"].startswith("HV-")
    assert body["deadline"] > body["opened_at"]
    assert "intake" in body["allowed_transitions"]


def test_a_case_owner_must_be_able_to_work_cases(data, api_as):
    response = api_as(data.w.alice).post(
        "/cases",
        {"company": data.assen_co.pk, "channel": "web", "question": "?", "owner": data.w.bob.pk},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "owner"]


def test_the_status_pipeline_is_enforced(data, api_as):
    client = api_as(data.w.alice)
    path = f"/cases/{data.case.pk}/status"
    assert client.post(path, {"status": "in_progress"}).status_code == 200
    no_outcome = client.post(path, {"status": "closed"})
    assert no_outcome.status_code == 422
    assert no_outcome.json()["detail"][0]["loc"] == ["body", "payload", "outcome"]
    closed = client.post(path, {"status": "closed", "outcome": "answered", "outcome_note": "Klaar"})
    assert closed.json()["status"] == "closed"
    assert closed.json()["allowed_transitions"] == ["in_progress"]
    wrong = client.post(path, {"status": "waiting"})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "payload", "status"]


def test_a_partner_sees_the_case_but_may_not_move_it(data, api_as):
    bob = api_as(data.w.bob)
    assert bob.get(f"/cases/{data.case.pk}").status_code == 200
    assert bob.post(f"/cases/{data.case.pk}/status", {"status": "waiting"}).status_code == 403
    assert bob.patch(f"/cases/{data.case.pk}", {"question": "Anders"}).status_code == 403


def test_it_changes_a_case(data, api_as):
    response = api_as(data.w.alice).patch(
        f"/cases/{data.case.pk}", {"question": "Nieuwe vraag", "person": data.person.pk}
    )
    assert response.status_code == 200
    assert response.json()["question"] == "Nieuwe vraag"
    assert response.json()["person"]["id"] == data.person.pk
    assert AuditEvent.objects.filter(object_type="casework.case", action="change").exists()


def test_cases_filter_like_the_list_page(data, api_as):
    client = api_as(data.w.alice)
    assert sorted(ids(client.get("/cases", {"status": ["new"]}))) == sorted(
        [data.case.pk, data.quiet_case.pk]
    )
    assert ids(client.get("/cases", {"status": ["closed"]})) == []
    assert ids(client.get("/cases", {"company": data.quiet_co.pk})) == [data.quiet_case.pk]
    assert client.get("/cases", {"opened_from": "31-02-2026"}).status_code == 422


def test_lists_sort_like_the_list_pages(data, api_as):
    client = api_as(data.w.alice)
    by_company = ids(client.get("/cases", {"sort": "company"}))
    assert by_company[:2] == [data.case.pk, data.quiet_case.pk]  # Bakkerij before Stille
    assert ids(client.get("/cases", {"sort": "-company"}))[:2] == by_company[::-1]
    kinds = [m["kind"] for m in client.get("/contact-moments", {"sort": "kind"}).json()["items"]]
    assert kinds == sorted(kinds)
    assert client.get("/referrals", {"sort": "-status"}).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_case_list_runs_a_constant_number_of_queries(data, api_as, django_assert_num_queries, size):
    f.CaseFactory.create_batch(30, company=data.assen_co, owner=data.w.alice, person=data.person)
    client = api_as(data.w.alice)
    client.get("/me")
    # token, scope, page, themes
    with django_assert_num_queries(4):
        response = client.get("/cases", {"limit": size})
    assert len(response.json()["items"]) == size


# --- referrals -----------------------------------------------------------------------


def test_refer_accept_complete(data, api_as, django_capture_on_commit_callbacks):
    alice, charlie = api_as(data.w.alice), api_as(data.w.charlie)
    case = f.CaseFactory(company=data.quiet_co, owner=data.w.alice, organisation=data.w.bureau)
    assert charlie.get(f"/cases/{case.pk}").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        created = alice.post(
            "/referrals",
            {"case": case.pk, "to_organisation": data.w.gem_emmen.pk, "message": "Graag bellen."},
        )
    assert created.status_code == 201, created.content
    referral_id = created.json()["id"]
    assert created.json()["status"] == "sent"
    # The receiving organisation is told by e-mail (a task, after the commit).
    assert [m.to for m in mail.outbox] == [[data.w.gem_emmen.email]]
    # The receiving organisation now sees the company and the referral.
    assert charlie.get(f"/cases/{case.pk}").status_code == 200
    assert alice.post(f"/referrals/{referral_id}/accept").status_code == 403
    accepted = charlie.post(f"/referrals/{referral_id}/accept")
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["handled_by"]["id"] == data.w.charlie.pk
    empty = charlie.post(f"/referrals/{referral_id}/complete", {"feedback": " "})
    assert empty.status_code == 422
    assert empty.json()["detail"][0]["loc"] == ["body", "payload", "feedback"]
    done = charlie.post(f"/referrals/{referral_id}/complete", {"feedback": "Subsidie geregeld."})
    assert done.json()["status"] == "completed"
    assert alice.get(f"/referrals/{referral_id}").json()["feedback"] == "Subsidie geregeld."
    case.refresh_from_db()
    assert case.owner == data.w.alice


def test_a_partner_declines_with_a_reason(data, api_as):
    bob = api_as(data.w.bob)
    path = f"/referrals/{data.referral.pk}/decline"
    missing = bob.post(path, {})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "payload", "decline_reason"]
    declined = bob.post(path, {"decline_reason": "Niet onze gemeente."})
    assert declined.json()["status"] == "declined"
    again = bob.post(f"/referrals/{data.referral.pk}/accept")
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body", "payload", "status"]


def test_a_proposed_referral_is_sent_later(data, api_as):
    alice = api_as(data.w.alice)
    created = alice.post(
        "/referrals",
        {
            "case": data.case.pk,
            "to_organisation": data.w.gem_emmen.pk,
            "message": "Voorstel",
            "send": False,
        },
    )
    assert created.json()["status"] == "proposed"
    sent = alice.post(f"/referrals/{created.json()['id']}/send")
    assert sent.json()["status"] == "sent"
    assert Referral.objects.get(pk=created.json()["id"]).sent_at is not None


def test_referrals_go_only_to_organisations_of_my_region(data, api_as):
    response = api_as(data.w.alice).post(
        "/referrals",
        {"case": data.case.pk, "to_organisation": data.w.twente_bureau.pk, "message": "x"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "to_organisation"]


def test_the_inbox_is_a_filter(data, api_as):
    inbox = api_as(data.w.bob).get("/referrals", {"to_organisation": data.w.gem_assen.pk})
    assert ids(inbox) == [data.referral.pk]
    assert ids(api_as(data.w.charlie).get("/referrals")) == []


@pytest.mark.parametrize("size", [3, 30])
def test_referral_list_runs_a_constant_number_of_queries(
    data, api_as, django_assert_num_queries, size
):
    f.ReferralFactory.create_batch(30, case=data.case, to_organisation=data.w.gem_emmen)
    client = api_as(data.w.alice)
    client.get("/me")
    # token, scope, page
    with django_assert_num_queries(3):
        response = client.get("/referrals", {"limit": size})
    assert len(response.json()["items"]) == size
