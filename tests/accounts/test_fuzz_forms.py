"""Random input in every form of the accounts app: never a server error, never a save
without a valid form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.accounts.models import ApiToken, Organisation, User

text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "\x00", "-1", "0", "99999999999999999999", "<b>x</b>", "é" * 50]),
)

FORMS = {
    "organisation_create": ["region", "name", "kind", "email", "phone", "website", "municipality"],
    "organisation_edit": ["name", "kind", "email", "phone", "website", "municipality"],
    "user_create": ["full_name", "email", "phone", "language", "organisation", "role"],
    "user_detail": ["full_name", "email", "phone", "language", "is_active"],
    "membership_add": ["membership-organisation", "membership-role", "membership-is_team_lead"],
    "token_list": ["name", "expires_on"],
    "my_account": ["language"],
}


def url_for(name, world):
    if name == "organisation_edit":
        return reverse("accounts:organisation_edit", args=[world.gem_assen.pk])
    if name in ("user_detail", "membership_add"):
        return reverse(f"accounts:{name}", args=[world.bob.pk])
    return reverse(f"accounts:{name}")


@pytest.mark.parametrize("form", sorted(FORMS))
def test_random_input_never_breaks_a_form(world, form):
    client = Client(raise_request_exception=True)
    client.force_login(world.pam)
    session = client.session
    session["loket_mfa_ok"] = True
    session.save()
    url = url_for(form, world)
    organisations = Organisation.objects.count()
    users = User.objects.count()

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries(dict.fromkeys(FORMS[form], text)))
    def check(data):
        response = client.post(url, data)
        assert response.status_code in (200, 302), (form, data, response.status_code)
        if response.status_code == 302 and form == "organisation_create":
            assert data["name"].strip()

    check()

    if form == "organisation_create":
        # Only a valid form saves; random text is practically never a valid kind.
        assert Organisation.objects.count() == organisations
    if form == "user_create":
        assert User.objects.count() == users
    if form == "token_list":
        # Any non-blank name makes a valid token; a blank one never does.
        assert not ApiToken.objects.filter(name="").exists()


@given(login=text, password=text)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_random_input_never_breaks_the_login(client, db, login, password):
    response = client.post("/accounts/login/", {"login": login, "password": password})

    assert response.status_code == 200
