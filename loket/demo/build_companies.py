"""Companies, contact persons and consent for the demo programme (the first half of the
generator's in-memory build; ``build_casework`` adds the history)."""

from __future__ import annotations

import bisect
import datetime as dt
import random
import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from loket.companies.models import Company, Consent, LegalForm, Person
from loket.core.models import Municipality, Need, Region, Theme
from loket.core.workdays import is_working_day
from loket.demo import data
from loket.demo.bulk import Table, next_id, through
from loket.demo.people import Cast

if TYPE_CHECKING:
    from loket.demo.generator import Scale

YEARS = 3


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_text.lower())


def weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class CompanyBuilder:
    """Builds the companies in memory; ``History`` adds cases, referrals and contacts."""

    def __init__(
        self,
        rng: random.Random,
        region: Region,
        municipalities: list[Municipality],
        cast: Cast,
        sbi: dict[str, int],
        scale: Scale,
        now: dt.datetime,
    ) -> None:
        self.rng = rng
        self.region_id = region.pk
        self.first_response_days = region.first_response_working_days
        self.munis = municipalities
        self.cast = cast
        self.sbi = sbi
        self.scale = scale
        # Times are kept in UTC (cheap to write); office hours are Amsterdam's.
        self.now = now.astimezone(dt.UTC)
        self.tz = timezone.get_default_timezone()
        self.today = timezone.localtime(now).date()
        start = self.today - dt.timedelta(days=365 * YEARS)
        days = [start + dt.timedelta(days=i) for i in range((self.today - start).days)]
        self.days = [d for d in days if is_working_day(d)]
        self.day_starts = [
            dt.datetime.combine(d, dt.time(8, 0), tzinfo=self.tz).astimezone(dt.UTC)
            for d in self.days
        ]
        self.themes = dict(Theme.objects.values_list("slug", "id"))
        self.needs = dict(Need.objects.values_list("slug", "id"))
        self.need_weights = {k: v for k, v in data.NEED_WEIGHTS.items() if k in self.needs}
        self.theme_slugs = [t for t in data.QUESTIONS if t in self.themes]
        self.bureau_id = cast.bureau.pk
        self.advisor_ids = [u.pk for u in cast.advisors]
        # Each advisor covers one or two municipalities, balanced by their size: the
        # advisor is the account manager of the companies there.
        load = [0] * len(self.advisor_ids)
        self.territory: dict[int, int] = {}
        by_size = sorted(range(len(data.MUNICIPALITIES)), key=lambda i: -data.MUNICIPALITIES[i][2])
        for mi in by_size:
            k = min(range(len(load)), key=lambda a: (load[a], a))
            load[k] += data.MUNICIPALITIES[mi][2]
            self.territory[mi] = self.advisor_ids[k]
        self.specialist_of = {t: u.pk for t, u in cast.specialists.items()}

    # --- helpers ---------------------------------------------------------------------

    def moment(self, lo: int, hi: int | None = None, bias: float = 0.75) -> dt.datetime:
        """A time in office hours on a working day between day index lo and hi, more
        often recent (the programme grows)."""
        last = len(self.days) - 1
        hi = last if hi is None else min(hi, last)
        lo = min(max(lo, 0), hi)
        idx = lo + int((hi - lo + 1) * (self.rng.random() ** bias))
        idx = min(idx, hi)
        return self.day_starts[idx] + dt.timedelta(minutes=self.rng.randrange(570))

    def clamp(self, moment: dt.datetime, after: dt.datetime | None = None) -> dt.datetime:
        """``moment``, or if that lies in the future a random time between ``after`` (or
        an hour ago) and now."""
        if moment < self.now:
            return moment
        lo = after if after is not None and after < self.now else self.now - dt.timedelta(hours=1)
        return lo + (self.now - lo) * self.rng.random()

    def pick_company(self) -> int:
        return bisect.bisect_right(self.c_cum, self.rng.random() * self.c_cum[-1])

    def pick_company_in(self, muni_index: int) -> int:
        members, cum = self.by_muni[muni_index]
        if not members:
            return self.pick_company()
        return members[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def pick_needs(self, count: int) -> list[int]:
        slugs = self.rng.choices(
            list(self.need_weights), weights=list(self.need_weights.values()), k=count
        )
        return [self.needs[s] for s in dict.fromkeys(slugs)]

    def build_companies(self) -> None:
        rng = self.rng
        n = self.scale.companies
        first_id = next_id(Company)
        person_id = next_id(Person)
        self.company = Table(
            Company,
            [
                "id",
                "region_id",
                "kvk_number",
                "name",
                "trade_names",
                "legal_form",
                "employees",
                "founded_on",
                "street",
                "house_number",
                "house_number_addition",
                "postcode",
                "city",
                "municipality_id",
                "email",
                "phone",
                "website",
                "account_manager_id",
                "created_at",
                "updated_at",
            ],
        )
        self.person = Table(
            Person,
            [
                "id",
                "region_id",
                "company_id",
                "name",
                "role",
                "email",
                "phone",
                "created_at",
                "updated_at",
            ],
        )
        self.consent = Table(
            Consent,
            [
                "person_id",
                "purpose",
                "given_on",
                "method",
                "recorded_by_id",
                "withdrawn_on",
            ],
        )
        sbi_through, sbi_a, sbi_b = through(Company, "sbi_codes")
        self.company_sbi = Table(sbi_through, [f"{sbi_a}_id", f"{sbi_b}_id"])
        theme_through, th_a, th_b = through(Company, "themes")
        self.company_themes = Table(theme_through, [f"{th_a}_id", f"{th_b}_id"])
        ba_through, ba_a, ba_b = through(Company, "business_associations")
        self.company_assoc = Table(ba_through, [f"{ba_a}_id", f"{ba_b}_id"])

        existing = set(Company.objects.exclude(kvk_number="").values_list("kvk_number", flat=True))
        kvks = [
            k
            for k in rng.sample(range(1_000_000, 99_999_999), n + 64)
            if f"{k:08d}" not in existing
        ]
        sbi_codes = [c for c in data.SBI_PROFILES if c in self.sbi]
        sbi_weights = [data.SBI_PROFILES[c][0] for c in sbi_codes]
        muni_weights = [m[2] for m in data.MUNICIPALITIES]
        muni_count = len(self.munis)
        vno = next((o.pk for o in self.cast.partners if o.name.startswith("VNO")), None)
        lto = next((o.pk for o in self.cast.partners if o.name.startswith("LTO")), None)
        khn = next(
            (o.pk for o in self.cast.partners if o.name.startswith("Koninklijke Horeca")), None
        )
        window_start = self.days[0]
        methods = [m for m, _ in Consent.Method.choices]

        self.c_id: list[int] = []
        self.c_muni: list[int] = []
        self.c_rows: list[list[Any]] = []
        self.c_persons: list[list[int]] = []
        self.c_start: list[int] = []
        weights: list[float] = []
        for i in range(n):
            cid = first_id + i
            mi = i if i < muni_count else rng.choices(range(muni_count), muni_weights)[0]
            _name, _cbs, _w, area, places = data.MUNICIPALITIES[mi]
            city, pc4s = rng.choice(places)
            division = rng.choices(sbi_codes, sbi_weights)[0]
            _weight, size_factor, patterns = data.SBI_PROFILES[division]
            f = rng.choice(data.FAMILY_NAMES)
            g = rng.choice(data.FAMILY_NAMES)
            w = rng.choice(data.TRADE_WORDS)
            zzp, micro, small, medium, large = data.SIZE_WEIGHTS
            f1 = size_factor
            size_weights = [zzp / f1, micro, small * f1, medium * f1**1.5, large * f1**2]
            size = rng.choices(range(5), size_weights)[0]
            employees: int | None = [
                1,
                int(2 + 8 * rng.random() ** 2),
                int(10 + 40 * rng.random() ** 2),
                int(50 + 200 * rng.random() ** 2),
                int(250 + 900 * rng.random() ** 3),
            ][size]
            aspiring = rng.random() < 0.01
            legal = "" if aspiring else self.legal_form(size, division)
            core = rng.choice(patterns).format(
                f=f[0].upper() + f[1:], g=g[0].upper() + g[1:], w=w, p=city
            )
            name = self.with_legal_form(core, legal)
            if aspiring:
                name = f"{core} i.o."
            trade_names: list[str] = []
            if rng.random() < 0.45:
                alt = rng.choice(patterns).format(
                    f=f[0].upper() + f[1:], g=g[0].upper() + g[1:], w=w, p=city
                )
                if alt != core:
                    trade_names.append(alt)
                if rng.random() < 0.2:
                    trade_names.append(f"{w} {city}")
            if aspiring:
                founded = None
                employees = None
            elif rng.random() < 0.22:
                founded = self.today - dt.timedelta(days=rng.randrange(5 * 365))
            elif rng.random() < 0.03:
                founded = None
            else:
                years = 5 + rng.expovariate(1 / 14) + (10 if size >= 3 else 0)
                founded = self.today - dt.timedelta(days=int(min(years, 110) * 365.25))
            start_idx = 0
            if founded is not None and founded - dt.timedelta(days=60) > window_start:
                start_idx = bisect.bisect_left(self.days, founded - dt.timedelta(days=60))
                start_idx = min(start_idx, len(self.days) - 1)
            domain = slug(core)[:40] or f"bedrijf{cid}"
            am = None
            if rng.random() < 0.7:
                am = self.territory[mi]
            created = self.day_starts[start_idx] - dt.timedelta(days=1, minutes=rng.randrange(600))
            self.c_rows.append(
                [
                    cid,
                    self.region_id,
                    "" if aspiring else f"{kvks[i]:08d}",
                    name,
                    trade_names,
                    legal,
                    employees,
                    founded,
                    rng.choice(data.STREETS),
                    1 + int(rng.random() ** 2 * 240),
                    rng.choice(["A", "B", "C", "-1", "-2"]) if rng.random() < 0.08 else "",
                    f"{rng.choice(pc4s)} {self.postcode_letters()}",
                    city,
                    self.munis[mi].pk,
                    f"info@{domain}.example" if rng.random() < 0.8 else "",
                    self.phone(area) if rng.random() < 0.85 else "",
                    f"https://www.{domain}.example" if rng.random() < 0.6 else "",
                    am,
                    created,
                    created,
                ]
            )
            self.c_id.append(cid)
            self.c_muni.append(mi)
            self.c_start.append(start_idx)
            weights.append(min(rng.paretovariate(1.4), 20.0) * (2.0 if size >= 2 else 1.0))

            self.company_sbi.add((cid, self.sbi[division]))
            if rng.random() < 0.15:
                other = rng.choices(sbi_codes, sbi_weights)[0]
                if other != division:
                    self.company_sbi.add((cid, self.sbi[other]))
            if rng.random() < 0.35:
                picks = rng.choices(self.theme_slugs, k=rng.randint(1, 2))
                for theme in dict.fromkeys(picks):
                    self.company_themes.add((cid, self.themes[theme]))
            assoc = self.cast.local_association.get(self.munis[mi].pk)
            if assoc and rng.random() < 0.12:
                self.company_assoc.add((cid, assoc))
            if vno and size >= 2 and rng.random() < 0.15:
                self.company_assoc.add((cid, vno))
            if lto and division == "01" and rng.random() < 0.3:
                self.company_assoc.add((cid, lto))
            if khn and division in ("55", "56") and rng.random() < 0.25:
                self.company_assoc.add((cid, khn))

            persons: list[int] = []
            count = 1 if size == 0 or aspiring else rng.choice([1, 1, 2, 2, 3])
            for p in range(count):
                first = rng.choice(data.FIRST_NAMES)
                family = f if p == 0 else rng.choice(data.FAMILY_NAMES)
                role = "eigenaar" if size == 0 else rng.choice(data.PERSON_ROLES)
                email = (
                    f"{slug(first)}.{slug(family)}@{domain}.example" if rng.random() < 0.7 else ""
                )
                phone = f"06-{rng.randrange(10000000, 99999999)}" if rng.random() < 0.6 else ""
                self.person.add(
                    (
                        person_id,
                        self.region_id,
                        cid,
                        f"{first} {family}",
                        role,
                        email,
                        phone,
                        created,
                        created,
                    )
                )
                recorder = am or rng.choice(self.advisor_ids)
                given = (created + dt.timedelta(days=rng.randrange(30))).date()
                if given > self.today:
                    given = self.today
                for k, purpose in enumerate(data.CONSENT_PURPOSES):
                    if (k == 0 and rng.random() < 0.92) or (k > 0 and rng.random() < 0.3):
                        withdrawn = None
                        if rng.random() < 0.03 and given < self.today:
                            withdrawn = given + dt.timedelta(
                                days=rng.randrange((self.today - given).days + 1)
                            )
                        self.consent.add(
                            (person_id, purpose, given, rng.choice(methods), recorder, withdrawn)
                        )
                persons.append(person_id)
                person_id += 1
            self.c_persons.append(persons)

        self.c_cum: list[float] = []
        total = 0.0
        for weight in weights:
            total += weight
            self.c_cum.append(total)
        self.by_muni: list[tuple[list[int], list[float]]] = []
        for mi in range(muni_count):
            members = [i for i in range(n) if self.c_muni[i] == mi]
            cum: list[float] = []
            acc = 0.0
            for i in members:
                acc += weights[i]
                cum.append(acc)
            self.by_muni.append((members, cum))

    def legal_form(self, size: int, division: str) -> str:
        rng = self.rng
        if division in ("85", "86", "87", "88", "90", "91", "93", "94") and rng.random() < (
            0.15 if size < 2 else 0.5
        ):
            if division in ("93", "94") and rng.random() < 0.5:
                return LegalForm.VERENIGING
            return LegalForm.STICHTING
        if division == "35" and rng.random() < 0.3:
            return LegalForm.COOPERATIE
        if division in ("01", "69", "86", "75") and size >= 1 and rng.random() < 0.3:
            return LegalForm.MAATSCHAP
        return str(weighted(rng, data.LEGAL_FORMS[size]))

    def with_legal_form(self, core: str, legal: str) -> str:
        rng = self.rng
        if legal == LegalForm.BV:
            return f"{core} B.V." if rng.random() < 0.85 else core
        if legal == LegalForm.NV:
            return f"{core} N.V."
        if legal == LegalForm.VOF:
            return f"{core} V.O.F." if rng.random() < 0.5 else core
        if legal == LegalForm.CV:
            return f"{core} C.V."
        if legal == LegalForm.STICHTING and not core.startswith("Stichting"):
            return f"Stichting {core}"
        if legal == LegalForm.VERENIGING and not core.startswith("Vereniging"):
            return f"Vereniging {core}"
        if legal == LegalForm.COOPERATIE and "oöperatie" not in core:
            return f"Coöperatie {core} U.A."
        if legal == LegalForm.MAATSCHAP and not core.startswith("Maatschap"):
            return f"Maatschap {core}"
        return core

    def phone(self, area: str) -> str:
        digits = 10 - len(area)
        return f"{area}-{self.rng.randrange(10 ** (digits - 1), 10**digits)}"

    def postcode_letters(self) -> str:
        while True:
            letters = "".join(self.rng.choices(data.POSTCODE_LETTERS, k=2))
            if letters not in ("SA", "SD", "SS"):
                return letters
