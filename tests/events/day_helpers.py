"""Shared data of the tests of the day and after (tests/events/test_day_*.py): a network
meeting of the bureau with Gemeente Assen that began an hour ago, and registrations of
people of known companies."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from loket.events.models import Registration
from tests import factories as f


def started_event(world: Any, *, hours_ago: float = 1, **fields: Any) -> Any:
    """A published event of the bureau (co-organiser Gemeente Assen) that began
    ``hours_ago`` hours ago and lasts two hours."""
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    starts = timezone.now() - dt.timedelta(hours=hours_ago)
    fields.setdefault("title", "Netwerkborrel Assen")
    fields.setdefault("organiser", world.bureau)
    fields.setdefault(
        "partners",
        [world.gem_assen] if fields["organiser"] != world.gem_assen else [world.gem_emmen],
    )
    return f.EventFactory(
        programme=programme,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        municipality=world.assen,
        **fields,
    )


def registration(event: Any, company: Any = None, **fields: Any) -> Registration:
    person = None
    if company is not None:
        person = f.PersonFactory(company=company, name=fields.get("name", "Anna Jansen"))
        fields.setdefault("company_name", company.name)
        fields.setdefault("email", person.email)
    return f.RegistrationFactory(event=event, company=company, person=person, **fields)


def setup(world: Any) -> SimpleNamespace:
    event = started_event(world)
    bakery = f.CompanyFactory(
        region=world.region, name="Bakkerij De Korenschoof", municipality=world.assen
    )
    garage = f.CompanyFactory(
        region=world.region, name="Garage Emmen", municipality=world.emmen, employees=60
    )
    anna = registration(event, bakery, name="Anna Jansen")
    bert = registration(event, bakery, name="Bert de Vries")
    carla = registration(event, garage, name="Carla Smit")
    return SimpleNamespace(
        event=event, bakery=bakery, garage=garage, anna=anna, bert=bert, carla=carla
    )
