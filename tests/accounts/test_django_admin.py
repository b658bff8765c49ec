"""The Django admin (for operators): the models are there; the audit trail is read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from loket.accounts.models import ApiToken, Membership, Organisation, User
from loket.core.audit import record
from loket.core.models import AuditEvent, Municipality, Need, Region, Theme
from tests import factories as f
from tests.accounts.conftest import PASSWORD


@pytest.fixture
def operator(world, login):
    """A superuser (staff) with the two-factor step done, as an operator would be."""
    user = f.UserFactory(email="root@loket.example", full_name="Operator")
    user.is_staff = user.is_superuser = True
    user.save()
    return login(user)


@pytest.mark.parametrize(
    "model",
    [Organisation, User, Membership, ApiToken, Region, Municipality, Theme, Need, AuditEvent],
)
def test_the_models_are_registered(model):
    assert model in admin.site._registry


@pytest.mark.parametrize(
    "model", [Organisation, User, Membership, ApiToken, Region, Municipality, AuditEvent]
)
def test_the_changelists_open(operator, world, model):
    record(world.pam, "change", world.gem_assen, changes={"name": ["a", "b"]})
    ApiToken.issue(world.bob, "Koppeling")
    meta = model._meta

    response = operator.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))

    assert response.status_code == 200


def test_the_audit_trail_cannot_be_added_changed_or_deleted(operator, world):
    event = record(world.pam, "change", world.gem_assen, changes={"name": ["a", "b"]})
    model_admin = admin.site._registry[AuditEvent]
    request = operator.get("/").wsgi_request

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert operator.get(reverse("admin:core_auditevent_add")).status_code == 403
    response = operator.post(
        reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    # It can be read.
    assert operator.get(reverse("admin:core_auditevent_change", args=[event.pk])).status_code == 200
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_api_tokens_are_not_made_in_the_admin(operator):
    assert operator.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_the_user_admin_shows_a_user_with_memberships(operator, world):
    response = operator.get(reverse("admin:accounts_user_change", args=[world.bob.pk]))

    assert response.status_code == 200
    assert "Gemeente Assen" in response.content.decode()


def test_non_staff_cannot_use_the_admin(client, world, login):
    login(world.pam)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302


def test_the_admin_login_goes_through_loket_login(client, db):
    response = client.get("/django-admin/login/?next=/django-admin/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_staff_need_two_factor_authentication(client, world):
    world.alice.is_staff = True
    world.alice.save()
    client.post("/accounts/login/", {"login": world.alice.email, "password": PASSWORD})

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/"
