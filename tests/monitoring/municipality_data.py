"""A small, hand-counted data set for the municipality view (2025, second quarter).

Programme IBDO (2025-2028, executed by the bureau). Companies of Assen:
- a1: new; an intake in Q2 (needs: innovatie, internationalisering) and a visit in Q2
  (need: innovatie); visited the Assen event of Q2; trajectory started 15-04, completed
  20-06, voucher paid 25-06 (3.000,00).
- a2: an intake in Q1 (so known in Q2, new for the year); a case in Q2; visited the Emmen
  event; trajectory started 01-02, voucher paid 10-03 (1.000,00).
- a3: new; a case in Q2 only.
- a4: a contact moment in November 2024 (known for the year) and one in Q1; visited the
  Assen event of Q1.
- a5: a contact moment in Q2 by Gemeente Assen (not an executing organisation: not
  counted).
- a6: a contact moment in Q3 and a trajectory started in Q3 (outside the quarter).
Emmen: e1 with a contact moment (need: internationalisering), a case and a trajectory in
Q2 (never counted for Assen).
Events: Assen Q2 (visits: a1, a walk-in without a company; one no-show), Assen Q1 (a4),
Emmen Q2 (a2), a draft in Assen in Q2 (not held).

Hand-counted for Assen 2025 K2 (quarter / year to date):
companies helped 3 / 4, new 2 / 3, cases 2 / 2 (a2, a3), intakes 1 / 2, events held 1 / 2,
visits at them 2 / 3, visitors from Assen 2 / 3, trajectories started 1 / 2, completed
1 / 1, vouchers paid 1 / 2, euros 3.000 / 4.000; needs: innovatie 2, internationalisering 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from loket.casework.models import ContactMoment
from loket.core.models import Need
from loket.events.models import Event, Registration
from loket.programmes.models import Trajectory, Voucher
from tests import factories as f

EXPECTED = {
    "companies_helped": (3, 4),
    "new_companies": (2, 3),
    "cases": (2, 2),
    "intakes": (1, 2),
    "events_held": (1, 2),
    "event_visits": (2, 3),
    "event_visitors": (2, 3),
    "trajectories_started": (1, 2),
    "trajectories_completed": (1, 1),
    "vouchers_paid": (1, 2),
    "euros_paid": (Decimal("3000.00"), Decimal("4000.00")),
}


def at(day: str) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.fromisoformat(f"{day}T12:00"), timezone.get_default_timezone()
    )


def build(world: Any) -> SimpleNamespace:
    w = world
    programme = f.ProgrammeFactory(region=w.region, name="IBDO 2025-2028", organisations=[w.bureau])
    scheme = f.SchemeFactory(programme=programme)
    innovation = Need.objects.get(slug="innovation")
    export = Need.objects.get(slug="internationalisation")

    def company(name: str, municipality: Any) -> Any:
        return f.CompanyFactory(region=w.region, name=name, municipality=municipality)

    a1, a2, a3, a4, a5, a6 = (company(f"Assen {n} B.V.", w.assen) for n in range(1, 7))
    e1 = company("Emmen 1 B.V.", w.emmen)

    def moment(co: Any, day: str, org: Any = None, needs: tuple = (), **kw: Any) -> Any:
        cm = f.ContactMomentFactory(
            company=co, author=w.alice, organisation=org or w.bureau, occurred_at=at(day), **kw
        )
        cm.needs.set(needs)
        return cm

    intake = ContactMoment.Kind.INTAKE
    moment(a1, "2025-04-10", needs=(innovation, export), kind=intake)
    moment(a1, "2025-05-02", needs=(innovation,), kind=ContactMoment.Kind.VISIT)
    moment(a2, "2025-02-03", kind=intake)
    f.CaseFactory(company=a2, owner=w.alice, organisation=w.bureau, opened_at=at("2025-05-05"))
    f.CaseFactory(company=a3, owner=w.alice, organisation=w.bureau, opened_at=at("2025-06-01"))
    moment(a4, "2024-11-15")
    moment(a4, "2025-03-01")
    moment(a5, "2025-04-20", org=w.gem_assen, needs=(export,))
    moment(a6, "2025-07-02")
    moment(e1, "2025-04-11", needs=(export,), kind=intake)
    f.CaseFactory(company=e1, owner=w.alice, organisation=w.bureau, opened_at=at("2025-04-12"))

    def event(municipality: Any, day: str, **kw: Any) -> Event:
        starts = at(day)
        return f.EventFactory(
            programme=programme,
            organiser=w.bureau,
            partners=[],
            municipality=municipality,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            **kw,
        )

    def visit(ev: Event, co: Any = None, present: bool = True) -> None:
        f.RegistrationFactory(
            event=ev,
            company=co,
            attendance=Registration.Attendance.PRESENT
            if present
            else Registration.Attendance.ABSENT,
        )

    assen_q2 = event(w.assen, "2025-05-10")
    visit(assen_q2, a1)
    visit(assen_q2)
    visit(assen_q2, a3, present=False)
    assen_q1 = event(w.assen, "2025-02-14")
    visit(assen_q1, a4)
    emmen_q2 = event(w.emmen, "2025-05-12")
    visit(emmen_q2, a2)
    event(w.assen, "2025-06-01", status=Event.Status.DRAFT)

    def trajectory(co: Any, **dates: Any) -> Trajectory:
        return f.TrajectoryFactory(
            scheme=scheme, company=co, status=Trajectory.Status.RUNNING, **dates
        )

    def paid(item: Trajectory, on: str, amount: str) -> None:
        Voucher.objects.create(
            region=w.region,
            trajectory=item,
            company=item.company,
            code=f"GEM-{item.pk}",
            amount=Decimal("4250.00"),
            status=Voucher.Status.REDEEMED,
            issued_on=dt.date(2025, 1, 20),
            paid_amount=Decimal(amount),
            paid_on=dt.date.fromisoformat(on),
        )

    t1 = trajectory(a1, started_on=dt.date(2025, 4, 15), completed_on=dt.date(2025, 6, 20))
    paid(t1, "2025-06-25", "3000.00")
    t2 = trajectory(a2, started_on=dt.date(2025, 2, 1))
    paid(t2, "2025-03-10", "1000.00")
    trajectory(a6, started_on=dt.date(2025, 7, 1))
    te = trajectory(e1, started_on=dt.date(2025, 5, 1), completed_on=dt.date(2025, 6, 1))
    paid(te, "2025-06-02", "500.00")
    return SimpleNamespace(programme=programme, a1=a1, a2=a2, a3=a3, e1=e1)
