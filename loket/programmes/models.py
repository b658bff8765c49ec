"""Programmes and their money and time: funders, hourly rates, the plan, schemes,
trajectories with vouchers, and hour registration.

Money is ``Decimal`` with two places and excludes VAT unless a name says ``_incl_vat``.
A plan line's hours are split over funders in percent; its out-of-pocket costs are per
funder, including VAT; a line that hands out trajectories of a scheme adds, per
trajectory, the scheme's granted amount (to the scheme's funder) and the company's own
contribution (to the programme's own-contributions funder), both including VAT. The
financing overview (``financing.py``) and the realisation (``realisation.py``) are
computed from these rows; nothing computed is stored.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loket.core.models import RegionalModel

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def cents(amount: Decimal) -> Decimal:
    """Round to whole cents, half up (as accountants do)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _amount(label: Any, **kwargs: Any) -> Any:
    return models.DecimalField(
        label,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


def _hours(label: Any, **kwargs: Any) -> Any:
    return models.DecimalField(
        label,
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


def _percent(label: Any, **kwargs: Any) -> Any:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)],
        **kwargs,
    )


class Programme(RegionalModel):
    """A support programme of a region over a period, e.g. 1 May 2014 - 31 December 2015."""

    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    starts_on = models.DateField(_("begindatum"))
    ends_on = models.DateField(_("einddatum"))
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        related_name="programmes",
        blank=True,
        verbose_name=_("uitvoerende organisaties"),
    )
    hours_cap_per_company = _hours(
        _("maximum uren per bedrijf"),
        null=True,
        blank=True,
        help_text=_(
            "Geldt voor uren op een bedrijf buiten een traject; een regeling kan een eigen "
            "maximum hebben. Leeg: geen maximum."
        ),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("programma")
        verbose_name_plural = _("programma's")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="programme_unique_name",
                violation_error_message=_("Er is al een programma met deze naam in de regio."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="programme_period_in_order",
                violation_error_message=_("De einddatum ligt voor de begindatum."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                raise ValidationError({"ends_on": _("De einddatum ligt voor de begindatum.")})
            if self.ends_on.year - self.starts_on.year > 10:
                raise ValidationError(
                    {"ends_on": _("Een programma duurt hoogstens tien kalenderjaren.")}
                )

    @property
    def years(self) -> list[int]:
        return list(range(self.starts_on.year, self.ends_on.year + 1))


class Funder(RegionalModel):
    """Who pays: the province, the chamber of commerce, a national deal, or the companies
    themselves through their own contributions."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("provincie")
        MUNICIPALITY = "municipality", _("gemeente")
        CHAMBER = "chamber", _("Kamer van Koophandel")
        NATIONAL = "national", _("Rijk / landelijke regeling")
        EU = "eu", _("Europese Unie")
        COMPANIES = "companies", _("ondernemers (eigen bijdragen)")
        OTHER = "other", _("overig")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="funders", verbose_name=_("programma")
    )
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("financier")
        verbose_name_plural = _("financiers")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="funder_unique_name",
                violation_error_message=_("Deze financier staat al in het programma."),
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(kind="companies"),
                name="funder_one_own_contributions",
                violation_error_message=_(
                    "Een programma heeft één financier voor de eigen bijdragen van ondernemers."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HourlyRate(RegionalModel):
    """An executing organisation's standard hourly rate excluding VAT, from a year on
    (until a later year's rate replaces it)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="rates", verbose_name=_("programma")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    year = models.PositiveSmallIntegerField(
        _("vanaf jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    rate = models.DecimalField(
        _("uurtarief (excl. btw)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("uurtarief")
        verbose_name_plural = _("uurtarieven")
        ordering = ["organisation__name", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation", "year"],
                name="rate_unique_year",
                violation_error_message=_("Deze organisatie heeft voor dit jaar al een tarief."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.rate}"


class ActivityType(RegionalModel):
    """A kind of activity of the plan and of hour registration: conversations, events,
    cluster meetings, innovation trajectories, project management, anything a programme
    defines."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="activity_types",
        verbose_name=_("programma"),
    )
    name = models.CharField(_("naam"), max_length=120)
    code = models.SlugField(_("code"), max_length=50)
    default_hours_per_unit = _hours(_("standaard urennorm per eenheid"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("activiteitsoort")
        verbose_name_plural = _("activiteitsoorten")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"],
                name="activity_type_unique_code",
                violation_error_message=_("Deze code is al in gebruik in het programma."),
            ),
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="activity_type_unique_name",
                violation_error_message=_("Deze activiteitsoort bestaat al in het programma."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Scheme(RegionalModel):
    """A regeling: what one trajectory is worth, what is granted, what the company pays,
    how many there are, and who may take part (the criteria of a catalogue instrument)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="schemes", verbose_name=_("programma")
    )
    name = models.CharField(_("naam"), max_length=200)
    instrument = models.ForeignKey(
        "catalogue.Instrument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schemes",
        verbose_name=_("instrument in de catalogus"),
        help_text=_("De doelgroepcriteria van dit instrument bepalen wie mag deelnemen."),
    )
    funder = models.ForeignKey(
        Funder,
        on_delete=models.PROTECT,
        related_name="schemes",
        verbose_name=_("financier van de toekenningen"),
    )
    value = _amount(_("waarde van een traject (excl. btw)"))
    max_granted = _amount(_("maximaal toegekend bedrag (excl. btw)"))
    own_contribution = _amount(_("eigen bijdrage bedrijf (excl. btw)"), default=ZERO)
    vat_rate = _percent(_("btw-tarief (%)"), default=Decimal("21.00"))
    available = models.PositiveIntegerField(_("aantal beschikbaar in de programmaperiode"))
    budget = _amount(
        _("budget voor toekenningen (excl. btw)"),
        null=True,
        blank=True,
        help_text=_("Leeg: aantal beschikbaar maal het maximaal toegekende bedrag."),
    )
    min_participants = models.PositiveSmallIntegerField(
        _("minimaal aantal deelnemende bedrijven"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    hours_norm = _hours(_("urennorm per traject (eigen specialisten)"), null=True, blank=True)
    hours_cap_per_company = _hours(
        _("maximum uren per bedrijf"),
        null=True,
        blank=True,
        help_text=_("Bijvoorbeeld 24. Leeg: geen maximum."),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("regeling")
        verbose_name_plural = _("regelingen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="scheme_unique_name",
                violation_error_message=_("Deze regeling bestaat al in het programma."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.value is not None and self.max_granted is not None:
            if self.max_granted > self.value:
                errors["max_granted"] = _(
                    "Het toegekende bedrag is hoger dan de waarde van een traject."
                )
            if self.own_contribution is not None and self.own_contribution > self.value:
                errors["own_contribution"] = _(
                    "De eigen bijdrage is hoger dan de waarde van een traject."
                )
        if errors:
            raise ValidationError(errors)

    def incl_vat(self, amount: Decimal) -> Decimal:
        """An amount excluding VAT with this scheme's VAT, rounded to the cent."""
        return cents(amount * (HUNDRED + self.vat_rate) / HUNDRED)

    @property
    def max_granted_incl_vat(self) -> Decimal:
        return self.incl_vat(self.max_granted)

    @property
    def own_contribution_incl_vat(self) -> Decimal:
        return self.incl_vat(self.own_contribution)

    @property
    def value_incl_vat(self) -> Decimal:
        return self.incl_vat(self.value)

    @property
    def total_budget(self) -> Decimal:
        if self.budget is not None:
            return self.budget
        return self.max_granted * self.available

    @property
    def is_collective(self) -> bool:
        return self.min_participants > 1


class PlanLine(RegionalModel):
    """One line of the programme plan: an activity type in a year by an executing
    organisation, with its hours (count x norm, or a fixed number) split over funders."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="plan_lines", verbose_name=_("programma")
    )
    year = models.PositiveSmallIntegerField(
        _("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="plan_lines",
        verbose_name=_("activiteit"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uitvoerende organisatie"),
    )
    description = models.CharField(_("toelichting"), max_length=300, blank=True)
    count = models.PositiveIntegerField(_("aantal"), default=1)
    hours_per_unit = _hours(_("urennorm per eenheid"), null=True, blank=True)
    fixed_hours = _hours(_("vast aantal uren"), null=True, blank=True)
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_lines",
        verbose_name=_("regeling"),
        help_text=_("Als deze regel trajecten uitgeeft: het aantal is het aantal trajecten."),
    )
    position = models.PositiveIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("planregel")
        verbose_name_plural = _("planregels")
        ordering = ["year", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "activity_type", "organisation"],
                name="plan_line_unique",
                violation_error_message=_(
                    "Deze activiteit staat voor deze organisatie al in het plan van dat jaar."
                ),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_unit__isnull=True) | Q(fixed_hours__isnull=True),
                name="plan_line_one_kind_of_hours",
                violation_error_message=_(
                    "Vul een urennorm per eenheid óf een vast aantal uren in, niet allebei."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.activity_type} ({self.organisation})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.hours_per_unit is not None and self.fixed_hours is not None:
            errors["fixed_hours"] = _(
                "Vul een urennorm per eenheid óf een vast aantal uren in, niet allebei."
            )
        programme = self.programme if self.programme_id else None
        if programme is not None and self.year and self.year not in programme.years:
            errors["year"] = _("Het jaar valt buiten de looptijd van het programma.")
        if (
            programme is not None
            and self.scheme is not None
            and self.scheme.programme_id != programme.pk
        ):
            errors["scheme"] = _("Deze regeling hoort bij een ander programma.")
        if (
            programme is not None
            and self.activity_type_id is not None
            and self.activity_type.programme_id != programme.pk
        ):
            errors["activity_type"] = _("Deze activiteitsoort hoort bij een ander programma.")
        if errors:
            raise ValidationError(errors)

    @property
    def hours(self) -> Decimal:
        """Planned hours: count x norm per unit, or the fixed number."""
        if self.fixed_hours is not None:
            return self.fixed_hours
        if self.hours_per_unit is not None:
            return self.hours_per_unit * self.count
        return ZERO


class PlanLineFunding(RegionalModel):
    """A funder's part of a plan line: a share of its hours and out-of-pocket costs."""

    line = models.ForeignKey(
        PlanLine, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("planregel")
    )
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="fundings", verbose_name=_("financier")
    )
    hours_share = _percent(_("aandeel in de uren (%)"), default=ZERO)
    out_of_pocket_incl_vat = _amount(_("out-of-pocket (incl. btw)"), default=ZERO)

    class Meta:
        verbose_name = _("financiering van een planregel")
        verbose_name_plural = _("financiering van planregels")
        ordering = ["funder__position", "funder__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "funder"],
                name="plan_line_funding_unique",
                violation_error_message=_("Deze financier staat al bij de planregel."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.line}: {self.funder} {self.hours_share} %"


def check_shares(shares: list[Decimal], hours: Decimal) -> str | None:
    """The problem with a line's hour shares, or None: they must add up to exactly 100 %
    when the line has hours (0 % everywhere is allowed for a line without hours)."""
    from loket.core.numbers import percent

    total = sum(shares, ZERO)
    if total == HUNDRED or (hours == 0 and total == ZERO):
        return None
    return str(
        _("De aandelen in de uren tellen op tot %(total)s in plaats van 100 %%.")
        % {"total": percent(total, 2)}
    )


class Trajectory(RegionalModel):
    """A trajectory of a scheme for a company, or for a group of companies (a cluster
    trajectory). Approval commits its granted amount against the scheme's budget."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("aangevraagd")
        APPROVED = "approved", _("goedgekeurd")
        RUNNING = "running", _("loopt")
        COMPLETED = "completed", _("afgerond")
        EVALUATED = "evaluated", _("geëvalueerd")
        WITHDRAWN = "withdrawn", _("ingetrokken")

    class Origin(models.TextChoices):
        APPLICATION = "application", _("aangevraagd door het bedrijf")
        PROPOSAL = "proposal", _("voorgesteld door een adviseur")

    # Statuses in which the trajectory holds part of the scheme's number and budget.
    COMMITTED = (Status.APPROVED, Status.RUNNING, Status.COMPLETED, Status.EVALUATED)

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="trajectories",
        verbose_name=_("programma"),
    )
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="trajectories", verbose_name=_("regeling")
    )
    title = models.CharField(_("titel"), max_length=200)
    goal = models.TextField(_("vraag en doel"), blank=True)
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="trajectories",
        verbose_name=_("bedrijf (aanvrager of penvoerder)"),
    )
    participants: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "companies.Company",
        through="TrajectoryParticipant",
        related_name="trajectory_participations",
        verbose_name=_("deelnemende bedrijven"),
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trajectories",
        verbose_name=_("hulpvraag"),
    )
    origin = models.CharField(_("herkomst"), max_length=20, choices=Origin.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    granted_amount = _amount(
        _("toegekend bedrag (excl. btw)"),
        null=True,
        blank=True,
        help_text=_("Leeg: het maximaal toegekende bedrag van de regeling."),
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("specialist"),
    )
    supplier_name = models.CharField(
        _("externe deskundige (leverancier)"), max_length=200, blank=True
    )
    supplier_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplied_trajectories",
        verbose_name=_("organisatie van de leverancier"),
    )
    deliverable = models.TextField(_("resultaat (op te leveren)"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ingediend door"),
    )
    applied_on = models.DateField(_("aangevraagd op"))
    approved_on = models.DateField(_("goedgekeurd op"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goedgekeurd door"),
    )
    started_on = models.DateField(_("gestart op"), null=True, blank=True)
    completed_on = models.DateField(_("afgerond op"), null=True, blank=True)
    evaluated_on = models.DateField(_("geëvalueerd op"), null=True, blank=True)
    evaluation = models.TextField(_("evaluatie"), blank=True)
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reden van intrekken"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("traject")
        verbose_name_plural = _("trajecten")
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["scheme", "status"], name="trajectory_scheme_status"),
            models.Index(fields=["programme", "status"], name="trajectory_programme_status"),
        ]

    def __str__(self) -> str:
        return self.title


class TrajectoryParticipant(models.Model):
    trajectory = models.ForeignKey(
        Trajectory, on_delete=models.CASCADE, related_name="participations"
    )
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("bedrijf")
    )

    class Meta:
        verbose_name = _("deelnemer")
        verbose_name_plural = _("deelnemers")
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "company"],
                name="trajectory_participant_unique",
                violation_error_message=_("Dit bedrijf neemt al deel aan het traject."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.trajectory_id}: {self.company_id}"


class Voucher(RegionalModel):
    """The voucher of an approved trajectory, issued to its company and redeemed when the
    supplier's invoice is registered; the paid amount is what counts."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("uitgegeven")
        REDEEMED = "redeemed", _("verzilverd")
        CANCELLED = "cancelled", _("vervallen")

    trajectory = models.OneToOneField(
        Trajectory, on_delete=models.CASCADE, related_name="voucher", verbose_name=_("traject")
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="vouchers",
        verbose_name=_("bedrijf"),
    )
    code = models.CharField(_("vouchercode"), max_length=20, unique=True)
    amount = _amount(_("waarde (excl. btw)"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ISSUED
    )
    issued_on = models.DateField(_("uitgegeven op"))
    invoice_number = models.CharField(_("factuurnummer"), max_length=50, blank=True)
    invoice_date = models.DateField(_("factuurdatum"), null=True, blank=True)
    invoice_amount = _amount(_("factuurbedrag (excl. btw)"), null=True, blank=True)
    paid_amount = _amount(_("betaald bedrag (excl. btw)"), null=True, blank=True)
    paid_on = models.DateField(_("betaald op"), null=True, blank=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.code


class HourEntry(RegionalModel):
    """Hours someone worked in the programme on one day, on an activity type, for a
    company or trajectory where it applies."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="hour_entries",
        verbose_name=_("programma"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hour_entries",
        verbose_name=_("medewerker"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    date = models.DateField(_("datum"))
    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="hour_entries",
        verbose_name=_("activiteit"),
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hour_entries",
        verbose_name=_("bedrijf"),
    )
    trajectory = models.ForeignKey(
        Trajectory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hour_entries",
        verbose_name=_("traject"),
    )
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hour_entries",
        verbose_name=_("evenement"),
    )
    hours = models.DecimalField(
        _("uren"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    note = models.CharField(_("notitie"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("urenregel")
        verbose_name_plural = _("urenregels")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["programme", "date"], name="hours_programme_date"),
            models.Index(fields=["user", "date"], name="hours_user_date"),
            models.Index(fields=["company", "programme"], name="hours_company"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.hours}"


class CapOverride(RegionalModel):
    """A programme manager's permission to spend more hours on a company than its cap
    (the scheme's, or the programme's outside trajectories), with the reason."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="cap_overrides",
        verbose_name=_("programma"),
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="cap_overrides",
        verbose_name=_("bedrijf"),
    )
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cap_overrides",
        verbose_name=_("regeling"),
        help_text=_("Leeg: het maximum van het programma voor uren buiten een traject."),
    )
    extra_hours = models.DecimalField(
        _("extra uren"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("1000"))],
    )
    reason = models.TextField(_("reden"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("toegestaan door"),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("toestemming voor extra uren")
        verbose_name_plural = _("toestemmingen voor extra uren")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"+{self.extra_hours}"
