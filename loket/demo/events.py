"""The demo programme's events: about 35 a year from the programme's start to the end of
the year after the load date, always organised with partners.

- Past events are published and their attendance is final: registrations from the
  region's companies (their contact persons), about 12 % no-shows, a few cancellations,
  and one contact moment of kind event per attending company on its timeline. A few
  webinars a year draw 200-400 viewers (imported from the webinar platform: source
  webinar, viewing minutes).
- Events of the coming months are published with registrations; a popular one is full
  with a waiting list. Later ones are drafts. One past and one coming event are cancelled.
- An event counts for the plan line of its organiser and activity (physical or digital
  events) in its year where the plan has one.

About 2,200 visits a year, as in the brief. Rows are written with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from loket.accounts.models import Membership, Organisation
from loket.casework.models import ContactMoment
from loket.companies.models import Company, Person
from loket.core.models import Municipality, Theme
from loket.demo.catalogue import PROGRAMME as BUREAU
from loket.events.models import Event, Registration, new_token
from loket.programmes.models import PlanLine, Programme

AMS = ZoneInfo("Europe/Amsterdam")
# A company that may register: id, municipality, name, KvK number, contact persons.
Row = tuple[int, int | None, str, str, list[tuple[int, str, str]]]
K = Event.Kind
PER_YEAR = 35
YEARS = 3
KVK = "Kamer van Koophandel, regio Noord"
NOM = "NOM, investerings- en ontwikkelingsmaatschappij Noord-Nederland"


@dataclass(frozen=True)
class Spec:
    kind: str
    title: str
    themes: tuple[str, ...]
    partner: str  # the thematic partner organisation ("" = the municipality only)
    capacity: int | None
    hour: int
    minutes: int


# fmt: off
_SPECS = [
    (K.NETWORK, "Netwerkbijeenkomst Ondernemend {m}", ("growth",), "", 100, 16, 150),
    (K.NETWORK, "Ondernemersontbijt {m}", ("starters",), "", 60, 8, 120),
    (K.NETWORK, "Drentse Ondernemersavond", ("growth",), "VNO-NCW MKB Noord", 150, 19, 180),
    (K.WORKSHOP, "Workshop Aan de slag met AI in je bedrijf", ("digitalisation",), "DigiWerkplaats Drenthe", 25, 14, 180),  # noqa: E501
    (K.WORKSHOP, "Workshop Cyberveilig ondernemen", ("digitalisation",), KVK, 30, 15, 150),
    (K.WORKSHOP, "Workshop Financiering op maat", ("finance",), "Rabobank, zakelijk Drenthe", 25, 15, 150),  # noqa: E501
    (K.WORKSHOP, "Workshop Een exportplan in één middag", ("export",), "ExportWerk Noord", 20, 13, 240),  # noqa: E501
    (K.WORKSHOP, "Workshop Circulair ontwerpen", ("circular",), "NICE, circulaire economie", 25, 14, 180),  # noqa: E501
    (K.WORKSHOP, "Workshop Personeel vinden en binden", ("labour-market",), "Werkgeversservicepunt Drenthe", 30, 15, 150),  # noqa: E501
    (K.MASTERCLASS, "Masterclass Slim produceren bij {host}", ("smart-manufacturing",), "Dutch TechZone", 25, 14, 180),  # noqa: E501
    (K.MASTERCLASS, "Masterclass Automatiseren bij {host}", ("digitalisation",), "Dutch TechZone", 20, 14, 180),  # noqa: E501
    (K.MASTERCLASS, "Masterclass Duurzaam verbouwen bij {host}", ("sustainability",), "Energiecluster Drenthe", 25, 14, 180),  # noqa: E501
    (K.CAFE, "Innovatiecafé Waterstof", ("innovation", "sustainability"), "Energiecluster Drenthe", 40, 16, 120),  # noqa: E501
    (K.CAFE, "Innovatiecafé Zorgtechnologie", ("innovation",), "Health Hub Roden", 40, 16, 120),
    (K.CAFE, "Innovatiecafé Circulair bouwen", ("circular", "innovation"), "NICE, circulaire economie", 40, 16, 120),  # noqa: E501
    (K.CAFE, "Innovatiecafé Data in de landbouw", ("innovation",), "Agrifood Netwerk Drenthe", 40, 16, 120),  # noqa: E501
    (K.WEBINAR, "Webinar Exporteren naar Duitsland", ("export",), "ExportWerk Noord", None, 12, 60),
    (K.WEBINAR, "Webinar Digitaliseren zonder gedoe", ("digitalisation",), KVK, None, 12, 60),
    (K.WEBINAR, "Webinar Verduurzamen: welke regelingen zijn er?", ("sustainability",), "Energiecluster Drenthe", None, 12, 60),  # noqa: E501
    (K.WEBINAR, "Webinar Financiering voor starters", ("finance", "starters"), "Qredits Microfinanciering, regio Noord", None, 12, 60),  # noqa: E501
    (K.WEBINAR, "Webinar Groeien met een team", ("growth", "labour-market"), KVK, None, 12, 60),
    (K.TABLE, "Thematafel export: Scandinavië", ("export",), "ExportWerk Noord", 12, 16, 120),
    (K.TABLE, "Ondernemerstafel groei", ("growth",), "Ondernemersklankbord, regio Noord", 12, 16, 120),  # noqa: E501
    (K.OTHER, "Bedrijvenbeurs Zuidoost-Drenthe", ("growth",), "Ondernemersvereniging Emmen", 250, 13, 300),  # noqa: E501
]
# fmt: on
SPECS: dict[str, list[Spec]] = defaultdict(list)
for _row in _SPECS:
    SPECS[_row[0]].append(Spec(*_row))
# Events of each kind in a year (35 in all).
MIX = {
    K.NETWORK: 8,
    K.WORKSHOP: 9,
    K.MASTERCLASS: 4,
    K.CAFE: 4,
    K.WEBINAR: 6,
    K.TABLE: 3,
    K.OTHER: 1,
}
# Months weighted: quiet in summer and around Christmas.
MONTH_WEIGHTS = (6, 9, 10, 9, 8, 7, 1, 2, 10, 11, 10, 4)
VENUES = (
    "Het Ondernemershuis",
    "De Bibliotheek",
    "Het Gemeentehuis",
    "Hotel De Postkoets",
    "Zalencentrum De Brink",
    "Innovatiehuis",
)
STREETS = ("Brink", "Markt", "Stationsstraat", "Industrieweg", "Hoofdstraat", "Kanaalweg")
BIG_WEBINARS = 3  # per year, with 200-400 viewers
NO_SHOW = 0.12
CANCELLED = 0.05


def _plan_lines(programme: Programme) -> dict[tuple[int, str, int], int]:
    rows = PlanLine.objects.filter(
        programme=programme,
        activity_type__code__in=["fysieke-evenementen", "digitale-evenementen"],
    ).values_list("year", "activity_type__code", "organisation_id", "pk")
    return {(year, code, org): pk for year, code, org, pk in rows}


class Events:
    def __init__(self, rng: random.Random, programme: Programme, today: dt.date) -> None:
        self.rng = rng
        self.programme = programme
        self.region = programme.region
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(12, 0), tzinfo=AMS)

    def load(self) -> dict[str, int]:
        region = self.region
        self.orgs = {o.name: o for o in Organisation.objects.filter(region=region)}
        if BUREAU not in self.orgs:
            return {}
        self.bureau = self.orgs[BUREAU]
        self.municipal_orgs = {
            o.municipality_id: o
            for o in self.orgs.values()
            if o.kind == Organisation.Kind.MUNICIPALITY and o.municipality_id
        }
        self.authors = defaultdict(list)
        for user, org in (
            Membership.objects.filter(organisation__region=region)
            .order_by("user_id")
            .values_list("user_id", "organisation_id")
        ):
            self.authors[org].append(user)
        self.municipalities = list(Municipality.objects.filter(region=region).order_by("pk"))
        self.themes = {t.slug: t for t in Theme.objects.all()}
        persons: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for pk, company, name, email in (
            Person.objects.filter(region=region)
            .exclude(email="")
            .order_by("pk")
            .values_list("pk", "company_id", "name", "email")
        ):
            persons[company].append((pk, name, email))
        self.companies = [
            (pk, municipality, name, kvk, persons[pk])
            for pk, municipality, name, kvk in Company.objects.filter(region=region)
            .order_by("pk")
            .values_list("pk", "municipality_id", "name", "kvk_number")
            if persons[pk]
        ]
        self.by_municipality: dict[int | None, list[int]] = defaultdict(list)
        for index, row in enumerate(self.companies):
            self.by_municipality[row[1]].append(index)
        self.host_names = dict(
            Company.objects.filter(region=region, employees__gte=20)
            .order_by("pk")
            .values_list("pk", "name")
        )
        self.hosts = list(self.host_names)
        self.plan_lines = _plan_lines(self.programme)
        if not self.companies:
            return {}
        events = self.build_events()
        counts = self.build_registrations(events)
        return {"events": len(events), **counts}

    # --- events -------------------------------------------------------------------------

    def when(self, year: int, spec: Spec) -> dt.datetime:
        rng = self.rng
        month = rng.choices(range(1, 13), weights=MONTH_WEIGHTS)[0]
        day = rng.randint(1, 28)
        date = dt.date(year, month, day)
        while date.weekday() >= 5:  # events on working days
            date += dt.timedelta(days=1)
        return dt.datetime.combine(
            date, dt.time(spec.hour, 30 if spec.hour == 8 else 0), tzinfo=AMS
        )

    def build_events(self) -> list[Event]:
        rng = self.rng
        start_year = self.programme.starts_on.year
        last_year = min(self.programme.ends_on.year, self.today.year + 1, start_year + YEARS - 1)
        events: list[Event] = []
        partners: list[list[Organisation]] = []
        themes: list[tuple[str, ...]] = []
        for year in range(start_year, last_year + 1):
            for kind, count in MIX.items():
                for n in range(count):
                    spec = SPECS[kind][(n + year) % len(SPECS[kind])]
                    event, orgs = self.event(year, spec)
                    events.append(event)
                    partners.append(orgs)
                    themes.append(spec.themes)
        # One past and one coming event are called off.
        past = [e for e in events if e.ends_at < self.now]
        coming = [e for e in events if e.starts_at > self.now + dt.timedelta(days=10)]
        for called_off in (rng.choice(past) if past else None, coming[0] if coming else None):
            if called_off is not None:
                called_off.status = Event.Status.CANCELLED
        created = Event.objects.bulk_create(events)
        through = Event.partners.through
        through.objects.bulk_create(
            [
                through(event_id=event.pk, organisation_id=org.pk)
                for event, orgs in zip(created, partners, strict=True)
                for org in orgs
            ]
        )
        theme_through = Event.themes.through
        theme_through.objects.bulk_create(
            [
                theme_through(event_id=event.pk, theme_id=self.themes[slug].pk)
                for event, slugs in zip(created, themes, strict=True)
                for slug in slugs
                if slug in self.themes
            ]
        )
        return created

    def event(self, year: int, spec: Spec) -> tuple[Event, list[Organisation]]:
        rng = self.rng
        starts = self.when(year, spec)
        ends = starts + dt.timedelta(minutes=spec.minutes)
        municipality = None if spec.kind == K.WEBINAR else rng.choice(self.municipalities)
        roll = rng.random()
        organiser = self.bureau
        if roll > 0.6 and KVK in self.orgs:
            organiser = self.orgs[KVK]
        if roll > 0.85 and NOM in self.orgs:
            organiser = self.orgs[NOM]
        orgs: list[Organisation] = []
        if spec.partner in self.orgs:
            orgs.append(self.orgs[spec.partner])
        if municipality is not None and municipality.pk in self.municipal_orgs:
            orgs.append(self.municipal_orgs[municipality.pk])
        if organiser != self.bureau:
            orgs.append(self.bureau)
        orgs = [o for o in dict.fromkeys(orgs) if o != organiser]
        # Never the programme alone: at least one partner that is not the programme bureau.
        if not any(o.kind != Organisation.Kind.PROGRAMME for o in orgs):
            extra = KVK if organiser.name != KVK else "VNO-NCW MKB Noord"
            if extra in self.orgs:
                orgs.append(self.orgs[extra])
        host = None
        title = spec.title
        if spec.kind == K.MASTERCLASS and self.hosts:
            host = rng.choice(self.hosts)
            title = title.format(host=self.host_names[host])
        if municipality is not None:
            title = title.format(m=municipality.name)
        online = spec.kind == K.WEBINAR
        code = "digitale-evenementen" if online else "fysieke-evenementen"
        status = Event.Status.PUBLISHED
        if starts > self.now + dt.timedelta(days=120):
            status = Event.Status.DRAFT
        venue = "" if online else rng.choice(VENUES)
        address = (
            f"{rng.choice(STREETS)} {rng.randint(1, 80)}, {municipality.name}"
            if municipality is not None
            else ""
        )
        authors: list[int | None] = [
            *(self.authors.get(organiser.pk) or self.authors.get(self.bureau.pk) or []),
            None,
        ]
        event = Event(
            region=self.region,
            programme=self.programme,
            kind=spec.kind,
            title=title,
            description=DESCRIPTIONS[spec.kind],
            starts_at=starts,
            ends_at=ends,
            online=online,
            venue=venue,
            address=address,
            municipality=municipality,
            online_url="https://webinar.example/ibdo/" + new_token()[:10] if online else "",
            capacity=spec.capacity,
            registration_deadline=starts - dt.timedelta(days=1)
            if spec.kind in (K.WORKSHOP, K.MASTERCLASS)
            else None,
            organiser=organiser,
            host_company_id=host,
            plan_line_id=self.plan_lines.get((year, code, organiser.pk)),
            public=spec.kind != K.TABLE,
            status=status,
            attendance_final_at=ends + dt.timedelta(days=1) if ends < self.now else None,
            created_by_id=authors[0],
        )
        return event, orgs

    # --- registrations --------------------------------------------------------------------

    def size(self, event: Event, big_webinar: bool) -> int:
        rng = self.rng
        if big_webinar:
            return rng.randint(200, 400)
        if event.kind == K.WEBINAR:
            return rng.randint(40, 110)
        capacity = event.capacity or 60
        return max(6, int(capacity * rng.uniform(0.55, 1.0)))

    def build_registrations(self, events: list[Event]) -> dict[str, int]:
        rng = self.rng
        big: set[int] = set()
        webinars_by_year: dict[int, list[Event]] = defaultdict(list)
        for event in events:
            if event.kind == K.WEBINAR and event.status == Event.Status.PUBLISHED:
                webinars_by_year[event.starts_at.year].append(event)
        for year_events in webinars_by_year.values():
            big.update(e.pk for e in rng.sample(year_events, min(BIG_WEBINARS, len(year_events))))
        coming = sorted(
            (e for e in events if e.starts_at > self.now and e.status == Event.Status.PUBLISHED),
            key=lambda e: e.starts_at,
        )
        full = next((e for e in coming if e.capacity and e.kind == K.WORKSHOP), None)
        registrations: list[Registration] = []
        attended: list[tuple[Event, int, int]] = []  # event, company, person
        for event in events:
            if event.status == Event.Status.DRAFT:
                continue
            past = event.ends_at < self.now
            if not past and event.starts_at > self.now + dt.timedelta(days=60):
                continue
            size = self.size(event, event.pk in big)
            if not past and event is not full:
                size = size // 2  # registrations still coming in
            if event is full:
                size = (event.capacity or 0) + 5
            for n, (company, person) in enumerate(self.registrants(event, size)):
                reg = self.registration(event, company, person, n, past)
                registrations.append(reg)
                if reg.attendance == Registration.Attendance.PRESENT:
                    attended.append((event, company[0], person[0]))
        moments = self.contact_moments(attended)
        for reg in registrations:
            if reg.attendance == Registration.Attendance.PRESENT:
                reg.contact_moment_id = moments.get((reg.event_id, reg.company_id or 0))
        Registration.objects.bulk_create(registrations, batch_size=500)
        present = sum(r.attendance == Registration.Attendance.PRESENT for r in registrations)
        return {"registrations": len(registrations), "visits": present}

    def registrants(self, event: Event, size: int) -> Iterator[tuple[Row, tuple[int, str, str]]]:
        """Companies (and one of their contact persons) registering for the event: mostly
        from the event's municipality and its neighbours, never the same person twice."""
        rng = self.rng
        local = self.by_municipality.get(event.municipality_id, []) if event.municipality else []
        chosen: list[int] = []
        seen: set[int] = set()
        pool = len(self.companies)
        while len(chosen) < min(size, pool):
            index = rng.choice(local) if local and rng.random() < 0.5 else rng.randrange(pool)
            if index in seen:
                if len(seen) >= pool:
                    break
                continue
            seen.add(index)
            chosen.append(index)
        emails: set[str] = set()
        for index in chosen:
            company = self.companies[index]
            person = rng.choice(company[4])
            if person[2].lower() in emails:
                continue
            emails.add(person[2].lower())
            yield company, person

    def registration(
        self, event: Event, company: Row, person: tuple[int, str, str], n: int, past: bool
    ) -> Registration:
        rng = self.rng
        pk, municipality, name, kvk, _persons = company
        person_pk, person_name, email = person
        webinar = event.kind == K.WEBINAR
        registered = event.starts_at - dt.timedelta(
            days=rng.randint(1, 30), hours=rng.randint(0, 12)
        )
        status = Registration.Status.CONFIRMED
        attendance = Registration.Attendance.UNKNOWN
        cancelled_at = None
        if event.capacity and n >= event.capacity:
            status = Registration.Status.WAITING
        elif rng.random() < CANCELLED and not webinar:
            status = Registration.Status.CANCELLED
            cancelled_at = registered + dt.timedelta(days=1)
        if (
            past
            and event.status == Event.Status.PUBLISHED
            and status == Registration.Status.CONFIRMED
        ):
            attendance = (
                Registration.Attendance.PRESENT
                if webinar or rng.random() >= NO_SHOW
                else Registration.Attendance.ABSENT
            )
        return Registration(
            region=self.region,
            event=event,
            name=person_name,
            email=email,
            company_name=name,
            kvk_number=kvk,
            municipality_id=municipality,
            company_id=pk,
            person_id=person_pk,
            status=status,
            attendance=attendance,
            source=Registration.Source.WEBINAR if webinar and past else Registration.Source.PORTAL,
            token=new_token(),
            language="nl",
            consent_given_at=registered,
            registered_at=registered,
            cancelled_at=cancelled_at,
            checked_in_at=event.starts_at
            if attendance == Registration.Attendance.PRESENT and not webinar
            else None,
            reminded_at=event.starts_at - dt.timedelta(days=1) if past else None,
            viewing_minutes=rng.randint(10, 60) if webinar and past else None,
        )

    def contact_moments(self, attended: list[tuple[Event, int, int]]) -> dict[tuple[int, int], int]:
        """One contact moment of kind event per attending company and event."""
        by_key: dict[tuple[int, int], tuple[Event, list[int]]] = {}
        for event, company, person in attended:
            entry = by_key.setdefault((event.pk, company), (event, []))
            entry[1].append(person)
        keys = list(by_key)
        moments = [
            ContactMoment(
                region=self.region,
                company_id=company,
                kind=ContactMoment.Kind.EVENT,
                occurred_at=by_key[(event_id, company)][0].starts_at,
                author_id=by_key[(event_id, company)][0].created_by_id,  # type: ignore[misc]
                organisation_id=by_key[(event_id, company)][0].organiser_id,
                summary=f"Aanwezig bij {by_key[(event_id, company)][0].title} "
                f"({by_key[(event_id, company)][0].starts_at.astimezone(AMS):%d-%m-%Y}).",
            )
            for event_id, company in keys
        ]
        created = ContactMoment.objects.bulk_create(moments, batch_size=500)
        through = ContactMoment.persons.through
        through.objects.bulk_create(
            [
                through(contactmoment_id=moment.pk, person_id=person)
                for key, moment in zip(keys, created, strict=True)
                for person in dict.fromkeys(by_key[key][1])
            ],
            batch_size=500,
        )
        return {key: moment.pk for key, moment in zip(keys, created, strict=True)}


DESCRIPTIONS: dict[str, str] = {
    K.NETWORK: "Ontmoet andere ondernemers en de partners van het programma. Met een korte "
    "inleiding, een pitch van twee ondernemers en ruim tijd om bij te praten.",
    K.WORKSHOP: "Een praktische middag in een kleine groep: u gaat naar huis met een plan "
    "voor uw eigen bedrijf. Neem gerust een collega mee.",
    K.MASTERCLASS: "Een kijkje in de keuken bij een Drents bedrijf dat u voorging: een "
    "rondleiding, het verhaal van de ondernemer en een gesprek met deskundigen.",
    K.CAFE: "Een informeel café over een nieuwe ontwikkeling: wat betekent die voor uw bedrijf, "
    "en met wie kunt u samenwerken?",
    K.WEBINAR: "Een uur online, met vragen via de chat. De link krijgt u bij uw aanmelding.",
    K.TABLE: "Een kleine tafel van ondernemers en deskundigen die meedenken over een vraag "
    "die een ondernemer inbrengt. Op uitnodiging.",
    K.OTHER: "De beurs van en voor ondernemers in Zuidoost-Drenthe: stands, lezingen en "
    "het ondernemerscafé.",
}


def load_events(programme: Programme, *, today: dt.date, seed: int = 2026) -> dict[str, int]:
    """The demo's events for ``programme`` unless it has events (then nothing changes)."""
    if Event.objects.filter(programme=programme).exists():
        return counts_of(programme)
    Events(random.Random(f"events-{seed}"), programme, today).load()
    return counts_of(programme)


def counts_of(programme: Programme) -> dict[str, int]:
    registrations = Registration.objects.filter(event__programme=programme)
    return {
        "events": Event.objects.filter(programme=programme).count(),
        "registrations": registrations.count(),
        "visits": registrations.filter(attendance=Registration.Attendance.PRESENT).count(),
    }
