"""Shared fixtures of the casework tests: a company of Drenthe with a contact person."""

from __future__ import annotations

import pytest

from loket.casework import services
from tests import factories as f


@pytest.fixture
def company(world):
    return f.CompanyFactory(region=world.region, name="Bakkerij De Vries", municipality=world.assen)


@pytest.fixture
def person(company):
    return f.PersonFactory(company=company, name="Jan de Vries", role="eigenaar")


@pytest.fixture
def case(world, company):
    """A new case of alice (advisor of the programme bureau)."""
    return services.open_case(
        world.alice, company, channel="phone", question="Hoe financier ik een nieuwe oven?"
    )


@pytest.fixture
def referral(world, case, django_capture_on_commit_callbacks):
    """A referral of alice's case, sent to the municipality of Assen (bob)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.refer(
            world.alice, case, to_organisation=world.gem_assen, message="Graag contact opnemen."
        )
