"""Programme managers and administrators administer the users and roles of their region."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loket.accounts.models import ApiToken, Membership, User
from loket.core.models import AuditEvent
from tests import factories as f
from tests.accounts.conftest import PASSWORD

CREATE = "accounts:user_create"


def new_user_data(world, **overrides):
    data = {
        "full_name": "Nina Nieuw",
        "email": "Nina@Assen.example",
        "phone": "",
        "language": "nl",
        "organisation": world.gem_assen.pk,
        "role": "partner",
        "send_invitation": "on",
    }
    data.update(overrides)
    return data


def user_data(user, **overrides):
    data = {
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "language": user.language,
        "is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return data


def test_a_manager_creates_a_user_who_gets_an_invitation(
    client, world, login, django_capture_on_commit_callbacks
):
    login(world.pam)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(CREATE), new_user_data(world))

    nina = User.objects.get(email="nina@assen.example")
    assert response.status_code == 302
    assert response.url == reverse("accounts:user_detail", args=[nina.pk])
    assert not nina.has_usable_password()
    membership = Membership.objects.get(user=nina)
    assert (membership.organisation, membership.role) == (world.gem_assen, "partner")
    assert AuditEvent.objects.filter(object_type="accounts.user", object_id=nina.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="accounts.membership", object_id=membership.pk, action="create"
    ).exists()
    # The invitation: a Dutch e-mail with a link to choose a password.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@assen.example"]
    assert message.subject == "Uw account voor Loket"
    assert "Pam Programma heeft een account voor u gemaakt" in message.body
    link = next(
        line for line in message.body.splitlines() if "/accounts/password/reset/key/" in line
    )

    # Nina follows the link, chooses a password and logs in.
    nina_browser = Client()
    path = link[link.index("/accounts/") :].strip()
    response = nina_browser.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    new_password = "een-lang-eigen-wachtwoord"
    nina_browser.post(form_url, {"password1": new_password, "password2": new_password})
    response = nina_browser.post(
        "/accounts/login/", {"login": "nina@assen.example", "password": new_password}
    )
    assert response.status_code == 302
    assert nina_browser.session["_auth_user_id"] == str(nina.pk)


def test_creating_without_invitation_sends_no_mail(
    client, world, login, django_capture_on_commit_callbacks
):
    login(world.pam)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(CREATE), new_user_data(world, send_invitation=""))

    assert User.objects.filter(email="nina@assen.example").exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Vul de naam in."),
        ("full_name", "  ", "Vul de naam in."),
        ("full_name", "x" * 201, None),
        ("email", "", "Vul het e-mailadres in."),
        ("email", "nina-at-assen", "Vul een geldig e-mailadres in, zoals naam@organisatie.nl."),
        ("email", "ALICE@ibdo.example", "Er bestaat al een gebruiker met dit e-mailadres."),
        ("email", "nina@assen.example\x00", None),
        ("language", "tlh", "Kies een taal uit de lijst."),
        ("organisation", "", "Kies een organisatie."),
        ("organisation", "999999", "Kies een organisatie uit de lijst."),
        ("role", "", "Kies een rol."),
        ("role", "emperor", "Kies een rol uit de lijst."),
    ],
)
def test_garbage_in_the_new_user_form_gives_a_field_error_and_saves_nothing(
    client, world, login, field, value, message
):
    login(world.pam)
    users = User.objects.count()

    response = client.post(reverse(CREATE), new_user_data(world, **{field: value}))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert message in errors[field]
    assert User.objects.count() == users
    assert mail.outbox == []


def test_an_organisation_of_another_region_cannot_be_chosen(client, world, login):
    login(world.pam)

    response = client.post(
        reverse(CREATE), new_user_data(world, organisation=world.twente_bureau.pk)
    )

    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(email="nina@assen.example").exists()


def test_only_an_administrator_grants_the_administrator_role(client, world, login):
    login(world.pam)

    refused = client.post(reverse(CREATE), new_user_data(world, role="administrator"))

    assert "role" in refused.context["form"].errors
    assert not User.objects.filter(email="nina@assen.example").exists()

    login(world.adam)
    client.post(reverse(CREATE), new_user_data(world, role="administrator"))

    assert Membership.objects.filter(
        user__email="nina@assen.example", role="administrator"
    ).exists()


def test_a_manager_edits_a_user(client, world, login):
    login(world.pam)
    url = reverse("accounts:user_detail", args=[world.bob.pk])

    response = client.post(url, user_data(world.bob, full_name="Bob de Gemeente", language="en"))

    assert response.status_code == 302
    world.bob.refresh_from_db()
    assert world.bob.full_name == "Bob de Gemeente"
    assert world.bob.language == "en"
    event = AuditEvent.objects.get(object_type="accounts.user", object_id=world.bob.pk)
    assert event.changes["full_name"] == ["Bob Gemeente", "Bob de Gemeente"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", ""),
        ("email", "bob"),
        ("email", "charlie@emmen.example"),
        ("language", "xx"),
    ],
)
def test_garbage_in_the_user_form_changes_nothing(client, world, login, field, value):
    login(world.pam)
    url = reverse("accounts:user_detail", args=[world.bob.pk])

    response = client.post(url, user_data(world.bob, **{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    world.bob.refresh_from_db()
    assert world.bob.email == "bob@assen.example"
    assert world.bob.full_name == "Bob Gemeente"
    assert not AuditEvent.objects.filter(object_type="accounts.user").exists()


def test_a_programme_manager_cannot_edit_an_administrator(client, world, login):
    login(world.pam)
    url = reverse("accounts:user_detail", args=[world.adam.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Alleen een beheerder wijzigt het account van een beheerder." in page.content.decode()

    response = client.post(url, user_data(world.adam, full_name="Gekaapt"))
    assert response.status_code == 403
    response = client.post(reverse("accounts:user_deactivate", args=[world.adam.pk]))
    assert response.status_code == 403
    world.adam.refresh_from_db()
    assert world.adam.full_name == "Adam Beheer"
    assert world.adam.is_active


def test_deactivating_a_user_stops_login_and_api_tokens(client, world, login):
    token, raw = ApiToken.issue(world.bob, "Koppeling")
    login(world.pam)

    response = client.post(reverse("accounts:user_deactivate", args=[world.bob.pk]))

    assert response.status_code == 302
    world.bob.refresh_from_db()
    assert not world.bob.is_active
    assert User.objects.filter(pk=world.bob.pk).exists()  # nothing deleted
    assert Membership.objects.filter(user=world.bob).exists()
    assert ApiToken.find(raw) is None
    assert AuditEvent.objects.filter(
        object_type="accounts.user", object_id=world.bob.pk, changes__is_active=[True, False]
    ).exists()
    bob = Client()
    bob.post("/accounts/login/", {"login": world.bob.email, "password": PASSWORD})
    assert "_auth_user_id" not in bob.session

    client.post(reverse("accounts:user_reactivate", args=[world.bob.pk]))

    world.bob.refresh_from_db()
    assert world.bob.is_active
    assert ApiToken.find(raw) == token


def test_a_manager_cannot_deactivate_himself(client, world, login):
    login(world.pam)

    response = client.post(reverse("accounts:user_deactivate", args=[world.pam.pk]), follow=True)

    assert "U kunt uw eigen account niet uitschakelen." in response.content.decode()
    world.pam.refresh_from_db()
    assert world.pam.is_active


def test_a_user_belongs_to_more_than_one_organisation(client, world, login):
    login(world.pam)
    url = reverse("accounts:membership_add", args=[world.bob.pk])

    response = client.post(
        url,
        {
            "membership-organisation": world.gem_emmen.pk,
            "membership-role": "partner",
            "membership-is_team_lead": "on",
        },
    )

    assert response.status_code == 302
    memberships = Membership.objects.filter(user=world.bob).order_by("organisation__name")
    assert [(m.organisation.name, m.is_team_lead) for m in memberships] == [
        ("Gemeente Assen", False),
        ("Gemeente Emmen", True),
    ]
    page = client.get(reverse("accounts:user_detail", args=[world.bob.pk])).content.decode()
    assert "Gemeente Emmen" in page
    assert "teamleider" in page


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"membership-organisation": "abc", "membership-role": "partner"},
        {"membership-organisation": "999999", "membership-role": "partner"},
        {"membership-organisation": "TWENTE", "membership-role": "partner"},
        {"membership-organisation": "ASSEN", "membership-role": "partner"},  # already has it
        {"membership-organisation": "ASSEN", "membership-role": "\x00"},
    ],
)
def test_garbage_in_the_membership_form_gives_an_error_and_saves_nothing(
    client, world, login, data
):
    data = {
        key: {"TWENTE": world.twente_bureau.pk, "ASSEN": world.gem_assen.pk}.get(value, value)
        for key, value in data.items()
    }
    login(world.pam)

    response = client.post(reverse("accounts:membership_add", args=[world.bob.pk]), data)

    assert response.status_code == 200
    assert response.context["membership_form"].errors
    assert Membership.objects.filter(user=world.bob).count() == 1


def test_removing_a_membership(client, world, login):
    extra = f.MembershipFactory(user=world.bob, organisation=world.gem_emmen, role="partner")
    login(world.pam)

    response = client.post(reverse("accounts:membership_remove", args=[extra.pk]))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=extra.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="accounts.membership", object_id=extra.pk, action="delete"
    ).exists()


def test_the_last_membership_stays(client, world, login):
    only = Membership.objects.get(user=world.bob)
    login(world.pam)

    response = client.post(reverse("accounts:membership_remove", args=[only.pk]), follow=True)

    assert "Schakel de gebruiker uit" in response.content.decode()
    assert Membership.objects.filter(pk=only.pk).exists()


def test_a_manager_sees_only_memberships_in_his_region(client, world, login, tom):
    f.MembershipFactory(user=world.bob, organisation=world.twente_bureau, role="advisor")
    login(tom)

    html = client.get(reverse("accounts:user_detail", args=[world.bob.pk])).content.decode()

    assert "Programmabureau Twente" in html
    assert "Gemeente Assen" not in html


def test_the_user_list_filters(client, world, login):
    world.charlie.is_active = False
    world.charlie.save()
    login(world.pam)
    url = reverse("accounts:user_list")

    by_org = client.get(url, {"organisation": world.gem_assen.pk}).context["page"].object_list
    by_role = client.get(url, {"role": "advisor"}).context["page"].object_list
    inactive = client.get(url, {"active": "0"}).context["page"].object_list
    everyone = client.get(url).context["page"].object_list

    assert list(by_org) == [world.bob]
    assert list(by_role) == [world.alice]  # not olga: she works in Twente
    assert list(inactive) == [world.charlie]
    assert world.olga not in everyone
    assert client.get(url, {"organisation": "x", "role": "?", "active": "9"}).status_code == 200


@pytest.mark.parametrize("size", [5, 40])
def test_the_user_list_runs_a_constant_number_of_queries(
    client, world, login, settings, size, django_assert_max_num_queries
):
    for i in range(45):
        user = f.UserFactory(email=f"medewerker{i}@assen.example", full_name=f"Medewerker {i:02d}")
        f.MembershipFactory(user=user, organisation=world.gem_assen, role="partner")
        f.MembershipFactory(user=user, organisation=world.gem_emmen, role="partner")
    login(world.pam)
    url = reverse("accounts:user_list")
    client.get(url)

    settings.LOKET_PAGE_SIZE = 5
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    settings.LOKET_PAGE_SIZE = size

    with django_assert_max_num_queries(len(small)):
        response = client.get(url)

    page = response.context["page"]
    assert len(page.object_list) == min(size, 50)
    assert "Medewerker 00" in response.content.decode()
