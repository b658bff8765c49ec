"""A new installation starts with one command: region, organisation, administrator."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from loket.accounts.models import Membership, User
from loket.core.permissions import scope_of


def test_it_creates_an_administrator_who_can_choose_a_password(db, capsys):
    call_command(
        "bootstrap_region",
        region="Groningen",
        organisation="Programmabureau Groningen",
        email="Anna@Example.org",
        name="Anna Beheer",
    )
    user = User.objects.get(email="anna@example.org")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert membership.role == "administrator"
    assert membership.organisation.region.name == "Groningen"
    assert scope_of(user).can_manage(membership.organisation.region_id)
    link = capsys.readouterr().out.strip().splitlines()[-1]
    response = Client().get(link, follow=True)
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()


def test_it_refuses_an_existing_user_and_garbage(db):
    call_command("bootstrap_region", region="X", organisation="O", email="a@b.nl", name="A")
    with pytest.raises(CommandError):
        call_command("bootstrap_region", region="X", organisation="O", email="a@b.nl", name="A")
    with pytest.raises(CommandError):
        call_command("bootstrap_region", region="X", organisation="O", email="nope", name="A")
    with pytest.raises(CommandError):
        call_command("bootstrap_region", region="!!!", organisation="O", email="c@d.nl", name="C")
