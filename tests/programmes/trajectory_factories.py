"""Test data of the scheme, trajectory and voucher tests.

``setup(world)``: programme "IBDO 2025-2028" of Drenthe, executed by the programme
bureau, with the province as funder and

- executed by the bureau and Gemeente Assen (bob sees the programme);
- ``scheme``: "Innovatietraject", worth 5,000.00, 4,250.00 granted, 750.00 own
  contribution, 21 % VAT, 2 available, for the SMEs of the catalogue instrument
  ``instrument`` (at most 249 employees);
- ``cluster``: "Clustertraject", at least 3 companies, worth 20,000.00, 15,000.00
  granted, 1 available;
- ``bakker``, ``smid``, ``kaas``: companies of Assen with 5 employees; ``fabriek``: one
  with 400 (too big for the instrument).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from loket.programmes.models import Funder, Trajectory
from loket.programmes.services import trajectories as services
from tests import factories as f

D = Decimal


def setup(world: Any) -> SimpleNamespace:
    programme = f.ProgrammeFactory(
        region=world.region, name="IBDO 2025-2028", organisations=[world.bureau, world.gem_assen]
    )
    province = f.FunderFactory(
        programme=programme, name="Provincie Drenthe", kind=Funder.Kind.PROVINCE
    )
    instrument = f.InstrumentFactory(
        region=world.region,
        name="Innovatietraject IBDO",
        employees_max=249,
        provider_organisation=world.bureau,
    )
    scheme = f.SchemeFactory(
        programme=programme,
        funder=province,
        name="Innovatietraject",
        instrument=instrument,
        available=2,
    )
    cluster = f.SchemeFactory(
        programme=programme,
        funder=province,
        name="Clustertraject",
        value=D("20000.00"),
        max_granted=D("15000.00"),
        own_contribution=D("0.00"),
        available=1,
        min_participants=3,
    )

    def company(name: str, employees: int = 5, **kw: Any) -> Any:
        return f.CompanyFactory(
            region=world.region, name=name, municipality=world.assen, employees=employees, **kw
        )

    return SimpleNamespace(
        w=world,
        programme=programme,
        province=province,
        instrument=instrument,
        scheme=scheme,
        cluster=cluster,
        bakker=company("Bakkerij De Brink"),
        smid=company("Smederij Assen"),
        kaas=company("Kaasmakerij Drenthe"),
        fabriek=company("Fabriek Groot B.V.", employees=400),
    )


def trajectory(data: SimpleNamespace, company: Any = None, scheme: Any = None, **kw: Any) -> Any:
    """An applied trajectory, made through the service (by alice)."""
    values = {
        "scheme": scheme or data.scheme,
        "company": company or data.bakker,
        "title": kw.pop("title", "Nieuwe productlijn"),
        "applied_on": kw.pop("applied_on", dt.date(2025, 3, 1)),
        **kw,
    }
    return services.create_trajectory(data.w.alice, data.programme, values)


def approved(data: SimpleNamespace, company: Any = None, **kw: Any) -> Trajectory:
    t = trajectory(data, company, **kw)
    return services.approve_trajectory(data.w.pam, t, on=dt.date(2025, 3, 10))
