"""The demo region's programme: "Ik Ben Drents Ondernemer", four calendar years from the
year before the load date (loaded in 2026: 2025-2028, so today falls in year two).

- Executing organisations: the programme bureau, the KvK and the NOM, each with a
  standard hourly rate that rises 3 % from the third year on.
- Funders: the province, the chamber of commerce, the Regio Deal (national) and the
  entrepreneurs' own contributions.
- The plan: thirteen lines a year (conversations, events, cluster meetings, the digital
  community, four kinds of trajectories, project management, evaluation, marketing) with
  100/0 and 50/50 splits and out-of-pocket costs; about EUR 870,000 a year, as the plans
  in the brief.
- Schemes: Innovatie-, Export- and Groeitraject (the amounts of the catalogue's
  instruments of the same name: EUR 10,000 excl. VAT, 9,000 granted, 1,000 own
  contribution, 40 in the programme period, 12 hours norm, at most 24 hours per company)
  and the Clustertraject (at least four companies, 8 in the period, EUR 20,000), linked to
  the catalogue's instruments so they share its eligibility criteria.
- Trajectories in every status with suppliers, deliverables and vouchers, and a year of
  hour registrations that follows the plan pro rata (``programme_work.py`` and
  ``programme_hours.py``).

Written with the models directly (no audit events, as for the rest of the generated
history), but every row keeps the rules the services enforce: shares add up to 100 %,
plan lines are unique per year, activity and organisation, no more trajectories are
committed than a scheme has and within its budget, cluster trajectories have their
minimum of companies, vouchers only for committed trajectories, hours within the caps
per company (one company over the scheme's cap with a programme manager's permission),
hours only by members of executing organisations, on past working days in the period.
Deterministic: the same seed and load date give the same programme.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from loket.accounts.models import Organisation
from loket.catalogue.models import Instrument
from loket.core.models import Region
from loket.demo.catalogue import KVK, NOM
from loket.demo.catalogue import PROGRAMME as BUREAU
from loket.programmes.models import (
    ActivityType,
    CapOverride,
    Funder,
    HourEntry,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
    Programme,
    Scheme,
    Trajectory,
    Voucher,
    cents,
)

D = Decimal
NAME_PREFIX = "Ik Ben Drents Ondernemer"
YEARS = 4
# Outside trajectories: at most this many hours on one company (conversations).
HOURS_CAP_PER_COMPANY = D("16.00")
# Standard hourly rates excluding VAT, from the first year; from the third year on 3 % up.
RATES = {BUREAU: D("95.00"), KVK: D("110.00"), NOM: D("105.00")}
RATE_CHANGE = D("1.03")
RATE_CHANGE_YEAR = 2  # index of the year the new rates start (the third year)

# Funders: key, name, kind (position in this order).
FUNDERS = [
    ("province", "Provincie Drenthe", Funder.Kind.PROVINCE),
    ("chamber", "Kamer van Koophandel", Funder.Kind.CHAMBER),
    ("deal", "Regio Deal Drenthe (Rijk)", Funder.Kind.NATIONAL),
    ("companies", "Ondernemers (eigen bijdragen)", Funder.Kind.COMPANIES),
]

# Activity types: code, name, standard hours per unit (None: the plan gives fixed hours).
ACTIVITIES: list[tuple[str, str, Decimal | None]] = [
    ("gesprekken", "Gesprekken met ondernemers", D("2")),
    ("fysieke-evenementen", "Fysieke evenementen", D("175")),
    ("digitale-evenementen", "Digitale evenementen", D("150")),
    ("clusterbijeenkomsten", "Clusterbijeenkomsten", D("100")),
    ("digitale-communitys", "Digitale community's", None),
    ("clustertrajecten", "Clustertrajecten", D("50")),
    ("innovatietrajecten", "Innovatietrajecten", D("12")),
    ("exporttrajecten", "Exporttrajecten", D("12")),
    ("groeitrajecten", "Groeitrajecten", D("12")),
    ("projectmanagement", "Projectmanagement", None),
    ("evaluatie", "Evaluatie", D("4")),
    ("marketing", "Marketing en communicatie", None),
]


@dataclass(frozen=True)
class SchemeSpec:
    key: str
    name: str
    instrument: str  # the catalogue instrument with the same offer
    funder: str
    activity: str  # the activity type of its plan line and of the specialists' hours
    value: Decimal
    granted: Decimal
    own: Decimal
    available: int
    min_participants: int
    norm: Decimal
    cap: Decimal | None
    theme: str  # companies with this theme are proposed first
    specialists: tuple[str, ...]  # e-mail prefixes of the bureau's specialists
    titles: tuple[str, ...]
    deliverables: tuple[str, ...]
    suppliers: tuple[tuple[str, str | None], ...]  # supplier name, organisation in Loket


SCHEMES = [
    SchemeSpec(
        "innovatie",
        "Innovatietraject",
        "Innovatietraject",
        "province",
        "innovatietrajecten",
        D("10000.00"),
        D("9000.00"),
        D("1000.00"),
        40,
        1,
        D("12.00"),
        D("24.00"),
        "innovation",
        ("slimme-maakindustrie", "digitalisering", "sociale-innovatie"),
        (
            "Van idee naar prototype: een nieuw product",
            "Sensoren in de productielijn",
            "Een nieuwe dienst met data van klanten",
            "Haalbaarheid van een duurzame verpakking",
            "Automatisering van het orderproces",
            "Een nieuw verdienmodel met onderhoudscontracten",
        ),
        (
            "Innovatieplan met marktverkenning, haalbaarheid en een begroting voor de "
            "ontwikkeling.",
            "Werkend prototype en een plan voor de financiering van de marktintroductie.",
            "Haalbaarheidsstudie met drie uitgewerkte varianten en een advies.",
        ),
        (
            ("Noorderlicht Consultancy", "Noorderlicht Consultancy"),
            ("DigiWerkplaats Drenthe", "DigiWerkplaats Drenthe"),
            ("Innovatieadvies Van der Veen", None),
        ),
    ),
    SchemeSpec(
        "export",
        "Exporttraject",
        "Exporttraject",
        "deal",
        "exporttrajecten",
        D("10000.00"),
        D("9000.00"),
        D("1000.00"),
        40,
        1,
        D("12.00"),
        D("24.00"),
        "export",
        ("export",),
        (
            "Eerste stappen op de Duitse markt",
            "Exportplan voor Scandinavië",
            "Distributiepartners in België zoeken",
            "Van losse orders naar een exportstrategie",
            "Marktonderzoek Noord-Duitsland",
        ),
        (
            "Exportplan met marktkeuze, prijzen, leveringsvoorwaarden en een lijst van "
            "distributiepartners.",
            "Marktonderzoek voor twee landen en een advies over de toetreding.",
            "Uitgewerkt plan voor de eerste beurs en tien geselecteerde afnemers.",
        ),
        (
            ("ExportWerk Noord", "ExportWerk Noord"),
            ("Noorderlicht Consultancy", "Noorderlicht Consultancy"),
            ("Grenzeloos Export Advies", None),
        ),
    ),
    SchemeSpec(
        "groei",
        "Groeitraject",
        "Groeitraject",
        "province",
        "groeitrajecten",
        D("10000.00"),
        D("9000.00"),
        D("1000.00"),
        40,
        1,
        D("12.00"),
        D("24.00"),
        "growth",
        ("specialist",),
        (
            "Groeiplan voor de komende drie jaar",
            "De organisatie klaarmaken voor groei",
            "Tweede vestiging: plan en financiering",
            "Van eigenaar-vakman naar ondernemer met personeel",
            "Opschalen van de productie",
        ),
        (
            "Groeiplan met strategie, organisatie, personeelsplan en financieringsbehoefte.",
            "Nieuwe organisatiestructuur met rollen, verantwoordelijkheden en een wervingsplan.",
            "Financieringsaanvraag met onderbouwde prognose voor drie jaar.",
        ),
        (
            ("Groeiversneller Noord", "Groeiversneller Noord"),
            ("Hondsrug Ondernemersadvies", "Hondsrug Ondernemersadvies"),
            ("Drents Adviesbureau voor het MKB", "Drents Adviesbureau voor het MKB"),
        ),
    ),
    SchemeSpec(
        "cluster",
        "Clustertraject",
        "Clusterondersteuning",
        "deal",
        "clustertrajecten",
        D("20000.00"),
        D("16000.00"),
        D("4000.00"),
        8,
        4,
        D("50.00"),
        None,  # the hours serve the group, not one company
        "innovation",
        ("slimme-maakindustrie", "circulaire-economie"),
        (
            "Samen een waterstofketen in Zuidoost-Drenthe",
            "Gezamenlijke inkoop en hergebruik van reststromen",
            "Een gedeeld testcentrum voor slimme maakbedrijven",
            "Samen de Duitse zorgmarkt op",
            "Korte keten: streekproducten naar de horeca",
            "Samen opleiden in de techniek",
        ),
        (
            "Samenwerkingsovereenkomst, gezamenlijk projectplan en begroting voor de uitvoering.",
            "Businesscase van het gezamenlijke initiatief en een aanvraag voor de investering.",
        ),
        (
            ("Noorderlicht Consultancy", "Noorderlicht Consultancy"),
            ("Procesbegeleiding Ten Brink", None),
        ),
    ),
]


@dataclass(frozen=True)
class LineSpec:
    activity: str
    organisation: str
    funding: tuple[tuple[str, int, str], ...]  # funder key, share %, out-of-pocket incl. VAT
    count: int = 1
    fixed: int | None = None
    scheme: str | None = None
    description: str = ""


def plan_of_year(index: int) -> list[LineSpec]:
    """The plan lines of the programme's year ``index`` (0 = the first year)."""
    launch = index == 0
    return [
        LineSpec(
            "gesprekken",
            BUREAU,
            (("province", 50, "0"), ("deal", 50, "0")),
            count=450,
            description="Intake- en adviesgesprekken van de ondernemersadviseurs",
        ),
        LineSpec(
            "gesprekken",
            KVK,
            (("chamber", 100, "0"),),
            count=250,
            description="Gesprekken van de KvK-adviseurs met Drentse ondernemers",
        ),
        LineSpec(
            "fysieke-evenementen",
            BUREAU,
            (("province", 50, "12100.00"), ("chamber", 50, "12100.00")),
            count=2,
            description="Ondernemersdag Drenthe en de Drentse Innovatieprijs",
        ),
        LineSpec(
            "digitale-evenementen",
            KVK,
            (("chamber", 100, "3025.00"),),
            count=2,
            description="Webinarreeksen export en digitalisering",
        ),
        LineSpec(
            "clusterbijeenkomsten",
            NOM,
            (("deal", 100, "4840.00"),),
            count=4,
            description="Bijeenkomsten van de clusters energie, zorg, maakindustrie en food",
        ),
        LineSpec(
            "digitale-communitys",
            BUREAU,
            (("province", 100, "6050.00"),),
            fixed=160,
            description="Online community van Drentse ondernemers (licentie en moderatie)",
        ),
        LineSpec(
            "clustertrajecten",
            BUREAU,
            (("deal", 100, "0"),),
            count=2,
            scheme="cluster",
            description="Procesbegeleiding van clusters door de specialisten van het bureau",
        ),
        LineSpec(
            "innovatietrajecten", BUREAU, (("province", 100, "0"),), count=10, scheme="innovatie"
        ),
        LineSpec(
            "exporttrajecten",
            BUREAU,
            (("province", 50, "0"), ("chamber", 50, "0")),
            count=10,
            scheme="export",
        ),
        LineSpec("groeitrajecten", BUREAU, (("province", 100, "0"),), count=10, scheme="groei"),
        LineSpec(
            "projectmanagement",
            BUREAU,
            (("province", 50, "0"), ("deal", 50, "0")),
            fixed=800,
            description="Programmamanagement, verantwoording en het secretariaat",
        ),
        LineSpec(
            "evaluatie",
            BUREAU,
            (("province", 100, "0"),),
            count=32,
            description="Evaluatie van elk traject met de ondernemer",
        ),
        LineSpec(
            "marketing",
            BUREAU,
            (("province", 100, "24200.00" if launch else "18150.00"),),
            fixed=160 if launch else 120,
            description="Campagne, website en nieuwsbrief" + (" (lancering)" if launch else ""),
        ),
    ]


def programme_name(first_year: int) -> str:
    return f"{NAME_PREFIX} {first_year}-{first_year + YEARS - 1}"


def existing_programme(region: Region) -> Programme | None:
    return Programme.objects.filter(region=region, name__startswith=NAME_PREFIX).first()


def counts_of(programme: Programme) -> dict[str, int]:
    hours = HourEntry.objects.filter(programme=programme).aggregate(s=Sum("hours"))["s"]
    return {
        "programmes": 1,
        "plan_lines": PlanLine.objects.filter(programme=programme).count(),
        "schemes": Scheme.objects.filter(programme=programme).count(),
        "trajectories": Trajectory.objects.filter(programme=programme).count(),
        "vouchers": Voucher.objects.filter(trajectory__programme=programme).count(),
        "hour_entries": HourEntry.objects.filter(programme=programme).count(),
        "hours": int(hours or 0),
    }


def summary(counts: dict[str, int]) -> str:
    """One line for ``load_demo``: what the programme part loaded."""

    def n(value: int) -> str:
        return f"{value:,}".replace(",", ".")

    return (
        f"Programma / programme: {n(counts.get('programmes', 0))} programma, "
        f"{n(counts.get('plan_lines', 0))} planregels, {n(counts.get('schemes', 0))} "
        f"regelingen, {n(counts.get('trajectories', 0))} trajecten, "
        f"{n(counts.get('vouchers', 0))} vouchers, {n(counts.get('hour_entries', 0))} "
        f"urenregels ({n(counts.get('hours', 0))} uur)."
    )


def load_programme(region: Region, *, today: dt.date, seed: int = 2026) -> dict[str, int]:
    """Create the demo programme of ``region`` unless it has one (then nothing changes).
    Needs the organisations and users of ``people.py``; the companies and the catalogue
    are used where present. Returns the counts of the region's demo programme."""
    existing = existing_programme(region)
    if existing is not None:
        return counts_of(existing)
    orgs = {o.name: o for o in Organisation.objects.filter(region=region, name__in=list(RATES))}
    if BUREAU not in orgs:
        return {}
    # A string seed is hashed the same way on every run (unlike hash()).
    rng = random.Random(f"programmes-{seed}")
    first_year = today.year - 1
    programme = Programme.objects.create(
        region=region,
        name=programme_name(first_year),
        description=(
            "Het programma van de provincie, de Kamer van Koophandel en de NOM voor "
            "Drentse ondernemers: gesprekken, evenementen, clusters en trajecten voor "
            "innovatie, export en groei, met vouchers voor externe deskundigen."
        ),
        starts_on=dt.date(first_year, 1, 1),
        ends_on=dt.date(first_year + YEARS - 1, 12, 31),
        hours_cap_per_company=HOURS_CAP_PER_COMPANY,
    )
    executing = [orgs[name] for name in RATES if name in orgs]
    programme.organisations.set(executing)
    funders = _funders(region, programme)
    _rates(region, programme, executing, first_year)
    activities = _activities(region, programme)
    schemes = _schemes(region, programme, funders)
    _plan(region, programme, orgs, activities, schemes, funders, first_year)

    from loket.demo.programme_work import Work

    Work(rng, programme, orgs, activities, schemes, today).build()
    return counts_of(programme)


def _funders(region: Region, programme: Programme) -> dict[str, Funder]:
    rows = Funder.objects.bulk_create(
        [
            Funder(region=region, programme=programme, name=name, kind=kind, position=i + 1)
            for i, (_key, name, kind) in enumerate(FUNDERS)
        ]
    )
    return {key: row for (key, _n, _k), row in zip(FUNDERS, rows, strict=True)}


def _rates(
    region: Region, programme: Programme, executing: list[Organisation], first_year: int
) -> None:
    rows = []
    for org in executing:
        base = RATES[org.name]
        rows.append(
            HourlyRate(
                region=region, programme=programme, organisation=org, year=first_year, rate=base
            )
        )
        rows.append(
            HourlyRate(
                region=region,
                programme=programme,
                organisation=org,
                year=first_year + RATE_CHANGE_YEAR,
                rate=cents(base * RATE_CHANGE),
            )
        )
    HourlyRate.objects.bulk_create(rows)


def _activities(region: Region, programme: Programme) -> dict[str, ActivityType]:
    rows = ActivityType.objects.bulk_create(
        [
            ActivityType(
                region=region,
                programme=programme,
                name=name,
                code=code,
                default_hours_per_unit=norm,
                position=i + 1,
            )
            for i, (code, name, norm) in enumerate(ACTIVITIES)
        ]
    )
    return {code: row for (code, _n, _h), row in zip(ACTIVITIES, rows, strict=True)}


def _schemes(region: Region, programme: Programme, funders: dict[str, Funder]) -> dict[str, Scheme]:
    instruments = dict(
        Instrument.objects.filter(
            region=region, name__in=[s.instrument for s in SCHEMES]
        ).values_list("name", "pk")
    )
    rows = Scheme.objects.bulk_create(
        [
            Scheme(
                region=region,
                programme=programme,
                name=spec.name,
                instrument_id=instruments.get(spec.instrument),
                funder=funders[spec.funder],
                value=spec.value,
                max_granted=spec.granted,
                own_contribution=spec.own,
                available=spec.available,
                min_participants=spec.min_participants,
                hours_norm=spec.norm,
                hours_cap_per_company=spec.cap,
            )
            for spec in SCHEMES
        ]
    )
    return {spec.key: row for spec, row in zip(SCHEMES, rows, strict=True)}


def _plan(
    region: Region,
    programme: Programme,
    orgs: dict[str, Organisation],
    activities: dict[str, ActivityType],
    schemes: dict[str, Scheme],
    funders: dict[str, Funder],
    first_year: int,
) -> None:
    lines: list[PlanLine] = []
    fundings: list[list[tuple[str, int, str]]] = []
    for index in range(YEARS):
        for position, spec in enumerate(plan_of_year(index), start=1):
            if spec.organisation not in orgs:
                continue
            activity = activities[spec.activity]
            lines.append(
                PlanLine(
                    region=region,
                    programme=programme,
                    year=first_year + index,
                    activity_type=activity,
                    organisation=orgs[spec.organisation],
                    description=spec.description,
                    count=spec.count,
                    hours_per_unit=None
                    if spec.fixed is not None
                    else activity.default_hours_per_unit,
                    fixed_hours=D(spec.fixed) if spec.fixed is not None else None,
                    scheme=schemes[spec.scheme] if spec.scheme else None,
                    position=position,
                )
            )
            fundings.append(list(spec.funding))
    created = PlanLine.objects.bulk_create(lines)
    rows: list[Any] = []
    for line, funding in zip(created, fundings, strict=True):
        for key, share, out in funding:
            rows.append(
                PlanLineFunding(
                    region=region,
                    line=line,
                    funder=funders[key],
                    hours_share=D(share),
                    out_of_pocket_incl_vat=D(out),
                )
            )
    PlanLineFunding.objects.bulk_create(rows)


def flush_programmes(region: Region) -> None:
    """Delete the region's programmes and everything in them, in an order their
    protected references allow (before the companies and organisations go)."""
    from loket.casework.models import ContactMoment
    from loket.collectives.models import Collective, TableCase
    from loket.events.models import Event, Registration

    # The contact moments that attendance and the tables put on the timelines go with them.
    moment_ids = [
        *Registration.objects.filter(region=region, contact_moment__isnull=False).values_list(
            "contact_moment_id", flat=True
        ),
        *TableCase.objects.filter(region=region, contact_moment__isnull=False).values_list(
            "contact_moment_id", flat=True
        ),
    ]
    ContactMoment.objects.filter(pk__in=moment_ids).delete()
    from loket.monitoring.models import ActionLine, BusinessCase, Report, SurveyInvitation

    for model in (
        Report,  # and its narratives and versions
        BusinessCase,
        SurveyInvitation,
        ActionLine,  # and its indicators and targets
        HourEntry,
        Event,  # and its registrations
        Collective,  # and its members, sessions, cases, rounds, teams, students, matches
        CapOverride,
        Voucher,
        Trajectory,  # and its participants
        PlanLineFunding,
        PlanLine,
        Scheme,
        HourlyRate,
        ActivityType,
        Funder,
        Programme,
    ):
        model._default_manager.filter(region=region).delete()
