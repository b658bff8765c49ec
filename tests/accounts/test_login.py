"""Logging in: e-mail and password, clear errors, throttling, inactive accounts, sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.accounts.conftest import PASSWORD

LOGIN = "/accounts/login/"


def post_login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_login_page_is_dutch_and_labelled(client, db):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="nl")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl"' in html
    assert "Inloggen bij Loket" in html
    assert '<label class="utrecht-form-label" for="id_login">E-mailadres</label>' in html
    assert '<label class="utrecht-form-label" for="id_password">Wachtwoord</label>' in html
    assert 'autocomplete="current-password"' in html
    assert 'href="#main"' in html  # skip link


def test_it_logs_in_with_email_and_password_and_lands_on_the_work_queue(client, world):
    response = post_login(client, world.alice.email)

    assert response.status_code == 302
    assert response.url == reverse("casework:queue")
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_the_email_address_is_case_insensitive(client, world):
    response = post_login(client, world.alice.email.upper())

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_a_wrong_password_shows_a_clear_dutch_error(client, world):
    response = post_login(client, world.alice.email, "not-her-password")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Het e-mailadres of het wachtwoord klopt niet." in html
    assert 'role="alert"' in html
    assert "_auth_user_id" not in client.session


def test_an_unknown_address_gets_the_same_message(client, world):
    response = post_login(client, "nobody@example.org")

    assert "Het e-mailadres of het wachtwoord klopt niet." in response.content.decode()


def test_empty_fields_get_field_errors(client, db):
    response = client.post(LOGIN, {"login": "", "password": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vul uw e-mailadres in." in html
    assert "Vul uw wachtwoord in." in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    "data",
    [
        {"login": "x" * 5000, "password": "y" * 5000},
        {"login": "\x00", "password": "\x00"},
        {"login": "alice@ibdo.example\x00", "password": PASSWORD},
        {"login": ["a", "b"], "password": ["c"]},
        {},
    ],
)
def test_garbage_never_logs_in_and_never_fails(client, world, data):
    response = client.post(LOGIN, data)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_after_five_failed_attempts_further_attempts_are_throttled(client, world):
    for _ in range(5):
        response = post_login(client, world.alice.email, "wrong-password")
        assert "klopt niet" in response.content.decode()

    # Even the right password is refused now, with a message that says why.
    response = post_login(client, world.alice.email)

    html = response.content.decode()
    assert "Te veel mislukte inlogpogingen." in html
    assert "_auth_user_id" not in client.session


def test_throttling_one_address_does_not_lock_out_a_colleague_on_another_machine(client, world):
    for _ in range(5):
        post_login(client, world.alice.email, "wrong-password")

    response = client.post(
        LOGIN, {"login": world.bob.email, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )

    assert response.status_code == 302


def test_an_inactive_user_cannot_log_in(client, world):
    world.alice.is_active = False
    world.alice.save()

    response = post_login(client, world.alice.email)

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.url == reverse("account_inactive")


def test_there_is_no_self_sign_up(client, db):
    response = client.get("/accounts/signup/")

    assert "Geen eigen registratie" in response.content.decode()


def test_the_session_ends_when_the_browser_closes_and_after_its_age(client, world):
    response = post_login(client, world.alice.email)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""  # a browser-session cookie
    assert cookie["max-age"] == ""
    assert cookie["httponly"]
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < lifetime
    assert lifetime <= dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert client.get(reverse("accounts:my_account")).status_code == 200

    # The server forgets the session after SESSION_COOKIE_AGE, whatever the browser does.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(1))
    response = client.get(reverse("accounts:my_account"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_logout_is_a_post_and_ends_the_session(client, world):
    post_login(client, world.alice.email)

    assert client.get("/accounts/logout/").status_code == 200  # a confirmation, not a logout
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")

    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client, world):
    response = client.post("/accounts/password/reset/", {"email": world.alice.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Nieuw wachtwoord voor Loket"
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    assert "Nieuw wachtwoord kiezen" in response.content.decode()

    response = client.post(
        form_url,
        {"password1": "een-nieuw-lang-wachtwoord", "password2": "een-nieuw-lang-wachtwoord"},
    )

    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password("een-nieuw-lang-wachtwoord")


def test_password_reset_does_not_reveal_whether_an_address_exists(client, db):
    response = client.post(
        "/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True
    )

    assert "Als dit e-mailadres bij een Loket-account hoort" in response.content.decode()
    assert mail.outbox == []  # and no mail to an address that has no account
