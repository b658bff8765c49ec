"""Personal API tokens: made by the user, shown once, stored as a hash, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loket.accounts.models import ApiToken
from loket.core.models import AuditEvent

URL = "accounts:token_list"


def test_a_token_is_shown_once_and_only_its_hash_is_stored(client, world, login):
    login(world.bob)

    response = client.post(reverse(URL), {"name": "Koppeling met ons CRM", "expires_on": ""})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw_token"]
    assert raw.startswith("lkt_")
    assert raw in response.content.decode()
    token = ApiToken.objects.get(user=world.bob)
    assert token.name == "Koppeling met ons CRM"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert raw not in stored
    assert ApiToken.find(raw) == token
    assert AuditEvent.objects.filter(object_type="accounts.apitoken", object_id=token.pk).exists()

    # Never again: the list shows a hint of the token, not the token.
    listing = client.get(reverse(URL)).content.decode()
    assert "Koppeling met ons CRM" in listing
    assert token.hint in listing
    assert raw not in listing


def test_a_token_with_an_expiry_date_works_through_that_day(client, world, login):
    login(world.bob)
    last_day = timezone.localdate() + dt.timedelta(days=30)

    response = client.post(
        reverse(URL), {"name": "Tijdelijk", "expires_on": last_day.strftime("%d-%m-%Y")}
    )

    token = ApiToken.objects.get(user=world.bob)
    expires = timezone.localtime(token.expires_at)
    assert expires.date() == last_day + dt.timedelta(days=1)
    assert (expires.hour, expires.minute) == (0, 0)
    assert ApiToken.find(response.context["raw_token"]) == token


def test_an_expired_token_no_longer_works(world):
    token, raw = ApiToken.issue(world.bob, "Oud")

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))

    assert ApiToken.find(raw) is None
    token.refresh_from_db()
    assert token.is_expired


def test_a_revoked_token_no_longer_works(client, world, login):
    token, raw = ApiToken.issue(world.bob, "Weg ermee")
    login(world.bob)

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    assert ApiToken.find(raw) is None
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "ingetrokken op" in client.get(reverse(URL)).content.decode()


def test_nobody_revokes_someone_elses_token(client, world, login):
    token, raw = ApiToken.issue(world.bob, "Van Bob")

    for who in (world.charlie, world.pam, world.adam):
        login(who)
        response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
        assert response.status_code == 404

    assert ApiToken.find(raw) == token


def test_a_user_sees_only_his_own_tokens(client, world, login):
    ApiToken.issue(world.bob, "Van Bob")
    login(world.charlie)

    assert "Van Bob" not in client.get(reverse(URL)).content.decode()


def test_revoking_needs_a_post(client, world, login):
    token, _raw = ApiToken.issue(world.bob, "Van Bob")
    login(world.bob)

    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


def test_garbage_tokens_are_not_found(world):
    ApiToken.issue(world.bob, "Echt")

    for raw in ("", "lkt_", "lkt_" + "x" * 43, "x" * 1000, "\x00", "Bearer lkt_abc"):
        assert ApiToken.find(raw) is None


def test_a_token_of_an_inactive_user_no_longer_works(world):
    _token, raw = ApiToken.issue(world.bob, "Echt")
    world.bob.is_active = False
    world.bob.save()

    assert ApiToken.find(raw) is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Geef de sleutel een omschrijving."),
        ({"name": "   "}, "name", "Geef de sleutel een omschrijving."),
        ({"name": "x" * 101}, "name", "Gebruik hoogstens 100 tekens."),
        ({"name": "a\x00b"}, "name", None),
        ({"name": "ok", "expires_on": "31-02-2027"}, "expires_on", None),
        ({"name": "ok", "expires_on": "morgen"}, "expires_on", None),
        (
            {"name": "ok", "expires_on": "01-01-2020"},
            "expires_on",
            "Kies een datum in de toekomst.",
        ),
        ({"name": "ok", "expires_on": "99999-01-01"}, "expires_on", None),
    ],
)
def test_garbage_in_the_token_form_gives_a_field_error_and_saves_nothing(
    client, world, login, data, field, message
):
    login(world.bob)

    response = client.post(reverse(URL), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert message in errors[field]
    assert "raw_token" not in response.context
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("size", [5, 25])
def test_the_token_list_runs_a_constant_number_of_queries(
    client, world, login, settings, size, django_assert_max_num_queries
):
    for i in range(30):
        ApiToken.issue(world.bob, f"Sleutel {i}")
    login(world.bob)
    client.get(reverse(URL))

    settings.LOKET_PAGE_SIZE = 5
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(URL))
    settings.LOKET_PAGE_SIZE = size

    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse(URL))

    assert len(response.context["page"].object_list) == size
