"""Help requests (cases), referrals and contact moments of the demo programme, built on
the companies of ``build_companies``, and the writing of every table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from loket.accounts.models import Organisation
from loket.casework.models import Case, ContactMoment, Referral
from loket.companies.models import Company, Consent, Person
from loket.core.workdays import add_working_days
from loket.demo import data
from loket.demo.build_companies import CompanyBuilder, weighted
from loket.demo.bulk import Table, next_id, reset_sequences, through


class History(CompanyBuilder):
    """Builds every generated row in memory, then writes them table by table."""

    # --- build -----------------------------------------------------------------------

    def build(self) -> None:
        self.build_companies()
        self.build_cases()
        self.build_referrals()
        self.build_contacts()

    # --- cases -----------------------------------------------------------------------

    def build_cases(self) -> None:
        rng = self.rng
        S = Case.Status
        last = len(self.days) - 1
        theme_weights = {k: v for k, v in data.CASE_THEMES.items() if k in self.themes}
        forced = [S.NEW, S.INTAKE, S.IN_PROGRESS, S.REFERRED, S.WAITING, S.CLOSED]
        partner_pool = [u for ids in self.cast.partner_users.values() for u in ids]
        manager_id = self.cast.manager.pk
        specs: list[dict[str, Any]] = []
        for i in range(self.scale.cases):
            c = self.pick_company()
            status: str = ""
            if i < len(forced):
                opened = self.moment(last - 8 + i, last - 8 + i)
                status = forced[i]
            else:
                opened = self.moment(self.c_start[c], bias=0.6)
            channel: str = weighted(rng, data.CHANNELS)
            if channel == "web" and rng.random() < 0.3:
                opened = opened + dt.timedelta(hours=rng.randint(9, 40))
            opened = self.clamp(opened, opened - dt.timedelta(hours=40))
            themes = [weighted(rng, theme_weights)]
            if rng.random() < 0.3:
                second = weighted(rng, theme_weights)
                if second != themes[0]:
                    themes.append(second)
            if not status:
                age = (self.now - opened).days
                if age > 60:
                    status = (
                        S.CLOSED if rng.random() < 0.96 else rng.choice([S.WAITING, S.IN_PROGRESS])
                    )
                elif age <= 3:
                    status = weighted(rng, data.STATUS_FRESH)
                else:
                    status = weighted(rng, data.STATUS_RECENT)
            am = self.c_rows[c][17]
            specialist = self.specialist_of.get(themes[0])
            roll = rng.random()
            if specialist and roll < 0.15:
                owner = specialist
            elif roll > 0.99:
                owner = manager_id
            elif am is not None:
                owner = am
            else:
                owner = self.territory[self.c_muni[c]]
                self.c_rows[c][17] = owner
            if channel == "referral" and partner_pool and rng.random() < 0.7:
                created_by = rng.choice(partner_pool)
            elif channel == "web" and rng.random() < 0.5:
                created_by = None
            else:
                created_by = owner
            local = timezone.localtime(opened, self.tz)
            deadline = add_working_days(local, self.first_response_days).astimezone(dt.UTC)
            first_response = None
            if status != S.NEW:
                span = (deadline - opened).total_seconds()
                if rng.random() < 0.85:
                    first_response = opened + dt.timedelta(
                        seconds=900 + rng.random() * max(span - 900, 0)
                    )
                else:
                    first_response = deadline + dt.timedelta(hours=1 + rng.random() * 70)
                first_response = self.clamp(first_response, opened)
            closed_at = None
            outcome = note = ""
            if status == S.CLOSED:
                assert first_response is not None
                closed_at = self.clamp(
                    first_response + dt.timedelta(hours=rng.random() * 1000), first_response
                )
                outcome = weighted(rng, data.OUTCOMES)
                note = rng.choice(data.OUTCOME_NOTES[outcome])
            persons = self.c_persons[c]
            specs.append(
                {
                    "company": c,
                    "opened": opened,
                    "status": status,
                    "themes": themes,
                    "channel": channel,
                    "owner": owner,
                    "created_by": created_by,
                    "deadline": deadline,
                    "first_response": first_response,
                    "closed": closed_at,
                    "outcome": outcome,
                    "note": note,
                    "person": persons[0] if persons and rng.random() < 0.7 else None,
                    "question": rng.choice(data.QUESTIONS[themes[0]]),
                }
            )
        specs.sort(key=lambda s: s["opened"])
        first_id = next_id(Case)
        for k, spec in enumerate(specs):
            spec["id"] = first_id + k
        self.cases = specs

    # --- referrals -------------------------------------------------------------------

    def build_referrals(self) -> None:
        rng = self.rng
        S = Case.Status
        R = Referral.Status
        cast = self.cast
        receivers = [o for o in cast.partners if cast.partner_users.get(o.pk)]
        by_theme: dict[str, list[int]] = {}
        for org in receivers:
            for theme in cast.org_themes[org.pk]:
                by_theme.setdefault(theme, []).append(org.pk)
        fallback = [
            o.pk
            for o in receivers
            if o.kind in (Organisation.Kind.CHAMBER, Organisation.Kind.DEVELOPMENT_AGENCY)
        ] or [o.pk for o in receivers]
        referred = [s for s in self.cases if s["status"] == S.REFERRED]
        others = [s for s in self.cases if s["status"] in (S.CLOSED, S.IN_PROGRESS, S.WAITING)]
        rng.shuffle(others)
        pool = referred + others
        chosen = pool[: self.scale.referrals]
        while len(chosen) < self.scale.referrals and pool:
            chosen.append(rng.choice(pool))
        self.referrals: list[dict[str, Any]] = []
        for case in chosen:
            theme = case["themes"][0]
            muni_id = self.munis[self.c_muni[case["company"]]].pk
            options = list(by_theme.get(theme, fallback))
            if theme in ("settlement", "labour-market", "starters"):
                local = cast.municipal_org.get(muni_id)
                if local and cast.partner_users.get(local):
                    options += [local] * 3
            to_org = rng.choice(options)
            if case["status"] == S.REFERRED:
                status = weighted(rng, data.REFERRAL_OF_REFERRED)
            elif case["status"] == S.CLOSED:
                status = weighted(rng, data.REFERRAL_OF_CLOSED)
            else:
                status = weighted(rng, data.REFERRAL_OF_OPEN)
            self.referrals.append({"case": case, "to": to_org, "status": status})
        # Every status at least once, on referrals of open cases where possible.
        present = {r["status"] for r in self.referrals}
        open_refs = [r for r in self.referrals if r["case"]["status"] != S.CLOSED]
        spare = open_refs[::-1] or self.referrals[::-1]
        for status in [s for s in R.values if s not in present]:
            for ref in spare:
                counts = sum(1 for r in self.referrals if r["status"] == ref["status"])
                if counts > 1:
                    ref["status"] = status
                    break
        first_id = next_id(Referral)
        for k, ref in enumerate(sorted(self.referrals, key=lambda r: r["case"]["opened"])):
            ref["id"] = first_id + k
            self.referral_times(ref)
            if ref["case"]["status"] == S.CLOSED and ref["status"] == R.COMPLETED:
                case = ref["case"]
                if case["closed"] < ref["completed"]:
                    case["closed"] = self.clamp(
                        ref["completed"] + dt.timedelta(days=1), ref["completed"]
                    )
                if rng.random() < 0.6:
                    case["outcome"] = Case.Outcome.REFERRED
                    case["note"] = rng.choice(data.OUTCOME_NOTES["referred"])

    def referral_times(self, ref: dict[str, Any]) -> None:
        rng = self.rng
        R = Referral.Status
        case = ref["case"]
        base = case["first_response"] or case["opened"]
        created = self.clamp(base + dt.timedelta(hours=rng.random() * 72), base)
        sent = responded = completed = None
        status = ref["status"]
        if status != R.PROPOSED:
            sent = self.clamp(created + dt.timedelta(minutes=5 + rng.random() * 120), created)
        if status in (R.ACCEPTED, R.DECLINED, R.COMPLETED):
            assert sent is not None
            responded = self.clamp(sent + dt.timedelta(hours=2 + rng.random() * 120), sent)
        if status == R.COMPLETED:
            assert responded is not None
            completed = self.clamp(responded + dt.timedelta(days=3 + rng.random() * 57), responded)
        users = self.cast.partner_users.get(ref["to"], [])
        ref.update(
            created=created,
            sent=sent,
            responded=responded,
            completed=completed,
            handled_by=rng.choice(users) if responded and users else None,
            message=rng.choice(data.REFERRAL_MESSAGES),
            decline_reason=rng.choice(data.DECLINE_REASONS) if status == R.DECLINED else "",
            feedback=rng.choice(data.FEEDBACK) if status == R.COMPLETED else "",
        )

    # --- contact moments -------------------------------------------------------------

    def build_contacts(self) -> None:
        rng = self.rng
        total = self.scale.contacts
        K = ContactMoment.Kind
        self.contact = Table(
            ContactMoment,
            [
                "id",
                "region_id",
                "company_id",
                "case_id",
                "kind",
                "occurred_at",
                "duration_minutes",
                "author_id",
                "organisation_id",
                "summary",
                "follow_up_on",
                "confidential",
                "created_at",
            ],
        )
        p_through, p_a, p_b = through(ContactMoment, "persons")
        t_through, t_a, t_b = through(ContactMoment, "themes")
        n_through, n_a, n_b = through(ContactMoment, "needs")
        self.contact_persons = Table(p_through, [f"{p_a}_id", f"{p_b}_id"])
        self.contact_themes = Table(t_through, [f"{t_a}_id", f"{t_b}_id"])
        self.contact_needs = Table(n_through, [f"{n_a}_id", f"{n_b}_id"])
        next_contact = next_id(ContactMoment)
        need_theme = {
            self.needs[n]: self.themes.get(t) for n, t in data.NEED_THEME.items() if n in self.needs
        }
        theme_ids = list(self.themes.values())
        today = self.today

        def add(
            c: int,
            case_id: int | None,
            kind: str,
            when: dt.datetime,
            author: int,
            org: int,
            *,
            needs: list[int] | None = None,
            themes: list[int] | None = None,
            person: int | None = None,
            confidential: bool = False,
        ) -> None:
            nonlocal next_contact
            cid = next_contact
            next_contact += 1
            lo, hi = data.DURATIONS[kind]
            duration = None if kind == K.EMAIL and rng.random() < 0.5 else rng.randint(lo, hi)
            summary = (
                rng.choice(data.CONFIDENTIAL_SUMMARIES)
                if confidential
                else rng.choice(data.CONTACT_SUMMARIES[kind])
            )
            follow = None
            if rng.random() < 0.12:
                follow = when.date() + dt.timedelta(days=rng.randint(7, 60))
                if follow <= today and rng.random() < 0.5:
                    follow = None
            self.contact.add(
                (
                    cid,
                    self.region_id,
                    self.c_id[c],
                    case_id,
                    kind,
                    when,
                    duration,
                    author,
                    org,
                    summary,
                    follow,
                    confidential,
                    when + dt.timedelta(minutes=rng.randint(1, 240)),
                )
            )
            if needs is None:
                if kind == K.INTAKE:
                    needs = self.pick_needs(rng.randint(1, 3))
                elif rng.random() < 0.2:
                    needs = self.pick_needs(1)
                else:
                    needs = []
            for need in needs:
                self.contact_needs.add((cid, need))
            if themes is None:
                themes = []
                if rng.random() < 0.35:
                    linked = need_theme.get(needs[0]) if needs else None
                    themes = [linked or rng.choice(theme_ids)]
            for theme in themes:
                self.contact_themes.add((cid, theme))
            persons = self.c_persons[c]
            if person is None and persons and rng.random() < 0.5:
                person = rng.choice(persons)
            if person is not None:
                self.contact_persons.add((cid, person))

        # 1. The contacts of help requests: the first response and the work that follows.
        budget = int(total * 0.4)
        S = Case.Status
        for case in self.cases:
            if len(self.contact) >= budget:
                break
            if case["first_response"] is None:
                continue
            c = case["company"]
            kind = (
                K.INTAKE
                if rng.random() < 0.5
                else {
                    "phone": K.PHONE,
                    "email": K.EMAIL,
                    "web": K.PHONE,
                    "event": K.PHONE,
                    "referral": K.PHONE,
                }[case["channel"]]
            )
            theme_ids_case = [self.themes[t] for t in case["themes"]]
            add(
                c,
                case["id"],
                kind,
                case["first_response"],
                case["owner"],
                self.bureau_id,
                themes=theme_ids_case,
                person=case["person"],
            )
            if case["status"] in (S.IN_PROGRESS, S.CLOSED, S.WAITING, S.REFERRED):
                end = case["closed"] or self.now
                for _ in range(rng.choice([0, 0, 1, 1, 2])):
                    if len(self.contact) >= budget:
                        break
                    when = case["first_response"] + (end - case["first_response"]) * rng.random()
                    add(
                        c,
                        case["id"],
                        rng.choice([K.PHONE, K.VISIT, K.EMAIL, K.VIDEO]),
                        when,
                        case["owner"],
                        self.bureau_id,
                        themes=theme_ids_case,
                    )
        # 2. Partners report on the referrals they took up.
        budget = len(self.contact) + int(total * 0.15)
        for ref in self.referrals:
            if len(self.contact) >= budget:
                break
            if ref["handled_by"] is None or ref["status"] not in ("accepted", "completed"):
                continue
            when = self.clamp(
                ref["responded"] + dt.timedelta(hours=rng.random() * 96), ref["responded"]
            )
            add(
                ref["case"]["company"],
                None,
                rng.choice([K.VISIT, K.PHONE, K.VIDEO]),
                when,
                ref["handled_by"],
                ref["to"],
            )
        # 3. Everything else: advisors seeking entrepreneurs out, partners' own contacts.
        cast = self.cast
        active = [o for o in cast.partners if cast.partner_users.get(o.pk)]
        org_weights = [len(cast.partner_users[o.pk]) for o in active]
        muni_index = {m.pk: i for i, m in enumerate(self.munis)}
        programme_staff = self.advisor_ids + list(self.specialist_of.values())
        while len(self.contact) < total:
            if rng.random() < 0.55 or not active:
                c = self.pick_company()
                am = self.c_rows[c][17]
                author = (
                    am if am is not None and rng.random() < 0.7 else rng.choice(programme_staff)
                )
                org = self.bureau_id
                kind = weighted(rng, data.PROGRAMME_KINDS)
                confidential = rng.random() < 0.02
            else:
                org_obj = rng.choices(active, org_weights)[0]
                org = org_obj.pk
                author = rng.choice(cast.partner_users[org])
                home = cast.org_municipality.get(org)
                if home is not None and org_obj.kind in (
                    Organisation.Kind.MUNICIPALITY,
                    Organisation.Kind.BUSINESS_ASSOCIATION,
                ):
                    c = self.pick_company_in(muni_index[home])
                else:
                    c = self.pick_company()
                kind = weighted(rng, data.PARTNER_KINDS)
                confidential = rng.random() < (
                    0.12 if org_obj.kind == Organisation.Kind.BANK else 0.03
                )
            add(c, None, kind, self.moment(self.c_start[c]), author, org, confidential=confidential)

    # --- write -----------------------------------------------------------------------

    def write(self) -> dict[str, int]:
        for row in self.c_rows:
            self.company.add(row)
        case_table = Table(
            Case,
            [
                "id",
                "region_id",
                "reference",
                "company_id",
                "person_id",
                "channel",
                "question",
                "status",
                "owner_id",
                "organisation_id",
                "opened_at",
                "deadline",
                "first_response_at",
                "closed_at",
                "outcome",
                "outcome_note",
                "created_by_id",
                "updated_at",
            ],
        )
        ct_through, ct_a, ct_b = through(Case, "themes")
        case_themes = Table(ct_through, [f"{ct_a}_id", f"{ct_b}_id"])
        for s in self.cases:
            year = timezone.localtime(s["opened"], self.tz).year
            case_table.add(
                (
                    s["id"],
                    self.region_id,
                    f"HV-{year}-{s['id']:06d}",
                    self.c_id[s["company"]],
                    s["person"],
                    s["channel"],
                    s["question"],
                    s["status"],
                    s["owner"],
                    self.bureau_id,
                    s["opened"],
                    s["deadline"],
                    s["first_response"],
                    s["closed"],
                    s["outcome"],
                    s["note"],
                    s["created_by"],
                    s["closed"] or s["first_response"] or s["opened"],
                )
            )
            for slug in s["themes"]:
                case_themes.add((s["id"], self.themes[slug]))
        referral_table = Table(
            Referral,
            [
                "id",
                "region_id",
                "case_id",
                "company_id",
                "from_organisation_id",
                "to_organisation_id",
                "created_by_id",
                "handled_by_id",
                "status",
                "message",
                "decline_reason",
                "feedback",
                "created_at",
                "sent_at",
                "responded_at",
                "completed_at",
            ],
        )
        for r in self.referrals:
            case = r["case"]
            referral_table.add(
                (
                    r["id"],
                    self.region_id,
                    case["id"],
                    self.c_id[case["company"]],
                    self.bureau_id,
                    r["to"],
                    case["owner"],
                    r["handled_by"],
                    r["status"],
                    r["message"],
                    r["decline_reason"],
                    r["feedback"],
                    r["created"],
                    r["sent"],
                    r["responded"],
                    r["completed"],
                )
            )
        counts: dict[str, int] = {}
        for label, table in [
            ("companies", self.company),
            ("company_sbi", self.company_sbi),
            ("company_themes", self.company_themes),
            ("company_associations", self.company_assoc),
            ("persons", self.person),
            ("consents", self.consent),
            ("cases", case_table),
            ("case_themes", case_themes),
            ("contact_moments", self.contact),
            ("contact_persons", self.contact_persons),
            ("contact_themes", self.contact_themes),
            ("contact_needs", self.contact_needs),
            ("referrals", referral_table),
        ]:
            counts[label] = table.write()
        reset_sequences([Company, Person, Consent, Case, ContactMoment, Referral])
        return counts
