"""Every administration page, for every role: managers of the region get in; advisors,
partners and managers of another region get a 404; anonymous visitors go to the login."""

from __future__ import annotations

import pytest
from django.urls import reverse

from loket.accounts.models import Membership


def admin_urls(world) -> list[tuple[str, str]]:
    """(method, url) of every page under /beheer/ that administers something."""
    membership = Membership.objects.get(user=world.alice)
    return [
        ("get", reverse("accounts:organisation_list")),
        ("get", reverse("accounts:organisation_create")),
        ("post", reverse("accounts:organisation_create")),
        ("get", reverse("accounts:organisation_edit", args=[world.gem_assen.pk])),
        ("post", reverse("accounts:organisation_edit", args=[world.gem_assen.pk])),
        ("get", reverse("accounts:user_list")),
        ("get", reverse("accounts:user_create")),
        ("post", reverse("accounts:user_create")),
        ("get", reverse("accounts:user_detail", args=[world.alice.pk])),
        ("post", reverse("accounts:user_detail", args=[world.alice.pk])),
        ("post", reverse("accounts:user_deactivate", args=[world.alice.pk])),
        ("post", reverse("accounts:user_reactivate", args=[world.alice.pk])),
        ("post", reverse("accounts:user_invite", args=[world.alice.pk])),
        ("post", reverse("accounts:membership_add", args=[world.alice.pk])),
        ("post", reverse("accounts:membership_remove", args=[membership.pk])),
    ]


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "olga"])
def test_every_admin_page_is_404_for_non_managers(client, world, login, who):
    login(getattr(world, who))

    for method, url in admin_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (who, method, url)

    world.alice.refresh_from_db()
    assert world.alice.is_active
    assert Membership.objects.filter(user=world.alice).count() == 1


def test_every_admin_page_is_404_for_a_manager_of_another_region(client, world, login, tom):
    login(tom)

    for method, url in admin_urls(world):
        response = getattr(client, method)(url)
        if url in (
            reverse("accounts:organisation_list"),
            reverse("accounts:organisation_create"),
            reverse("accounts:user_list"),
            reverse("accounts:user_create"),
        ):
            # His own region's pages; Drenthe is not on them.
            assert response.status_code == 200, (method, url)
            assert "Gemeente Assen" not in response.content.decode()
            assert "Alice Advies" not in response.content.decode()
        else:
            assert response.status_code == 404, (method, url)
    world.alice.refresh_from_db()
    assert world.alice.is_active


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    for method, url in admin_urls(world):
        response = getattr(client, method)(url)
        if method == "get":
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("account_login")), url
        else:
            assert response.status_code in (302, 405), url
            if response.status_code == 302:
                assert response.url.startswith(reverse("account_login")), url


@pytest.mark.parametrize("who", ["pam", "adam"])
def test_managers_of_the_region_get_in(client, world, login, who):
    login(getattr(world, who))

    for method, url in admin_urls(world):
        if method == "get":
            assert client.get(url).status_code == 200, (who, url)


@pytest.mark.parametrize("who", ["alice", "bob", "olga"])
def test_the_admin_menu_item_shows_only_to_managers(client, world, login, who):
    login(getattr(world, who))

    html = client.get(reverse("accounts:my_account")).content.decode()

    assert reverse("accounts:organisation_list") not in html


def test_a_manager_sees_the_admin_menu_item(client, world, login):
    login(world.pam)

    html = client.get(reverse("accounts:my_account")).content.decode()

    assert reverse("accounts:organisation_list") in html


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "olga", "pam"])
def test_everyone_reaches_my_account_and_api_keys(client, world, login, who):
    login(getattr(world, who))

    assert client.get(reverse("accounts:my_account")).status_code == 200
    assert client.get(reverse("accounts:token_list")).status_code == 200


def test_my_account_and_api_keys_need_a_login(client, db):
    for url in (reverse("accounts:my_account"), reverse("accounts:token_list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
