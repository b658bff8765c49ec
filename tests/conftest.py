"""Standing users per role, after Healthchecks' alice/bob/charlie.

- alice: advisor of the programme bureau (sees every company of the region)
- pam: programme manager of the programme bureau
- adam: administrator of the programme bureau
- bob: partner at the municipality of Assen
- charlie: partner at the municipality of Emmen (an outsider to bob's companies)
- olga: advisor in another region (sees nothing of Drenthe)
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from loket.accounts.models import Organisation
from tests import factories as f


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (cached figures, rate limits)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db):
    region = f.RegionFactory()
    other_region = f.RegionFactory(name="Twente", slug="twente")
    assen = f.MunicipalityFactory(region=region, name="Assen", cbs_code="GM0106")
    emmen = f.MunicipalityFactory(region=region, name="Emmen", cbs_code="GM0114")
    bureau = f.OrganisationFactory(
        region=region, name="Programmabureau IBDO", kind=Organisation.Kind.PROGRAMME
    )
    gem_assen = f.OrganisationFactory(
        region=region,
        name="Gemeente Assen",
        kind=Organisation.Kind.MUNICIPALITY,
        municipality=assen,
    )
    gem_emmen = f.OrganisationFactory(
        region=region,
        name="Gemeente Emmen",
        kind=Organisation.Kind.MUNICIPALITY,
        municipality=emmen,
    )
    twente_bureau = f.OrganisationFactory(
        region=other_region, name="Programmabureau Twente", kind=Organisation.Kind.PROGRAMME
    )

    def member(email, name, org, role, **kw):
        user = f.UserFactory(email=email, full_name=name)
        f.MembershipFactory(user=user, organisation=org, role=role, **kw)
        return user

    return SimpleNamespace(
        region=region,
        other_region=other_region,
        assen=assen,
        emmen=emmen,
        bureau=bureau,
        gem_assen=gem_assen,
        gem_emmen=gem_emmen,
        twente_bureau=twente_bureau,
        alice=member("alice@ibdo.example", "Alice Advies", bureau, "advisor", is_team_lead=True),
        pam=member("pam@ibdo.example", "Pam Programma", bureau, "programme_manager"),
        adam=member("adam@ibdo.example", "Adam Beheer", bureau, "administrator"),
        bob=member("bob@assen.example", "Bob Gemeente", gem_assen, "partner"),
        charlie=member("charlie@emmen.example", "Charlie Emmen", gem_emmen, "partner"),
        olga=member("olga@twente.example", "Olga Overijssel", twente_bureau, "advisor"),
    )


@pytest.fixture
def login(client):
    """Log a standing user into the test client without going through MFA."""

    def _login(user):
        client.force_login(user)
        session = client.session
        session["loket_mfa_ok"] = True
        session.save()
        return client

    return _login
