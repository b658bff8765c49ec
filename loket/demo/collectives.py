"""The demo programme's collective instruments.

- Clusters in each phase (discover, develop, organise): the formed ones keep to the rule
  (at least 3 companies, at most half from outside the region; two companies from
  Groningen and Overijssel take part), a discover-phase cluster still looks for members;
  cooperation initiatives of two or three companies of the region.
- Tables (entrepreneur, financing, crisis, theme, country) with sessions over the
  programme's first two years: experts of partner organisations, cases brought in and
  heard with advice and next steps (a contact moment of kind table on the company's
  timeline), a coming session and cases waiting to be heard (one past its deadline).
- Two carousel rounds: an export carousel round with Hanzehogeschool that is finished
  (results and ratings) and a growth carousel round with NHL Stenden under way, where
  two companies still wait for a team (the match screen proposes one).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from loket.accounts.models import Membership, Organisation
from loket.casework.models import ContactMoment
from loket.collectives.models import (
    CarouselRound,
    Collective,
    Match,
    Member,
    Student,
    StudentTeam,
    TableCase,
    TableSession,
)
from loket.companies.models import Company
from loket.core.models import Theme
from loket.core.workdays import add_working_days
from loket.demo.catalogue import PROGRAMME as BUREAU
from loket.demo.data import FAMILY_NAMES, FIRST_NAMES
from loket.programmes.models import Programme

AMS = ZoneInfo("Europe/Amsterdam")
C = Collective.Kind
P = Collective.Phase

# name, kind, organisation, phase, formed, members (of the region), from outside, themes
# fmt: off
GROUPS = [
    ("Zorginnovatie Roden", C.CLUSTER, "Health Hub Roden", P.ORGANISE, True, 6, 1, ("innovation",)),
    ("Circulair bouwen Zuidoost-Drenthe", C.CLUSTER, "NICE, circulaire economie", P.DEVELOP, True, 4, 1, ("circular",)),  # noqa: E501
    ("Waterstofketen Emmen", C.CLUSTER, "Energiecluster Drenthe", P.DEVELOP, True, 3, 0, ("sustainability", "innovation")),  # noqa: E501
    ("Smart farming Veenkoloniën", C.CLUSTER, "Agrifood Netwerk Drenthe", P.DISCOVER, False, 2, 0, ("innovation",)),  # noqa: E501
    ("Vrijetijdseconomie Drentsche Aa", C.CLUSTER, "Vrijetijdsnetwerk Drenthe", P.DISCOVER, False, 3, 0, ("growth",)),  # noqa: E501
    ("Gezamenlijke inkoop Europark", C.COOPERATION, BUREAU, "", True, 3, 0, ("growth",)),
    ("Deelplatform bedrijfsbusjes Meppel", C.COOPERATION, BUREAU, "", True, 2, 0, ("sustainability",)),  # noqa: E501
    ("Samen opleiden in de techniek", C.COOPERATION, "Dutch TechZone", "", False, 2, 0, ("labour-market",)),  # noqa: E501
]
OPPORTUNITIES = {
    C.CLUSTER: "Samen een product of dienst ontwikkelen en op de markt brengen dat geen van "
    "de bedrijven alleen kan maken.",
    C.COOPERATION: "Samen inkopen, delen of opleiden om kosten te besparen.",
}
# name, kind, organisation, sessions held, country, themes
TABLES = [
    ("Ondernemerstafel Assen", C.ENTREPRENEUR_TABLE, "Ondernemersklankbord, regio Noord", 10, "", ("growth",)),  # noqa: E501
    ("Financieringstafel Drenthe", C.FINANCING_TABLE, "Rabobank, zakelijk Drenthe", 9, "", ("finance",)),  # noqa: E501
    ("Crisistafel Drenthe", C.CRISIS_TABLE, BUREAU, 3, "", ("finance",)),
    ("Thematafel digitalisering", C.THEME_TABLE, "DigiWerkplaats Drenthe", 5, "", ("digitalisation",)),  # noqa: E501
    ("Landentafel Duitsland", C.COUNTRY_TABLE, "ExportWerk Noord", 4, "Duitsland", ("export",)),
]
# fmt: on
QUESTIONS: dict[str, tuple[str, str]] = {
    C.ENTREPRENEUR_TABLE: (
        "Hoe kies ik tussen groeien met personeel of uitbesteden?",
        "Mijn bedrijf groeit harder dan ik kan bijhouden: waar begin ik?",
    ),
    C.FINANCING_TABLE: (
        "De bank financiert de nieuwe machine maar voor de helft; wie vult aan?",
        "Is crowdfunding geschikt voor de verbouwing van onze winkel?",
    ),
    C.CRISIS_TABLE: (
        "Een grote afnemer is failliet; de omzet halveert. Wat nu?",
        "De energierekening is verdrievoudigd; hoe overleven we de winter?",
    ),
    C.THEME_TABLE: (
        "Welke software past bij een bedrijf van tien mensen?",
        "Hoe beveiligen we ons netwerk zonder eigen ICT-afdeling?",
    ),
    C.COUNTRY_TABLE: (
        "Hoe vind ik een distributeur in Noordrijn-Westfalen?",
        "Welke certificering vragen Duitse afnemers?",
    ),
}
ADVICE = (
    "Maak eerst een liquiditeitsprognose voor twaalf maanden; bespreek die met de bank.",
    "Begin klein: één proef met een vaste klant, daarna opschalen.",
    "Schakel een specialist van het programma in voor een scan van twee dagdelen.",
    "Vraag een microkrediet aan voor het deel dat de bank niet financiert.",
)
NEXT_STEPS = (
    "Ondernemer stuurt de prognose binnen twee weken; adviseur plant een vervolggesprek.",
    "De specialist neemt contact op voor een afspraak; terugkoppeling aan de tafel.",
    "Kennismaking met een tweede financier; de ondernemer meldt de uitkomst.",
)
STUDY = (
    "International Business",
    "Commerciële Economie",
    "Bedrijfskunde",
    "Marketing",
    "Logistics Management",
)
TEAM_PROFILES = (
    (("export",), "Duits, Engels", "Duitsland"),
    (("export",), "Engels, Zweeds", "Scandinavië"),
    (("export", "growth"), "Frans, Engels", "Frankrijk, België"),
    (("growth",), "Engels", "Verenigd Koninkrijk"),
    (("digitalisation", "growth"), "Engels, Spaans", "Spanje"),
    (("growth", "labour-market"), "Engels", ""),
)
RESEARCH = (
    "Welke afnemers in {c} passen bij ons aanbod, en hoe bereiken we ze?",
    "Is er vraag naar ons product in {c}, en tegen welke prijs?",
    "Hoe zetten we een webwinkel op voor klanten in {c}?",
)
RESULTS = (
    "Marktonderzoek met twintig gesprekken en een lijst van acht mogelijke afnemers.",
    "Advies over prijs en verpakking; de eerste proeflevering is afgesproken.",
    "Een plan voor de webwinkel; het bedrijf start in het voorjaar.",
)
# round: collective name, kind, round name, school, start, end, finished, companies, matched
ROUNDS = [
    (
        "Exportcarrousel",
        C.EXPORT_CAROUSEL,
        "Exportcarrousel voorjaar {y0}",
        "Hanzehogeschool Groningen, Assen",
        (2, 3),
        (6, 27),
        6,
        6,
    ),
    (
        "Groeicarrousel",
        C.GROWTH_CAROUSEL,
        "Groeicarrousel najaar {y1}",
        "NHL Stenden Hogeschool, Emmen",
        (9, 7),
        (1, 29),
        6,
        4,
    ),
]


class Collectives:
    def __init__(self, rng: random.Random, programme: Programme, today: dt.date) -> None:
        self.rng = rng
        self.programme = programme
        self.region = programme.region
        self.today = today
        self.counts: dict[str, int] = defaultdict(int)

    def load(self) -> dict[str, int]:
        region = self.region
        self.orgs = {o.name: o for o in Organisation.objects.filter(region=region)}
        if BUREAU not in self.orgs:
            return {}
        self.staff: dict[int, list[int]] = defaultdict(list)
        for user, org in (
            Membership.objects.filter(organisation__region=region)
            .order_by("user_id")
            .values_list("user_id", "organisation_id")
        ):
            self.staff[org].append(user)
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.companies = list(
            Company.objects.filter(region=region, municipality__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(self.companies) < 60:
            return {}
        self.used: set[int] = set()
        self.groups()
        self.tables()
        self.carousels()
        return dict(self.counts)

    def org(self, name: str) -> Organisation:
        return self.orgs.get(name) or self.orgs[BUREAU]

    def company(self, *, unique: bool = True) -> int:
        """A company of the region; ``unique``: one that takes part in nothing else of
        the demo's collectives yet (while there are such companies)."""
        while True:
            pk = self.rng.choice(self.companies)
            if not unique or len(self.used) >= len(self.companies):
                return pk
            if pk not in self.used:
                self.used.add(pk)
                return pk

    def collective(
        self, name: str, kind: str, org: str, themes: tuple[str, ...], **kw
    ) -> Collective:
        organisation = self.org(org)
        staff: list[int | None] = [
            *(self.staff.get(organisation.pk) or self.staff.get(self.orgs[BUREAU].pk) or []),
            None,
        ]
        collective = Collective.objects.create(
            region=self.region,
            programme=self.programme,
            kind=kind,
            name=name,
            organisation=organisation,
            coordinator_id=staff[0],
            **kw,
        )
        collective.themes.set([self.themes[s] for s in themes if s in self.themes])
        self.counts["collectives"] += 1
        return collective

    # --- clusters and cooperation initiatives -------------------------------------------

    def outside_companies(self) -> list[int]:
        rows = [
            Company(
                region=self.region,
                name="Groningen Zorgdata B.V.",
                city="Groningen",
                employees=14,
                legal_form="bv",
            ),
            Company(
                region=self.region,
                name="Bouwkringloop Overijssel B.V.",
                city="Zwolle",
                employees=32,
                legal_form="bv",
            ),
        ]
        return [c.pk for c in Company.objects.bulk_create(rows)]

    def groups(self) -> None:
        rng = self.rng
        outside = self.outside_companies()
        start = self.programme.starts_on
        for name, kind, org, phase, formed, local, away, themes in GROUPS:
            formed_on = start + dt.timedelta(days=rng.randint(60, 400)) if formed else None
            collective = self.collective(
                name,
                kind,
                org,
                themes,
                phase=phase,
                formed_on=formed_on,
                opportunity=OPPORTUNITIES[kind],
                description=f"{name}: ondernemers die samen meer bereiken dan alleen.",
            )
            members = [self.company() for _ in range(local)] + outside[:away]
            outside = outside[away:]
            joined = formed_on or self.today - dt.timedelta(days=rng.randint(10, 90))
            Member.objects.bulk_create(
                Member(
                    region=self.region,
                    collective=collective,
                    company_id=pk,
                    role=Member.Role.LEAD if i == 0 else Member.Role.MEMBER,
                    joined_on=min(joined, self.today),
                )
                for i, pk in enumerate(members)
            )
            self.counts["members"] += len(members)

    # --- tables ------------------------------------------------------------------------

    def tables(self) -> None:
        experts = [
            u
            for org in self.orgs.values()
            if org.kind
            in (Organisation.Kind.BANK, Organisation.Kind.CHAMBER, Organisation.Kind.ADVISORY)
            for u in self.staff.get(org.pk, [])
        ]
        for name, kind, org, held, country, themes in TABLES:
            table = self.collective(
                name,
                kind,
                org,
                themes,
                country=country,
                description=f"{name}: deskundigen denken mee over een vraag die "
                "een ondernemer inbrengt.",
            )
            self.table(table, held, experts)

    def table(self, table: Collective, held: int, experts: list[int]) -> None:
        rng = self.rng
        first = dt.datetime.combine(self.programme.starts_on, dt.time(19, 30), tzinfo=AMS)
        span = (dt.datetime.combine(self.today, dt.time(19, 30), tzinfo=AMS) - first).days
        days = sorted(rng.sample(range(20, max(span - 7, 40)), held))
        level = table.table_service_level()
        coordinator = table.coordinator_id or self.staff[self.orgs[BUREAU].pk][0]
        for offset in [*days, span + 14]:
            held_at = first + dt.timedelta(days=offset)
            while held_at.weekday() >= 5:
                held_at += dt.timedelta(days=1)
            session = TableSession.objects.create(
                region=self.region,
                collective=table,
                held_at=held_at,
                location="Provinciehuis Assen" if offset % 2 else "Het Ondernemershuis Emmen",
                created_by_id=coordinator,
            )
            session.experts.set(rng.sample(experts, min(3, len(experts))))
            self.counts["table_sessions"] += 1
            if held_at.date() > self.today:
                continue
            for _ in range(rng.randint(1, 3)):
                self.heard(table, session, level, coordinator)
        for overdue in (False, table.kind == C.FINANCING_TABLE):
            requested = self.today - dt.timedelta(days=30 if overdue else 1)
            self.waiting(table, requested, level, coordinator)

    def convene_by(self, requested: dt.date, level: int) -> dt.date:
        moment = dt.datetime.combine(requested, dt.time(9, 0), tzinfo=AMS)
        return add_working_days(moment, level).date()

    def heard(self, table: Collective, session: TableSession, level: int, author: int) -> None:
        rng = self.rng
        requested = session.held_at.date() - dt.timedelta(days=rng.randint(1, min(level, 10)))
        company = self.company(unique=False)
        advice, steps = rng.choice(ADVICE), rng.choice(NEXT_STEPS)
        moment = ContactMoment.objects.create(
            region=self.region,
            company_id=company,
            kind=ContactMoment.Kind.TABLE,
            occurred_at=session.held_at,
            author_id=author,
            organisation=table.organisation,
            summary=f"{table.name}: {advice} Vervolg: {steps}",
        )
        TableCase.objects.create(
            region=self.region,
            collective=table,
            session=session,
            company_id=company,
            question=rng.choice(QUESTIONS[table.kind]),
            requested_on=requested,
            convene_by=self.convene_by(requested, level),
            advice=advice,
            next_steps=steps,
            contact_moment=moment,
            created_by_id=author,
        )
        self.counts["table_cases"] += 1

    def waiting(self, table: Collective, requested: dt.date, level: int, author: int) -> None:
        TableCase.objects.create(
            region=self.region,
            collective=table,
            company_id=self.company(unique=False),
            question=self.rng.choice(QUESTIONS[table.kind]),
            requested_on=requested,
            convene_by=self.convene_by(requested, level),
            created_by_id=author,
        )
        self.counts["table_cases"] += 1

    # --- carousels ---------------------------------------------------------------------

    def carousels(self) -> None:
        rng = self.rng
        y0 = self.programme.starts_on.year
        y1 = y0 + 1
        for name, kind, round_name, school, start, end, size, matched in ROUNDS:
            carousel = self.collective(
                name,
                kind,
                BUREAU,
                ("export", "growth"),
                description="Bedrijven krijgen een team van "
                "laatstejaarsstudenten dat een vraag onderzoekt.",
            )
            year = y0 if kind == C.EXPORT_CAROUSEL else y1
            starts = dt.date(year, *start)
            ends = dt.date(year + (1 if end[0] < start[0] else 0), *end)
            school_org = self.org(school)
            broker = next(iter(self.staff.get(school_org.pk) or []), None)
            rnd = CarouselRound.objects.create(
                region=self.region,
                collective=carousel,
                name=round_name.format(y0=y0, y1=y1),
                school=school_org,
                broker_id=broker,
                starts_on=starts,
                ends_on=ends,
            )
            teams = []
            for i, (themes, languages, countries) in enumerate(TEAM_PROFILES[:size]):
                team = StudentTeam.objects.create(
                    region=self.region,
                    round=rnd,
                    name=f"Team {chr(65 + i)}",
                    languages=languages,
                    countries=countries,
                )
                team.themes.set([self.themes[s] for s in themes if s in self.themes])
                teams.append(team)
                Student.objects.bulk_create(
                    Student(
                        region=self.region,
                        round=rnd,
                        team=team,
                        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_NAMES)}",
                        school=school_org.name,
                        study_programme=rng.choice(STUDY),
                        year_of_study=rng.choice((3, 4)),
                    )
                    for _ in range(4)
                )
                self.counts["students"] += 4
            companies = [self.company() for _ in range(size)]
            Member.objects.bulk_create(
                Member(
                    region=self.region,
                    collective=carousel,
                    company_id=pk,
                    interests=f"{TEAM_PROFILES[i][1]}, {TEAM_PROFILES[i][2]}".strip(", "),
                    joined_on=starts - dt.timedelta(days=30),
                )
                for i, pk in enumerate(companies)
            )
            finished = ends < self.today
            for i, (pk, team) in enumerate(zip(companies[:matched], teams, strict=False)):
                country = TEAM_PROFILES[i][2] or "Nederland"
                Match.objects.create(
                    region=self.region,
                    round=rnd,
                    company_id=pk,
                    team=team,
                    research_question=RESEARCH[i % len(RESEARCH)].format(c=country),
                    starts_on=starts,
                    ends_on=ends,
                    result=RESULTS[i % len(RESULTS)] if finished else "",
                    rating=rng.choice((7, 8, 8, 9, 10)) if finished else None,
                    status=Match.Status.COMPLETED if finished else Match.Status.CONFIRMED,
                    confirmed_by_id=broker,
                    confirmed_at=dt.datetime.combine(starts, dt.time(10, 0), tzinfo=AMS),
                )
                self.counts["matches"] += 1


def load_collectives(programme: Programme, *, today: dt.date, seed: int = 2026) -> dict[str, int]:
    """The demo's collectives for ``programme`` unless it has some (then nothing changes)."""
    if Collective.objects.filter(programme=programme).exists():
        return counts_of(programme)
    Collectives(random.Random(f"collectives-{seed}"), programme, today).load()
    return counts_of(programme)


def counts_of(programme: Programme) -> dict[str, int]:
    collectives = Collective.objects.filter(programme=programme)
    return {
        "collectives": collectives.count(),
        "table_sessions": TableSession.objects.filter(collective__in=collectives).count(),
        "rounds": CarouselRound.objects.filter(collective__in=collectives).count(),
        "matches": Match.objects.filter(round__collective__in=collectives).count(),
    }
