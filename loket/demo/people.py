"""The demo programme's organisations and users: the programme bureau, more than 50
partners of the kinds in the brief, and users for every role with one demo password."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password

from loket.accounts.models import Membership, Organisation, User
from loket.core.models import Municipality, Region
from loket.demo.data import FAMILY_NAMES, FIRST_NAMES

DEMO_PASSWORD = "Drenthe-demo-2026"  # noqa: S105 (printed for the demo on purpose)
# A fixed base32 TOTP secret for the demo's programme manager and administrator, so the
# printed secret or otpauth:// link can be added to any authenticator app once.
DEMO_TOTP_SECRET = "LOKETDEMODRENTHELOKETDEMODRENTHE"  # noqa: S105

K = Organisation.Kind

# One login per role, printed by load_demo: (role, e-mail, needs TOTP).
CREDENTIALS = [
    ("ondernemersadviseur / advisor", "adviseur@ibdo.example", False),
    ("themaspecialist / theme specialist", "specialist@ibdo.example", False),
    ("partner (Gemeente Assen)", "partner@gemeente-assen.example", False),
    ("programmamanager / programme manager", "manager@ibdo.example", True),
    ("beheerder / administrator", "beheer@ibdo.example", True),
]

# Themes a partner takes referrals for (theme slugs of the seeded list).
FINANCE_T = ("finance",)
GROWTH_T = ("growth", "starters")


@dataclass(frozen=True)
class OrgSpec:
    name: str
    kind: str
    domain: str
    users: int = 1
    themes: tuple[str, ...] = ()
    municipality: str | None = None


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


LOCAL_ASSOCIATIONS = {
    "Aa en Hunze": "Ondernemersvereniging Gieten",
    "Assen": "Ondernemersvereniging Assen",
    "Borger-Odoorn": "Ondernemerskring Borger-Odoorn",
    "Coevorden": "Ondernemersvereniging Coevorden",
    "De Wolden": "Ondernemersvereniging De Wolden",
    "Emmen": "Ondernemersvereniging Emmen",
    "Hoogeveen": "Ondernemersvereniging Hoogeveen",
    "Meppel": "Ondernemerskring Meppel",
    "Midden-Drenthe": "Ondernemersvereniging Midden-Drenthe",
    "Noordenveld": "Ondernemersvereniging Roden",
    "Tynaarlo": "Ondernemersvereniging Zuidlaren",
    "Westerveld": "Ondernemersvereniging Westerveld",
    "Hardenberg": "Bedrijvenkring Hardenberg",
}

PARKS = [
    ("Parkmanagement Assen Messchenveld", "Assen"),
    ("Parkmanagement Emmen Bargermeer", "Emmen"),
    ("Parkmanagement Hoogeveen De Wieken", "Hoogeveen"),
    ("Parkmanagement Meppel Oevers", "Meppel"),
    ("Parkmanagement Coevorden Europark", "Coevorden"),
    ("Parkmanagement Hardenberg Broeklanden", "Hardenberg"),
    ("Parkmanagement Beilen Ter Horst", "Midden-Drenthe"),
]


def partner_specs(municipalities: list[str]) -> list[OrgSpec]:
    specs = [
        OrgSpec(
            "Provincie Drenthe",
            K.PROVINCE,
            "drenthe",
            2,
            ("settlement", "sustainability", "labour-market"),
            "Assen",
        ),
    ]
    specs += [
        OrgSpec(
            f"Gemeente {m}",
            K.MUNICIPALITY,
            f"gemeente-{_slug(m)}",
            2,
            ("settlement", "labour-market", "starters"),
            m,
        )
        for m in municipalities
    ]
    specs += [
        OrgSpec(
            "Kamer van Koophandel, regio Noord",
            K.CHAMBER,
            "kvk-noord",
            3,
            ("starters", "export", "growth", "digitalisation"),
        ),
        OrgSpec(
            "NOM, investerings- en ontwikkelingsmaatschappij Noord-Nederland",
            K.DEVELOPMENT_AGENCY,
            "nom",
            3,
            ("finance", "innovation", "export", "settlement"),
        ),
        OrgSpec("Samenwerkingsverband Noord-Nederland (SNN)", K.OTHER, "snn", 1, ("innovation",)),
        OrgSpec("MKB Fonds Drenthe", K.DEVELOPMENT_AGENCY, "mkbfondsdrenthe", 2, ("finance",)),
        OrgSpec(
            "Qredits Microfinanciering, regio Noord", K.OTHER, "qredits", 1, ("finance", "starters")
        ),
        OrgSpec(
            "NHL Stenden Hogeschool, Emmen",
            K.SCHOOL,
            "nhlstenden",
            2,
            ("innovation", "labour-market", "export", "circular"),
            "Emmen",
        ),
        OrgSpec(
            "Hanzehogeschool Groningen, Assen",
            K.SCHOOL,
            "hanze",
            2,
            ("innovation", "smart-manufacturing", "export"),
            "Assen",
        ),
        OrgSpec("Drenthe College", K.SCHOOL, "drenthecollege", 2, ("labour-market",), "Assen"),
        OrgSpec("Alfa-college", K.SCHOOL, "alfa-college", 1, ("labour-market",), "Hoogeveen"),
        OrgSpec("Rabobank, zakelijk Drenthe", K.BANK, "rabobank-drenthe", 2, FINANCE_T),
        OrgSpec("ING Zakelijk, regio Noord", K.BANK, "ing-noord", 1, FINANCE_T),
        OrgSpec("ABN AMRO Zakelijk, regio Noord", K.BANK, "abnamro-noord", 1, FINANCE_T),
        OrgSpec(
            "Health Hub Roden",
            K.CLUSTER,
            "healthhubroden",
            1,
            ("innovation", "social-innovation"),
            "Noordenveld",
        ),
        OrgSpec(
            "Dutch TechZone",
            K.CLUSTER,
            "dutchtechzone",
            2,
            ("smart-manufacturing", "innovation", "labour-market"),
            "Emmen",
        ),
        OrgSpec("NICE, circulaire economie", K.CLUSTER, "nice", 1, ("circular",), "Emmen"),
        OrgSpec(
            "Agrifood Netwerk Drenthe", K.CLUSTER, "agrifood-drenthe", 1, ("innovation", "circular")
        ),
        OrgSpec(
            "Energiecluster Drenthe", K.CLUSTER, "energiecluster-drenthe", 1, ("sustainability",)
        ),
        OrgSpec("Vrijetijdsnetwerk Drenthe", K.CLUSTER, "vrijetijd-drenthe", 0, ("growth",)),
        OrgSpec(
            "VNO-NCW MKB Noord",
            K.BUSINESS_ASSOCIATION,
            "vnoncw-mkbnoord",
            1,
            ("labour-market", "growth"),
        ),
        OrgSpec("LTO Noord, afdeling Drenthe", K.BUSINESS_ASSOCIATION, "ltonoord", 1, ()),
        OrgSpec(
            "Koninklijke Horeca Nederland, afdeling Drenthe",
            K.BUSINESS_ASSOCIATION,
            "khn-drenthe",
            0,
            (),
        ),
    ]
    specs += [
        OrgSpec(
            LOCAL_ASSOCIATIONS[m],
            K.BUSINESS_ASSOCIATION,
            _slug(LOCAL_ASSOCIATIONS[m]),
            1 if i % 3 != 2 else 0,
            (),
            m,
        )
        for i, m in enumerate(municipalities)
    ]
    specs += [
        OrgSpec(name, K.BUSINESS_ASSOCIATION, _slug(name), 0, ("settlement",), m)
        for name, m in PARKS
    ]
    specs += [
        OrgSpec(
            "Hondsrug Ondernemersadvies", K.ADVISORY, "hondsrugadvies", 2, ("growth", "finance")
        ),
        OrgSpec("Drents Adviesbureau voor het MKB", K.ADVISORY, "dabmkb", 1, GROWTH_T),
        OrgSpec(
            "Noorderlicht Consultancy",
            K.ADVISORY,
            "noorderlicht-consultancy",
            1,
            ("growth", "innovation"),
        ),
        OrgSpec("ExportWerk Noord", K.ADVISORY, "exportwerk", 1, ("export",)),
        OrgSpec("Circulair Advies Drenthe", K.ADVISORY, "circulair-advies", 1, ("circular",)),
        OrgSpec("DigiWerkplaats Drenthe", K.ADVISORY, "digiwerkplaats", 2, ("digitalisation",)),
        OrgSpec("Veenstra & Partners Accountants", K.ADVISORY, "veenstra-partners", 1, FINANCE_T),
        OrgSpec("Groeiversneller Noord", K.ADVISORY, "groeiversneller", 1, ("growth",)),
        OrgSpec("Ondernemersklankbord, regio Noord", K.OTHER, "ondernemersklankbord", 1, GROWTH_T),
        OrgSpec("Werkgeversservicepunt Drenthe", K.OTHER, "wsp-drenthe", 1, ("labour-market",)),
        OrgSpec("Marketing Drenthe", K.OTHER, "marketingdrenthe", 0, ("growth",)),
        OrgSpec("Recreatieschap Drenthe", K.OTHER, "recreatieschap", 0, ()),
    ]
    return specs


SPECIALIST_THEMES = [
    ("finance", "financiering"),
    ("export", "export"),
    ("digitalisation", "digitalisering"),
    ("circular", "circulaire-economie"),
    ("smart-manufacturing", "slimme-maakindustrie"),
    ("social-innovation", "sociale-innovatie"),
]


@dataclass
class Cast:
    """Who is who in the generated programme."""

    bureau: Organisation
    partners: list[Organisation]
    org_themes: dict[int, tuple[str, ...]]
    org_municipality: dict[int, int | None]
    municipal_org: dict[int, int]  # municipality id -> organisation id of the gemeente
    local_association: dict[int, int]  # municipality id -> organisation id
    advisors: list[User]
    specialists: dict[str, User]  # theme slug -> specialist
    manager: User
    administrator: User
    partner_users: dict[int, list[int]]  # organisation id -> user ids
    credentials: list[tuple[str, str, bool]] = field(default_factory=list)  # role, e-mail, totp


def create_cast(rng: random.Random, region: Region, municipalities: list[Municipality]) -> Cast:
    """Create (or find) the organisations, users, memberships and TOTP devices."""
    by_name = {m.name: m for m in municipalities}
    specs = partner_specs([m.name for m in municipalities])
    # Organisations: the bureau and the partners, created in one statement where missing.
    wanted = [
        Organisation(
            region=region,
            name="Programmabureau IBDO",
            kind=K.PROGRAMME,
            email="loket@ibdo.example",
            phone="0592-200200",
            website="https://www.ibdo.example",
        )
    ]
    for spec in specs:
        wanted.append(
            Organisation(
                region=region,
                name=spec.name,
                kind=spec.kind,
                email=f"mkb@{spec.domain}.example",
                phone=f"0{rng.randint(50, 599)}-{rng.randint(100000, 999999)}",
                website=f"https://www.{spec.domain}.example",
                municipality=by_name.get(spec.municipality) if spec.municipality else None,
            )
        )
    existing_orgs = set(Organisation.objects.filter(region=region).values_list("name", flat=True))
    Organisation.objects.bulk_create([o for o in wanted if o.name not in existing_orgs])
    orgs = {o.name: o for o in Organisation.objects.filter(region=region)}
    bureau = orgs["Programmabureau IBDO"]
    partners = [orgs[spec.name] for spec in specs]
    spec_of = {orgs[spec.name].pk: spec for spec in specs}

    # Users and memberships: planned first, then written in a few statements.
    plan: list[tuple[str, str, Organisation, str, bool]] = []  # e-mail, name, org, role, lead
    used_emails: set[str] = set()

    def person_name() -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_NAMES)}"

    def named_email(full_name: str, domain: str) -> str:
        first, _sep, family = full_name.partition(" ")
        base = f"{_slug(first)}.{_slug(family).replace('-', '')}"
        email = f"{base}@{domain}.example"
        n = 2
        while email in used_emails:
            email = f"{base}{n}@{domain}.example"
            n += 1
        return email

    def add(email: str, full_name: str, org: Organisation, role: str, lead: bool = False) -> str:
        used_emails.add(email)
        plan.append((email, full_name, org, role, lead))
        return email

    # The programme bureau: ten advisors, a specialist per theme, a manager, an administrator.
    advisor_emails = []
    for i in range(10):
        name = person_name()
        email = "adviseur@ibdo.example" if i == 0 else named_email(name, "ibdo")
        advisor_emails.append(add(email, name, bureau, "advisor", lead=(i == 0)))
    specialist_emails: dict[str, str] = {}
    for i, (theme, label) in enumerate(SPECIALIST_THEMES):
        email = "specialist@ibdo.example" if i == 0 else f"{label}@ibdo.example"
        specialist_emails[theme] = add(email, person_name(), bureau, "specialist")
    add("manager@ibdo.example", person_name(), bureau, "programme_manager")
    add("beheer@ibdo.example", person_name(), bureau, "administrator")
    # Partner staff: account managers, knowledge brokers, bankers ...
    partner_emails: dict[int, list[str]] = {}
    for org in partners:
        spec = spec_of[org.pk]
        partner_emails[org.pk] = []
        for i in range(spec.users):
            name = person_name()
            if org.name == "Gemeente Assen" and i == 0:
                email = "partner@gemeente-assen.example"
            else:
                email = named_email(name, spec.domain)
            partner_emails[org.pk].append(add(email, name, org, "partner", lead=(i == 0)))
    # One person works for two organisations (the NOM and the fund it manages).
    nom = next(o for o in partners if o.name.startswith("NOM"))
    fund = next(o for o in partners if o.name == "MKB Fonds Drenthe")
    if partner_emails[nom.pk]:
        both = partner_emails[nom.pk][0]
        add(both, "", fund, "partner")
        partner_emails[fund.pk].append(both)

    password_hash = make_password(DEMO_PASSWORD)
    names = {email: name for email, name, *_rest in plan if name}
    emails = list(names)
    known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(email=e, full_name=names[e], password=password_hash)
            for e in emails
            if e not in known
        ]
    )
    User.objects.filter(email__in=known).update(password=password_hash, is_active=True)
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    have = set(
        Membership.objects.filter(user__in=users.values()).values_list(
            "user_id", "organisation_id", "role"
        )
    )
    Membership.objects.bulk_create(
        [
            Membership(user=users[email], organisation=org, role=role, is_team_lead=lead)
            for email, _name, org, role, lead in plan
            if (users[email].pk, org.pk, role) not in have
        ]
    )
    advisors = [users[e] for e in advisor_emails]
    specialists = {theme: users[e] for theme, e in specialist_emails.items()}
    manager = users["manager@ibdo.example"]
    administrator = users["beheer@ibdo.example"]
    partner_users = {org: [users[e].pk for e in es] for org, es in partner_emails.items()}

    # TOTP is required for programme managers and administrators: give them the demo secret.
    for user in (manager, administrator):
        Authenticator.objects.update_or_create(
            user=user,
            type=Authenticator.Type.TOTP,
            defaults={"data": {"secret": encrypt(DEMO_TOTP_SECRET)}},
        )

    muni_ids = {m.name: m.pk for m in municipalities}
    org_municipality = {o.pk: (muni_ids.get(spec_of[o.pk].municipality or "")) for o in partners}
    municipal_org = {
        muni_ids[spec_of[o.pk].municipality or ""]: o.pk
        for o in partners
        if o.kind == K.MUNICIPALITY
    }
    local_association = {
        muni_ids[m]: next(o.pk for o in partners if o.name == name)
        for m, name in LOCAL_ASSOCIATIONS.items()
        if m in muni_ids
    }
    return Cast(
        bureau=bureau,
        partners=partners,
        org_themes={o.pk: spec_of[o.pk].themes for o in partners},
        org_municipality=org_municipality,
        municipal_org=municipal_org,
        local_association=local_association,
        advisors=advisors,
        specialists=specialists,
        manager=manager,
        administrator=administrator,
        partner_users=partner_users,
        credentials=list(CREDENTIALS),
    )
