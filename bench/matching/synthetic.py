"""Synthetic instruments for the speed bench: a region's catalogue topped up to a total.

The texts are built from the words entrepreneurs and catalogues use (so the index has a
realistic vocabulary and realistic posting lists), with the target criteria, phases,
themes and closing dates spread the way a real catalogue spreads them. Deterministic for
a seed. Written with ``bulk_create`` (a few thousand rows: seconds).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

TOPICS = [
    ("export", "Export", ["export"], ["export"], "buitenlandse markten, handelsmissie, beurs"),
    ("innovatie", "Innovatie", ["innovation"], ["innovation"], "prototype, productontwikkeling"),
    ("digitaal", "Digitalisering", ["digitalisation"], ["digitalisation"], "webshop, software"),
    ("cyber", "Cyberveiligheid", ["digitalisation"], ["digitalisation"], "hackers, ransomware"),
    ("energie", "Energiebesparing", ["greening"], ["sustainability"], "zonnepanelen, isolatie"),
    ("circulair", "Circulair", ["greening", "innovation"], ["circular"], "hergebruik, afval"),
    ("start", "Starters", ["start"], ["starters"], "ondernemingsplan, eerste jaar"),
    ("groei", "Groei", ["growth"], ["growth"], "opschalen, nieuwe markten"),
    ("personeel", "Personeel", ["growth"], ["labour-market"], "werving, scholing, vacatures"),
    ("financiering", "Financiering", ["finance"], ["finance"], "bank, investering, kapitaal"),
    ("overname", "Bedrijfsopvolging", ["growth"], [], "overname, opvolger"),
    ("maak", "Slimme maakindustrie", ["innovation"], ["smart-manufacturing"], "robot, productie"),
    ("zorg", "Zorginnovatie", ["innovation"], ["social-innovation"], "zorg, welzijn"),
    ("agri", "Agrifood", ["innovation", "greening"], [], "landbouw, voedsel, boeren"),
    ("toerisme", "Vrijetijdseconomie", ["growth"], [], "toerisme, horeca, recreatie"),
    ("vestiging", "Vestiging", ["growth", "start"], ["settlement"], "bedrijfspand, locatie"),
]
KINDS = [
    ("voucher", "voucher"),
    ("subsidy", "subsidie"),
    ("loan", "lening"),
    ("guarantee", "garantie"),
    ("advice", "advies"),
    ("training", "training"),
    ("event_series", "netwerk"),
    ("peer_table", "tafel"),
]
PLACES = ["Drenthe", "Noord", "Zuidoost", "Midden", "Regio", "Plus", "MKB", "Impuls"]
SENTENCES = [
    "Voor ondernemers die {kw} willen aanpakken.",
    "U krijgt hulp van een ervaren adviseur bij {kw}.",
    "Een bijdrage in de kosten van {kw}.",
    "Samen met andere ondernemers werkt u aan {kw}.",
]


def add_instruments(region: Any, total: int, seed: int = 2026) -> int:
    """Top the region's catalogue (its own and the shared instruments) up to ``total``.
    Returns the number added."""
    from loket.accounts.models import Organisation
    from loket.catalogue.models import Instrument
    from loket.catalogue.queries import region_q
    from loket.core.models import Municipality, Theme

    existing = Instrument.objects.filter(region_q(region.pk)).distinct().count()
    missing = max(0, total - existing)
    if not missing:
        return 0
    rng = random.Random(seed)
    themes = {t.slug: t for t in Theme.objects.all()}
    municipalities = list(Municipality.objects.filter(region=region))
    organisations = list(Organisation.objects.filter(region=region).order_by("pk")[:60])
    today = dt.date.today()
    rows: list[Instrument] = []
    theme_links: list[tuple[int, list[str]]] = []
    muni_links: list[tuple[int, list[Any]]] = []
    for n in range(missing):
        slug, topic, phases, topic_themes, keywords = rng.choice(TOPICS)
        kind, kind_word = rng.choice(KINDS)
        extra_phase = rng.random() < 0.3
        inst = Instrument(
            region=region,
            slug=f"bench-{slug}-{n}",
            name=f"{topic}{kind_word} {rng.choice(PLACES)} {n}",
            summary=rng.choice(SENTENCES).format(kw=keywords.split(", ")[0]),
            description=" ".join(rng.choice(SENTENCES).format(kw=w) for w in keywords.split(", ")),
            kind=kind,
            provider_kind="partner" if organisations else "programme",
            provider_organisation=rng.choice(organisations) if organisations else None,
            contact_organisation=rng.choice(organisations) if organisations else None,
            phases=sorted(set(phases) | ({rng.choice(TOPICS)[2][0]} if extra_phase else set())),
            keywords=keywords,
            size_classes=rng.choice([[], [], [], ["zzp", "micro", "small"], ["small", "medium"]]),
            employees_max=rng.choice([None, None, None, 250]),
            company_age_max=5 if slug == "start" else rng.choice([None, None, None, 10]),
            sbi_included=rng.choice([[], [], [], [], ["C"], ["A"], ["G", "I"]]),
            sbi_excluded=rng.choice([[], [], [], ["K"]]),
            legal_forms=rng.choice([[], [], [], [], ["bv", "nv"]]),
            amount_max=rng.choice([None, 2500, 10000, 50000, 250000]),
            open_until=rng.choice([None, None, None, today + dt.timedelta(days=200)])
            if rng.random() > 0.05
            else today - dt.timedelta(days=30),
            budget_exhausted=rng.random() < 0.03,
            last_verified=today,
        )
        rows.append(inst)
        theme_links.append((n, topic_themes))
        if rng.random() < 0.15 and municipalities:
            muni_links.append((n, rng.sample(municipalities, min(3, len(municipalities)))))
    Instrument.objects.bulk_create(rows, batch_size=200)
    if rows[0].pk is None:  # a backend that does not return ids
        by_slug = dict(
            Instrument.objects.filter(slug__startswith="bench-").values_list("slug", "pk")
        )
        for inst in rows:
            inst.pk = by_slug[inst.slug]
    through_themes = Instrument.themes.through
    through_munis = Instrument.municipalities.through
    through_themes.objects.bulk_create(
        [
            through_themes(instrument_id=rows[n].pk, theme_id=themes[slug].pk)
            for n, slugs in theme_links
            for slug in slugs
            if slug in themes
        ],
        batch_size=400,
    )
    through_munis.objects.bulk_create(
        [
            through_munis(instrument_id=rows[n].pk, municipality_id=m.pk)
            for n, munis in muni_links
            for m in munis
        ],
        batch_size=400,
    )
    return missing
