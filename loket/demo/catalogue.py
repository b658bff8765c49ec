"""The demo region's instrument catalogue: what the programme, its partners, the national
government and the EU offer entrepreneurs in the fictional Drenthe programme.

Fixed data, no randomness. Dates are days relative to the load date, so what is current
stays current however late the demo is loaded: most instruments are open-ended; a few
have expired, are exhausted, open later or were not verified for more than 180 days (their
editor gets the weekly reminder). Organisations are those of ``people.py``; the programme's
own instruments name its specialists as editor and contact, partners' instruments their
first member of staff, national and EU instruments (no region, shared by every region) a
provider name such as "RVO".

``load_catalogue`` writes them through ``catalogue.services.create_instrument`` (version 1
and an audit event each, every record validated). ``load_for_matching`` loads only what the
matching engine needs (region, organisations, catalogue) for ``bench/matching``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from loket.accounts.models import User
from loket.catalogue.models import Instrument, InstrumentVersion, Kind, ProviderKind
from loket.catalogue.services import (
    INSTRUMENT_FIELDS,
    INSTRUMENT_M2M,
    sanitise,
    validate_criteria,
)
from loket.core import audit
from loket.core.models import Municipality, Region, Theme
from loket.demo import data
from loket.demo.people import LOCAL_ASSOCIATIONS, Cast

PROGRAMME = "Programmabureau IBDO"
KVK = "Kamer van Koophandel, regio Noord"
NOM = "NOM, investerings- en ontwikkelingsmaatschappij Noord-Nederland"
MKB_FONDS = "MKB Fonds Drenthe"
QREDITS = "Qredits Microfinanciering, regio Noord"
NHL = "NHL Stenden Hogeschool, Emmen"
HANZE = "Hanzehogeschool Groningen, Assen"
RABO = "Rabobank, zakelijk Drenthe"
ING = "ING Zakelijk, regio Noord"
ABN = "ABN AMRO Zakelijk, regio Noord"
PROVINCE = "Provincie Drenthe"
# National and EU providers: "national:<provider name>" / "eu:<provider name>".
RVO = "national:RVO"
TAX = "national:Belastingdienst"
EC = "eu:Europese Commissie"

# The twelve Drenthe municipalities (Hardenberg lies in Overijssel: Drenthe's own funds,
# the NOM and SNN's European programme do not reach it).
DRENTHE = tuple(m[0] for m in data.MUNICIPALITIES if m[0] != "Hardenberg")
SME = ("zzp", "micro", "small", "medium")
PRIMARY_AGRICULTURE = ("01", "03")  # de-minimis rules of regional aid exclude them
LEISURE = ("55", "56", "79", "93")
PERSONS = ("eenmanszaak", "vof", "maatschap", "cv")  # income tax, not corporate tax


@dataclass(frozen=True)
class Spec:
    """One instrument of the demo. Dates are days from the load date (negative: past);
    ``verified`` is how many days ago its facts were checked (None: a fixed spread
    within the 180 days)."""

    name: str
    kind: str
    by: str  # PROGRAMME, a partner's organisation name, or "national:..." / "eu:..."
    summary: str
    description: str
    themes: tuple[str, ...]
    phases: tuple[str, ...]
    keywords: str = ""
    how: str = ""
    contact: str = ""  # contact organisation when not the provider (regional only)
    amount_min: int | None = None
    amount_max: int | None = None
    own: int | None = None
    sizes: tuple[str, ...] = ()
    emp_min: int | None = None
    emp_max: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    sbi_in: tuple[str, ...] = ()
    sbi_out: tuple[str, ...] = ()
    munis: tuple[str, ...] = ()
    region_only: bool = False  # a shared instrument that holds only in the demo region
    legal: tuple[str, ...] = ()
    opens: int | None = None
    closes: int | None = None
    deadline: int | None = None
    exhausted: bool = False
    published: bool = True
    verified: int | None = None

    @property
    def provider_kind(self) -> str:
        if self.by == PROGRAMME:
            return ProviderKind.PROGRAMME
        if self.by.startswith("national:"):
            return ProviderKind.NATIONAL
        if self.by.startswith("eu:"):
            return ProviderKind.EU
        return ProviderKind.PARTNER

    @property
    def shared(self) -> bool:
        return self.provider_kind in (ProviderKind.NATIONAL, ProviderKind.EU)


K = Kind

# --- the programme's own offer ---------------------------------------------------------

PROGRAMME_SPECS = [
    Spec(
        "Innovatietraject",
        K.ADVICE,
        PROGRAMME,
        "Een traject van € 10.000 (excl. btw) met een adviseur naar keuze om een nieuw product, "
        "dienst of proces van idee tot uitvoerbaar plan te brengen; eigen bijdrage € 1.000.",
        "Samen met een ervaren innovatieadviseur uit onze pool werkt u in drie tot zes "
        "maanden aan uw innovatie: marktverkenning, haalbaarheid, prototype en een plan voor "
        "financiering. Het programma betaalt € 9.000, u betaalt € 1.000 (bedragen excl. btw).",
        ("innovation",),
        ("innovation",),
        "nieuw product, productontwikkeling, prototype, idee uitwerken, innovatieplan, "
        "haalbaarheid, vernieuwen",
        "Vraag een intakegesprek aan bij het programmabureau; uw adviseur bespreekt of het "
        "traject past en helpt bij de keuze van de innovatieadviseur.",
        amount_min=10_000,
        amount_max=10_000,
        own=1_000,
        sizes=SME,
        sbi_out=PRIMARY_AGRICULTURE,
    ),
    Spec(
        "Exporttraject",
        K.ADVICE,
        PROGRAMME,
        "Een traject van € 10.000 (excl. btw) met een exportadviseur: van marktkeuze tot "
        "exportplan en de eerste klanten over de grens; eigen bijdrage € 1.000.",
        "Voor mkb'ers die willen gaan exporteren of een nieuwe buitenlandse markt willen "
        "openen. De exportadviseur helpt met marktonderzoek, de keuze van land en "
        "distributiepartners, prijzen en leveringsvoorwaarden, en een exportplan dat u "
        "kunt uitvoeren.",
        ("export",),
        ("export",),
        "buitenland, exporteren, exportplan, nieuwe markt, Duitsland, internationaal, "
        "distributeur, agent, klanten over de grens",
        "Vraag een intakegesprek aan bij het programmabureau.",
        amount_min=10_000,
        amount_max=10_000,
        own=1_000,
        sizes=SME,
        sbi_out=PRIMARY_AGRICULTURE,
    ),
    Spec(
        "Groeitraject",
        K.ADVICE,
        PROGRAMME,
        "Een traject van € 10.000 (excl. btw) met een groeiadviseur voor bedrijven die "
        "willen doorgroeien: strategie, organisatie, personeel en financiering; eigen "
        "bijdrage € 1.000.",
        "Voor bedrijven die minstens twee jaar bestaan en een duidelijke groeiambitie hebben. "
        "Met de groeiadviseur maakt u een groeiplan en zet u de eerste stappen: de "
        "organisatie inrichten op groei, personeel werven, processen en financiering.",
        ("growth",),
        ("growth",),
        "groeien, doorgroeien, opschalen, groeiplan, strategie, organisatie, meer omzet, "
        "uitbreiden",
        "Vraag een intakegesprek aan bij het programmabureau.",
        amount_min=10_000,
        amount_max=10_000,
        own=1_000,
        sizes=SME,
        age_min=2,
        sbi_out=PRIMARY_AGRICULTURE,
    ),
    Spec(
        "Business Accelerator-voucher",
        K.VOUCHER,
        PROGRAMME,
        "Een voucher van € 5.000 (excl. btw) voor een versnellingstraject samen met de "
        "Rabobank: een sterk businessplan, een financieringsaanvraag die klopt en coaching.",
        "Het programma en de Rabobank bieden samen een versnellingstraject voor ondernemers "
        "met een groeiplan dat financiering nodig heeft. Een adviseur helpt u uw plan en "
        "cijfers zo op te stellen dat een financier er ja tegen kan zeggen; de bank denkt "
        "vanaf het begin mee. Eigen bijdrage € 500.",
        ("growth", "finance"),
        ("growth", "finance"),
        "bank, businessplan, financieringsaanvraag, versnellen, scale-up, ondernemingsplan, "
        "groeifinanciering",
        "Vraag de voucher aan bij het programmabureau; de Rabobank neemt daarna contact op.",
        amount_max=5_000,
        own=500,
        sizes=SME,
    ),
    Spec(
        "Digitaliseringsvoucher",
        K.VOUCHER,
        PROGRAMME,
        "Een voucher van € 2.500 (excl. btw) voor advies of een eerste stap in "
        "digitalisering: webshop, automatisering, data of cybersecurity; eigen bijdrage € 250.",
        "Met de voucher huurt u een erkende ICT-adviseur in voor een digitaliseringsplan of "
        "een eerste toepassing: een koppeling tussen systemen, een klantportaal, een "
        "webshop, het automatiseren van administratie of planning, of het beveiligen van uw "
        "systemen.",
        ("digitalisation",),
        ("digitalisation",),
        "ict, software, automatisering, webshop, online verkopen, website, erp, "
        "cybersecurity, data, digitaal, administratie automatiseren",
        "Vraag de voucher aan via het programmabureau; na goedkeuring kiest u een adviseur "
        "uit de lijst.",
        amount_max=2_500,
        own=250,
        sizes=SME,
    ),
    Spec(
        "Digitaliseringsvoucher, eerste ronde",
        K.VOUCHER,
        PROGRAMME,
        "De eerste ronde van de digitaliseringsvoucher (€ 2.000); gesloten, zie de nieuwe "
        "Digitaliseringsvoucher.",
        "Deze ronde is gesloten. Ondernemers kunnen de nieuwe ronde aanvragen.",
        ("digitalisation",),
        ("digitalisation",),
        "ict, webshop, automatisering",
        amount_max=2_000,
        own=200,
        opens=-540,
        closes=-200,
    ),
    Spec(
        "Kennisvoucher",
        K.VOUCHER,
        PROGRAMME,
        "Een voucher van € 2.500 voor onderzoek door een hogeschool of kennisinstelling; "
        "het budget voor dit jaar is op.",
        "Met de kennisvoucher kocht u onderzoek in bij een kennisinstelling. Het budget is "
        "uitgeput; kijk bij de kennismakelaars van de hogescholen.",
        ("innovation",),
        ("innovation",),
        "kennisinstelling, onderzoek, hogeschool, universiteit",
        amount_max=2_500,
        exhausted=True,
    ),
    Spec(
        "Circulaire intake",
        K.ADVICE,
        PROGRAMME,
        "Een gratis intakegesprek van een dagdeel met een specialist circulaire economie: "
        "waar liggen kansen in grondstoffen, reststromen, hergebruik en verpakkingen?",
        "De specialist bekijkt met u uw materialen en afval, uw producten en uw klanten, en "
        "geeft de drie kansrijkste stappen mee. Vaak volgt daarna het Circulair traject.",
        ("circular",),
        ("greening",),
        "afval, reststromen, hergebruik, recycling, grondstoffen, verpakking, circulair, "
        "duurzaam ondernemen, materialen",
        "Vraag de intake aan bij het programmabureau.",
        sizes=SME,
    ),
    Spec(
        "Circulair traject",
        K.ADVICE,
        PROGRAMME,
        "Een traject van € 7.500 (excl. btw) om een circulair product of verdienmodel uit "
        "te werken, met een adviseur en partners in de keten; eigen bijdrage € 750.",
        "Na de circulaire intake werkt u met een adviseur aan een concrete circulaire "
        "verandering: een product dat terugkomt en opnieuw gebruikt wordt, reststromen die "
        "grondstof worden voor een ander, of een verdienmodel van verhuur of service.",
        ("circular", "sustainability"),
        ("greening", "innovation"),
        "circulair verdienmodel, hergebruik, reststromen, recycling, keten, grondstoffen, "
        "product als dienst",
        "Vraag eerst de Circulaire intake aan; het traject volgt daarop.",
        amount_min=7_500,
        amount_max=7_500,
        own=750,
        sizes=SME,
        sbi_out=PRIMARY_AGRICULTURE,
    ),
    Spec(
        "Transitietraject sociale innovatie",
        K.ADVICE,
        PROGRAMME,
        "Een traject van € 6.000 (excl. btw) om werk slimmer te organiseren en medewerkers "
        "meer eigen regie te geven; eigen bijdrage € 600.",
        "Sociale innovatie gaat over anders organiseren: zelfsturende teams, leiderschap, "
        "medewerkers betrekken bij verbeteringen, wendbaar en aantrekkelijk werkgeverschap. "
        "Een adviseur begeleidt de verandering met u en uw team.",
        ("social-innovation", "labour-market"),
        ("growth", "innovation"),
        "anders organiseren, zelfsturing, medewerkers betrekken, leiderschap, "
        "werkgeverschap, personeel behouden, verzuim, wendbaarheid, cultuur",
        "Vraag een intakegesprek aan bij het programmabureau.",
        amount_min=6_000,
        amount_max=6_000,
        own=600,
        sizes=("micro", "small", "medium"),
    ),
    Spec(
        "Ondernemerstafel Groei",
        K.PEER_TABLE,
        PROGRAMME,
        "Zes tot acht ondernemers met groeiplannen die elkaar zes keer per jaar scherp "
        "houden, onder leiding van een ervaren gespreksleider.",
        "Aan de tafel legt u uw eigen vraagstukken voor aan collega-ondernemers: groei, "
        "personeel, prijzen, de volgende stap. Deelname is gratis.",
        ("growth",),
        ("growth",),
        "collega-ondernemers, sparren, klankbord, intervisie, groeien, netwerk",
        "Meld u aan bij het programmabureau.",
    ),
    Spec(
        "Ondernemerstafel Starters",
        K.PEER_TABLE,
        PROGRAMME,
        "Starters tot vijf jaar die elkaar maandelijks helpen met klanten vinden, prijzen en "
        "administratie, met een ervaren ondernemer als gespreksleider.",
        "Voor ondernemers in hun eerste vijf jaar. Gratis, in Assen, Emmen en Hoogeveen.",
        ("starters",),
        ("start",),
        "starter, net begonnen, eerste klanten, sparren, klankbord, prijzen bepalen, zzp",
        "Meld u aan bij het programmabureau.",
        age_max=5,
    ),
    Spec(
        "Ondernemerstafel Bedrijfsopvolging",
        K.PEER_TABLE,
        PROGRAMME,
        "Voor ondernemers die hun bedrijf willen overdragen of overnemen: ervaringen delen "
        "met anderen in dezelfde situatie, met een overnameadviseur aan tafel.",
        "Bedrijfsopvolging kost vaak jaren. Aan deze tafel spreekt u met andere "
        "ondernemers over de waarde van het bedrijf, de opvolger in de familie of daarbuiten, "
        "en de financiering van de overname.",
        ("growth",),
        ("growth",),
        "overname, opvolging, opvolger, familiebedrijf, stoppen, bedrijf verkopen, "
        "overdragen, bedrijfsovername",
        "Meld u aan bij het programmabureau.",
    ),
    Spec(
        "Ondernemerstafel Vrouwen in bedrijf",
        K.PEER_TABLE,
        PROGRAMME,
        "Vrouwelijke ondernemers die elkaar vier keer per jaar versterken bij het starten en "
        "laten groeien van hun bedrijf.",
        "Een tafel van en voor vrouwelijke ondernemers, gratis, met wisselende thema's.",
        ("growth", "starters"),
        ("growth", "start"),
        "vrouwelijke ondernemers, netwerk, sparren",
        "Meld u aan bij het programmabureau.",
    ),
    Spec(
        "Financieringstafel Drenthe",
        K.FINANCING_TABLE,
        PROGRAMME,
        "Leg uw financieringsvraag in één gesprek voor aan een bank, de NOM, MKB Fonds "
        "Drenthe, Qredits en een accountant: samen zoeken ze de financiering die past.",
        "Voor ondernemers die geld nodig hebben om te investeren, te groeien of over te "
        "nemen en niet weten waar te beginnen. U presenteert uw plan; de financiers geven "
        "advies en zeggen wie wat kan doen. Gratis.",
        ("finance",),
        ("finance",),
        "lening, krediet, investering, geld lenen, kapitaal, bank, financier, "
        "financiering rond krijgen, investeerder, geld nodig",
        "Meld u aan bij het programmabureau; de tafel komt elke maand bijeen.",
        munis=DRENTHE,
    ),
    Spec(
        "Crisistafel",
        K.ADVICE,
        PROGRAMME,
        "Voor ondernemers in zwaar weer: in één gesprek met een adviseur, een "
        "schuldhulpexpert, de gemeente en Ondernemersklankbord de weg uit de problemen.",
        "Loopt de omzet terug, kunt u rekeningen of belastingen niet meer betalen, of dreigt "
        "een faillissement? De crisistafel komt binnen een week bijeen, vertrouwelijk en "
        "gratis, en maakt met u een plan.",
        ("finance",),
        ("finance",),
        "schulden, betalingsproblemen, faillissement, zwaar weer, omzetdaling, "
        "liquiditeit, belastingschuld, crisis, rekeningen niet betalen, stoppen",
        "Bel of mail het programmabureau; wij bellen u binnen een werkdag terug.",
    ),
    Spec(
        "Landentafel Duitsland",
        K.PEER_TABLE,
        PROGRAMME,
        "Ondernemers die naar Duitsland exporteren of dat willen, delen ervaringen met "
        "elkaar en met een exportadviseur die de Duitse markt kent.",
        "Vier bijeenkomsten per jaar over Duitse klanten, regels, taal en cultuur, beurzen "
        "en het vinden van een agent of distributeur in Nedersaksen en Noordrijn-Westfalen.",
        ("export",),
        ("export",),
        "Duitsland, Duitse markt, Nedersaksen, Noordrijn-Westfalen, grens, buurland, beurs",
        "Meld u aan bij het programmabureau.",
    ),
    Spec(
        "Landentafel Scandinavië",
        K.PEER_TABLE,
        PROGRAMME,
        "Ondernemers die zaken doen in Zweden, Noorwegen, Denemarken of Finland delen "
        "contacten en ervaringen.",
        "Een tafel voor exporteurs naar de Scandinavische markt, met een exportadviseur.",
        ("export",),
        ("export",),
        "Zweden, Noorwegen, Denemarken, Finland, Scandinavië",
        "Meld u aan bij het programmabureau.",
    ),
    Spec(
        "Thematafel Exportfinanciering",
        K.PEER_TABLE,
        PROGRAMME,
        "Exporteurs bespreken met een bank en een kredietverzekeraar hoe zij buitenlandse "
        "orders financieren en het risico afdekken dat een klant niet betaalt.",
        "Over betalingsrisico, kredietverzekering, akkreditieven, valuta en voorfinanciering "
        "van grote buitenlandse orders.",
        ("export", "finance"),
        ("export", "finance"),
        "betalingsrisico, kredietverzekering, akkreditief, valuta, voorfinanciering, "
        "buitenlandse klant betaalt niet",
        "Meld u aan bij het programmabureau.",
    ),
    Spec(
        "Thematafel Online exporteren",
        K.PEER_TABLE,
        PROGRAMME,
        "Een nieuwe tafel voor webwinkels die over de grens willen verkopen: marktplaatsen, "
        "btw en verzending in Europa.",
        "Start binnenkort. Voor ondernemers met een webshop die klanten in het buitenland "
        "willen bedienen.",
        ("export", "digitalisation"),
        ("export", "digitalisation"),
        "webshop, marktplaats, Amazon, e-commerce, buitenlandse klanten, verzending",
        "Aanmelden kan zodra de tafel opent.",
        opens=30,
    ),
    Spec(
        "Exportcarrousel",
        K.STUDENT_CAROUSEL,
        PROGRAMME,
        "Een team studenten van NHL Stenden onderzoekt tien weken een buitenlandse markt "
        "voor uw bedrijf en presenteert kansen, klanten en concurrenten.",
        "Twee keer per jaar draait de carrousel: vier bedrijven, vier studententeams, elk "
        "team werkt aan de exportvraag van een bedrijf, begeleid door een docent en een "
        "exportadviseur. Eigen bijdrage € 250.",
        ("export",),
        ("export",),
        "studenten, marktonderzoek, buitenland, nieuwe markt, exportkansen",
        "Meld u aan bij het programmabureau.",
        own=250,
        contact=NHL,
    ),
    Spec(
        "Groeicarrousel",
        K.STUDENT_CAROUSEL,
        PROGRAMME,
        "Studenten van de Hanzehogeschool werken tien weken aan uw groeivraag: marketing, "
        "klantonderzoek of het verbeteren van uw bedrijfsprocessen.",
        "Vier bedrijven, vier studententeams, één groeivraag per bedrijf, begeleid door een "
        "docent en een groeiadviseur. Eigen bijdrage € 250.",
        ("growth",),
        ("growth",),
        "studenten, marketing, klantonderzoek, bedrijfsprocessen, groeien",
        "Meld u aan bij het programmabureau.",
        own=250,
        contact=HANZE,
    ),
    Spec(
        "Clusterondersteuning",
        K.CLUSTER_SUPPORT,
        PROGRAMME,
        "Procesbegeleiding en tot € 20.000 voor een groep van minstens vier mkb-bedrijven "
        "die samen een innovatie, product of markt ontwikkelen.",
        "Voor clusters van minstens vier mkb'ers: een procesbegeleider helpt de samenwerking "
        "opzetten (afspraken, projectplan, rolverdeling) en het programma draagt bij aan "
        "de kosten van het gezamenlijke project.",
        ("innovation", "growth"),
        ("innovation", "growth"),
        "samenwerken, consortium, groep bedrijven, keten, cluster, gezamenlijk project, "
        "samen ontwikkelen",
        "Neem met de groep contact op met het programmabureau.",
        amount_max=20_000,
        sizes=SME,
    ),
    Spec(
        "Samenwerkingsinitiatieven",
        K.CLUSTER_SUPPORT,
        PROGRAMME,
        "Tot € 10.000 voor een samenwerking van minstens drie bedrijven: samen inkopen, "
        "samen een markt bewerken of samen personeel opleiden.",
        "Een lichte vorm van clusterondersteuning voor drie of meer bedrijven met een "
        "gezamenlijk doel; een adviseur helpt de samenwerking op gang.",
        ("growth",),
        ("growth",),
        "samenwerking, samen, collectief, gezamenlijk, netwerk, keten, samen inkopen",
        "Neem met de groep contact op met het programmabureau.",
        amount_max=10_000,
    ),
    Spec(
        "Quickscan Slimme maakindustrie",
        K.ADVICE,
        PROGRAMME,
        "Een specialist loopt een dagdeel door uw productie en wijst kansen aan voor "
        "automatisering, robotisering en het slimmer inzetten van data.",
        "Voor maakbedrijven. U krijgt een kort rapport met de kansen en de volgende stap, "
        "bijvoorbeeld het Innovatietraject of een fieldlab van Dutch TechZone. Gratis.",
        ("smart-manufacturing",),
        ("innovation", "digitalisation"),
        "productie, fabriek, robot, automatisering, machines, industrie 4.0, maakbedrijf, "
        "efficiënter produceren",
        "Vraag de quickscan aan bij het programmabureau.",
        sbi_in=("C",),
    ),
    Spec(
        "Netwerkbijeenkomsten Slimme maakindustrie",
        K.EVENT_SERIES,
        PROGRAMME,
        "Vier keer per jaar bij een Drents maakbedrijf: robotisering, automatisering en "
        "vakmensen, met een rondleiding.",
        "Een netwerk voor ondernemers in de maakindustrie.",
        ("smart-manufacturing",),
        ("innovation",),
        "netwerk, bedrijfsbezoek, robotisering, maakindustrie",
        "Aanmelden via de agenda van het programmabureau.",
    ),
    Spec(
        "Webinarreeks Online zichtbaar",
        K.TRAINING,
        PROGRAMME,
        "Zes gratis webinars over uw website, vindbaarheid in Google, sociale media en een "
        "eigen webshop.",
        "Praktische webinars voor ondernemers die online klanten willen vinden.",
        ("digitalisation",),
        ("digitalisation",),
        "website, social media, vindbaarheid, Google, webshop, online marketing, klanten vinden",
        "Aanmelden via de agenda van het programmabureau.",
    ),
    Spec(
        "Ondernemersontbijt IBDO",
        K.EVENT_SERIES,
        PROGRAMME,
        "Elke maand een ontbijt met een korte presentatie en tijd om andere ondernemers te "
        "ontmoeten.",
        "Wisselende locaties in Drenthe.",
        ("growth",),
        ("growth",),
        "netwerken, ontbijt, ontmoeten",
        verified=260,
    ),
    Spec(
        "Energiebesparingsvoucher",
        K.VOUCHER,
        PROGRAMME,
        "Een voucher van € 1.500 voor een energiescan en advies over besparing; het budget "
        "is uitgeput.",
        "Het budget voor dit jaar is op. Kijk voor energiebesparing bij de EIA en de "
        "Verduurzamingslening van de bank.",
        ("sustainability",),
        ("greening",),
        "energie besparen, energiescan, energiekosten",
        amount_max=1_500,
        exhausted=True,
    ),
    Spec(
        "Voucher Wendbaar en weerbaar",
        K.VOUCHER,
        PROGRAMME,
        "Een nieuwe voucher van € 3.000 voor advies over personeel, opleiden en "
        "aantrekkelijk werkgeverschap; opent binnenkort.",
        "Aanvragen kan vanaf de openingsdatum.",
        ("labour-market", "social-innovation"),
        ("growth",),
        "personeel, werkgeverschap, opleiden",
        amount_max=3_000,
        own=300,
        opens=45,
    ),
    Spec(
        "Circulaire bouwvoucher",
        K.VOUCHER,
        PROGRAMME,
        "Concept: een voucher voor circulair bouwen in de bouwsector.",
        "In voorbereiding.",
        ("circular",),
        ("greening",),
        "bouw, circulair bouwen",
        sbi_in=("F",),
        published=False,
    ),
]

# --- partners' offers ------------------------------------------------------------------

PARTNER_SPECS = [
    Spec(
        "KvK Informatiebijeenkomst Starten als ondernemer",
        K.INFORMATION,
        KVK,
        "Een gratis bijeenkomst voor wie een bedrijf wil beginnen: inschrijven bij de KvK, "
        "rechtsvorm kiezen, btw, verzekeringen en uw ondernemingsplan.",
        "Elke maand in Assen en Emmen, en online.",
        ("starters",),
        ("start",),
        "inschrijven, KvK-inschrijving, btw, eenmanszaak, zzp, rechtsvorm, "
        "ondernemingsplan, eigen bedrijf beginnen, starten",
        "Aanmelden via de agenda van de KvK.",
        age_max=1,
    ),
    Spec(
        "KvK Webinar Exporteren: de eerste stappen",
        K.INFORMATION,
        KVK,
        "Een webinar over de eerste stappen naar het buitenland: douane, btw, "
        "leveringsvoorwaarden en waar u hulp vindt.",
        "Voor ondernemers die voor het eerst over de grens willen verkopen.",
        ("export",),
        ("export",),
        "douane, btw buitenland, incoterms, exporteren, buitenland",
        "Aanmelden via de agenda van de KvK.",
    ),
    Spec(
        "KvK Adviesgesprek",
        K.ADVICE,
        KVK,
        "Een gratis gesprek met een adviseur van de KvK over regels, vergunningen, "
        "administratie en waar u terecht kunt.",
        "Voor starters en gevestigde ondernemers met een vraag over ondernemen.",
        ("starters", "growth"),
        ("start", "growth"),
        "regels, vergunning, administratie, adviesgesprek, vraag over ondernemen",
        "Maak een afspraak via de KvK.",
    ),
    Spec(
        "KvK Informatiesessie Bedrijfsovername",
        K.INFORMATION,
        KVK,
        "Een avond over het overdragen of overnemen van een bedrijf: waardering, "
        "financiering, juridische vorm en tijdpad.",
        "Voor verkopers en kopers van een bedrijf.",
        ("growth",),
        ("growth",),
        "overname, bedrijfsovername, opvolging, bedrijf verkopen, bedrijf kopen",
        "Aanmelden via de agenda van de KvK.",
    ),
    Spec(
        "KvK Informatiesessie Digitale veiligheid",
        K.INFORMATION,
        KVK,
        "Hoe beschermt u uw bedrijf tegen phishing, hacks en ransomware? Een praktische "
        "sessie met een checklist.",
        "Gratis, online.",
        ("digitalisation",),
        ("digitalisation",),
        "cybersecurity, hack, phishing, ransomware, beveiliging, wachtwoorden, digitale veiligheid",
        "Aanmelden via de agenda van de KvK.",
    ),
    Spec(
        "NOM Participatie",
        K.LOAN,
        NOM,
        "Risicokapitaal van € 250.000 tot € 5 miljoen voor innovatieve en snelgroeiende "
        "bedrijven in Noord-Nederland, als deelneming in het aandelenkapitaal of "
        "achtergestelde lening.",
        "De NOM investeert in bedrijven met een groeiplan dat werkgelegenheid oplevert in "
        "Noord-Nederland, meestal samen met een bank of andere investeerders. Een deelneming "
        "vraagt een besloten of naamloze vennootschap.",
        ("finance", "growth", "innovation"),
        ("finance", "growth"),
        "risicokapitaal, aandelen, investeerder, participatie, groeikapitaal, eigen "
        "vermogen, investering, durfkapitaal",
        "Neem contact op met een investment manager van de NOM.",
        amount_min=250_000,
        amount_max=5_000_000,
        sizes=("micro", "small", "medium"),
        munis=DRENTHE,
        legal=("bv", "nv"),
    ),
    Spec(
        "NOM Groeilening",
        K.LOAN,
        NOM,
        "Een achtergestelde lening van € 100.000 tot € 1 miljoen voor mkb-bedrijven met "
        "een groeiplan, zodat ook de bank kan meefinancieren.",
        "Voor groeiende mkb'ers in Drenthe die voor uitbreiding of een nieuwe markt meer "
        "financiering nodig hebben dan de bank alleen verstrekt.",
        ("finance", "growth"),
        ("finance", "growth"),
        "lening, achtergestelde lening, groeifinanciering, uitbreiden, investering",
        "Neem contact op met een investment manager van de NOM.",
        amount_min=100_000,
        amount_max=1_000_000,
        sizes=SME,
        munis=DRENTHE,
    ),
    Spec(
        "NOM Vestigingsondersteuning",
        K.ADVICE,
        NOM,
        "Voor bedrijven van buiten Noord-Nederland die zich in Drenthe willen vestigen: "
        "locaties, vergunningen, personeel en netwerk.",
        "De NOM helpt bedrijven uit binnen- en buitenland die een vestiging in Drenthe "
        "overwegen, samen met de gemeenten en de provincie.",
        ("settlement",),
        ("growth",),
        "vestigen, nieuwe locatie, buitenlands bedrijf, investeerder, vestiging openen, "
        "naar Drenthe verhuizen",
        "Neem contact op met de NOM.",
    ),
    Spec(
        "MKB Fonds Drenthe Microkrediet",
        K.LOAN,
        MKB_FONDS,
        "Een lening van € 10.000 tot € 50.000 voor starters en kleine ondernemers in "
        "Drenthe, samen met Qredits, met coaching.",
        "Voor ondernemers die bij de bank niet terechtkunnen voor een klein bedrag: "
        "investeringen, voorraad of werkkapitaal. Qredits beoordeelt de aanvraag.",
        ("finance", "starters"),
        ("start", "finance"),
        "microkrediet, kleine lening, starterslening, werkkapitaal, voorraad, geld lenen",
        "Vraag de lening aan via Qredits met vermelding van MKB Fonds Drenthe.",
        contact=QREDITS,
        amount_min=10_000,
        amount_max=50_000,
        sizes=("zzp", "micro", "small"),
        munis=DRENTHE,
    ),
    Spec(
        "MKB Fonds Drenthe Innovatiekrediet",
        K.LOAN,
        MKB_FONDS,
        "Een lening van € 50.000 tot € 250.000 voor de ontwikkeling van een nieuw product, "
        "proces of dienst door een Drents mkb-bedrijf.",
        "Voor innovaties die technisch en commercieel haalbaar zijn maar nog te riskant "
        "voor de bank. Aflossing begint pas als de innovatie omzet oplevert.",
        ("finance", "innovation"),
        ("innovation", "finance"),
        "innovatie financieren, lening, productontwikkeling, prototype, ontwikkeling",
        "Vraag een kennismakingsgesprek aan bij MKB Fonds Drenthe.",
        amount_min=50_000,
        amount_max=250_000,
        sizes=SME,
        munis=DRENTHE,
    ),
    Spec(
        "MKB Fonds Drenthe Ontwikkelkrediet",
        K.LOAN,
        MKB_FONDS,
        "Een lening vanaf € 100.000 voor groei en vernieuwing van Drentse mkb-bedrijven, "
        "naast de financiering van de bank.",
        "Voor investeringen in groei, een nieuwe markt of een overname die de bank niet "
        "helemaal financiert.",
        ("finance", "growth"),
        ("growth", "finance"),
        "lening, groei financieren, investering, overname financieren, uitbreiden",
        "Vraag een kennismakingsgesprek aan bij MKB Fonds Drenthe.",
        amount_min=100_000,
        amount_max=1_500_000,
        sizes=SME,
        munis=DRENTHE,
    ),
    Spec(
        "Qredits Ondernemerscoaching",
        K.ADVICE,
        QREDITS,
        "Een jaar lang een vrijwillige coach die helpt met de financiën, administratie en "
        "planning van uw bedrijf.",
        "Voor ondernemers met een lening van Qredits of MKB Fonds Drenthe, en voor starters "
        "die vooraf hulp willen.",
        ("starters", "finance"),
        ("start", "finance"),
        "coach, coaching, administratie, boekhouding, financiën, starter",
        "Vraag de coaching aan bij Qredits.",
    ),
    Spec(
        "Qredits Workshop Ondernemingsplan",
        K.TRAINING,
        QREDITS,
        "In drie avonden schrijft u een ondernemingsplan met een financieel plan waarmee u "
        "bij een financier aan tafel kunt.",
        "Voor startende ondernemers.",
        ("starters",),
        ("start",),
        "ondernemingsplan, businessplan, financieel plan, starter, begroting",
        "Aanmelden bij Qredits.",
        age_max=3,
    ),
    Spec(
        "Rabobank Bedrijfsfinanciering mkb",
        K.LOAN,
        RABO,
        "Zakelijke leningen en kredieten vanaf € 50.000 voor investeringen, bedrijfspanden, "
        "machines en werkkapitaal.",
        "Het accountteam van de Rabobank in Drenthe bespreekt uw plan en, waar nodig, een "
        "combinatie met een borgstelling of een lening van de NOM of MKB Fonds Drenthe.",
        ("finance",),
        ("finance",),
        "bank, lening, krediet, hypotheek bedrijfspand, rekening-courant, werkkapitaal",
        "Maak een afspraak met een accountmanager.",
        amount_min=50_000,
    ),
    Spec(
        "Rabobank Verduurzamingslening",
        K.LOAN,
        RABO,
        "Een lening met rentekorting voor investeringen in energiebesparing, zonnepanelen, "
        "warmtepompen en verduurzaming van uw bedrijfspand.",
        "Voor ondernemers die hun bedrijf verduurzamen; combineer met de EIA of MIA.",
        ("sustainability", "finance"),
        ("greening", "finance"),
        "zonnepanelen, warmtepomp, energiebesparing, isolatie, verduurzamen, groene lening",
        "Maak een afspraak met een accountmanager.",
        amount_min=25_000,
        amount_max=1_000_000,
    ),
    Spec(
        "ING Zakelijke Lening",
        K.LOAN,
        ING,
        "Een zakelijke lening van € 50.000 tot € 1 miljoen met een vaste looptijd voor "
        "investeringen in uw bedrijf.",
        "Online aan te vragen; voor grotere bedragen met een accountmanager.",
        ("finance",),
        ("finance",),
        "bank, lening, investering, krediet",
        "Vraag de lening aan via de website of bij een accountmanager.",
        amount_min=50_000,
        amount_max=1_000_000,
    ),
    Spec(
        "ING Exportfinanciering",
        K.LOAN,
        ING,
        "Financiering en betaalzekerheid voor exporteurs: handelskrediet, akkreditieven en "
        "bankgaranties voor buitenlandse orders.",
        "Voor bedrijven die orders in het buitenland willen voorfinancieren of het "
        "betalingsrisico willen afdekken.",
        ("export", "finance"),
        ("export", "finance"),
        "akkreditief, bankgarantie, handelskrediet, voorfinanciering, betalingsrisico",
        "Neem contact op met de trade desk van de bank.",
    ),
    Spec(
        "ABN AMRO Bedrijfslening",
        K.LOAN,
        ABN,
        "Een lening vanaf € 25.000 voor investeringen in machines, inventaris of een bedrijfspand.",
        "Met een vaste of variabele rente.",
        ("finance",),
        ("finance",),
        "bank, lening, investering, machines, bedrijfspand",
        "Vraag de lening aan bij een accountmanager.",
        amount_min=25_000,
    ),
    Spec(
        "ABN AMRO Lease",
        K.LOAN,
        ABN,
        "Lease van bedrijfsmiddelen: machines, voertuigen en installaties, zonder dat u "
        "uw werkkapitaal aanspreekt.",
        "Financial en operational lease voor het mkb.",
        ("finance",),
        ("finance",),
        "lease, leasen, machines, bedrijfswagen, voertuig, installatie",
        "Vraag een offerte aan.",
        amount_min=10_000,
    ),
    Spec(
        "Kennismakelaar NHL Stenden",
        K.ADVICE,
        NHL,
        "De kennismakelaar koppelt uw vraag gratis aan een lectoraat, een onderzoeker of "
        "studenten van NHL Stenden in Emmen.",
        "Voor vragen over techniek, kunststoffen, logistiek, vrije tijd, zorg en ondernemerschap.",
        ("innovation",),
        ("innovation",),
        "kennismakelaar, hogeschool, onderzoek, lectoraat, studenten, kennis",
        "Mail de kennismakelaar.",
    ),
    Spec(
        "Studentenproject NHL Stenden",
        K.STUDENT_CAROUSEL,
        NHL,
        "Een afstudeeropdracht, minorproject of stage: studenten werken een semester aan "
        "een echte vraag van uw bedrijf.",
        "Van marketingplan tot procesverbetering en productontwerp.",
        ("innovation", "labour-market"),
        ("innovation", "growth"),
        "studenten, afstudeeropdracht, stage, stagiair, project, minor",
        "Meld uw opdracht aan bij het bedrijvenloket van NHL Stenden.",
    ),
    Spec(
        "Lectoraat Circulaire Kunststoffen: praktijkonderzoek",
        K.ADVICE,
        NHL,
        "Onderzoek met het lectoraat Circulaire Kunststoffen in Emmen naar recycling, "
        "biobased kunststoffen en hergebruik van uw materialen.",
        "Voor bedrijven die kunststoffen maken, verwerken of als afval hebben.",
        ("circular", "innovation"),
        ("greening", "innovation"),
        "kunststof, plastic, recycling, biobased, hergebruik, materiaal, afval",
        "Mail de kennismakelaar van NHL Stenden.",
    ),
    Spec(
        "Kennismakelaar Hanzehogeschool",
        K.ADVICE,
        HANZE,
        "De kennismakelaar in Assen koppelt uw vraag aan onderzoekers en studenten van de "
        "Hanzehogeschool, onder meer op sensoren, data en energie.",
        "Gratis, voor alle mkb'ers.",
        ("innovation", "smart-manufacturing"),
        ("innovation",),
        "kennismakelaar, hogeschool, onderzoek, studenten, kennis",
        "Mail de kennismakelaar.",
    ),
    Spec(
        "Sensorlab Hanzehogeschool Assen",
        K.ADVICE,
        HANZE,
        "Test en ontwikkel uw toepassing met sensoren, meten en data in het lab van de "
        "Hanzehogeschool in Assen.",
        "Voor bedrijven die een product of proces slimmer willen maken met sensoren en IoT.",
        ("smart-manufacturing", "innovation", "digitalisation"),
        ("innovation", "digitalisation"),
        "sensoren, IoT, meten, data, lab, testen",
        "Mail de kennismakelaar van de Hanzehogeschool.",
    ),
    Spec(
        "Leerbedrijf worden bij Drenthe College",
        K.ADVICE,
        "Drenthe College",
        "Hulp om erkend leerbedrijf te worden en stagiairs of BBL-leerlingen in te zetten "
        "als toekomstige vakmensen.",
        "Het bedrijvenloket helpt met de erkenning, de begeleiding op de werkvloer en "
        "subsidie voor praktijkleren.",
        ("labour-market",),
        ("growth",),
        "stagiair, stage, bbl, leerling, leerbedrijf, personeel opleiden, vakmensen, mbo",
        "Neem contact op met het bedrijvenloket.",
    ),
    Spec(
        "Maatwerkopleidingen Drenthe College",
        K.TRAINING,
        "Drenthe College",
        "Opleidingen op maat voor uw medewerkers, van vakmanschap tot digitale "
        "vaardigheden, op locatie of in de school.",
        "Voor werkgevers die hun personeel willen bij- of omscholen.",
        ("labour-market",),
        ("growth",),
        "bijscholen, omscholen, opleiding, cursus, medewerkers, vakmanschap",
        "Vraag een voorstel aan.",
    ),
    Spec(
        "Alfa-college Bedrijfsopleidingen",
        K.TRAINING,
        "Alfa-college",
        "Cursussen en opleidingen voor medewerkers in techniek, logistiek en zorg, in "
        "Hoogeveen en op locatie.",
        "Ook voor BBL-trajecten en EVC.",
        ("labour-market",),
        ("growth",),
        "bijscholen, omscholen, opleiding, cursus, techniek, logistiek",
        "Vraag een voorstel aan.",
    ),
    Spec(
        "Verduurzamingsregeling mkb Drenthe",
        K.SUBSIDY,
        PROVINCE,
        "Provinciale subsidie van 30% tot € 25.000 voor energiebesparing in Drentse "
        "mkb-bedrijven; het budget is uitgeput.",
        "Het plafond van deze regeling is bereikt. Kijk bij de EIA en de "
        "verduurzamingsleningen van de banken.",
        ("sustainability",),
        ("greening",),
        "energie besparen, subsidie verduurzaming",
        amount_min=2_500,
        amount_max=25_000,
        munis=DRENTHE,
        exhausted=True,
    ),
    Spec(
        "Subsidie Vrijetijdseconomie Drenthe",
        K.SUBSIDY,
        PROVINCE,
        "Provinciale subsidie van 40% tot € 50.000 voor vernieuwende projecten van "
        "recreatie-, horeca- en toerismebedrijven in Drenthe.",
        "Voor nieuwe arrangementen, vernieuwing van accommodaties en samenwerking in de "
        "vrijetijdssector die meer bezoekers buiten het hoogseizoen trekken.",
        ("growth", "innovation"),
        ("growth", "innovation"),
        "recreatie, toerisme, camping, vakantiepark, horeca, hotel, arrangement, "
        "bezoekers, vrije tijd",
        "Dien de aanvraag in bij de provincie vóór de sluitingsdatum.",
        amount_max=50_000,
        sbi_in=LEISURE,
        munis=DRENTHE,
        opens=-250,
        deadline=290,
    ),
    Spec(
        "Ontwikkelfonds Energiecoöperaties Drenthe",
        K.LOAN,
        PROVINCE,
        "Een lening tot € 50.000 voor de ontwikkelkosten van lokale energieprojecten van "
        "coöperaties, verenigingen en stichtingen.",
        "Voor zon- en windprojecten en warmtenetten van inwoners en ondernemers samen; "
        "terug te betalen als het project doorgaat.",
        ("sustainability",),
        ("greening", "finance"),
        "energiecoöperatie, zonnepark, lokale energie, warmtenet, windmolen",
        "Dien de aanvraag in bij de provincie.",
        amount_max=50_000,
        munis=DRENTHE,
        legal=("cooperatie", "vereniging", "stichting"),
    ),
    Spec(
        "VNO-NCW MKB Noord Netwerk",
        K.EVENT_SERIES,
        "VNO-NCW MKB Noord",
        "Bijeenkomsten voor werkgevers in Noord-Nederland over arbeidsmarkt, regelgeving "
        "en belangenbehartiging.",
        "Voor leden en belangstellenden.",
        ("growth", "labour-market"),
        ("growth",),
        "werkgevers, netwerk, belangenbehartiging, regelgeving",
        "Aanmelden via de agenda van VNO-NCW MKB Noord.",
    ),
    Spec(
        "LTO Noord Bedrijfsadvies",
        K.ADVICE,
        "LTO Noord, afdeling Drenthe",
        "Advies voor agrarische ondernemers over bedrijfsontwikkeling, verbreding, "
        "stikstof, verduurzaming en bedrijfsopvolging.",
        "Voor boeren en tuinders in Drenthe.",
        ("growth", "sustainability"),
        ("growth", "greening"),
        "boer, boerderij, landbouw, melkvee, akkerbouw, verbreding, stikstof, opvolging agrarisch",
        "Neem contact op met LTO Noord.",
        sbi_in=("A",),
    ),
    Spec(
        "KHN Horecaspreekuur",
        K.ADVICE,
        "Koninklijke Horeca Nederland, afdeling Drenthe",
        "Een spreekuur voor horecaondernemers over vergunningen, personeel, cao en het "
        "starten van een zaak.",
        "Voor leden en startende horecaondernemers.",
        ("growth", "starters"),
        ("start", "growth"),
        "horeca, restaurant, café, drank- en horecavergunning, terras",
        "Maak een afspraak via KHN.",
        sbi_in=("55", "56"),
        verified=320,
    ),
    Spec(
        "Parkmanagement Emmen Bargermeer: collectieve beveiliging",
        K.INFORMATION,
        "Parkmanagement Emmen Bargermeer",
        "Gezamenlijke beveiliging, inkoop en onderhoud voor bedrijven op bedrijventerrein "
        "Bargermeer.",
        "Voor gevestigde bedrijven op het terrein.",
        ("settlement",),
        ("growth",),
        "bedrijventerrein, beveiliging, collectief, parkmanagement",
        "Neem contact op met het parkmanagement.",
        munis=("Emmen",),
        verified=410,
    ),
    Spec(
        "Energiecollectief De Wieken",
        K.CLUSTER_SUPPORT,
        "Parkmanagement Hoogeveen De Wieken",
        "Bedrijven op De Wieken in Hoogeveen delen zonnestroom, laadpalen en een "
        "batterij op het terrein.",
        "Voor bedrijven op bedrijventerrein De Wieken.",
        ("sustainability", "settlement"),
        ("greening",),
        "zonnestroom, energie delen, netcongestie, laadpalen, bedrijventerrein",
        "Neem contact op met het parkmanagement.",
        munis=("Hoogeveen",),
    ),
    Spec(
        "Health Hub Roden: werkplekken en labruimte",
        K.ADVICE,
        "Health Hub Roden",
        "Kantoor-, werkplaats- en labruimte voor bedrijven in medische technologie en zorg, "
        "met gedeelde faciliteiten.",
        "Op de campus in Roden vindt u collega-bedrijven, een cleanroom en hulp bij "
        "certificering van medische hulpmiddelen.",
        ("settlement", "innovation"),
        ("start", "growth"),
        "medische technologie, medtech, zorg, labruimte, kantoorruimte, cleanroom, "
        "medische hulpmiddelen, MDR, campus",
        "Neem contact op met Health Hub Roden.",
        sbi_in=("21", "26", "32", "62", "72", "86"),
    ),
    Spec(
        "Health Hub Roden: zorginnovatieprogramma",
        K.CLUSTER_SUPPORT,
        "Health Hub Roden",
        "Een programma van zes maanden voor bedrijven met een innovatie in zorg of "
        "medische technologie: validatie, certificering, eerste klanten in de zorg.",
        "Met experts op regelgeving (MDR), zorginkoop en financiering.",
        ("innovation", "social-innovation"),
        ("innovation",),
        "zorginnovatie, e-health, healthtech, medische hulpmiddelen, zorg, MDR, certificering",
        "Meld u aan bij Health Hub Roden.",
        sbi_in=("21", "26", "32", "62", "72", "86"),
    ),
    Spec(
        "Dutch TechZone Smart Industry-programma",
        K.CLUSTER_SUPPORT,
        "Dutch TechZone",
        "Maakbedrijven in Zuidoost-Drenthe werken samen aan automatisering, robotisering "
        "en digitalisering, met fieldlabs en bedrijfsbezoeken.",
        "Dutch TechZone verbindt maakbedrijven, onderwijs en overheid. Deelnemers testen "
        "nieuwe technologie in fieldlabs en leren van elkaar.",
        ("smart-manufacturing", "innovation"),
        ("innovation", "digitalisation"),
        "maakindustrie, robotisering, automatisering, fieldlab, smart industry, "
        "productie, industrie 4.0, metaal, kunststof",
        "Neem contact op met Dutch TechZone.",
        sbi_in=("C",),
    ),
    Spec(
        "Dutch TechZone Techniektalent",
        K.EVENT_SERIES,
        "Dutch TechZone",
        "Samen met scholen technisch personeel vinden en opleiden: open dagen, gastlessen "
        "en zij-instroom voor maakbedrijven.",
        "Voor technische bedrijven die vakmensen zoeken.",
        ("labour-market", "smart-manufacturing"),
        ("growth",),
        "technisch personeel, vakmensen, monteur, operator, zij-instroom, tekort aan personeel",
        "Neem contact op met Dutch TechZone.",
        sbi_in=("C", "F", "33"),
    ),
    Spec(
        "NICE Circulaire ketenprojecten",
        K.CLUSTER_SUPPORT,
        "NICE, circulaire economie",
        "NICE in Emmen brengt bedrijven samen in ketenprojecten: reststromen van de een "
        "worden grondstof voor de ander, met onderzoek van de hogeschool.",
        "Vooral over kunststoffen, textiel, bouwmaterialen en biobased grondstoffen.",
        ("circular",),
        ("greening", "innovation"),
        "kunststof, recycling, biobased, afval als grondstof, reststromen, keten, circulair "
        "ontwerp, textiel",
        "Neem contact op met NICE.",
    ),
    Spec(
        "Agrifood Netwerk Drenthe: innovatieprojecten",
        K.CLUSTER_SUPPORT,
        "Agrifood Netwerk Drenthe",
        "Boeren, voedselverwerkers en onderzoekers ontwikkelen samen nieuwe producten, "
        "korte ketens en het benutten van reststromen.",
        "Het netwerk begeleidt samenwerkingsprojecten in landbouw en voeding.",
        ("innovation", "circular"),
        ("innovation", "greening"),
        "landbouw, voedsel, agrifood, boer, streekproduct, korte keten, voedselverwerking, "
        "zuivel, aardappel",
        "Neem contact op met het netwerk.",
        sbi_in=("A", "10", "11"),
    ),
    Spec(
        "Energiecluster Drenthe: Waterstof- en energienetwerk",
        K.EVENT_SERIES,
        "Energiecluster Drenthe",
        "Bijeenkomsten en projecten over waterstof, zonne-energie, netcongestie en "
        "energieopslag voor bedrijven in Drenthe.",
        "Voor bedrijven die energie opwekken, opslaan of er veel van gebruiken.",
        ("sustainability",),
        ("greening",),
        "waterstof, energie, netcongestie, opslag, batterij, zonne-energie, energietransitie",
        "Aanmelden via het Energiecluster.",
    ),
    Spec(
        "Vrijetijdsnetwerk Drenthe: Arrangementenatelier",
        K.EVENT_SERIES,
        "Vrijetijdsnetwerk Drenthe",
        "Recreatie- en horecabedrijven maken samen nieuwe arrangementen voor bezoekers.",
        "Vier ateliers per jaar.",
        ("growth",),
        ("growth",),
        "recreatie, toerisme, arrangement, horeca, camping, bezoekers",
        sbi_in=LEISURE,
        verified=230,
    ),
    Spec(
        "Hondsrug Ondernemersadvies: financieringsplan",
        K.ADVICE,
        "Hondsrug Ondernemersadvies",
        "Een adviseur stelt met u een financieringsplan en prognose op en begeleidt de "
        "aanvraag bij bank of fonds.",
        "Commercieel advies; de eerste kennismaking is gratis.",
        ("finance", "growth"),
        ("finance",),
        "financieringsplan, prognose, liquiditeitsbegroting, aanvraag bank",
        "Maak een afspraak.",
    ),
    Spec(
        "Drents Adviesbureau: Startersbegeleiding",
        K.ADVICE,
        "Drents Adviesbureau voor het MKB",
        "Begeleiding van starters in het eerste jaar: ondernemingsplan, administratie, "
        "belastingen en klanten werven.",
        "Commercieel advies tegen een vast tarief.",
        ("starters",),
        ("start",),
        "starter, ondernemingsplan, administratie, belastingen, begeleiding",
        "Maak een afspraak.",
        age_max=2,
    ),
    Spec(
        "Noorderlicht Consultancy: Strategiesessie",
        K.ADVICE,
        "Noorderlicht Consultancy",
        "Een strategiesessie met uw managementteam over groei, vernieuwing en de keuzes "
        "voor de komende jaren.",
        "Commercieel advies.",
        ("growth", "innovation"),
        ("growth",),
        "strategie, management, visie, keuzes, vernieuwing",
        "Maak een afspraak.",
        emp_min=5,
    ),
    Spec(
        "ExportWerk Noord: Exportscan",
        K.ADVICE,
        "ExportWerk Noord",
        "Een scan van uw exportkansen: welke landen, welke klanten, welke regels en wat het kost.",
        "Commercieel advies; te combineren met het Exporttraject van het programma.",
        ("export",),
        ("export",),
        "exportscan, landenkeuze, douane, incoterms, exportplan",
        "Maak een afspraak.",
    ),
    Spec(
        "Circulair Advies Drenthe: Materiaalstromenscan",
        K.ADVICE,
        "Circulair Advies Drenthe",
        "Een scan van uw materiaal- en afvalstromen met besparingen en circulaire kansen.",
        "Commercieel advies.",
        ("circular",),
        ("greening",),
        "afval, materiaalstromen, reststromen, afvalkosten, hergebruik",
        "Maak een afspraak.",
    ),
    Spec(
        "DigiWerkplaats Drenthe: Digitale quickscan",
        K.ADVICE,
        "DigiWerkplaats Drenthe",
        "In een ochtend brengt een adviseur uw software, processen en data in kaart en "
        "wijst de drie belangrijkste digitale verbeteringen aan.",
        "Gratis voor mkb'ers in Drenthe dankzij het programma; vaak een opstap naar de "
        "Digitaliseringsvoucher.",
        ("digitalisation",),
        ("digitalisation",),
        "digitaliseren, software, automatiseren, processen, quickscan, ict, erp, administratie",
        "Vraag de quickscan aan bij DigiWerkplaats Drenthe.",
        sizes=SME,
    ),
    Spec(
        "DigiWerkplaats Drenthe: Cybersecurity-check",
        K.ADVICE,
        "DigiWerkplaats Drenthe",
        "Een check van de beveiliging van uw systemen, back-ups en wachtwoorden, met een "
        "actielijst.",
        "Voor mkb'ers die zich willen beschermen tegen hacks en ransomware.",
        ("digitalisation",),
        ("digitalisation",),
        "cybersecurity, hack, ransomware, back-up, beveiliging, phishing",
        "Vraag de check aan bij DigiWerkplaats Drenthe.",
        sizes=SME,
    ),
    Spec(
        "Veenstra & Partners: Financieringsspreekuur",
        K.ADVICE,
        "Veenstra & Partners Accountants",
        "Een gratis spreekuur van een uur met een accountant over uw financieringsvraag, "
        "cijfers en belastingen.",
        "Elke eerste dinsdag van de maand in Assen en Meppel.",
        ("finance",),
        ("finance",),
        "accountant, jaarcijfers, belasting, financiering, spreekuur",
        "Maak een afspraak.",
    ),
    Spec(
        "Groeiversneller Noord: Scale-up programma",
        K.TRAINING,
        "Groeiversneller Noord",
        "Een programma van negen maanden voor bedrijven van 10 tot 100 medewerkers die "
        "hard willen groeien: leiderschap, verkoop, organisatie.",
        "In groepen van acht ondernemers, met een coach.",
        ("growth",),
        ("growth",),
        "scale-up, snelle groei, leiderschap, verkoop, organisatie, opschalen",
        "Meld u aan bij Groeiversneller Noord.",
        emp_min=10,
        emp_max=100,
    ),
    Spec(
        "Ondernemersklankbord: coach bij zwaar weer",
        K.ADVICE,
        "Ondernemersklankbord, regio Noord",
        "Een ervaren (oud-)ondernemer als vrijwillige coach voor ondernemers met "
        "financiële problemen of twijfels over de toekomst van hun bedrijf.",
        "Vertrouwelijk, voor een kleine vergoeding.",
        ("finance", "growth"),
        ("finance", "growth"),
        "schulden, betalingsproblemen, faillissement, crisis, stoppen, omzet daalt, coach, "
        "zwaar weer",
        "Vraag een coach aan bij Ondernemersklankbord.",
    ),
    Spec(
        "Werkgeversservicepunt Drenthe: personeel werven",
        K.ADVICE,
        "Werkgeversservicepunt Drenthe",
        "Hulp bij het vinden van personeel, ook mensen met een afstand tot de arbeidsmarkt, "
        "met loonkostensubsidie en jobcoaching waar dat kan.",
        "Een gratis dienst van de gemeenten en het UWV in Drenthe.",
        ("labour-market",),
        ("growth",),
        "personeel, vacature, medewerkers werven, banenafspraak, arbeidsbeperking, "
        "loonkostensubsidie, jobcoach, werknemers",
        "Neem contact op met het Werkgeversservicepunt.",
        munis=DRENTHE,
    ),
    Spec(
        "Marketing Drenthe: Partnerschap Drenthe",
        K.INFORMATION,
        "Marketing Drenthe",
        "Gebruik het merk Drenthe en de campagnes van Marketing Drenthe voor uw bedrijf.",
        "Voor bedrijven in toerisme en streekproducten.",
        ("growth",),
        ("growth",),
        "marketing, toerisme, merk, campagne",
        verified=280,
    ),
]


def _municipal_specs() -> list[Spec]:
    """Each municipality's starters desk, its business location desk and the network of
    its local business association."""
    out: list[Spec] = []
    for name in [m[0] for m in data.MUNICIPALITIES]:
        org = f"Gemeente {name}"
        out.append(
            Spec(
                f"Startersloket gemeente {name}",
                K.ADVICE,
                org,
                f"Het startersloket van de gemeente {name}: vergunningen, werken aan huis, "
                "een werkplek of bedrijfsruimte en een gesprek met een ondernemerscoach.",
                "Voor wie in de gemeente een bedrijf begint of net begonnen is. Het loket "
                "weet welke regels en vergunningen gelden en kent de lokale netwerken.",
                ("starters", "settlement"),
                ("start",),
                "starten, vergunning, werken aan huis, bestemmingsplan, werkplek, "
                "ondernemerscoach, eigen bedrijf beginnen",
                "Maak een afspraak via het ondernemersloket van de gemeente.",
                age_max=3,
                munis=(name,),
            )
        )
        out.append(
            Spec(
                f"Vestigingsloket gemeente {name}",
                K.ADVICE,
                org,
                f"Het bedrijvenloket van de gemeente {name} zoekt mee naar bedrijfsruimte "
                "of een kavel op een bedrijventerrein en helpt met de omgevingsvergunning.",
                "Voor bedrijven die willen uitbreiden, verhuizen of zich vestigen in de "
                "gemeente: beschikbare panden en kavels, bestemmingsplan en vergunningen.",
                ("settlement",),
                ("growth",),
                "bedrijfspand, bedrijfsruimte, kavel, bedrijventerrein, verhuizen, "
                "uitbreiden, omgevingsvergunning, huisvesting, locatie, bouwen",
                "Neem contact op met de accountmanager bedrijven van de gemeente.",
                munis=(name,),
            )
        )
        association = LOCAL_ASSOCIATIONS[name]
        out.append(
            Spec(
                f"Netwerk {association}",
                K.EVENT_SERIES,
                association,
                f"Bijeenkomsten, bedrijfsbezoeken en een ledennetwerk voor ondernemers in "
                f"de gemeente {name}.",
                "De lokale vereniging behartigt de belangen van ondernemers bij de gemeente "
                "en brengt ondernemers met elkaar in contact.",
                ("growth",),
                ("growth",),
                "netwerk, lokale ondernemers, ondernemersvereniging, bijeenkomst",
                "Word lid of kom eens kijken op een bijeenkomst.",
                munis=(name,),
                verified=300 if name == "Westerveld" else None,
            )
        )
    return out


# --- national schemes --------------------------------------------------------------------

NATIONAL_SPECS = [
    Spec(
        "WBSO",
        K.SUBSIDY,
        RVO,
        "Fiscale regeling voor speur- en ontwikkelingswerk (S&O): minder loonheffing en "
        "inkomstenbelasting voor technisch onderzoek en softwareontwikkeling.",
        "De WBSO vergoedt een deel van de loonkosten en andere kosten van eigen technisch "
        "onderzoek en de ontwikkeling van technisch nieuwe producten, processen en software. "
        "Starters krijgen een hoger percentage.",
        ("innovation",),
        ("innovation",),
        "r&d, speur- en ontwikkelingswerk, S&O, software ontwikkelen, technisch onderzoek, "
        "loonheffing, belastingvoordeel, fiscaal, ontwikkelaars",
        "Vraag de WBSO aan bij RVO vóór u met het werk begint; dat kan meerdere keren per jaar.",
    ),
    Spec(
        "Innovatiebox",
        K.SUBSIDY,
        TAX,
        "Winst uit eigen innovaties wordt lager belast in de vennootschapsbelasting.",
        "Voor bedrijven met een WBSO-verklaring of octrooi.",
        ("innovation",),
        ("innovation",),
        "vennootschapsbelasting, octrooi, winst, fiscaal",
        "Geef de innovatiebox aan in uw aangifte vennootschapsbelasting.",
        legal=("bv", "nv", "cooperatie"),
        verified=240,
    ),
    Spec(
        "MIT Haalbaarheidsprojecten",
        K.SUBSIDY,
        RVO,
        "Subsidie van 40% tot € 20.000 voor een haalbaarheidsstudie naar een innovatie, "
        "voor mkb-ondernemers (MKB-innovatiestimulering Regio en Topsectoren).",
        "U onderzoekt of uw innovatie technisch en economisch haalbaar is voordat u "
        "investeert in de ontwikkeling ervan.",
        ("innovation",),
        ("innovation",),
        "haalbaarheidsstudie, haalbaarheid, innovatie, onderzoek, subsidie innovatie",
        "Dien de aanvraag in bij RVO binnen de openstellingsperiode.",
        amount_max=20_000,
        sizes=SME,
        opens=-200,
        deadline=200,
    ),
    Spec(
        "MIT R&D-samenwerkingsprojecten",
        K.SUBSIDY,
        RVO,
        "Subsidie van 35% tot € 350.000 voor een R&D-project van minstens twee mkb-bedrijven "
        "samen.",
        "Voor mkb'ers die samen een nieuw product, proces of dienst ontwikkelen.",
        ("innovation",),
        ("innovation",),
        "samenwerking, samen ontwikkelen, r&d, consortium, ontwikkelproject",
        "Dien de aanvraag in bij RVO binnen de openstellingsperiode.",
        amount_max=350_000,
        sizes=SME,
        opens=-200,
        deadline=200,
    ),
    Spec(
        "Innovatiekrediet",
        K.LOAN,
        RVO,
        "Een lening voor de ontwikkeling van een technisch of klinisch nieuw product, met "
        "een project van minstens € 150.000; afgelost als de innovatie slaagt.",
        "Het Innovatiekrediet financiert tot 35% (mkb) van de ontwikkelkosten van "
        "risicovolle innovatieprojecten met goede marktkansen.",
        ("innovation", "finance"),
        ("innovation", "finance"),
        "lening, ontwikkelkosten, risicovolle innovatie, klinisch, technisch nieuw",
        "Dien een aanvraag in bij RVO; eerst een vooroverleg.",
        amount_min=150_000,
        amount_max=10_000_000,
    ),
    Spec(
        "Borgstelling MKB-kredieten (BMKB)",
        K.GUARANTEE,
        RVO,
        "De overheid staat borg voor een deel van uw bankkrediet als u te weinig zekerheden "
        "heeft; zo kan de bank toch financieren.",
        "De bank vraagt de borgstelling voor u aan. Voor mkb-bedrijven tot 250 werkzame "
        "personen; starters en innovatieve bedrijven krijgen een ruimere borgstelling.",
        ("finance",),
        ("finance",),
        "borg, borgstelling, zekerheden, onderpand, bankkrediet, lening bank",
        "Vraag uw bank naar de BMKB.",
        emp_max=249,
    ),
    Spec(
        "BMKB-Groen",
        K.GUARANTEE,
        RVO,
        "Een ruimere borgstelling voor bankkrediet voor groene investeringen, zoals "
        "energiebesparing en duurzame energie.",
        "Voor mkb'ers die investeren in verduurzaming.",
        ("finance", "sustainability"),
        ("finance", "greening"),
        "borgstelling, groene investering, zonnepanelen, energiebesparing, bankkrediet",
        "Vraag uw bank naar de BMKB-Groen.",
        emp_max=249,
    ),
    Spec(
        "Garantie Ondernemingsfinanciering (GO)",
        K.GUARANTEE,
        RVO,
        "Een staatsgarantie van 50% op leningen van € 1,5 tot € 50 miljoen voor middelgrote "
        "en grote bedrijven.",
        "Voor grotere financieringen die banken zonder garantie niet verstrekken.",
        ("finance",),
        ("finance", "growth"),
        "garantie, grote lening, bankfinanciering, staatsgarantie",
        "De bank vraagt de garantie aan bij RVO.",
        amount_min=1_500_000,
        amount_max=50_000_000,
        sizes=("medium", "large"),
    ),
    Spec(
        "SEPPO vroegefasefinanciering",
        K.LOAN,
        RVO,
        "Een lening tot € 350.000 voor startups en innovatieve mkb'ers die hun idee in de "
        "proof-of-conceptfase willen testen voordat investeerders instappen.",
        "Vroegefasefinanciering voor het testen van de technische en commerciële "
        "haalbaarheid, met begeleiding.",
        ("innovation", "finance", "starters"),
        ("innovation", "finance", "start"),
        "proof of concept, startup, vroege fase, technostarter, haalbaarheid testen",
        "Dien een aanvraag in bij RVO.",
        amount_max=350_000,
        age_max=5,
    ),
    Spec(
        "Dutch Good Growth Fund (DGGF)",
        K.LOAN,
        RVO,
        "Financiering en exportkredietverzekering voor Nederlandse mkb'ers die zaken doen "
        "in opkomende markten en ontwikkelingslanden.",
        "Voor exportcontracten en investeringen in landen als Vietnam, Kenia of Ghana.",
        ("export", "finance"),
        ("export", "finance"),
        "opkomende markten, ontwikkelingslanden, Afrika, Azië, exportkrediet, investering "
        "buitenland",
        "Dien een aanvraag in bij RVO.",
        amount_max=10_000_000,
        sizes=SME,
    ),
    Spec(
        "DHI-regeling",
        K.SUBSIDY,
        RVO,
        "Subsidie voor demonstratieprojecten, haalbaarheidsstudies en "
        "investeringsvoorbereiding in opkomende markten; de nieuwe ronde opent binnenkort.",
        "Tot 50% van de kosten, maximaal € 200.000 per project.",
        ("export",),
        ("export",),
        "opkomende markten, demonstratie, haalbaarheidsstudie buitenland",
        "Aanvragen kan vanaf de openingsdatum.",
        amount_max=200_000,
        sizes=SME,
        opens=40,
        deadline=160,
    ),
    Spec(
        "Partners voor Internationaal Bedrijf (PIB)",
        K.CLUSTER_SUPPORT,
        RVO,
        "Een groep van minstens drie bedrijven bewerkt samen met de overheid een "
        "buitenlandse markt: handelsmissies, netwerk en lobby.",
        "Voor clusters van bedrijven met een gezamenlijke ambitie in een buitenland.",
        ("export",),
        ("export",),
        "handelsmissie, groep bedrijven, samen exporteren, consortium, buitenland, lobby",
        "Neem met de groep contact op met RVO.",
    ),
    Spec(
        "Starters International Business (SIB)",
        K.ADVICE,
        RVO,
        "Coaching en vouchers voor bedrijven die voor het eerst gaan exporteren; de regeling "
        "is gesloten.",
        "Gesloten; kijk bij het Exporttraject en de Exportcarrousel.",
        ("export",),
        ("export",),
        "eerste keer exporteren, coaching, voucher",
        opens=-900,
        closes=-120,
    ),
    Spec(
        "SLIM-regeling",
        K.SUBSIDY,
        RVO,
        "Subsidie voor het mkb om een leercultuur op te zetten: loopbaanadvies, "
        "opleidingsplannen en leren op de werkvloer.",
        "Tot € 25.000 per mkb-onderneming. Korte aanvraagperiode.",
        ("labour-market",),
        ("growth",),
        "leren en ontwikkelen, scholing, opleiding, personeel, loopbaanadvies",
        "Dien de aanvraag in bij RVO binnen de aanvraagperiode.",
        amount_max=25_000,
        sizes=SME,
        opens=-10,
        deadline=20,
    ),
    Spec(
        "Subsidie Praktijkleren",
        K.SUBSIDY,
        RVO,
        "Een tegemoetkoming tot € 2.700 per leerling of student die in uw bedrijf een "
        "praktijk- of werkleerplaats heeft.",
        "Voor erkende leerbedrijven met BBL-leerlingen, stagiairs of promovendi.",
        ("labour-market",),
        ("growth",),
        "bbl, stagiair, leerling, praktijkleren, leerbedrijf",
        "Vraag de subsidie achteraf aan bij RVO.",
        amount_max=2_700,
        opens=-40,
        deadline=200,
    ),
    Spec(
        "Energie-investeringsaftrek (EIA)",
        K.SUBSIDY,
        RVO,
        "Extra aftrek van de fiscale winst voor investeringen in energiebesparing en "
        "duurzame energie van de Energielijst.",
        "Zo'n 40% van de investering mag u extra aftrekken; meld de investering binnen drie "
        "maanden na het aangaan van de verplichting.",
        ("sustainability",),
        ("greening",),
        "energiebesparing, zonnepanelen, warmtepomp, led, isolatie, fiscaal, "
        "belastingvoordeel, energielijst",
        "Meld de investering via RVO.",
        amount_min=2_500,
    ),
    Spec(
        "MIA en Vamil",
        K.SUBSIDY,
        RVO,
        "Fiscaal voordeel voor investeringen in milieuvriendelijke en circulaire "
        "bedrijfsmiddelen van de Milieulijst.",
        "Extra aftrek (MIA) en willekeurig afschrijven (Vamil), bijvoorbeeld voor "
        "elektrische bedrijfsvoertuigen, circulaire machines en emissiearme stallen.",
        ("sustainability", "circular"),
        ("greening",),
        "milieulijst, milieu-investering, elektrische bestelbus, circulair, fiscaal, "
        "belastingvoordeel, afschrijven",
        "Meld de investering via RVO.",
    ),
    Spec(
        "Kleinschaligheidsinvesteringsaftrek (KIA)",
        K.SUBSIDY,
        TAX,
        "Extra aftrek van de winst als u in een jaar tussen € 2.900 en € 387.000 investeert "
        "in bedrijfsmiddelen.",
        "Geldt automatisch bij de aangifte; voor kleine en middelgrote investeringen.",
        ("finance",),
        ("finance", "growth"),
        "investeringsaftrek, belasting, fiscaal, investeren, bedrijfsmiddelen",
        "Geef de aftrek aan in uw belastingaangifte.",
    ),
    Spec(
        "Investeringssubsidie duurzame energie (ISDE)",
        K.SUBSIDY,
        RVO,
        "Subsidie voor zakelijke gebruikers bij de aanschaf van een warmtepomp, "
        "zonneboiler of aansluiting op een warmtenet.",
        "Het bedrag hangt af van het apparaat; aanvragen na installatie.",
        ("sustainability",),
        ("greening",),
        "warmtepomp, zonneboiler, warmtenet, van het gas af, verwarming",
        "Vraag de subsidie aan bij RVO.",
    ),
    Spec(
        "SDE++",
        K.SUBSIDY,
        RVO,
        "Exploitatiesubsidie voor grote projecten die duurzame energie opwekken of CO2 "
        "besparen, zoals zonneparken en grote warmtepompen.",
        "Voor bedrijven met grote projecten; aanvragen in een jaarlijkse ronde.",
        ("sustainability",),
        ("greening",),
        "zonnepark, duurzame energie opwekken, co2, windmolen, grote installatie",
        "Dien de aanvraag in bij RVO tijdens de openstellingsronde.",
        opens=-30,
        deadline=210,
    ),
    Spec(
        "Demonstratie Energie- en Klimaatinnovatie (DEI+)",
        K.SUBSIDY,
        RVO,
        "Subsidie voor pilots en demonstraties van nieuwe energie- en klimaattechnologie; "
        "het budget van deze ronde is op.",
        "Het budget van de lopende ronde is uitgeput.",
        ("sustainability", "innovation"),
        ("greening", "innovation"),
        "pilot, demonstratie, klimaat, energie-innovatie",
        exhausted=True,
    ),
    Spec(
        "Qredits Microkrediet",
        K.LOAN,
        "national:Qredits",
        "Een lening tot € 50.000 voor starters en ondernemers die bij de bank niet terecht "
        "kunnen, met coaching.",
        "Voor investeringen, voorraad en werkkapitaal; ook voor ondernemers zonder "
        "uitgebreide kredietgeschiedenis.",
        ("finance", "starters"),
        ("start", "finance"),
        "microkrediet, kleine lening, starterslening, geld lenen, werkkapitaal",
        "Vraag de lening online aan bij Qredits.",
        amount_max=50_000,
        sizes=("zzp", "micro", "small"),
    ),
    Spec(
        "Qredits MKB-krediet",
        K.LOAN,
        "national:Qredits",
        "Een lening van € 50.000 tot € 250.000 voor kleine bedrijven die willen investeren "
        "of groeien.",
        "Voor ondernemers met minstens een jaar ervaring.",
        ("finance",),
        ("finance", "growth"),
        "lening, krediet, investeren, groeien",
        "Vraag de lening online aan bij Qredits.",
        amount_min=50_000,
        amount_max=250_000,
        sizes=("zzp", "micro", "small"),
        age_min=1,
    ),
    Spec(
        "Borgstelling Landbouwkredieten",
        K.GUARANTEE,
        RVO,
        "De overheid staat borg voor een deel van een bankkrediet van land- en "
        "tuinbouwbedrijven met te weinig zekerheden, bijvoorbeeld bij innovatie of "
        "verduurzaming.",
        "Alleen voor agrarische bedrijven; de bank vraagt de borgstelling aan.",
        ("finance",),
        ("finance",),
        "boer, landbouw, tuinbouw, agrarisch, borgstelling, bankkrediet, stal",
        "Vraag uw bank naar de borgstelling.",
        sbi_in=("A",),
    ),
    Spec(
        "Zelfstandigenaftrek en startersaftrek",
        K.INFORMATION,
        TAX,
        "Ondernemers in de inkomstenbelasting trekken een vast bedrag af van hun winst; "
        "starters krijgen de eerste drie jaar een extra aftrek.",
        "Voor eenmanszaken en firmanten die aan het urencriterium van 1.225 uur voldoen.",
        ("starters",),
        ("start",),
        "belasting, inkomstenbelasting, urencriterium, aftrek, zzp, starter, fiscaal",
        "Geef de aftrek aan in uw aangifte inkomstenbelasting.",
        legal=PERSONS,
        age_max=5,
    ),
    Spec(
        "Loonkostenvoordeel (LKV)",
        K.SUBSIDY,
        "national:UWV",
        "Een tegemoetkoming tot € 6.000 per jaar als u iemand in dienst neemt van 56 jaar "
        "of ouder uit een uitkering, of met een arbeidsbeperking.",
        "U vraagt de doelgroepverklaring aan bij het UWV binnen drie maanden na de start.",
        ("labour-market",),
        ("growth",),
        "personeel aannemen, uitkering, arbeidsbeperking, oudere werknemer, "
        "loonkosten, doelgroepverklaring",
        "Vraag een doelgroepverklaring aan bij het UWV.",
        amount_max=6_000,
    ),
    Spec(
        "Besluit bijstandverlening zelfstandigen (Bbz)",
        K.LOAN,
        "national:Gemeenten (Bbz)",
        "Inkomensondersteuning en een lening voor bedrijfskapitaal voor zelfstandigen in "
        "tijdelijke financiële problemen, of die vanuit een uitkering starten.",
        "Uw gemeente voert het Bbz uit en beoordeelt of uw bedrijf levensvatbaar is.",
        ("finance", "starters"),
        ("finance", "start"),
        "bijstand, uitkering, inkomen, zwaar weer, starten vanuit uitkering, schulden, "
        "levensvatbaar",
        "Vraag het Bbz aan bij uw gemeente.",
        sizes=("zzp", "micro"),
    ),
    Spec(
        "Exportkredietverzekering (EKV)",
        K.GUARANTEE,
        "national:Atradius Dutch State Business",
        "Verzekering van het risico dat een buitenlandse koper niet betaalt bij grote "
        "exportorders en lange betalingstermijnen.",
        "Namens de Staat; voor transacties die private verzekeraars niet dekken.",
        ("export", "finance"),
        ("export", "finance"),
        "kredietverzekering, betalingsrisico, buitenlandse koper, exportorder, garantie",
        "Neem contact op met Atradius Dutch State Business.",
    ),
    Spec(
        "Tegemoetkoming Vaste Lasten (TVL)",
        K.SUBSIDY,
        RVO,
        "Coronasteun voor vaste lasten; de regeling is gesloten.",
        "Gesloten.",
        ("finance",),
        ("finance",),
        "corona, vaste lasten, steun",
        opens=-1600,
        deadline=-1100,
    ),
    Spec(
        "NOW-regeling",
        K.SUBSIDY,
        "national:UWV",
        "Tegemoetkoming in de loonkosten bij omzetverlies door corona; gesloten.",
        "Gesloten.",
        ("finance", "labour-market"),
        ("finance",),
        "corona, loonkosten, omzetverlies",
        opens=-1700,
        deadline=-1150,
    ),
    Spec(
        "Tozo",
        K.SUBSIDY,
        "national:Gemeenten (Bbz)",
        "Tijdelijke overbruggingsregeling voor zelfstandigen tijdens corona; gesloten.",
        "Gesloten.",
        ("finance",),
        ("finance",),
        "corona, zelfstandigen, inkomen",
        opens=-1700,
        closes=-1200,
    ),
]

# --- EU programmes -----------------------------------------------------------------------

EU_SPECS = [
    Spec(
        "EIC Accelerator",
        K.SUBSIDY,
        EC,
        "Tot € 2,5 miljoen subsidie en een investering in aandelen voor startups en mkb'ers "
        "met een baanbrekende innovatie die de markt kan veranderen.",
        "Het European Innovation Council steunt innovaties met hoog risico en grote "
        "groeipotentie, van prototype naar markt. Aanvragen in meerdere rondes per jaar.",
        ("innovation", "finance"),
        ("innovation", "finance", "growth"),
        "deep tech, baanbrekende innovatie, scale-up, Europese subsidie, equity, opschalen",
        "Dien een kort voorstel in op het EU-portaal; het Enterprise Europe Network helpt.",
        amount_max=2_500_000,
        sizes=SME,
    ),
    Spec(
        "Eurostars",
        K.SUBSIDY,
        "eu:Eureka en RVO",
        "Subsidie voor internationale R&D-projecten van innovatieve mkb'ers met een partner "
        "uit een ander land.",
        "Het Nederlandse deel van het project krijgt tot € 500.000 subsidie via RVO.",
        ("innovation", "export"),
        ("innovation", "export"),
        "internationale samenwerking, r&d, buitenlandse partner, onderzoek, consortium",
        "Dien samen met uw buitenlandse partner een voorstel in.",
        amount_max=500_000,
        sizes=SME,
    ),
    Spec(
        "Interreg Deutschland-Nederland",
        K.SUBSIDY,
        "eu:Interreg Deutschland-Nederland",
        "Europese subsidie voor grensoverschrijdende innovatieprojecten van Nederlandse en "
        "Duitse bedrijven en kennisinstellingen.",
        "Voor projecten met partners aan beide kanten van de grens, bijvoorbeeld in "
        "agrifood, hightech, energie en zorg.",
        ("innovation", "export"),
        ("innovation", "export"),
        "Duitsland, grens, Duitse partner, grensoverschrijdend, samenwerking",
        "Neem contact op met het regionale programmamanagement van Interreg.",
        region_only=True,
    ),
    Spec(
        "EFRO Noord-Nederland",
        K.SUBSIDY,
        "eu:Europese Unie, via SNN",
        "Europese subsidie (Europees Fonds voor Regionale Ontwikkeling) voor innovatie- en "
        "verduurzamingsprojecten van mkb'ers in Noord-Nederland, uitgevoerd door SNN.",
        "Voor samenwerkingsprojecten en investeringen in innovatie en koolstofarme "
        "economie; openstellingen per thema.",
        ("innovation", "sustainability"),
        ("innovation", "greening"),
        "Europese subsidie, regionale ontwikkeling, innovatieproject, SNN",
        "Dien de aanvraag in bij SNN tijdens een openstelling.",
        region_only=True,
        munis=DRENTHE,
    ),
    Spec(
        "Just Transition Fund Zuidoost-Drenthe",
        K.SUBSIDY,
        "eu:Europese Unie, via SNN",
        "Europese subsidie voor bedrijven in Emmen, Coevorden en Borger-Odoorn die "
        "investeren in de overgang naar een klimaatneutrale economie en in omscholing.",
        "Voor investeringen in duurzame productie, nieuwe bedrijvigheid en het omscholen "
        "van medewerkers naar werk in de nieuwe economie.",
        ("sustainability", "labour-market", "innovation"),
        ("greening", "innovation"),
        "JTF, klimaatneutraal, omscholing, energietransitie, duurzame productie",
        "Dien de aanvraag in bij SNN.",
        region_only=True,
        munis=("Emmen", "Coevorden", "Borger-Odoorn"),
        closes=500,
    ),
    Spec(
        "Horizon Europe",
        K.SUBSIDY,
        EC,
        "Het grote EU-programma voor onderzoek en innovatie: subsidie voor internationale "
        "consortia van bedrijven en kennisinstellingen.",
        "Voor bedrijven die met partners uit meerdere EU-landen onderzoek doen.",
        ("innovation",),
        ("innovation",),
        "Europees onderzoek, consortium, internationale samenwerking",
        "Zoek een consortium; het Enterprise Europe Network helpt.",
    ),
    Spec(
        "Enterprise Europe Network (EEN)",
        K.ADVICE,
        EC,
        "Gratis advies over zakendoen in Europa: buitenlandse partners vinden, Europese "
        "regels en Europese subsidies.",
        "Het netwerk zoekt in meer dan zestig landen naar klanten, leveranciers en "
        "technologiepartners.",
        ("export", "innovation"),
        ("export", "innovation"),
        "buitenlandse partner, zakenpartner, Europese regels, CE-markering, Europa",
        "Neem contact op met het Enterprise Europe Network bij RVO of de KvK.",
    ),
    Spec(
        "Erasmus voor Jonge Ondernemers",
        K.TRAINING,
        EC,
        "Een paar maanden meelopen met een ervaren ondernemer in een ander EU-land, met een "
        "beurs voor reis- en verblijfkosten.",
        "Voor nieuwe ondernemers (tot drie jaar) of wie een bedrijf wil beginnen.",
        ("starters", "export"),
        ("start", "export"),
        "buitenland, ervaring opdoen, uitwisseling, Europa, jonge ondernemer",
        "Meld u aan op het portaal van Erasmus voor Jonge Ondernemers.",
        age_max=3,
    ),
    Spec(
        "LIFE-programma",
        K.SUBSIDY,
        EC,
        "Europese subsidie voor projecten op milieu, natuur, circulaire economie en klimaat.",
        "Voor grotere demonstratieprojecten, vaak met partners.",
        ("sustainability", "circular"),
        ("greening",),
        "milieu, klimaat, natuur, circulaire economie, Europese subsidie",
        "Dien een voorstel in tijdens de jaarlijkse ronde.",
    ),
    Spec(
        "European Digital Innovation Hub Noord-Nederland",
        K.ADVICE,
        "eu:Europese Commissie en EDIH Noord",
        "Test voordat u investeert: mkb'ers proberen AI, data en automatisering uit met "
        "hulp van experts, grotendeels betaald door de EU.",
        "Voor mkb'ers in Noord-Nederland die een digitale technologie willen testen.",
        ("digitalisation",),
        ("digitalisation", "innovation"),
        "AI, kunstmatige intelligentie, data, automatisering, digitale technologie, "
        "test before invest",
        "Vraag een intake aan bij de EDIH Noord.",
        region_only=True,
        sizes=SME,
    ),
    Spec(
        "GLB Investeringen jonge landbouwers",
        K.SUBSIDY,
        "eu:Europese Unie (GLB), via RVO",
        "Subsidie uit het Europese landbouwbeleid voor investeringen van jonge "
        "landbouwers in hun bedrijf.",
        "Voor agrarische ondernemers tot 40 jaar die een bedrijf overnemen of moderniseren.",
        ("growth", "sustainability"),
        ("growth", "greening"),
        "boer, jonge boer, landbouw, investering, bedrijfsovername landbouw",
        "Dien de aanvraag in bij RVO tijdens de openstelling.",
        sbi_in=("A",),
        opens=-20,
        deadline=60,
    ),
    Spec(
        "COSME-garantiefaciliteit",
        K.GUARANTEE,
        "eu:Europees Investeringsfonds",
        "Europese garanties op bankleningen aan mkb'ers; opgevolgd door InvestEU.",
        "Gesloten; zie InvestEU.",
        ("finance",),
        ("finance",),
        "garantie, Europese garantie",
        opens=-3000,
        closes=-800,
    ),
    Spec(
        "InvestEU-mkb-garantie",
        K.GUARANTEE,
        "eu:Europees Investeringsfonds",
        "Via deelnemende banken en fondsen: leningen voor mkb'ers met een Europese "
        "garantie, vaak met lagere zekerheden.",
        "Vraag uw bank of de lening onder InvestEU valt.",
        ("finance",),
        ("finance",),
        "Europese garantie, bankkrediet, zekerheden",
        "Vraag uw bank ernaar.",
        sizes=SME,
    ),
]


def specs() -> list[Spec]:
    """Every instrument of the demo, in a fixed order."""
    return [*PROGRAMME_SPECS, *PARTNER_SPECS, *_municipal_specs(), *NATIONAL_SPECS, *EU_SPECS]


def shared_names() -> list[str]:
    return [s.name for s in specs() if s.shared]


# --- loading -----------------------------------------------------------------------------

# Which programme specialist keeps an instrument of which theme.
EDITOR_THEMES = (
    "finance",
    "export",
    "digitalisation",
    "circular",
    "smart-manufacturing",
    "social-innovation",
)


def _site(spec: Spec) -> str:
    provider = spec.by.partition(":")[2] if spec.shared else spec.by
    return f"https://example.org/{slugify(provider)[:40]}/{slugify(spec.name)[:60]}"


def _money(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _days(today: dt.date, offset: int | None) -> dt.date | None:
    return None if offset is None else today + dt.timedelta(days=offset)


class _Context:
    def __init__(self, region: Region, cast: Cast, today: dt.date) -> None:
        self.region = region
        self.cast = cast
        self.today = today
        self.orgs = {o.name: o for o in [cast.bureau, *cast.partners]}
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.munis = {m.name: m for m in Municipality.objects.filter(region=region)}
        first_users = [ids[0] for ids in cast.partner_users.values() if ids]
        users = User.objects.in_bulk(first_users)
        self.partner_contact = {
            org: users[ids[0]] for org, ids in cast.partner_users.items() if ids
        }

    def editor(self, spec: Spec, index: int) -> User:
        if spec.shared:  # only managers keep the shared part of the catalogue
            return self.cast.manager
        for theme in spec.themes:
            if theme in EDITOR_THEMES and theme in self.cast.specialists:
                return self.cast.specialists[theme]
        return self.cast.advisors[index % len(self.cast.advisors)]

    def record(self, spec: Spec, index: int) -> dict[str, Any]:
        editor = self.editor(spec, index)
        verified = spec.verified if spec.verified is not None else 3 + (index * 37) % 150
        values: dict[str, Any] = {
            "name": spec.name,
            "summary": spec.summary,
            "description": f"<p>{spec.description}</p>",
            "kind": spec.kind,
            "provider_kind": spec.provider_kind,
            "themes": [self.themes[t] for t in spec.themes if t in self.themes],
            "phases": list(spec.phases),
            "keywords": spec.keywords,
            "size_classes": list(spec.sizes),
            "employees_min": spec.emp_min,
            "employees_max": spec.emp_max,
            "company_age_min": spec.age_min,
            "company_age_max": spec.age_max,
            "sbi_included": list(spec.sbi_in),
            "sbi_excluded": list(spec.sbi_out),
            "municipalities": [self.munis[m] for m in spec.munis],
            "legal_forms": list(spec.legal),
            "amount_min": _money(spec.amount_min),
            "amount_max": _money(spec.amount_max),
            "own_contribution": _money(spec.own),
            "how_to_apply": f"<p>{spec.how}</p>" if spec.how else "",
            "website": _site(spec),
            "open_from": _days(self.today, spec.opens),
            "open_until": _days(self.today, spec.closes),
            "deadline": _days(self.today, spec.deadline),
            "budget_exhausted": spec.exhausted,
            "published": spec.published,
            "last_verified": self.today - dt.timedelta(days=verified),
            "editor": editor,
        }
        if spec.shared:
            provider_name = spec.by.partition(":")[2]
            domain = slugify(provider_name.split(",")[0])[:30]
            values |= {
                "provider_name": provider_name,
                "contact_name": f"Klantcontact {provider_name}",
                "contact_email": f"info@{domain}.example",
                "contact_phone": "088-0000" + f"{index:03d}",
                "regions": [self.region] if spec.region_only else [],
            }
            return values
        provider = self.orgs[spec.by]
        contact = self.orgs[spec.contact] if spec.contact else provider
        if spec.by == PROGRAMME and not spec.contact:
            person: User | None = editor
        else:
            person = self.partner_contact.get(contact.pk)
        values |= {
            "provider_organisation": provider,
            "contact_organisation": contact,
            "contact_name": person.full_name if person else "",
            "contact_email": person.email if person else contact.email,
            "contact_phone": contact.phone,
        }
        return values


def build_instruments(
    region: Region, cast: Cast, today: dt.date | None = None
) -> list[tuple[Instrument, dict[str, list[Any]]]]:
    """Every demo instrument as an unsaved ``Instrument`` with its many-to-many values
    (themes, municipalities, regions), in the fixed order of ``specs()``."""
    today = today or timezone.localdate()
    context = _Context(region, cast, today)
    out = []
    for index, spec in enumerate(specs()):
        values = context.record(spec, index)
        m2m = {key: values.pop(key, []) for key in INSTRUMENT_M2M}
        instrument = Instrument(region=None if spec.shared else region, **values)
        instrument.description = sanitise(instrument.description)
        instrument.how_to_apply = sanitise(instrument.how_to_apply)
        out.append((instrument, m2m))
    return out


def load_catalogue(region: Region, cast: Cast, today: dt.date | None = None) -> int:
    """Create the demo catalogue: the region's instruments and the shared national and
    EU ones not there yet. Returns the number created.

    The bulk equivalent of ``catalogue.services.create_instrument`` (which took three
    times as long as the rest of the demo): each record passes the catalogue's own
    checks (``validate_criteria``; the tests hold every record to the whole validation
    of the service), gets a unique slug and is written with its version 1. No audit
    events, as for the rest of the generated history."""
    existing_shared = set(
        Instrument.objects.filter(region__isnull=True).values_list("name", flat=True)
    )
    planned = [
        (instrument, m2m)
        for instrument, m2m in build_instruments(region, cast, today)
        if not (instrument.region_id is None and instrument.name in existing_shared)
    ]
    taken = set(Instrument.objects.values_list("slug", flat=True))
    for instrument, _m2m in planned:
        errors = validate_criteria(instrument)
        if errors:
            raise ValueError(f"Demo instrument {instrument.name!r}: {errors}")
        base = slugify(instrument.name)[:100] or "instrument"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        instrument.slug = slug
        instrument.version = 1
    with transaction.atomic():
        created = Instrument.objects.bulk_create([i for i, _m2m in planned])
        through = {key: getattr(Instrument, key).through for key in INSTRUMENT_M2M}
        target = {
            key: f"{getattr(Instrument, key).field.related_model._meta.model_name}_id"
            for key in INSTRUMENT_M2M
        }
        rows: dict[str, list[Any]] = {key: [] for key in INSTRUMENT_M2M}
        versions = []
        for instrument, m2m in planned:
            # The same record as services.snapshot, without reading the relations back.
            record = audit.snapshot(instrument, (*INSTRUMENT_FIELDS, "region", "slug"))
            for key in INSTRUMENT_M2M:
                rows[key] += [
                    through[key](instrument_id=instrument.pk, **{target[key]: obj.pk})
                    for obj in m2m[key]
                ]
                record[key] = sorted((obj.pk for obj in m2m[key]), key=str)
            record["region"] = instrument.region_id
            versions.append(
                InstrumentVersion(instrument=instrument, number=1, data=record, note="demo")
            )
        for key, objs in rows.items():
            through[key].objects.bulk_create(objs)
        InstrumentVersion.objects.bulk_create(versions)
    return len(created)


def flush_shared() -> None:
    """Delete the demo's shared instruments nobody was referred to (``generator.flush``
    calls this after the region's own data is gone)."""
    Instrument.objects.filter(
        region__isnull=True, name__in=shared_names(), referrals__isnull=True
    ).delete()


def load_for_matching(seed: int = 2026, today: dt.date | None = None) -> Region:
    """The demo region with its municipalities, organisations and staff, and the
    catalogue; no companies or history (for ``bench/matching/evaluate.py``)."""
    from loket.demo.generator import ensure_region, ensure_sbi_codes
    from loket.demo.people import create_cast

    with transaction.atomic():
        region, municipalities = ensure_region()
        ensure_sbi_codes()
        cast = create_cast(random.Random(seed), region, municipalities)
        if not Instrument.objects.filter(region=region).exists():
            load_catalogue(region, cast, today)
    return region


__all__ = [
    "Spec",
    "flush_shared",
    "load_catalogue",
    "load_for_matching",
    "shared_names",
    "specs",
]
