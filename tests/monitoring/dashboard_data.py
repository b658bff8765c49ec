"""A small hand-made programme for the dashboard tests (2026, second quarter chosen).

Companies and their contact moments (all by the bureau unless said otherwise):
- A (Assen): 10-11-2025, 10-02-2026, 05-05-2026 (needs Financiering, Innovatie)
- B (Assen): 15-02-2026, 20-04-2026 (need Financiering)
- C (Emmen): 10-05-2026 by Gemeente Assen (bob's) (needs Financiering, Export)
- E (Assen): 20-01-2026
- F (Emmen): 12-04-2026 by Gemeente Emmen, which does not execute the programme: never
  counted.

Hand-counted:
- reach 2026 K2: Assen 2 (A, B), Emmen 1 (C); 2026 up to K2: Assen 3 (A, B, E), Emmen 1.
- new / known: K1: new 2 (B, E), known 1 (A: contact in 2025); K2: new 1 (C), known 2
  (A, B: contact in K1).
- needs in K2: Financiering 3, then Export 1 and Innovatie 1 (ties by name).
- satisfaction: K1 five answers (8, 8, 9, 7, 8): 8.0; K2 four answers: not shown.
- bob's share (Gemeente Assen): reach K2 Emmen 1; K1 nothing, K2 one new company; the
  needs Financiering 1, Export 1.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from loket.core.models import Need
from tests import factories as f


def moment(world, company, day, organisation=None, needs=(), author=None):
    zone = timezone.get_default_timezone()
    cm = f.ContactMomentFactory(
        company=company,
        organisation=organisation or world.bureau,
        author=author or world.alice,
        occurred_at=dt.datetime.combine(day, dt.time(10), tzinfo=zone),
    )
    if needs:
        cm.needs.set(needs)
    return cm


def need(slug_or_name):
    found = Need.objects.filter(name_nl=slug_or_name).first()
    if found is None:
        found = Need.objects.create(
            slug=slug_or_name.lower(), name_nl=slug_or_name, name_en=slug_or_name
        )
    return found


def dashboard_world(world, indicators=1, name="IBDO 2025-2028"):
    programme = f.ProgrammeFactory(
        region=world.region,
        name=name,
        organisations=[world.bureau, world.gem_assen],
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2028, 12, 31),
    )
    financing, innovation, export = need("Financiering"), need("Innovatie"), need("Export")
    a = f.CompanyFactory(region=world.region, name="A", municipality=world.assen)
    b = f.CompanyFactory(region=world.region, name="B", municipality=world.assen)
    c = f.CompanyFactory(region=world.region, name="C", municipality=world.emmen)
    e = f.CompanyFactory(region=world.region, name="E", municipality=world.assen)
    other = f.CompanyFactory(region=world.region, name="F", municipality=world.emmen)
    moment(world, a, dt.date(2025, 11, 10))
    moment(world, a, dt.date(2026, 2, 10))
    moment(world, a, dt.date(2026, 5, 5), needs=[financing, innovation])
    moment(world, b, dt.date(2026, 2, 15))
    moment(world, b, dt.date(2026, 4, 20), needs=[financing])
    moment(
        world,
        c,
        dt.date(2026, 5, 10),
        organisation=world.gem_assen,
        author=world.bob,
        needs=[financing, export],
    )
    moment(world, e, dt.date(2026, 1, 20))
    moment(
        world,
        other,
        dt.date(2026, 4, 12),
        organisation=world.gem_emmen,
        author=world.charlie,
        needs=[financing],
    )
    zone = timezone.get_default_timezone()
    for day, mark in [
        (dt.date(2026, 1, 15), 8),
        (dt.date(2026, 2, 1), 8),
        (dt.date(2026, 2, 20), 9),
        (dt.date(2026, 3, 3), 7),
        (dt.date(2026, 3, 30), 8),
        (dt.date(2026, 4, 10), 9),
        (dt.date(2026, 5, 10), 9),
        (dt.date(2026, 5, 20), 4),
        (dt.date(2026, 6, 2), 8),
    ]:
        f.SurveyInvitationFactory(
            company=f.CompanyFactory(region=world.region),
            programme=programme,
            organisation=world.bureau,
            year=day.year,
            quarter=(day.month - 1) // 3 + 1,
            status="answered",
            mark=mark,
            answered_at=dt.datetime.combine(day, dt.time(12), tzinfo=zone),
        )
    line = f.ActionLineFactory(programme=programme, name="Digitalisering")
    made = [
        f.IndicatorFactory(action_line=line, name=f"Intakes {n}", measure="contact_moments")
        for n in range(indicators)
    ]
    f.TargetFactory(indicator=made[0], year=2026, minimum=10)
    return SimpleNamespace(
        programme=programme,
        line=line,
        indicators=made,
        companies=SimpleNamespace(a=a, b=b, c=c, e=e, other=other),
        needs=SimpleNamespace(financing=financing, innovation=innovation, export=export),
    )
