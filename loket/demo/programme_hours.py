"""The demo programme's year of hour registrations (to the load date), following the
plan pro rata: conversations on companies (the advisors' own where they are account
manager), events with their preparation, the specialists' hours on the trajectories that
ran and their evaluations, project management and marketing. Over and under spend per
activity (``PACE``) give the realisation something to show.

Only past working days within the period, by members of the executing organisation of
the plan line the hours count for, on companies and trajectories they may see, at most
eight hours a day per person; per company within the cap (the scheme's on its
trajectories, the programme's outside them), two of each kind between 80 % and 95 % so
the warning shows, and one company above a scheme's cap with a programme manager's
permission and its reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from loket.core.workdays import is_working_day
from loket.demo.catalogue import PROGRAMME as BUREAU
from loket.demo.programmes import SCHEMES
from loket.programmes.models import ZERO, CapOverride, HourEntry, PlanLine, Trajectory

if TYPE_CHECKING:
    from loket.demo.programme_work import Work

D = Decimal
S = Trajectory.Status
MAX_PER_DAY = D("8")
WORKED = (S.RUNNING, S.COMPLETED, S.EVALUATED)
# Realised hours against the plan's pro-rata hours, per activity: over and under spend.
PACE = {
    "gesprekken": D("1.02"),
    "fysieke-evenementen": D("1.12"),
    "digitale-evenementen": D("0.85"),
    "clusterbijeenkomsten": D("0.95"),
    "digitale-communitys": D("0.75"),
    "projectmanagement": D("1.06"),
    "marketing": D("0.90"),
}
EVENTS = {
    "fysieke-evenementen": (
        "Ondernemersdag Drenthe",
        "Drentse Innovatieprijs",
        "Exportcafé Assen",
        "Netwerkavond Zuidoost-Drenthe",
    ),
    "digitale-evenementen": (
        "Webinar exporteren naar Duitsland",
        "Webinar cybersecurity voor het mkb",
        "Webinarreeks digitaal ondernemen",
        "Webinar financiering voor groei",
    ),
    "clusterbijeenkomsten": (
        "Clusterbijeenkomst waterstof",
        "Clusterbijeenkomst zorgtechnologie",
        "Clusterbijeenkomst slimme maakindustrie",
        "Clusterbijeenkomst agrifood",
    ),
}
CONVERSATION_NOTES = (
    "Oriënterend gesprek",
    "Vervolggesprek",
    "Gesprek over groeiplannen",
    "Adviesgesprek financiering",
    "Gesprek over export",
    "Bedrijfsbezoek",
    "Doorverwijzing besproken",
)
TRAJECTORY_NOTES = (
    "Voortgangsgesprek",
    "Afstemming met de leverancier",
    "Tussenresultaat besproken",
    "Werksessie met de ondernemer",
    "Offerte en planning doorgenomen",
)
OVERRIDE_REASON = (
    "Exportplan voor twee landen in plaats van één: extra begeleiding afgesproken met de "
    "ondernemer en de leverancier."
)


def half(value: float) -> Decimal:
    """A number of hours, rounded to the half hour (at least half an hour)."""
    return max(D(round(value * 2)) / 2, D("0.5"))


def halves(hours: Decimal) -> Decimal:
    """Hours rounded down to the half hour."""
    return D(int(hours * 2)) / 2


def constant(text: str) -> Callable[[], str]:
    return lambda: text


class Hours:
    """Builds the hour entries of the programme in memory, then writes them at once."""

    def __init__(self, work: Work) -> None:
        self.rng = work.rng
        self.programme = work.programme
        self.region_id = work.region_id
        self.orgs = work.orgs
        self.activities = work.activities
        self.schemes = work.schemes
        self.today = work.today
        self.start = work.start
        self.members = work.members
        self.advisors = work.advisors
        self.manager = work.manager
        self.team_lead = work.team_lead
        self.companies = work.companies
        self.visible = work.visible
        self.account_manager = work.account_manager
        span = (self.today - self.start).days + 1
        every = [self.start + dt.timedelta(days=i) for i in range(span)]
        self.days = [d for d in every if is_working_day(d)]
        self.load: dict[tuple[int, dt.date], Decimal] = defaultdict(lambda: ZERO)
        self.outside: dict[int, Decimal] = defaultdict(lambda: ZERO)  # company -> hours
        self.placed: dict[tuple[str, int, int], Decimal] = defaultdict(lambda: ZERO)
        self.entries: list[HourEntry] = []

    def add(
        self,
        user: int,
        org: int,
        day: dt.date,
        activity: str,
        hours: Decimal,
        note: str,
        company: int | None = None,
        trajectory: Trajectory | None = None,
    ) -> bool:
        """Register hours if the day is a past working day of the period and the person
        has room left that day."""
        if not (self.start <= day <= self.today) or not is_working_day(day):
            return False
        if hours <= 0 or self.load[(user, day)] + hours > MAX_PER_DAY:
            return False
        self.load[(user, day)] += hours
        if company is not None and trajectory is None:
            self.outside[company] += hours
        self.placed[(activity, org, day.year)] += hours
        self.entries.append(
            HourEntry(
                region_id=self.region_id,
                programme=self.programme,
                user_id=user,
                organisation_id=org,
                date=day,
                activity_type=self.activities[activity],
                company_id=company,
                trajectory=trajectory,
                hours=hours.quantize(D("0.01")),
                note=note,
            )
        )
        return True

    def place(
        self,
        user: int,
        org: int,
        days: Sequence[dt.date],
        activity: str,
        hours: Decimal,
        note: str,
        company: int | None = None,
        trajectory: Trajectory | None = None,
    ) -> bool:
        """Register on one of ``days``: a few random tries, then the first with room."""
        candidates = list(days)
        if not candidates:
            return False
        for _try in range(12):
            if self.add(
                user, org, self.rng.choice(candidates), activity, hours, note, company, trajectory
            ):
                return True
        return any(
            self.add(user, org, day, activity, hours, note, company, trajectory)
            for day in candidates
        )

    def spread(
        self,
        total: Decimal,
        people: Sequence[tuple[int, int]],
        days: Sequence[dt.date],
        activity: str,
        chunks: Sequence[str],
        note: Callable[[], str],
        company: Callable[[int, Decimal], int | None] | None = None,
    ) -> None:
        """``total`` hours in chunks over ``days`` by ``people`` (user, organisation)."""
        if not people or not days:
            return
        left = total
        misses = 0
        while left >= D("0.5") and misses < 50:
            hours = min(D(self.rng.choice(chunks)), left)
            user, org = self.rng.choice(people)
            who = company(user, hours) if company is not None else None
            if self.place(user, org, days, activity, hours, note(), who):
                left -= hours
            else:
                misses += 1

    def segments(self) -> list[tuple[int, dt.date, dt.date, Decimal]]:
        """(year, first day, last day, the share of the year) of the registration window."""
        out = []
        for year in self.programme.years:
            first = max(self.start, dt.date(year, 1, 1))
            last = min(self.today, dt.date(year, 12, 31))
            if first > last:
                continue
            length = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
            out.append((year, first, last, D((last - first).days + 1) / D(length)))
        return out

    def build(self, trajectories: list[Trajectory]) -> None:
        self.trajectory_hours(trajectories)
        self.intakes(trajectories)
        self.near_cap_conversations(trajectories)
        lines = list(
            PlanLine.objects.filter(programme=self.programme, scheme__isnull=True)
            .exclude(activity_type__code="evaluatie")
            .select_related("activity_type")
            .order_by("year", "position")
        )
        for year, first, last, share in self.segments():
            days = [d for d in self.days if first <= d <= last]
            for line in lines:
                if line.year != year:
                    continue
                code = line.activity_type.code
                pace = PACE.get(code, D("1")) * D(self.rng.randint(97, 103)) / 100
                target = line.hours * share * pace - self.placed[(code, line.organisation_id, year)]
                self.line_hours(line, code, target, days)
        HourEntry.objects.bulk_create(self.entries, batch_size=500)

    def staff(self, org_id: int, users: Sequence[int] | None = None) -> list[tuple[int, int]]:
        members = self.members.get(org_id, [])
        chosen = [u for u in (users if users is not None else members) if u in members]
        return [(u, org_id) for u in chosen]

    def line_hours(self, line: PlanLine, code: str, target: Decimal, days: list[dt.date]) -> None:
        rng = self.rng
        org = line.organisation_id
        bureau = self.orgs[BUREAU].pk
        target = halves(target)
        if target < 1 or not days:
            return
        if code == "gesprekken":
            people = self.staff(org, self.advisors if org == bureau else None)
            normal = (self.programme.hours_cap_per_company or D("16")) * D("0.75")

            everyone = [c.pk for c in self.companies]

            def company(user: int, hours: Decimal) -> int | None:
                pool = self.visible.get(user, everyone)
                for _try in range(6):
                    if not pool:
                        return None
                    c = rng.choice(pool)
                    if self.outside[c] + hours <= normal:
                        return c
                return None

            self.spread(
                target,
                people,
                days,
                code,
                ("1.5", "2", "2", "2", "2.5"),
                lambda: rng.choice(CONVERSATION_NOTES),
                company,
            )
        elif code in EVENTS:
            people = self.staff(org)
            self.events(line, code, target, days, people)
        elif code == "digitale-communitys":
            people = self.staff(org, self.advisors[1:3] or self.advisors)
            self.spread(
                target, people, days, code, ("1", "1.5", "2", "3"), lambda: "Moderatie en berichten"
            )
        elif code == "projectmanagement":
            lead = [self.manager, self.manager, self.team_lead]
            people = self.staff(org, [u for u in lead if u is not None])
            meetings = ("Programmaoverleg", "Voortgangsrapportage", "Overleg met de financiers")
            self.spread(
                target, people, days, code, ("2", "3", "4", "4", "6"), lambda: rng.choice(meetings)
            )
        else:  # marketing and whatever else the plan holds
            picked = [u for u in [self.manager, *self.advisors[3:5]] if u is not None]
            people = self.staff(org, picked) or self.staff(org)
            media = ("Nieuwsbrief", "Campagne", "Website bijgewerkt", "Persbericht")
            self.spread(target, people, days, code, ("1", "2", "3"), lambda: rng.choice(media))

    def events(
        self,
        line: PlanLine,
        code: str,
        target: Decimal,
        days: list[dt.date],
        people: list[tuple[int, int]],
    ) -> None:
        """Events in the segment: the day itself for a few people, preparation in the six
        weeks before."""
        if not people:
            return
        rng = self.rng
        count = max(1, round(line.count * len(days) / 255))
        per_event = halves(target / count)
        for k in range(count):
            position = min(len(days) - 1, int((k + 0.5) * len(days) / count))
            day = days[position]
            name = EVENTS[code][(k + line.year) % len(EVENTS[code])]
            left = per_event
            for user, org in rng.sample(people, min(4, len(people))):
                hours = min(D("7"), left)
                if hours >= D("0.5") and self.add(user, org, day, code, hours, name):
                    left -= hours
            before = [d for d in days if day - dt.timedelta(days=42) <= d < day] or days
            self.spread(
                left,
                people,
                before,
                code,
                ("2", "3", "4", "6"),
                constant(f"Voorbereiding {name}"),
            )

    def trajectory_hours(self, trajectories: list[Trajectory]) -> None:
        """The specialists' hours on trajectories that ran in the window, and the
        evaluations; two companies near their cap, one above it with permission."""
        rng = self.rng
        bureau = self.orgs[BUREAU].pk
        specs = {self.schemes[s.key].pk: s for s in SCHEMES}
        worked = [t for t in trajectories if t.status in WORKED and t.started_on is not None]
        individual = [
            t
            for t in worked
            if t.scheme.min_participants == 1
            and t.status in (S.COMPLETED, S.EVALUATED)
            and t.started_on is not None
            and t.started_on >= self.start
        ]
        near = individual[:2] if len(individual) > 2 else []
        over = next(
            (t for t in individual[2:] if specs[t.scheme_id].key == "export"),
            None,
        )
        for t in worked:
            spec = specs[t.scheme_id]
            assert t.started_on is not None
            end = t.completed_on or self.today
            first, last = max(t.started_on, self.start), min(end, self.today)
            if first > last:
                continue
            in_window = D((last - first).days + 1) / D((end - t.started_on).days + 1)
            norm = float(spec.norm)
            full = (
                rng.uniform(norm * 0.8, norm * 1.1)
                if spec.min_participants > 1
                else rng.uniform(8, 14)
            )
            if t.status == S.RUNNING:
                full *= min(1.0, max(0.15, (self.today - t.started_on).days / 120))
            evaluation = D("4") if t.status == S.EVALUATED and t.evaluated_on else ZERO
            if t is over:
                wanted = D("27") - evaluation
            elif t in near:
                wanted = (D("20.5") if t is near[0] else D("22")) - evaluation
            else:
                wanted = half(full * float(in_window))
            # The trajectory's specialist; the programme manager for one without.
            user = t.specialist_id if t.specialist_id in self.members[bureau] else self.manager
            org = bureau
            assert user is not None
            days = [d for d in self.days if first <= d <= last]
            left = wanted
            note = f"Startgesprek {spec.name.lower()}"
            while left > 0 and days:
                hours = min(D(rng.choice(("1.5", "2", "2.5", "3", "4"))), left)
                if not self.place(user, org, days, spec.activity, hours, note, t.company_id, t):
                    break
                left -= hours
                note = rng.choice(TRAJECTORY_NOTES)
            if evaluation and t.evaluated_on is not None:
                evaluator = (
                    t.specialist_id if t.specialist_id in self.members[bureau] else self.manager
                )
                assert evaluator is not None
                week = t.evaluated_on - dt.timedelta(days=7)
                on = [d for d in self.days if week <= d <= t.evaluated_on]
                self.place(
                    evaluator,
                    bureau,
                    on,
                    "evaluatie",
                    evaluation,
                    "Evaluatiegesprek en verslag",
                    t.company_id,
                    t,
                )
            if t is over and self.manager is not None:
                CapOverride.objects.create(
                    region_id=self.region_id,
                    programme=self.programme,
                    company_id=t.company_id,
                    scheme=t.scheme,
                    extra_hours=D("8.00"),
                    reason=OVERRIDE_REASON,
                    granted_by_id=self.manager,
                )

    def intakes(self, trajectories: list[Trajectory]) -> None:
        """The conversation before each trajectory in the window, by its advisor."""
        bureau = self.orgs[BUREAU].pk
        cap = (self.programme.hours_cap_per_company or D("16")) * D("0.75")
        for t in trajectories:
            user = t.proposed_by_id
            if user is None or user not in self.members[bureau] or t.applied_on < self.start:
                continue
            if self.outside[t.company_id] + 2 > cap:
                continue
            days = [
                d for d in self.days if t.applied_on - dt.timedelta(days=14) <= d <= t.applied_on
            ]
            self.place(user, bureau, days, "gesprekken", D("2"), "Intakegesprek", t.company_id)

    def near_cap_conversations(self, trajectories: list[Trajectory]) -> None:
        """Two companies with many conversations: 14 and 15 of the programme's 16 hours
        outside trajectories, so the cap's warning shows."""
        cap = self.programme.hours_cap_per_company
        if cap is None or not self.companies:
            return
        bureau = self.orgs[BUREAU].pk
        busy = {t.company_id for t in trajectories}
        free = [c for c in self.companies if c.pk not in busy]
        chosen = self.rng.sample(free, min(2, len(free)))
        for goal, candidate in zip((cap - 2, cap - 1), chosen, strict=False):
            company = candidate.pk
            manager_of = self.account_manager.get(company)
            user = manager_of if manager_of in self.advisors else self.advisors[0]
            tries = 0
            while self.outside[company] < goal and tries < 40:
                tries += 1
                hours = min(D("2"), goal - self.outside[company])
                self.place(user, bureau, self.days, "gesprekken", hours, "Vervolggesprek", company)
