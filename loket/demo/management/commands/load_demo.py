"""``manage.py load_demo``: the fictional Drenthe programme, for demos and benchmarks.

Refuses to run unless ``DEBUG`` or ``LOKET_DEMO_ALLOWED`` is on: never in production.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote, urlencode

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from loket.companies.search import rebuild_search_index
from loket.core.models import Region
from loket.demo.activities import load_activities
from loket.demo.activities import summary as activity_summary
from loket.demo.generator import REGION_SLUG, Scale, demo_allowed, flush, generate, is_loaded
from loket.demo.monitoring import load_monitoring_counts
from loket.demo.monitoring import summary as monitoring_summary
from loket.demo.people import CREDENTIALS, DEMO_PASSWORD, DEMO_TOTP_SECRET
from loket.demo.programmes import existing_programme, load_programme
from loket.demo.programmes import summary as programme_summary


def totp_uri(email: str) -> str:
    issuer = getattr(settings, "MFA_TOTP_ISSUER", "") or "Loket"
    params = urlencode({"secret": DEMO_TOTP_SECRET, "issuer": issuer}, quote_via=quote)
    return f"otpauth://totp/{quote(f'{issuer}:{email}')}?{params}"


def current_code() -> tuple[str, int]:
    period = getattr(settings, "MFA_TOTP_PERIOD", 30)
    now = int(time.time())
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // period)), period - now % period


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Laad de fictieve demoregio Drenthe / load the fictional Drenthe demo region "
        "(alleen met DEBUG of LOKET_DEMO_ALLOWED / only with DEBUG or LOKET_DEMO_ALLOWED)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = Scale()
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--companies", type=int, default=default.companies)
        parser.add_argument("--contacts", type=int, default=default.contacts)
        parser.add_argument("--cases", type=int, default=default.cases)
        parser.add_argument("--referrals", type=int, default=default.referrals)
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Wis eerst de regionale gegevens / wipe the regional data first.",
        )
        parser.add_argument(
            "--if-empty",
            "--skip-if-loaded",
            dest="skip_if_loaded",
            action="store_true",
            help="Niets doen als de demo al geladen is / do nothing if already loaded.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_allowed():
            raise CommandError(
                "Geweigerd: demodata alleen met DEBUG=1 of LOKET_DEMO_ALLOWED=1, nooit in "
                "productie. / Refused: demo data only with DEBUG=1 or LOKET_DEMO_ALLOWED=1, "
                "never in production."
            )
        for name in ("companies", "contacts", "cases", "referrals"):
            if options[name] < 0:
                raise CommandError(f"--{name} moet 0 of meer zijn / must be 0 or more.")
        if is_loaded() and not options["flush"]:
            if options["skip_if_loaded"]:
                self.stdout.write("Demo is al geladen / demo already loaded.")
                self.top_up(options["seed"])
                self.print_credentials()
                return
            raise CommandError(
                "De demoregio is al geladen; gebruik --flush om opnieuw te laden. / "
                "The demo region is already loaded; use --flush to load it again."
            )
        if options["flush"]:
            started = time.perf_counter()
            flush()
            self.stdout.write(f"Gewist / flushed ({time.perf_counter() - started:.1f} s).")
        result = generate(
            seed=options["seed"],
            scale=Scale(
                companies=options["companies"],
                contacts=options["contacts"],
                cases=options["cases"],
                referrals=options["referrals"],
            ),
        )
        c = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo geladen / demo loaded in {result.seconds:.1f} s: regio Drenthe, "
                f"{c['municipalities']} gemeenten, {c['organisations']} organisaties, "
                f"{_n(c['users'])} gebruikers, {_n(c['companies'])} bedrijven, "
                f"{_n(c['contact_moments'])} contactmomenten, {_n(c['cases'])} hulpvragen, "
                f"{_n(c['referrals'])} verwijzingen, {_n(c['instruments'])} instrumenten, "
                f"{_n(c['assignment_rules'])} toewijzingsregels."
            )
        )
        self.stdout.write(
            programme_summary(
                {
                    k.removeprefix("programme_"): v
                    for k, v in c.items()
                    if k.startswith("programme_")
                }
            )
        )
        self.stdout.write(
            activity_summary(
                {k.removeprefix("activity_"): v for k, v in c.items() if k.startswith("activity_")}
            )
        )
        self.stdout.write(
            monitoring_summary(
                {
                    k.removeprefix("monitoring_"): v
                    for k, v in c.items()
                    if k.startswith("monitoring_")
                }
            )
        )
        if options["verbosity"] >= 2:
            steps = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
            self.stdout.write(f"Stappen / steps: {steps}")
        self.print_credentials()

    def top_up(self, seed: int) -> None:
        """A demo loaded before the programme part (or its events and collectives) existed
        gets it now."""
        region = Region.objects.filter(slug=REGION_SLUG).first()
        if region is None:
            return
        if existing_programme(region) is None:
            with transaction.atomic():
                counts = load_programme(region, today=timezone.localdate(), seed=seed)
            if counts:
                self.stdout.write(self.style.SUCCESS(programme_summary(counts)))
        programme = existing_programme(region)
        if programme is not None and not programme.action_lines.exists():
            with transaction.atomic():
                monitoring = load_monitoring_counts(region, today=timezone.localdate(), seed=seed)
            self.stdout.write(
                self.style.SUCCESS(
                    monitoring_summary(
                        {k.removeprefix("monitoring_"): v for k, v in monitoring.items()}
                    )
                )
            )
        if programme is None or (programme.events.exists() and programme.collectives.exists()):
            return
        with transaction.atomic():
            activities = load_activities(region, today=timezone.localdate(), seed=seed)
        rebuild_search_index()  # the collectives bring two companies from outside the region
        self.stdout.write(
            self.style.SUCCESS(
                activity_summary({k.removeprefix("activity_"): v for k, v in activities.items()})
            )
        )

    def print_credentials(self) -> None:
        out = self.stdout
        out.write("")
        out.write(f"Inloggen / log in — wachtwoord / password: {DEMO_PASSWORD}")
        for role, email, totp in CREDENTIALS:
            out.write(f"  {role:<38} {email}{'  (+ TOTP)' if totp else ''}")
        code, valid = current_code()
        out.write("")
        out.write("TOTP (tweestapsverificatie / two-factor) voor manager en beheer:")
        out.write(f"  geheim / secret: {DEMO_TOTP_SECRET}")
        for _role, email, totp in CREDENTIALS:
            if totp:
                out.write(f"  {totp_uri(email)}")
        out.write(f"  code nu / current code: {code} (nog / valid {valid} s)")
