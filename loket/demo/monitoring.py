"""The demo programme's monitoring: action lines with indicators and targets modelled on
the brief's example plans, the satisfaction survey with answers averaging about 8, the
development agency's business cases, signals for policy on advisors' notes, and the
submitted quarterly reports of the past quarters (merged, and those of the chamber of
commerce and the development agency).

The targets follow the brief's example plans (intakes on digitalisation and
circularity, tailored trajectories, 5-10 theme tables for exporters as a range, 35 events
with 2,185 visits, a mark of 8), scaled to the demo's 2,000 companies so that the
dashboard shows lines that are reached, on track and behind.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q

from loket.accounts.models import Organisation
from loket.casework.models import Case, ContactMoment
from loket.core.models import Region, Theme
from loket.demo.catalogue import KVK, NOM
from loket.monitoring.models import (
    ActionLine,
    BusinessCase,
    Indicator,
    Measure,
    SurveyInvitation,
    SurveySettings,
    Target,
)
from loket.programmes.models import Programme, Scheme

AMS = ZoneInfo("Europe/Amsterdam")
M = Measure

# action line -> [(indicator, measure, filters, yearly target (min, max))]
# fmt: off
PLAN: list[tuple[str, str, list[tuple[str, str, dict[str, str], tuple[int, int | None]]]]] = [
    ("Digitalisering", "Ondernemers zetten een stap in digitale volwassenheid: intakes, "
     "maatwerktrajecten en de benchmark digitaliseringsgraad.", [
        ("Intakes digitalisering", M.INTAKES, {"theme": "digitalisation"}, (100, None)),
        ("Maatwerktrajecten digitalisering", M.TRAJECTORIES_STARTED, {"scheme": "Innovatietraject"}, (12, None)),  # noqa: E501
        ("Uren specialisten digitalisering", M.HOURS, {}, (1200, None)),
    ]),
    ("Export en internationalisering", "Exporteurs komen een trede hoger op de exportladder.", [
        ("Thematafels voor exporteurs", M.TABLE_SESSIONS, {"theme": "export"}, (5, 10)),
        ("Exporttrajecten gestart", M.TRAJECTORIES_STARTED, {"scheme": "Exporttraject"}, (15, None)),  # noqa: E501
        ("Bedrijven in een carrousel", M.CAROUSEL_PARTICIPANTS, {}, (10, 20)),
    ]),
    ("Circulaire economie", "Intakes circulariteit en intensieve trajecten.", [
        ("Intakes circulariteit", M.INTAKES, {"theme": "circular"}, (60, None)),
        ("Clusters gevormd", M.CLUSTERS_FORMED, {}, (1, 3)),
    ]),
    ("Bereik en netwerk", "Het onzichtbare mkb bereiken, samen met de partners.", [
        ("Unieke bedrijven bereikt", M.COMPANIES_REACHED, {}, (2000, None)),
        ("Nieuwe bedrijven bereikt", M.COMPANIES_REACHED, {"newness": "new"}, (120, None)),
        ("Starters bereikt", M.COMPANIES_REACHED, {"starter": "yes"}, (300, None)),
        ("Evenementen", M.EVENTS_HELD, {}, (35, None)),
        ("Bezoeken aan evenementen", M.EVENT_VISITS, {}, (2185, None)),
        ("Hulpvragen", M.CASES, {}, (1500, None)),
    ]),
    ("Kwaliteit", "Wat ondernemers van de hulp vinden.", [
        ("Gemiddeld rapportcijfer", M.SATISFACTION, {}, (8, None)),
        ("Respons tevredenheidsonderzoek", M.RESPONSE_RATE, {}, (40, None)),
        ("Vouchers uitbetaald (euro)", M.EUROS, {}, (100000, None)),
    ]),
]
# fmt: on

SIGNALS = [
    "Ondernemers op bedrijventerreinen klagen over trage glasvezelaanleg; digitaliseren "
    "loopt daardoor vast.",
    "Meerdere bakkers en slagers vinden geen personeel voor de zaterdag; vraag naar "
    "samen opleiden.",
    "Exporteurs naar Duitsland lopen aan tegen nieuwe verpakkingsregels (EU); behoefte "
    "aan een informatiebijeenkomst.",
    "Starters weten de weg naar microkrediet niet te vinden; de bank verwijst door naar "
    "Qredits maar daar is een wachtlijst.",
    "Maakbedrijven willen verduurzamen maar de netcongestie houdt uitbreiding tegen.",
    "Zzp'ers in de zorg vragen om hulp bij de administratie na de nieuwe regels voor "
    "schijnzelfstandigheid.",
    "Circulaire ondernemers vinden geen afnemers voor hergebruikte bouwmaterialen; "
    "gemeenten kunnen als eerste klant optreden.",
    "Familiebedrijven zien op tegen bedrijfsopvolging; er is weinig aanbod in de regio.",
]
HELPED = [
    "Snel een afspraak en een adviseur die ons bedrijf echt begreep.",
    "De verwijzing naar de juiste partner scheelde ons weken zoeken.",
    "Praktisch advies over financiering, meteen toepasbaar.",
    "De ondernemerstafel: collega's die meedachten.",
    "Een vast aanspreekpunt dat terugbelde wanneer beloofd.",
]
IMPROVE = [
    "Meer informatie vooraf over de voorwaarden van de regeling.",
    "Het duurde even voordat de partner contact opnam.",
    "Graag een terugkoppeling na een paar maanden.",
    "Minder formulieren bij het aanvragen van de voucher.",
]
# A mark distribution averaging about 8.
MARKS = [6, 7, 7, 8, 8, 8, 8, 9, 9, 10]
BUSINESS_CASES = [
    ("Nieuwe productielijn voor composietonderdelen", 850000, 320000, "6.0"),
    ("Uitbreiding datacenter Emmen", 2400000, 900000, "12.0"),
    ("Overname en doorstart machinebouwer", 1200000, 480000, "9.5"),
    ("Groeifinanciering zorgtechnologie", 600000, 250000, "4.0"),
    ("Exportstart Scandinavië voedingsmiddelen", 450000, 150000, "3.0"),
    ("Robotisering metaalbewerking", 700000, 260000, "2.5"),
    ("Waterstofpilot logistiek", 300000, 120000, "2.0"),
    ("Schaalvergroting recyclingbedrijf", 1500000, 520000, "11.0"),
]


def load_monitoring(programme: Programme, *, today: dt.date, seed: int = 2026) -> dict[str, int]:
    """The monitoring part of the demo programme, unless it has action lines already."""
    if not ActionLine.objects.filter(programme=programme).exists():
        rng = random.Random(f"monitoring-{seed}")
        region = programme.region
        _plan(programme)
        SurveySettings.objects.get_or_create(region=region)
        _surveys(rng, programme, today)
        _business_cases(rng, programme, today)
        _signals(rng, programme)
        _reports(rng, programme, today)
    return counts_of(programme)


def load_monitoring_counts(region: Region, *, today: dt.date, seed: int = 2026) -> dict[str, int]:
    """``load_monitoring`` for the region's demo programme, counts prefixed
    ``monitoring_``."""
    from loket.demo.programmes import existing_programme

    programme = existing_programme(region)
    if programme is None:
        return {}
    counts = load_monitoring(programme, today=today, seed=seed)
    return {f"monitoring_{key}": value for key, value in counts.items()}


def summary(counts: dict[str, int]) -> str:
    def n(key: str) -> str:
        return f"{counts.get(key, 0):,}".replace(",", ".")

    return (
        f"Monitoring: {n('action_lines')} actielijnen, {n('indicators')} indicatoren, "
        f"{n('survey_answers')} antwoorden op de tevredenheidsenquête, "
        f"{n('business_cases')} businesscases, {n('reports')} ingediende rapportages."
    )


def counts_of(programme: Programme) -> dict[str, int]:
    answered = SurveyInvitation.objects.filter(programme=programme, mark__isnull=False)
    return {
        "action_lines": ActionLine.objects.filter(programme=programme).count(),
        "indicators": Indicator.objects.filter(programme=programme).count(),
        "survey_answers": answered.count(),
        "business_cases": BusinessCase.objects.filter(programme=programme).count(),
        "reports": programme.reports.count(),
    }


def _plan(programme: Programme) -> None:
    region = programme.region
    themes = {t.slug: t for t in Theme.objects.all()}
    schemes = {s.name: s for s in Scheme.objects.filter(programme=programme)}
    for line_position, (name, description, indicators) in enumerate(PLAN):
        line = ActionLine.objects.create(
            region=region,
            programme=programme,
            name=name,
            description=description,
            position=line_position,
        )
        for position, (title, measure, filters, (low, high)) in enumerate(indicators):
            indicator = Indicator.objects.create(
                region=region,
                programme=programme,
                action_line=line,
                name=title,
                measure=measure,
                theme=themes.get(filters.get("theme", "")),
                scheme=schemes.get(filters.get("scheme", "")),
                newness=filters.get("newness", ""),
                starter=filters.get("starter", ""),
                position=position,
            )
            for year in programme.years:
                Target.objects.create(
                    region=region,
                    indicator=indicator,
                    period=Target.Period.YEAR,
                    year=year,
                    minimum=Decimal(low),
                    maximum=None if high is None else Decimal(high),
                )


def _surveys(rng: random.Random, programme: Programme, today: dt.date) -> None:
    """Invitations after the cases closed in the programme period (once per company per
    quarter), about 45 % answered."""
    region = programme.region
    start = dt.datetime.combine(programme.starts_on, dt.time.min, tzinfo=AMS)
    cases = (
        Case.objects.filter(region=region, status=Case.Status.CLOSED, closed_at__gte=start)
        .filter(Q(person__email__gt="") | Q(company__email__gt=""))
        .select_related("person", "company")
        .order_by("closed_at", "pk")
    )
    seen: set[tuple[int, int, int]] = set()
    now = dt.datetime.combine(today, dt.time(9), tzinfo=AMS)
    invitations = []
    for case in cases:
        if case.closed_at is None:
            continue
        closed = case.closed_at.astimezone(AMS)
        key = (case.company_id, closed.year, (closed.month - 1) // 3 + 1)
        if key in seen:
            continue
        seen.add(key)
        send = closed + dt.timedelta(days=7)
        if send > now:
            status, sent_at = SurveyInvitation.Status.SCHEDULED, None
        else:
            status, sent_at = SurveyInvitation.Status.SENT, send
        invitation = SurveyInvitation(
            region=region,
            company_id=case.company_id,
            case=case,
            programme=programme,
            owner_id=case.owner_id,
            organisation_id=case.organisation_id,
            email=(case.person.email if case.person and case.person.email else case.company.email),
            token=secrets.token_urlsafe(32),
            year=key[1],
            quarter=key[2],
            status=status,
            send_after=send,
            sent_at=sent_at,
            expires_at=None if sent_at is None else sent_at + dt.timedelta(days=30),
        )
        if sent_at is not None and rng.random() < 0.45:
            answered = sent_at + dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8))
            if answered <= now:
                invitation.status = SurveyInvitation.Status.ANSWERED
                invitation.answered_at = answered
                invitation.mark = rng.choice(MARKS)
                invitation.helped = rng.choice(HELPED) if rng.random() < 0.6 else ""
                invitation.improve = rng.choice(IMPROVE) if rng.random() < 0.4 else ""
                invitation.recommend = (
                    "yes" if invitation.mark >= 8 else ("maybe" if invitation.mark >= 6 else "no")
                )
        elif sent_at is not None and sent_at + dt.timedelta(days=30) < now:
            invitation.status = SurveyInvitation.Status.EXPIRED
            invitation.reminded_at = sent_at + dt.timedelta(days=7)
        invitations.append(invitation)
    SurveyInvitation.objects.bulk_create(invitations, batch_size=200)


def _business_cases(rng: random.Random, programme: Programme, today: dt.date) -> None:
    nom = Organisation.objects.filter(region=programme.region, name=NOM).first()
    if nom is None:
        return
    companies = list(
        programme.region.company_set.filter(employees__gte=10, municipality__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    if not companies:
        return
    for index, (title, turnover, value, fte) in enumerate(BUSINESS_CASES):
        started = programme.starts_on + dt.timedelta(days=45 + index * 80)
        if started > today:
            break
        case = BusinessCase(
            region=programme.region,
            programme=programme,
            organisation=nom,
            company_id=rng.choice(companies),
            title=title,
            started_on=started,
            expected_turnover=Decimal(turnover),
            expected_value=Decimal(value),
            expected_fte=Decimal(fte),
        )
        if (today - started).days > 365:
            share = Decimal(rng.choice([45, 60, 80, 105])) / 100
            case.realised_turnover = (case.expected_turnover * share).quantize(Decimal("1"))
            case.realised_value = (case.expected_value * share).quantize(Decimal("1"))
            case.realised_fte = (case.expected_fte * share).quantize(Decimal("0.1"))
            case.realised_on = started + dt.timedelta(days=365)
        case.save()


def _signals(rng: random.Random, programme: Programme) -> None:
    """Some advisors' notes of the programme period carry a signal for policy."""
    start = dt.datetime.combine(programme.starts_on, dt.time.min, tzinfo=AMS)
    moments = list(
        ContactMoment.objects.filter(
            region=programme.region,
            occurred_at__gte=start,
            confidential=False,
            kind__in=[ContactMoment.Kind.INTAKE, ContactMoment.Kind.VISIT],
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = rng.sample(moments, min(len(moments), 48))
    for index, pk in enumerate(sorted(chosen)):
        ContactMoment.objects.filter(pk=pk).update(signal=SIGNALS[index % len(SIGNALS)])


NARRATIVES = {
    "Digitalisering": [
        "<p>De adviseurs voerden dit kwartaal intakes op digitalisering bij {n} bedrijven. "
        "Veel ondernemers vragen naar <strong>cybersecurity</strong> en naar het koppelen van "
        "hun webwinkel aan de boekhouding.</p>",
        "<p>De maatwerktrajecten lopen volgens plan. Twee leveranciers hebben een wachtlijst; "
        "we spreken een derde leverancier aan.</p><ul><li>Benchmark digitaliseringsgraad: "
        "voorbereid</li><li>Webinar 'AI in het mkb': goed bezocht</li></ul>",
    ],
    "Export en internationalisering": [
        "<p>De landentafel Duitsland kwam bijeen; ondernemers deelden ervaringen met nieuwe "
        "verpakkingsregels. De exportcarrousel met de Hanzehogeschool is afgerond.</p>",
    ],
    "Circulaire economie": [
        "<p>De intakes circulariteit blijven achter bij het doel. We zetten in op een "
        "gezamenlijke campagne met NICE en de gemeenten.</p>",
    ],
    "Bereik en netwerk": [
        "<p>Het bereik groeit, vooral onder starters. De netwerkbijeenkomsten in Emmen en "
        "Assen trokken veel nieuwe bedrijven.</p>",
    ],
    "Kwaliteit": [
        "<p>Ondernemers waarderen vooral het vaste aanspreekpunt en de snelle reactie.</p>",
    ],
}


def _reports(rng: random.Random, programme: Programme, today: dt.date) -> None:
    """The quarterly reports of every quarter that has ended, submitted a few days after it:
    the merged report, and those of the chamber of commerce and the development agency for
    the last two quarters."""
    from loket.accounts.models import Membership
    from loket.monitoring.models import Report, ReportVersion
    from loket.monitoring.services.reports import create_report, save_narrative, submit
    from loket.programmes.periods import quarter_bounds, quarters

    manager = (
        Membership.objects.filter(organisation__region=programme.region, role="programme_manager")
        .select_related("user")
        .first()
    )
    if manager is None:
        return
    ended = [q for q in quarters(programme) if quarter_bounds(*q)[1] < today]
    organisations = region_organisations(programme.region)
    lines = list(programme.action_lines.order_by("position"))
    for index, (year, quarter) in enumerate(ended):
        owners: list[Organisation | None] = [None]
        if index >= len(ended) - 2:
            owners += [organisations[name] for name in (KVK, NOM) if name in organisations]
        for organisation in owners:
            report = create_report(
                manager.user,
                programme,
                {
                    "kind": Report.Kind.QUARTER,
                    "year": year,
                    "quarter": quarter,
                    "organisation": organisation,
                },
            )
            for line in lines:
                texts = NARRATIVES.get(line.name, [])
                if texts and (organisation is None or rng.random() < 0.6):
                    text = rng.choice(texts).replace("{n}", str(rng.randint(20, 60)))
                    save_narrative(manager.user, report, line, text)
            version = submit(manager.user, report, note="")
            submitted = dt.datetime.combine(
                quarter_bounds(year, quarter)[1] + dt.timedelta(days=rng.randint(8, 14)),
                dt.time(10),
                tzinfo=AMS,
            )
            ReportVersion.objects.filter(pk=version.pk).update(submitted_at=submitted)


def region_organisations(region: Region) -> dict[str, Organisation]:
    return {o.name: o for o in Organisation.objects.filter(region=region, name__in=[KVK, NOM])}
