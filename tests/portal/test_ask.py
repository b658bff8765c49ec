"""The "ask your question" form: a question becomes a case with channel web, an owner by
the assignment rules and the region's deadline; company and person are linked, never
duplicated; honeypot, rate limit and garbage are handled; the confirmation e-mail and
the owner's notice go out after commit."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from loket.casework.models import Case
from loket.companies.models import Company, CompanySearchEntry, Consent, Person
from loket.core.models import AuditEvent, Theme
from loket.portal import services
from loket.portal.models import QuestionThrottle
from tests import factories as f

ASK = "/vraag/"


@pytest.fixture
def rules(world):
    """Questions from Assen go to Ann; questions about export (elsewhere) to Erik."""
    ann = f.UserFactory(email="ann@ibdo.example", full_name="Ann Assen")
    f.MembershipFactory(user=ann, organisation=world.bureau, role="advisor")
    erik = f.UserFactory(email="erik@ibdo.example", full_name="Erik Export")
    f.MembershipFactory(user=erik, organisation=world.bureau, role="advisor")
    assen = f.AssignmentRuleFactory(region=world.region, municipality=world.assen, advisors=[ann])
    export = f.AssignmentRuleFactory(
        region=world.region, theme=Theme.objects.get(slug="export"), advisors=[erik]
    )
    return type("Rules", (), {"ann": ann, "erik": erik, "assen": assen, "export": export})


def _data(world, **changes):
    data = {
        "name": "Fatma Yilmaz",
        "company_name": "Yilmaz Metaal B.V.",
        "kvk_number": "12345678",
        "email": "fatma@yilmaz-metaal.example",
        "phone": "0592 123 456",
        "municipality": str(world.assen.pk),
        "topic": "",
        "question": "Ik wil mijn lasrobots in Duitsland verkopen. Waar begin ik?",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _post(client, data, capture):
    with capture(execute=True):
        return client.post(ASK, data)


def test_question_becomes_a_web_case_with_owner_by_rule_and_deadline(
    client, world, rules, django_capture_on_commit_callbacks
):
    response = _post(client, _data(world), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:thanks")

    company = Company.objects.get(kvk_number="12345678")
    assert company.region == world.region
    assert company.name == "Yilmaz Metaal B.V."
    assert company.municipality == world.assen
    person = Person.objects.get(company=company)
    assert (person.name, person.email, person.phone) == (
        "Fatma Yilmaz",
        "fatma@yilmaz-metaal.example",
        "0592 123 456",
    )
    consent = Consent.objects.get(person=person)
    assert consent.method == Consent.Method.WEB_FORM
    assert consent.withdrawn_on is None
    case = Case.objects.get(company=company)
    assert case.channel == Case.Channel.WEB
    assert case.person == person
    assert case.owner == rules.ann  # municipality rule
    assert case.question.startswith("Ik wil mijn lasrobots")
    assert case.reference.startswith("HV-")
    assert case.deadline > case.opened_at
    assert CompanySearchEntry.objects.filter(company=company).exists()
    assert AuditEvent.objects.filter(object_type="companies.company", object_id=company.pk).exists()


def test_topic_and_municipality_pick_the_rule_and_the_theme_is_on_the_case(
    client, world, rules, django_capture_on_commit_callbacks
):
    export = Theme.objects.get(slug="export")
    data = _data(world, municipality=str(world.emmen.pk), topic=str(export.pk))
    _post(client, data, django_capture_on_commit_callbacks)
    case = Case.objects.get()
    assert case.owner == rules.erik  # the theme rule (no rule for Emmen)
    assert list(case.themes.all()) == [export]


def test_without_any_rule_the_team_lead_gets_it(client, world, django_capture_on_commit_callbacks):
    _post(client, _data(world), django_capture_on_commit_callbacks)
    assert Case.objects.get().owner == world.alice  # team lead of the programme bureau


def test_confirmation_and_owner_notice_are_mailed(
    client, world, rules, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    _post(client, _data(world), django_capture_on_commit_callbacks)
    case = Case.objects.get()
    to_entrepreneur = [m for m in mail.outbox if m.to == ["fatma@yilmaz-metaal.example"]]
    assert len(to_entrepreneur) == 1
    message = to_entrepreneur[0]
    assert case.reference in message.subject
    assert case.reference in message.body
    assert "Ann Assen" in message.body
    from django.utils import timezone

    assert timezone.localtime(case.deadline).strftime("%d-%m-%Y %H:%M") in message.body
    to_owner = [m for m in mail.outbox if m.to == ["ann@ibdo.example"]]
    assert len(to_owner) == 1
    assert case.reference in to_owner[0].subject
    assert "lasrobots" not in to_owner[0].subject
    assert "Yilmaz" not in to_owner[0].subject
    assert "lasrobots" not in to_owner[0].body
    assert reverse("casework:case_detail", args=[case.pk]) in to_owner[0].body


def test_mail_tasks_are_idempotent(client, world, rules, django_capture_on_commit_callbacks):
    from loket.portal import tasks

    _post(client, _data(world), django_capture_on_commit_callbacks)
    case = Case.objects.get()
    sent = len(mail.outbox)
    assert tasks.send_question_confirmation.call(case.pk, "nl") == 0
    assert tasks.notify_owner_of_question.call(case.pk) == 0
    assert len(mail.outbox) == sent


def test_confirmation_speaks_the_visitors_language(
    client, world, rules, django_capture_on_commit_callbacks
):
    from django.utils import translation

    client.post(reverse("set_language"), {"language": "en", "next": ASK})
    try:
        mail.outbox.clear()
        _post(client, _data(world), django_capture_on_commit_callbacks)
        message = next(m for m in mail.outbox if m.to == ["fatma@yilmaz-metaal.example"])
        assert f"Reference: {Case.objects.get().reference}" in message.body
        owner_notice = next(m for m in mail.outbox if m.to == ["ann@ibdo.example"])
        assert "Kenmerk: " in owner_notice.body  # the advisor's own language
    finally:
        translation.activate("nl")


def test_thanks_page_reads_reference_from_the_session(
    client, world, rules, django_capture_on_commit_callbacks
):
    response = _post(client, _data(world), django_capture_on_commit_callbacks)
    case = Case.objects.get()
    assert case.reference not in response["Location"]
    page = client.get(reverse("portal:thanks"))
    html = page.content.decode()
    assert case.reference in html
    assert "Ann Assen" in html
    # Another visitor (no session) sees no reference: they are sent to the form.
    from django.test import Client

    assert Client().get(reverse("portal:thanks")).status_code == 302


def test_existing_company_and_person_are_linked_not_duplicated(
    client, world, rules, django_capture_on_commit_callbacks
):
    company = f.CompanyFactory(region=world.region, kvk_number="12345678", name="Yilmaz Metaal")
    person = f.PersonFactory(company=company, email="Fatma@Yilmaz-Metaal.example", phone="")
    _post(client, _data(world), django_capture_on_commit_callbacks)
    _post(client, _data(world, question="Nog een vraag."), django_capture_on_commit_callbacks)
    assert Company.objects.filter(kvk_number="12345678").count() == 1
    assert Person.objects.filter(company=company).count() == 1
    person.refresh_from_db()
    assert person.phone == "0592 123 456"  # an empty phone is filled in
    assert Case.objects.filter(company=company, person=person).count() == 2
    assert Consent.objects.filter(person=person).count() == 1  # the same consent, once


def test_same_kvk_in_another_region_is_a_different_company(
    client, world, rules, django_capture_on_commit_callbacks
):
    f.CompanyFactory(region=world.other_region, kvk_number="12345678")
    _post(client, _data(world), django_capture_on_commit_callbacks)
    assert Company.objects.filter(kvk_number="12345678", region=world.region).count() == 1


def test_without_kvk_a_repeat_question_reuses_company_and_person(
    client, world, rules, django_capture_on_commit_callbacks
):
    data = _data(world, kvk_number="")
    _post(client, data, django_capture_on_commit_callbacks)
    _post(client, data, django_capture_on_commit_callbacks)
    assert Company.objects.filter(name="Yilmaz Metaal B.V.").count() == 1
    assert Person.objects.filter(email="fatma@yilmaz-metaal.example").count() == 1
    assert Case.objects.count() == 2


def test_new_person_on_an_existing_company(
    client, world, rules, django_capture_on_commit_callbacks
):
    company = f.CompanyFactory(region=world.region, kvk_number="12345678")
    f.PersonFactory(company=company, email="iemand@anders.example")
    _post(client, _data(world), django_capture_on_commit_callbacks)
    assert Person.objects.filter(company=company).count() == 2
    assert Consent.objects.filter(person__email="fatma@yilmaz-metaal.example").count() == 1


def test_honeypot_silently_succeeds_and_stores_nothing(
    client, world, rules, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    response = _post(
        client, _data(world, website="http://spam.example"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:thanks")
    assert client.get(reverse("portal:thanks")).status_code == 200
    assert not Company.objects.exists()
    assert not Person.objects.exists()
    assert not Case.objects.exists()
    assert mail.outbox == []


def test_honeypot_is_hidden_from_people_and_labelled_for_screen_readers(client, world):
    html = client.get(ASK).content.decode()
    assert 'class="portal-honeypot"' in html
    assert "Laat dit veld leeg" in html
    assert 'tabindex="-1"' in html


@override_settings(LOKET_PORTAL_QUESTIONS_PER_HOUR=2)
def test_throttle_limits_questions_per_address(
    client, world, rules, django_capture_on_commit_callbacks
):
    for i in range(2):
        response = _post(
            client, _data(world, question=f"Vraag {i}"), django_capture_on_commit_callbacks
        )
        assert response.status_code == 302
    response = _post(client, _data(world, question="Vraag 3"), django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "afgelopen uur" in response.content.decode()
    assert Case.objects.count() == 2
    # Another address may still ask.
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post(ASK, _data(world, question="Van elders"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    # The address itself is never stored, only a keyed hash.
    hashes = set(QuestionThrottle.objects.values_list("address_hash", flat=True))
    assert "127.0.0.1" not in hashes
    assert services.address_hash("127.0.0.1") in hashes


def test_throttle_forgets_after_an_hour(world):
    import datetime as dt

    from django.utils import timezone

    past = timezone.now() - dt.timedelta(hours=2)
    for _ in range(10):
        QuestionThrottle.objects.create(address_hash=services.address_hash("1.2.3.4"), at=past)
    assert not services.is_throttled("1.2.3.4")
    services.note_question("1.2.3.4")
    assert QuestionThrottle.objects.count() == 1  # old rows pruned


GARBAGE = [
    ({"name": ""}, "name", "Vul uw naam in."),
    ({"name": "x" * 201}, "name", "hoogstens 200 tekens"),
    ({"company_name": ""}, "company_name", "Vul de naam van uw bedrijf in."),
    ({"company_name": "y" * 201}, "company_name", "hoogstens 200 tekens"),
    ({"kvk_number": "1234"}, "kvk_number", "precies 8 cijfers"),
    ({"kvk_number": "abcdefgh"}, "kvk_number", "precies 8 cijfers"),
    ({"kvk_number": "1" * 21}, "kvk_number", "precies 8 cijfers"),
    ({"email": ""}, "email", "Vul uw e-mailadres in."),
    ({"email": "geen-adres"}, "email", "geldig e-mailadres"),
    ({"email": "a@" + "b" * 260 + ".nl"}, "email", "tekens"),
    ({"phone": ""}, "phone", "Vul uw telefoonnummer in."),
    ({"phone": "bel me"}, "phone", "telefoonnummer"),
    ({"phone": "123"}, "phone", "telefoonnummer"),
    ({"phone": "1" * 31}, "phone", "hoogstens 30 tekens"),
    ({"municipality": ""}, "municipality", "Kies de gemeente"),
    ({"municipality": "abc"}, "municipality", "Kies een gemeente uit de lijst."),
    ({"municipality": "99999999999999999999999"}, "municipality", "uit de lijst"),
    ({"municipality": "-5"}, "municipality", "uit de lijst"),
    ({"topic": "abc"}, "topic", "Kies een onderwerp uit de lijst."),
    ({"topic": "99999999999999999999999"}, "topic", "uit de lijst"),
    ({"question": ""}, "question", "Beschrijf uw vraag."),
    ({"question": "q" * 2001}, "question", "hoogstens 2000 tekens"),
    ({"question": "   "}, "question", "Beschrijf uw vraag."),
    ({"consent": None}, "consent", "toestemming"),
    ({"website": "w" * 201}, "website", "tekens"),
]


@pytest.mark.parametrize(("changes", "field", "message"), GARBAGE)
def test_garbage_gets_a_clear_message_at_the_field_and_saves_nothing(
    client, world, rules, django_capture_on_commit_callbacks, changes, field, message
):
    response = _post(client, _data(world, **changes), django_capture_on_commit_callbacks)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field]), errors[field]
    html = response.content.decode()
    assert "Niet alles is goed ingevuld" in html
    assert not Case.objects.exists()
    assert not Company.objects.exists()


def test_municipality_of_another_region_is_refused(
    client, world, rules, django_capture_on_commit_callbacks
):
    enschede = f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    response = _post(
        client, _data(world, municipality=str(enschede.pk)), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert response.context["form"].errors["municipality"]


def test_kvk_number_with_spaces_and_dots_is_accepted(
    client, world, rules, django_capture_on_commit_callbacks
):
    _post(client, _data(world, kvk_number="1234 5678"), django_capture_on_commit_callbacks)
    assert Company.objects.filter(kvk_number="12345678").exists()


def test_form_requires_csrf(world):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(ASK, _data(world))
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_no_personal_data_in_urls_or_logs(
    client, world, rules, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.DEBUG):
        response = _post(client, _data(world), django_capture_on_commit_callbacks)
    for secret in ("Fatma", "Yilmaz", "fatma@", "0592", "12345678", "lasrobots"):
        assert secret not in response["Location"]
        assert secret not in caplog.text


def test_nobody_to_take_questions_is_a_clear_message(
    world, client, django_capture_on_commit_callbacks
):
    from loket.accounts.models import Membership

    Membership.objects.filter(organisation=world.bureau).delete()
    response = _post(client, _data(world), django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "niemand" in response.content.decode()
    assert not Company.objects.exists()
    assert not Case.objects.exists()


@override_settings(LOKET_PORTAL_QUESTIONS_PER_HOUR=1, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_limit_counts_the_visitors_address(
    client, world, rules, django_capture_on_commit_callbacks
):
    """Behind nginx every request comes from the proxy: the limit must count the
    visitor's address from X-Forwarded-For, or one visitor would block everybody."""
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            ASK, _data(world, question="Een"), HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
        )
        second = client.post(
            ASK, _data(world, question="Twee"), HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
        )
        again = client.post(
            ASK, _data(world, question="Drie"), HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
        )
    assert (first.status_code, second.status_code, again.status_code) == (302, 302, 429)
    assert Case.objects.count() == 2
