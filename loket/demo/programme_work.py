"""The demo programme's trajectories in every status with their vouchers; the hours
follow in ``programme_hours.py``.

Rules kept (the services enforce them on what users enter):
- per scheme no more trajectories committed (approved, running, completed, evaluated)
  than available, within the budget; a company takes part in at most one trajectory
  per scheme; companies meet the criteria of the scheme's catalogue instrument (SME,
  not primary agriculture, at least three years old); a cluster trajectory has at
  least the scheme's minimum of companies, the lead company among them, and an
  individual trajectory only its company;
- dates in order, within the period, never after the load date;
- a voucher only for a committed trajectory, to its lead company for the granted
  amount, its code unique (``IBDO-7KQ4-M2XP``); redeemed with the supplier's invoice,
  the paid amount never above the voucher or the invoice.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from loket.accounts.models import Membership, Organisation, User
from loket.companies.models import Company
from loket.companies.queries import companies_visible_to
from loket.demo.catalogue import PROGRAMME as BUREAU
from loket.demo.programme_hours import Hours
from loket.demo.programmes import SCHEMES, SchemeSpec
from loket.programmes.models import (
    ActivityType,
    Programme,
    Scheme,
    Trajectory,
    TrajectoryParticipant,
    Voucher,
)
from loket.programmes.services.vouchers import new_code

D = Decimal
S = Trajectory.Status
# Per individual scheme: trajectories of the first year before hours were registered
# in Loket, then the year of registrations, in this order of statuses.
OLD = (S.EVALUATED,) * 3
INDIVIDUAL = (
    (S.EVALUATED,) * 4
    + (S.COMPLETED,) * 3
    + (S.RUNNING,) * 4
    + (S.APPROVED,) * 2
    + (S.APPLIED,) * 3
    + (S.WITHDRAWN,) * 2
)
CLUSTER = (S.EVALUATED, S.COMPLETED, S.RUNNING, S.APPROVED, S.APPLIED, S.WITHDRAWN)
CLUSTER_SIZE = 5  # the lead company and four others
WITHDRAWALS = (
    "De ondernemer stelt de investering een jaar uit.",
    "Het bedrijf is overgenomen; de nieuwe eigenaar kiest een andere aanpak.",
    "Een deelnemer haakte af; de groep zoekt eerst een nieuwe partner.",
    "De vraag bleek beter te passen bij een lening van het MKB Fonds.",
)
EVALUATIONS = (
    "Ondernemer tevreden: het plan wordt uitgevoerd, de eerste stap is gezet.",
    "Resultaat opgeleverd zoals afgesproken; vervolg via een lening bij de bank.",
    "Goed traject; de leverancier was sterk in de markt, het plan iets te breed.",
    "Doel gehaald; het bedrijf heeft intussen twee medewerkers aangenomen.",
)


@dataclass
class Candidate:
    pk: int
    employees: int | None
    founded_on: dt.date | None
    account_manager_id: int | None
    themes: frozenset[str]
    sbi: frozenset[str]

    def eligible(self, today: dt.date) -> bool:
        """The criteria of the programme's trajectory instruments: SME, not primary
        agriculture, at least three years old (the growth trajectory asks two at
        application, which lies up to a year back)."""
        return (
            self.employees is not None
            and 1 <= self.employees <= 249
            and not any(code.startswith(("01", "03")) for code in self.sbi)
            and self.founded_on is not None
            and self.founded_on <= today - dt.timedelta(days=3 * 366)
        )


class Work:
    def __init__(
        self,
        rng: random.Random,
        programme: Programme,
        orgs: dict[str, Organisation],
        activities: dict[str, ActivityType],
        schemes: dict[str, Scheme],
        today: dt.date,
    ) -> None:
        self.rng = rng
        self.programme = programme
        self.region_id = programme.region_id
        self.orgs = orgs
        self.activities = activities
        self.schemes = schemes
        self.today = min(today, programme.ends_on)
        # The year of hour registrations: from a year before the load date on.
        self.start = max(programme.starts_on, today - dt.timedelta(days=364))

    # --- people and companies ---------------------------------------------------------

    def load_people(self) -> None:
        bureau = self.orgs[BUREAU].pk
        self.members: dict[int, list[int]] = defaultdict(list)  # organisation -> users
        self.advisors: list[int] = []
        self.specialists: dict[str, int] = {}  # e-mail prefix -> user
        self.manager: int | None = None
        self.team_lead: int | None = None
        rows = (
            Membership.objects.filter(
                organisation__in=list(self.orgs.values()), user__is_active=True
            )
            .order_by("organisation_id", "user_id", "role")
            .values_list("user_id", "user__email", "organisation_id", "role", "is_team_lead")
        )
        for user, email, org, role, lead in rows:
            if user not in self.members[org]:
                self.members[org].append(user)
            if org != bureau:
                continue
            if role == "advisor":
                self.advisors.append(user)
                if lead and self.team_lead is None:
                    self.team_lead = user
            elif role == "specialist":
                self.specialists[email.partition("@")[0]] = user
            elif role == "programme_manager" and self.manager is None:
                self.manager = user
        bureau_staff = self.members[bureau]
        self.manager = self.manager or (bureau_staff[0] if bureau_staff else None)
        self.team_lead = self.team_lead or (self.advisors[0] if self.advisors else self.manager)
        if not self.advisors:
            self.advisors = list(bureau_staff)

    def load_companies(self) -> None:
        region = self.region_id
        themes: dict[int, set[str]] = defaultdict(set)
        for pk, slug in Company.objects.filter(region_id=region, themes__isnull=False).values_list(
            "pk", "themes__slug"
        ):
            themes[pk].add(slug)
        sbi: dict[int, set[str]] = defaultdict(set)
        for pk, code in Company.objects.filter(
            region_id=region, sbi_codes__isnull=False
        ).values_list("pk", "sbi_codes__code"):
            sbi[pk].add(code)
        self.companies = [
            Candidate(pk, employees, founded, manager, frozenset(themes[pk]), frozenset(sbi[pk]))
            # (companies of the region's municipalities: not the collectives' companies
            # from outside the region, so the programme is the same whatever came after)
            for pk, employees, founded, manager in Company.objects.filter(
                region_id=region, municipality__isnull=False
            )
            .order_by("pk")
            .values_list("pk", "employees", "founded_on", "account_manager_id")
        ]
        self.eligible = [c for c in self.companies if c.eligible(self.today)]
        # Partner staff (KvK, NOM) choose among the companies their organisation may
        # see (companies_visible_to); the bureau's programme roles see the whole region.
        bureau = self.orgs[BUREAU].pk
        partners = {u for org, users in self.members.items() if org != bureau for u in users}
        partners -= set(self.members.get(bureau, []))
        self.visible: dict[int, list[int]] = {
            user.pk: list(
                companies_visible_to(user)
                .filter(region_id=region, municipality__isnull=False)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for user in User.objects.filter(pk__in=partners).order_by("pk")
        }
        self.account_manager = {c.pk: c.account_manager_id for c in self.companies}

    # --- the whole of it --------------------------------------------------------------

    def build(self) -> None:
        self.load_people()
        self.load_companies()
        if self.manager is None:
            return
        trajectories = self.build_trajectories()
        self.build_vouchers(trajectories)
        Hours(self).build(trajectories)

    # --- trajectories -----------------------------------------------------------------

    def build_trajectories(self) -> list[Trajectory]:
        used: dict[int, int] = defaultdict(int)  # company -> trajectories
        supplier_orgs = dict(
            Organisation.objects.filter(
                region_id=self.region_id,
                name__in=[org for spec in SCHEMES for _n, org in spec.suppliers if org],
            ).values_list("name", "pk")
        )
        planned: list[tuple[Trajectory, list[int]]] = []
        for spec in SCHEMES:
            scheme = self.schemes[spec.key]
            in_scheme: set[int] = set()
            statuses = CLUSTER if spec.min_participants > 1 else OLD + INDIVIDUAL
            for i, status in enumerate(statuses):
                old = spec.min_participants == 1 and i < len(OLD)
                # The first trajectory of the window starts right at its beginning.
                early = i == (len(OLD) if spec.min_participants == 1 else 0)
                size = max(CLUSTER_SIZE, spec.min_participants) if spec.min_participants > 1 else 1
                group = self.pick(spec, size, in_scheme, used)
                if len(group) < size:
                    break
                for pk in group:
                    used[pk] += 1
                in_scheme.update(group)
                trajectory = self.trajectory(
                    spec, scheme, status, group[0], supplier_orgs, old=old, early=early
                )
                planned.append((trajectory, group))
        created = Trajectory.objects.bulk_create([t for t, _g in planned])
        TrajectoryParticipant.objects.bulk_create(
            [
                TrajectoryParticipant(trajectory=t, company_id=pk)
                for t, (_t, group) in zip(created, planned, strict=True)
                for pk in group
            ]
        )
        return created

    def pick(
        self, spec: SchemeSpec, size: int, in_scheme: set[int], used: dict[int, int]
    ) -> list[int]:
        """The companies of a new trajectory: who has the scheme's theme and no or few
        trajectories first; never a company that already has one of this scheme."""
        rng = self.rng
        pool = [c for c in self.eligible if c.pk not in in_scheme]
        keyed = sorted(
            pool,
            key=lambda c: (used[c.pk], spec.theme not in c.themes, rng.random()),
        )
        return [c.pk for c in keyed[:size]]

    def specialist_for(self, spec: SchemeSpec, n: int) -> int | None:
        own = [self.specialists[p] for p in spec.specialists if p in self.specialists]
        if own:
            return own[n % len(own)]
        if self.specialists:
            return sorted(self.specialists.values())[0]
        return self.manager

    def trajectory(
        self,
        spec: SchemeSpec,
        scheme: Scheme,
        status: str,
        company: int,
        supplier_orgs: dict[str, int],
        *,
        old: bool = False,
        early: bool = False,
    ) -> Trajectory:
        rng = self.rng
        today = self.today

        def back(low: int, high: int, base: dt.date = today) -> dt.date:
            return base - dt.timedelta(days=rng.randint(low, high))

        def ahead(low: int, high: int, base: dt.date) -> dt.date:
            return base + dt.timedelta(days=rng.randint(low, high))

        approved = started = completed = evaluated = withdrawn = None
        if old:
            applied = ahead(30, 120, self.programme.starts_on)
            approved = ahead(10, 28, applied)
            started = ahead(7, 21, approved)
            completed = ahead(100, 150, started)
            evaluated = ahead(14, 40, completed)
        elif status == S.EVALUATED and early:
            started = ahead(0, 20, self.start)
            approved = back(7, 21, started)
            applied = back(10, 28, approved)
            completed = ahead(100, 150, started)
            evaluated = min(ahead(14, 40, completed), today)
        elif status == S.EVALUATED:
            evaluated = back(5, 60)
            completed = back(14, 40, evaluated)
            started = back(90, 150, completed)
            approved = back(7, 21, started)
            applied = back(10, 28, approved)
        elif status == S.COMPLETED:
            completed = back(3, 45)
            started = back(90, 140, completed)
            approved = back(7, 21, started)
            applied = back(10, 28, approved)
        elif status == S.RUNNING:
            started = back(10, 120)
            approved = back(7, 21, started)
            applied = back(10, 28, approved)
        elif status == S.APPROVED:
            approved = back(1, 20)
            applied = back(7, 28, approved)
        elif status == S.APPLIED:
            applied = back(0, 25)
        else:
            applied = back(40, 250)
            withdrawn = min(ahead(7, 35, applied), today)
        applied = max(applied, self.programme.starts_on)
        n = rng.randrange(1000)
        supplier_name, supplier_org = rng.choice(spec.suppliers)
        manager_of = self.account_manager.get(company)
        advisor = manager_of if manager_of in self.advisors else rng.choice(self.advisors)
        title = rng.choice(spec.titles)
        committed = status in Trajectory.COMMITTED
        return Trajectory(
            region_id=self.region_id,
            programme=self.programme,
            scheme=scheme,
            title=title,
            goal=(
                f"{title}: het bedrijf wil dit met een externe deskundige uitwerken tot een "
                "resultaat dat het zelf kan uitvoeren."
            ),
            company_id=company,
            origin=Trajectory.Origin.PROPOSAL if n % 5 < 3 else Trajectory.Origin.APPLICATION,
            status=status,
            granted_amount=scheme.max_granted if committed else None,
            specialist_id=self.specialist_for(spec, n) if status != S.APPLIED else None,
            supplier_name=supplier_name,
            supplier_organisation_id=supplier_orgs.get(supplier_org or ""),
            deliverable=rng.choice(spec.deliverables),
            proposed_by_id=advisor,
            applied_on=applied,
            approved_on=approved,
            approved_by_id=self.manager if approved else None,
            started_on=started,
            completed_on=completed,
            evaluated_on=evaluated,
            evaluation=rng.choice(EVALUATIONS) if evaluated else "",
            withdrawn_on=withdrawn,
            withdrawal_reason=rng.choice(WITHDRAWALS) if withdrawn else "",
        )

    # --- vouchers ---------------------------------------------------------------------

    def code(self, programme: Programme, taken: set[str]) -> str:
        while True:
            code = new_code(programme, self.rng.choice)
            if code not in taken:
                taken.add(code)
                return code

    def build_vouchers(self, trajectories: list[Trajectory]) -> None:
        rng = self.rng
        taken = set(Voucher.objects.values_list("code", flat=True))
        vouchers = []
        invoice_no = 100
        for t in trajectories:
            if t.status not in Trajectory.COMMITTED or t.approved_on is None:
                continue
            amount = t.granted_amount or t.scheme.max_granted
            voucher = Voucher(
                region_id=self.region_id,
                trajectory=t,
                company_id=t.company_id,
                code=self.code(self.programme, taken),
                amount=amount,
                issued_on=t.approved_on,
            )
            done = t.completed_on
            if done is not None and done + dt.timedelta(days=20) <= self.today:
                invoice_no += rng.randint(3, 17)
                invoiced = min(done + dt.timedelta(days=rng.randint(2, 14)), self.today)
                voucher.status = Voucher.Status.REDEEMED
                voucher.invoice_number = f"F{invoiced.year}-{invoice_no:04d}"
                voucher.invoice_date = invoiced
                # Now and then the supplier needed fewer days than offered.
                lower = rng.random() < 0.25
                voucher.invoice_amount = amount - D(rng.randint(5, 15) * 100) if lower else amount
                voucher.paid_amount = min(voucher.invoice_amount, amount)
                voucher.paid_on = min(invoiced + dt.timedelta(days=rng.randint(5, 20)), self.today)
            vouchers.append(voucher)
        Voucher.objects.bulk_create(vouchers)
