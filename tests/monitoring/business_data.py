"""A small world for the business case and antenna tests (monitoring-business lane).

On top of ``world`` (tests/conftest.py):
- ``nom``: the development agency (NOM), an executing organisation of ``programme``;
  ``nina`` works there (role partner).
- ``programme``: executed by the bureau, NOM and Gemeente Assen (not Gemeente Emmen).
- ``brink``: a company in Assen that NOM had contact with (nina sees it), KvK 12345678.
- ``smid``: a company in Assen NOM never spoke to (nina does not see it).
- ``twente_co``: a company in the other region.

Import the fixture into a test module:
``from tests.monitoring.business_data import bw_fixture  # noqa: F401``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from loket.accounts.models import Organisation
from loket.monitoring.models import BusinessCase
from tests import factories as f


@pytest.fixture(name="bw")
def bw_fixture(world):
    w = world
    nom = f.OrganisationFactory(
        region=w.region, name="NOM", kind=Organisation.Kind.DEVELOPMENT_AGENCY
    )
    nina = f.UserFactory(email="nina@nom.example", full_name="Nina NOM")
    f.MembershipFactory(user=nina, organisation=nom, role="partner")
    programme = f.ProgrammeFactory(
        region=w.region, name="IBDO 2025-2028", organisations=[w.bureau, nom, w.gem_assen]
    )
    brink = f.CompanyFactory(
        region=w.region, name="Bakkerij De Brink", kvk_number="12345678", municipality=w.assen
    )
    smid = f.CompanyFactory(region=w.region, name="Smederij Smid", municipality=w.assen)
    twente_co = f.CompanyFactory(region=w.other_region, name="Twentse Textiel")
    f.ContactMomentFactory(company=brink, author=nina, organisation=nom)
    return SimpleNamespace(
        w=w,
        nom=nom,
        nina=nina,
        programme=programme,
        brink=brink,
        smid=smid,
        twente_co=twente_co,
    )


def make_case(bw, **kwargs) -> BusinessCase:
    values = {
        "programme": bw.programme,
        "organisation": bw.nom,
        "company": bw.brink,
        "title": "Nieuwe productielijn",
        "started_on": dt.date(2026, 2, 1),
        "expected_turnover": Decimal("250000.00"),
        "expected_value": Decimal("100000.00"),
        "expected_fte": Decimal("3.0"),
    }
    values.update(kwargs)
    return f.BusinessCaseFactory(**values)
