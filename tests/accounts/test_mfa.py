"""Two-factor authentication (TOTP): required for programme managers and administrators,
available to everyone."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, code_for_secret, give_totp, totp_code, wrong_code

LOGIN = "/accounts/login/"
ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


def post_login(client, user):
    return client.post(LOGIN, {"login": user.email, "password": PASSWORD})


def test_a_programme_manager_without_totp_is_sent_to_set_it_up(client, world):
    post_login(client, world.pam)

    for url in (
        reverse("casework:queue"),
        reverse("accounts:organisation_list"),
        reverse("accounts:my_account"),
        reverse("accounts:token_list"),
        "/django-admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == ACTIVATE, url

    page = client.get(ACTIVATE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Voor uw rol is tweestapsverificatie verplicht." in html
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code
    assert 'alt="QR-code om Loket aan uw authenticator-app toe te voegen"' in html
    assert page.context["form"].secret in html  # the secret, for typing it in by hand


def test_an_administrator_without_totp_is_sent_to_set_it_up(client, world):
    post_login(client, world.adam)

    response = client.get(reverse("accounts:user_list"))

    assert response.url == ACTIVATE


def test_an_advisor_is_not_forced_to_use_totp(client, world):
    post_login(client, world.alice)

    assert client.get(reverse("accounts:my_account")).status_code == 200


def test_activating_totp_with_a_wrong_code_is_refused(client, world):
    post_login(client, world.pam)
    secret = client.get(ACTIVATE).context["form"].secret

    response = client.post(ACTIVATE, {"code": wrong_code(code_for_secret(secret))})

    assert response.status_code == 200
    assert "Deze code klopt niet." in response.content.decode()
    assert not Authenticator.objects.filter(user=world.pam).exists()
    assert client.get(reverse("accounts:organisation_list")).url == ACTIVATE


def test_after_activating_totp_the_programme_manager_gets_in(client, world):
    post_login(client, world.pam)
    secret = client.get(ACTIVATE).context["form"].secret

    response = client.post(ACTIVATE, {"code": code_for_secret(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=world.pam, type="totp").exists()
    codes = client.get(response.url)  # recovery codes are shown once
    assert "Herstelcodes" in codes.content.decode()
    assert client.get(reverse("accounts:organisation_list")).status_code == 200


def test_with_totp_login_asks_for_the_code_and_then_works(client, world):
    give_totp(world.pam)

    response = post_login(client, world.pam)

    assert response.status_code == 302
    assert response.url == AUTHENTICATE
    assert "_auth_user_id" not in client.session
    page = client.get(AUTHENTICATE)
    assert "Tweestapsverificatie" in page.content.decode()

    response = client.post(AUTHENTICATE, {"code": totp_code(world.pam)})

    assert response.status_code == 302
    assert response.url == reverse("casework:queue")
    assert client.session["_auth_user_id"] == str(world.pam.pk)
    assert client.get(reverse("accounts:organisation_list")).status_code == 200


def test_a_wrong_totp_code_is_refused(client, world):
    give_totp(world.pam)
    post_login(client, world.pam)

    response = client.post(AUTHENTICATE, {"code": wrong_code(totp_code(world.pam))})

    assert response.status_code == 200
    assert "Deze code klopt niet." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_garbage_codes_are_refused_without_errors(client, world):
    give_totp(world.pam)
    post_login(client, world.pam)

    for code in ("", "abcdef", "1" * 500, "\x00", "12345"):
        response = client.post(AUTHENTICATE, {"code": code})
        assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_advisor_may_use_totp_too(client, world):
    give_totp(world.alice)

    response = post_login(client, world.alice)

    assert response.url == AUTHENTICATE


def login_with_totp(client, user):
    give_totp(user)
    post_login(client, user)
    response = client.post(AUTHENTICATE, {"code": totp_code(user)})
    assert response.status_code == 302


def test_a_programme_manager_cannot_switch_totp_off(client, world):
    login_with_totp(client, world.pam)

    index = client.get("/accounts/2fa/")
    assert "verplicht" in index.content.decode()
    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 200
    assert "u kunt haar niet uitzetten" in response.content.decode()
    assert Authenticator.objects.filter(user=world.pam, type="totp").exists()


def test_an_advisor_can_switch_totp_off(client, world):
    login_with_totp(client, world.alice)

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.alice, type="totp").exists()
