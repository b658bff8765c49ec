"""The instrument catalogue: schemes, vouchers, loans, advice, tables and events that an
entrepreneur can be pointed to, with the criteria that decide whom they fit.

Regional instruments carry their region; national and EU instruments have no region and
are shared by every region (``regions`` may narrow them to some). Every change is kept
as a version (``InstrumentVersion``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.core.models import Municipality, Region, Theme

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# An instrument not verified for this many days shows a stale warning internally.
STALE_AFTER_DAYS = 180


class Kind(models.TextChoices):
    SUBSIDY = "subsidy", _("subsidie")
    LOAN = "loan", _("lening")
    GUARANTEE = "guarantee", _("garantie")
    VOUCHER = "voucher", _("voucher")
    ADVICE = "advice", _("advies")
    TRAINING = "training", _("training")
    EVENT_SERIES = "event_series", _("netwerkbijeenkomsten")
    PEER_TABLE = "peer_table", _("ondernemerstafel")
    FINANCING_TABLE = "financing_table", _("financieringstafel")
    STUDENT_CAROUSEL = "student_carousel", _("studentencarrousel")
    CLUSTER_SUPPORT = "cluster_support", _("clusterondersteuning")
    INFORMATION = "information", _("informatie")


class Phase(models.TextChoices):
    """What the entrepreneur wants to achieve (the first question of the guide)."""

    START = "start", _("starten")
    GROWTH = "growth", _("groeien")
    INNOVATION = "innovation", _("innoveren")
    EXPORT = "export", _("exporteren")
    FINANCE = "finance", _("financiering vinden")
    DIGITALISATION = "digitalisation", _("digitaliseren")
    GREENING = "greening", _("verduurzamen")


class ProviderKind(models.TextChoices):
    PROGRAMME = "programme", _("het programma")
    PARTNER = "partner", _("een partner")
    NATIONAL = "national", _("landelijk")
    EU = "eu", _("Europees")


SHARED_PROVIDER_KINDS = (ProviderKind.NATIONAL, ProviderKind.EU)


def current_q(today: dt.date | None = None, prefix: str = "") -> Q:
    """Instruments that may be shown publicly today: published, budget not exhausted,
    open (from/until) and not past the deadline. The same rule as ``Instrument.is_current``."""
    today = today or timezone.localdate()
    p = prefix
    return (
        Q(**{f"{p}published": True, f"{p}budget_exhausted": False})
        & (Q(**{f"{p}open_from__isnull": True}) | Q(**{f"{p}open_from__lte": today}))
        & (Q(**{f"{p}open_until__isnull": True}) | Q(**{f"{p}open_until__gte": today}))
        & (Q(**{f"{p}deadline__isnull": True}) | Q(**{f"{p}deadline__gte": today}))
    )


def stale_q(today: dt.date | None = None) -> Q:
    """Instruments whose facts nobody checked for ``STALE_AFTER_DAYS`` days."""
    limit = (today or timezone.localdate()) - dt.timedelta(days=STALE_AFTER_DAYS)
    return Q(last_verified__isnull=True) | Q(last_verified__lt=limit)


def money_field(label: str | _StrPromise) -> models.DecimalField[Decimal | None, Decimal | None]:
    """An amount in euro excluding VAT, optional, never negative."""
    return models.DecimalField(
        label,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )


class Instrument(models.Model):
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("regio"),
        help_text=_("Leeg voor landelijke en Europese instrumenten: die delen alle regio's."),
    )
    slug = models.SlugField(_("webadres"), max_length=120, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    summary = models.CharField(_("korte omschrijving"), max_length=300)
    description = models.TextField(_("omschrijving"), blank=True)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    provider_kind = models.CharField(_("aanbieder"), max_length=10, choices=ProviderKind.choices)
    provider_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments_provided",
        verbose_name=_("aanbiedende organisatie"),
    )
    provider_name = models.CharField(
        _("naam aanbieder"),
        max_length=200,
        blank=True,
        help_text=_("Voor landelijke en Europese aanbieders, bijvoorbeeld RVO."),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="instruments", verbose_name=_("thema's")
    )
    phases = models.JSONField(_("fasen"), default=list, blank=True)
    keywords = models.CharField(
        _("zoekwoorden"),
        max_length=500,
        blank=True,
        help_text=_("Extra woorden waarop ondernemers dit instrument zoeken."),
    )
    # Target group criteria; empty means: no restriction.
    size_classes = models.JSONField(_("grootteklassen"), default=list, blank=True)
    employees_min = models.PositiveIntegerField(
        _("minimaal aantal werkzame personen"), null=True, blank=True
    )
    employees_max = models.PositiveIntegerField(
        _("maximaal aantal werkzame personen"), null=True, blank=True
    )
    company_age_min = models.PositiveSmallIntegerField(
        _("minimale leeftijd bedrijf (jaren)"), null=True, blank=True
    )
    company_age_max = models.PositiveSmallIntegerField(
        _("maximale leeftijd bedrijf (jaren)"), null=True, blank=True
    )
    sbi_included = models.JSONField(
        _("alleen voor SBI-codes"),
        default=list,
        blank=True,
        help_text=_("Secties (letters) of afdelingen (twee cijfers); leeg: alle sectoren."),
    )
    sbi_excluded = models.JSONField(_("niet voor SBI-codes"), default=list, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("alleen in gemeenten")
    )
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="+",
        verbose_name=_("alleen in regio's"),
        help_text=_("Voor een landelijk instrument dat maar in sommige regio's geldt."),
    )
    legal_forms = models.JSONField(_("rechtsvormen"), default=list, blank=True)
    amount_min = money_field(_("minimumbedrag (excl. btw)"))
    amount_max = money_field(_("maximumbedrag (excl. btw)"))
    own_contribution = money_field(_("eigen bijdrage (excl. btw)"))
    how_to_apply = models.TextField(_("zo vraagt u het aan"), blank=True)
    contact_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments_contact",
        verbose_name=_("contactorganisatie"),
        help_text=_("Een verwijzing naar dit instrument gaat naar deze organisatie."),
    )
    contact_name = models.CharField(_("contactpersoon"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mailadres contact"), blank=True)
    contact_phone = models.CharField(_("telefoon contact"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    open_from = models.DateField(_("open vanaf"), null=True, blank=True)
    open_until = models.DateField(_("open tot en met"), null=True, blank=True)
    deadline = models.DateField(_("uiterste aanvraagdatum"), null=True, blank=True)
    budget_exhausted = models.BooleanField(_("budget uitgeput"), default=False)
    published = models.BooleanField(
        _("gepubliceerd"),
        default=True,
        help_text=_("Niet gepubliceerd: alleen intern zichtbaar, bijvoorbeeld een concept."),
    )
    last_verified = models.DateField(_("laatst gecontroleerd"), null=True, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instruments_edited",
        verbose_name=_("verantwoordelijke redacteur"),
    )
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instrumenten")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                condition=Q(region__isnull=False),
                name="instrument_unique_name_in_region",
                violation_error_message=_("Er bestaat al een instrument met deze naam."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(region__isnull=True),
                name="instrument_unique_shared_name",
                violation_error_message=_("Er bestaat al een instrument met deze naam."),
            ),
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True)
                | Q(amount_max__isnull=True)
                | Q(amount_min__lte=models.F("amount_max")),
                name="instrument_amounts_in_order",
                violation_error_message=_("Het minimumbedrag is hoger dan het maximumbedrag."),
            ),
            models.CheckConstraint(
                condition=Q(open_from__isnull=True)
                | Q(open_until__isnull=True)
                | Q(open_from__lte=models.F("open_until")),
                name="instrument_open_dates_in_order",
                violation_error_message=_("'Open vanaf' ligt na 'open tot en met'."),
            ),
        ]
        indexes = [
            models.Index(fields=["region", "name"], name="instrument_region_idx"),
            models.Index(fields=["last_verified"], name="instrument_verified_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.region_id is None

    def is_current(self, today: dt.date | None = None) -> bool:
        """Shown publicly today: nothing stands in the way (see ``current_q``)."""
        return not self.not_current_reasons(today)

    def not_current_reasons(self, today: dt.date | None = None) -> list[str]:
        """Why the portal does not show this instrument (empty when it is current), in
        the order the editor would fix them."""
        today = today or timezone.localdate()
        reasons: list[str] = []
        if not self.published:
            reasons.append(str(_("niet gepubliceerd")))
        if self.budget_exhausted:
            reasons.append(str(_("budget uitgeput")))
        if self.open_from is not None and self.open_from > today:
            reasons.append(str(_("nog niet open")))
        if (self.open_until is not None and self.open_until < today) or (
            self.deadline is not None and self.deadline < today
        ):
            reasons.append(str(_("verlopen")))
        return reasons

    def is_stale(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.last_verified is None or (today - self.last_verified).days > STALE_AFTER_DAYS

    @property
    def provider_label(self) -> str:
        if self.provider_organisation_id is not None and self.provider_organisation:
            return self.provider_organisation.name
        return self.provider_name or str(self.get_provider_kind_display())

    @property
    def contact_phone_or_organisation(self) -> str:
        """The phone to call: the instrument's own, else its contact organisation's."""
        org = self.contact_organisation
        return self.contact_phone or (org.phone if org is not None else "")

    @property
    def website_or_organisation(self) -> str:
        org = self.contact_organisation
        return self.website or (org.website if org is not None else "")

    def get_phases_display(self) -> list[str]:
        labels = dict(Phase.choices)
        return [str(labels[p]) for p in self.phases if p in labels]


class InstrumentVersion(models.Model):
    """One saved state of an instrument: who changed what, and the whole record as it was."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="versions", verbose_name=_("instrument")
    )
    number = models.PositiveIntegerField(_("versie"))
    data = models.JSONField(_("gegevens"))
    changed_fields = models.JSONField(_("gewijzigde velden"), default=list, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )
    changed_at = models.DateTimeField(_("gewijzigd op"), default=timezone.now)
    note = models.CharField(_("toelichting"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("versie van een instrument")
        verbose_name_plural = _("versies van instrumenten")
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="instrument_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} v{self.number}"
