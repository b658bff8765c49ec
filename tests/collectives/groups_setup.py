"""Shared setup of the collectives-groups tests: a programme of Drenthe run by the
bureau, a cluster and a cooperation initiative of the bureau, and companies of the
region from inside (Assen, Emmen) and outside (a municipality of Twente, or none)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from loket.collectives.models import Collective
from tests import factories as f


def setup(world: Any) -> SimpleNamespace:
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    enschede = f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    cluster = f.CollectiveFactory(
        programme=programme,
        organisation=world.bureau,
        name="Cluster Waterstof",
        opportunity="Samen waterstof opwekken.",
    )
    cooperation = f.CollectiveFactory(
        programme=programme,
        organisation=world.bureau,
        kind=Collective.Kind.COOPERATION,
        name="Samen Sterk",
    )
    return SimpleNamespace(
        programme=programme, cluster=cluster, cooperation=cooperation, enschede=enschede
    )


def inside(world: Any, name: str = "", **kwargs: Any) -> Any:
    extra = {"name": name} if name else {}
    return f.CompanyFactory(region=world.region, municipality=world.assen, **extra, **kwargs)


def outside(world: Any, data: SimpleNamespace, name: str = "", **kwargs: Any) -> Any:
    extra = {"name": name} if name else {}
    return f.CompanyFactory(region=world.region, municipality=data.enschede, **extra, **kwargs)


def members(collective: Any, companies: list[Any]) -> list[Any]:
    return [f.MemberFactory(collective=collective, company=c) for c in companies]
