"""Shared data of the webinar import tests: a webinar of the bureau with Gemeente Assen
that took place yesterday, and a client record in which the viewers of ``GOOD`` find:

- Anna (row 2): a contact person of Bakkerij De Brink, found by e-mail -> matched;
- Bert (row 3): a new company "Nieuw Hout" -> new;
- Carla (row 4): "Bouwbedrijf Jansen", two companies of that name -> ambiguous;
- Dirk (row 5): no company -> no company.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from loket.events.models import Event
from tests import factories as f

GOOD = (
    "Naam;E-mail;Organisatie;Duur (minuten)\n"
    "Anna de Bakker;anna@brink.example;Bakkerij De Brink;45\n"
    "Bert Hout;bert@nieuwhout.example;Nieuw Hout;30\n"
    "Carla Jansen;carla@jansen.example;Bouwbedrijf Jansen;20\n"
    "Dirk Zonder;dirk@gmail.example;;12\n"
)
BROKEN = GOOD.replace("bert@nieuwhout.example", "bert-at-nieuwhout").replace(";20\n", ";twintig\n")


def setup(world: Any) -> SimpleNamespace:
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    start = timezone.now() - dt.timedelta(days=1)
    event = f.EventFactory(
        programme=programme,
        organiser=world.bureau,
        partners=[world.gem_assen],
        kind=Event.Kind.WEBINAR,
        online=True,
        online_url="https://webinar.example/123",
        venue="",
        address="",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        capacity=None,
    )
    brink = f.CompanyFactory(region=world.region, name="Bakkerij De Brink", city="Assen")
    anna = f.PersonFactory(company=brink, name="Anna de Bakker", email="anna@brink.example")
    jansen_assen = f.CompanyFactory(region=world.region, name="Bouwbedrijf Jansen", city="Assen")
    jansen_emmen = f.CompanyFactory(region=world.region, name="Bouwbedrijf Jansen", city="Emmen")
    return SimpleNamespace(
        programme=programme,
        event=event,
        brink=brink,
        anna=anna,
        jansen_assen=jansen_assen,
        jansen_emmen=jansen_emmen,
    )
