"""The interface language: Dutch by default, English on request, remembered per user."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tests.accounts.conftest import PASSWORD


def html_lang(response) -> str:
    html = response.content.decode()
    start = html.index('<html lang="') + len('<html lang="')
    return html[start : html.index('"', start)]


def test_dutch_is_the_default(client, world, login):
    login(world.alice)

    response = client.get(reverse("accounts:my_account"))

    assert html_lang(response) == "nl"
    assert 'lang="en">English</button>' in response.content.decode()


def test_the_language_switch_changes_the_interface_to_english_and_back(client, world, login):
    login(world.alice)
    page = reverse("accounts:my_account")

    response = client.post(reverse("set_language"), {"language": "en", "next": page})

    assert response.status_code == 302
    english = client.get(page)
    assert html_lang(english) == "en"
    # The switch now offers the way back, in Dutch.
    assert 'lang="nl">Nederlands</button>' in english.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.language == "en"

    client.post(reverse("set_language"), {"language": "nl", "next": page})

    assert html_lang(client.get(page)) == "nl"
    world.alice.refresh_from_db()
    assert world.alice.language == "nl"


def test_the_users_language_applies_at_login(client, world):
    world.bob.language = "en"
    world.bob.save()

    response = client.post("/accounts/login/", {"login": world.bob.email, "password": PASSWORD})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert html_lang(client.get(reverse("accounts:my_account"))) == "en"


def test_the_profile_wins_over_the_browser(client, world, login):
    login(world.alice)

    response = client.get(reverse("accounts:my_account"), HTTP_ACCEPT_LANGUAGE="en")

    assert html_lang(response) == "nl"


def test_my_account_saves_the_language(client, world, login):
    login(world.alice)

    response = client.post(reverse("accounts:my_account"), {"language": "en"})

    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.language == "en"


def test_an_unknown_language_is_refused_on_my_account(client, world, login):
    login(world.alice)

    response = client.post(reverse("accounts:my_account"), {"language": "xx\x00"})

    assert response.status_code == 200
    assert response.context["form"].errors["language"] == ["Kies een taal uit de lijst."]
    world.alice.refresh_from_db()
    assert world.alice.language == "nl"


def test_an_unknown_language_in_the_switch_changes_nothing(client, world, login):
    login(world.alice)

    response = client.post(reverse("set_language"), {"language": "klingon", "next": "/"})

    assert response.status_code in (200, 302)
    world.alice.refresh_from_db()
    assert world.alice.language == "nl"


def test_anonymous_visitors_can_switch_too(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})

    assert html_lang(client.get("/accounts/login/")) == "en"
