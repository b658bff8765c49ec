"""Monitoring: what a programme promised and what it did.

- ``ActionLine``: a line of the programme's plan of action (actielijn), e.g.
  "Digitalisering"; indicators and the report's narrative are per action line.
- ``Indicator``: a figure defined as data: a measure (``Measure``) and optional filters
  (theme, need, organisation, municipality, size class, starter, scheme, kind of event,
  new or known company). ``measures.py`` computes it with aggregate queries.
- ``Target``: what an indicator should reach in a year, a quarter or the whole
  programme period: a number, or a range (minimum and maximum, "5-10").
- ``Report``: the progress report of a programme for a quarter (or the final report),
  of one executing organisation or merged (no organisation). It is computed live while
  it is a draft; ``ReportVersion`` is a submitted snapshot: the figures as data and the
  PDF and XLSX as bytes, never recomputed. ``Narrative`` is its text per action line.
- ``BusinessCase``: a development agency's project with a company: expected and realised
  extra turnover, value created and jobs (FTE).
- ``SurveySettings`` / ``SurveyInvitation`` / ``SurveyOptOut``: the satisfaction survey
  after a case is closed or a trajectory completed, its answer, and who asked not to be
  asked again (by a hash of the e-mail address).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loket.companies.models import SizeClass
from loket.core.models import RegionalModel


class ActionLine(RegionalModel):
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        related_name="action_lines",
        verbose_name=_("programma"),
    )
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("actielijn")
        verbose_name_plural = _("actielijnen")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="action_line_unique_name",
                violation_error_message=_("Deze actielijn bestaat al in het programma."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Measure(models.TextChoices):
    """What an indicator counts. ``measures.py`` says how each is computed."""

    CASES = "cases", _("hulpvragen")
    INTAKES = "intakes", _("intakes")
    CONTACT_MOMENTS = "contact_moments", _("contactmomenten")
    COMPANIES_REACHED = "companies_reached", _("unieke bedrijven bereikt")
    TRAJECTORIES_STARTED = "trajectories_started", _("trajecten gestart")
    TRAJECTORIES_COMPLETED = "trajectories_completed", _("trajecten afgerond")
    TRAJECTORIES_PAID = "trajectories_paid", _("trajecten uitbetaald")
    VOUCHERS_PAID = "vouchers_paid", _("vouchers uitbetaald")
    EVENTS_HELD = "events_held", _("evenementen gehouden")
    EVENT_VISITS = "event_visits", _("bezoeken aan evenementen")
    EVENT_VISITORS = "event_visitors", _("unieke bedrijven op evenementen")
    TABLE_SESSIONS = "table_sessions", _("tafelsessies")
    CAROUSEL_PARTICIPANTS = "carousel_participants", _("bedrijven in een carrousel")
    CLUSTERS_FORMED = "clusters_formed", _("clusters gevormd")
    HOURS = "hours", _("uren")
    EUROS = "euros", _("euro's uitbetaald")
    SATISFACTION = "satisfaction", _("gemiddeld rapportcijfer")
    RESPONSE_RATE = "response_rate", _("respons op de tevredenheidsenquête (%)")


class Starter(models.TextChoices):
    ANY = "", _("alle bedrijven")
    YES = "yes", _("alleen starters (0-5 jaar)")
    NO = "no", _("geen starters")


class Newness(models.TextChoices):
    ANY = "", _("nieuwe en bekende bedrijven")
    NEW = "new", _("alleen nieuwe bedrijven")
    KNOWN = "known", _("alleen bekende bedrijven")


class Indicator(RegionalModel):
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("programma"),
    )
    action_line = models.ForeignKey(
        ActionLine,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("actielijn"),
    )
    name = models.CharField(_("naam"), max_length=200)
    measure = models.CharField(_("meet"), max_length=30, choices=Measure.choices)
    theme = models.ForeignKey(
        "core.Theme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thema"),
    )
    need = models.ForeignKey(
        "core.Need",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("behoefte"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeente"),
    )
    size_class = models.CharField(
        _("grootteklasse"), max_length=10, choices=SizeClass.choices, blank=True
    )
    starter = models.CharField(
        _("starters"), max_length=5, choices=Starter.choices, blank=True, default=Starter.ANY
    )
    scheme = models.ForeignKey(
        "programmes.Scheme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regeling"),
    )
    event_kind = models.CharField(_("soort evenement"), max_length=20, blank=True)
    newness = models.CharField(
        _("nieuw of bekend"), max_length=5, choices=Newness.choices, blank=True, default=Newness.ANY
    )
    description = models.TextField(_("toelichting"), blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")
        ordering = ["action_line__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="indicator_unique_name",
                violation_error_message=_("Deze indicator bestaat al in het programma."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Target(RegionalModel):
    class Period(models.TextChoices):
        YEAR = "year", _("jaar")
        QUARTER = "quarter", _("kwartaal")
        PROGRAMME = "programme", _("hele programmaperiode")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    period = models.CharField(_("periode"), max_length=10, choices=Period.choices)
    year = models.PositiveSmallIntegerField(
        _("jaar"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    quarter = models.PositiveSmallIntegerField(
        _("kwartaal"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    minimum = models.DecimalField(
        _("doel (minimaal)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    maximum = models.DecimalField(
        _("doel (maximaal)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Alleen voor een bandbreedte, zoals 5-10. Leeg: één getal."),
    )

    class Meta:
        verbose_name = _("streefwaarde")
        verbose_name_plural = _("streefwaarden")
        ordering = ["period", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(period="programme"),
                name="target_unique_programme",
                violation_error_message=_(
                    "Deze indicator heeft al een doel voor de hele programmaperiode."
                ),
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(period="year"),
                name="target_unique_year",
                violation_error_message=_("Deze indicator heeft al een doel voor dat jaar."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"],
                condition=Q(period="quarter"),
                name="target_unique_quarter",
                violation_error_message=_("Deze indicator heeft al een doel voor dat kwartaal."),
            ),
            models.CheckConstraint(
                condition=Q(maximum__isnull=True) | Q(maximum__gte=models.F("minimum")),
                name="target_range_in_order",
                violation_error_message=_("Het maximum is lager dan het minimum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.minimum}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.period in (self.Period.YEAR, self.Period.QUARTER) and not self.year:
            errors["year"] = _("Kies het jaar.")
        if self.period == self.Period.QUARTER and not self.quarter:
            errors["quarter"] = _("Kies het kwartaal.")
        if self.period != self.Period.QUARTER and self.quarter:
            errors["quarter"] = _("Een kwartaal hoort alleen bij een kwartaaldoel.")
        if self.period == self.Period.PROGRAMME and self.year:
            errors["year"] = _("Een doel voor de hele programmaperiode heeft geen jaar.")
        if self.maximum is not None and self.minimum is not None and self.maximum < self.minimum:
            errors["maximum"] = _("Het maximum is lager dan het minimum.")
        if errors:
            raise ValidationError(errors)


class Report(RegionalModel):
    """A progress report of a programme for a quarter or the final report, of one
    executing organisation (its share) or merged (``organisation`` empty)."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("kwartaalrapportage")
        FINAL = "final", _("eindrapportage")

    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("programma"),
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices, default=Kind.QUARTER)
    year = models.PositiveSmallIntegerField(_("jaar"))
    quarter = models.PositiveSmallIntegerField(
        _("kwartaal"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
        help_text=_("Leeg: de samengevoegde rapportage van het hele programma."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("aangemaakt door"),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("rapportage")
        verbose_name_plural = _("rapportages")
        ordering = ["-year", "-quarter", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "year", "quarter", "organisation"],
                name="report_unique_org",
                violation_error_message=_("Deze rapportage bestaat al."),
            ),
            models.UniqueConstraint(
                fields=["programme", "kind", "year", "quarter"],
                condition=Q(organisation__isnull=True),
                name="report_unique_merged",
                violation_error_message=_("Deze rapportage bestaat al."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year} K{self.quarter}"


class Narrative(RegionalModel):
    """The report's text for one action line: sanitised rich text."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="narratives", verbose_name=_("rapportage")
    )
    action_line = models.ForeignKey(
        ActionLine, on_delete=models.CASCADE, related_name="+", verbose_name=_("actielijn")
    )
    text = models.TextField(_("tekst"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("toelichting per actielijn")
        verbose_name_plural = _("toelichtingen per actielijn")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "action_line"],
                name="narrative_unique",
                violation_error_message=_("Deze actielijn heeft al een toelichting."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.action_line}"


class ReportVersion(RegionalModel):
    """A submitted report, frozen: the figures as data and the files as bytes."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="versions", verbose_name=_("rapportage")
    )
    number = models.PositiveSmallIntegerField(_("versie"))
    data = models.JSONField(_("gegevens"))
    pdf = models.BinaryField(_("PDF"))
    xlsx = models.BinaryField(_("XLSX"))
    pdf_sha256 = models.CharField(_("controlegetal PDF"), max_length=64)
    xlsx_sha256 = models.CharField(_("controlegetal XLSX"), max_length=64)
    note = models.TextField(_("opmerking bij deze versie"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ingediend door"),
    )
    submitted_at = models.DateTimeField(_("ingediend op"))

    class Meta:
        verbose_name = _("ingediende versie")
        verbose_name_plural = _("ingediende versies")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"],
                name="report_version_unique",
                violation_error_message=_("Deze versie bestaat al."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


def _money(label: Any, **kwargs: Any) -> Any:
    return models.DecimalField(
        label,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


def _fte(label: Any, **kwargs: Any) -> Any:
    return models.DecimalField(
        label,
        max_digits=7,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


class BusinessCase(RegionalModel):
    """A development agency's project with a company and what it brings the region."""

    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        related_name="business_cases",
        verbose_name=_("programma"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="business_cases",
        verbose_name=_("bedrijf"),
    )
    title = models.CharField(_("project"), max_length=200)
    started_on = models.DateField(_("gestart op"))
    expected_turnover = _money(_("verwachte extra omzet (€)"), default=Decimal("0"))
    expected_value = _money(_("verwachte toegevoegde waarde (€)"), default=Decimal("0"))
    expected_fte = _fte(_("verwachte banen (fte)"), default=Decimal("0"))
    realised_turnover = _money(_("gerealiseerde extra omzet (€)"), null=True, blank=True)
    realised_value = _money(_("gerealiseerde toegevoegde waarde (€)"), null=True, blank=True)
    realised_fte = _fte(_("gerealiseerde banen (fte)"), null=True, blank=True)
    realised_on = models.DateField(
        _("realisatie gemeten op"),
        null=True,
        blank=True,
        help_text=_("De datum waarop de gerealiseerde cijfers zijn vastgesteld."),
    )
    note = models.TextField(_("toelichting"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("aangemaakt door"),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("businesscase")
        verbose_name_plural = _("businesscases")
        ordering = ["-started_on", "title"]

    def __str__(self) -> str:
        return self.title


class SurveySettings(models.Model):
    """How a region runs its satisfaction survey."""

    region = models.OneToOneField(
        "core.Region",
        on_delete=models.CASCADE,
        related_name="survey_settings",
        verbose_name=_("regio"),
    )
    active = models.BooleanField(_("enquête versturen"), default=True)
    delay_days = models.PositiveSmallIntegerField(
        _("dagen na afsluiten"),
        default=7,
        validators=[MaxValueValidator(180)],
        help_text=_("Zoveel dagen na het afsluiten of afronden gaat de uitnodiging uit."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("herinnering na (dagen)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    valid_days = models.PositiveSmallIntegerField(
        _("link geldig (dagen)"),
        default=30,
        validators=[MinValueValidator(2), MaxValueValidator(180)],
    )

    class Meta:
        verbose_name = _("instellingen tevredenheidsonderzoek")
        verbose_name_plural = _("instellingen tevredenheidsonderzoek")

    def __str__(self) -> str:
        return str(self.region)

    def clean(self) -> None:
        if self.reminder_days and self.valid_days and self.reminder_days >= self.valid_days:
            raise ValidationError(
                {"reminder_days": _("De herinnering moet komen voordat de link verloopt.")}
            )


class SurveyInvitation(RegionalModel):
    """One invitation to the satisfaction survey, and its answer. At most one per company
    per quarter (of the closing date)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("gepland")
        SENT = "sent", _("verstuurd")
        ANSWERED = "answered", _("beantwoord")
        EXPIRED = "expired", _("verlopen")
        CANCELLED = "cancelled", _("niet verstuurd")

    class Recommend(models.TextChoices):
        YES = "yes", _("ja")
        MAYBE = "maybe", _("misschien")
        NO = "no", _("nee")

    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="survey_invitations",
        verbose_name=_("bedrijf"),
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("hulpvraag"),
    )
    trajectory = models.ForeignKey(
        "programmes.Trajectory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("traject"),
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("programma"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adviseur"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    instrument = models.ForeignKey(
        "catalogue.Instrument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instrument"),
    )
    email = models.EmailField(_("e-mailadres"))
    language = models.CharField(_("taal"), max_length=8, default="nl")
    token = models.CharField(_("sleutel"), max_length=64, unique=True)
    year = models.PositiveSmallIntegerField(_("jaar"))
    quarter = models.PositiveSmallIntegerField(_("kwartaal"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    send_after = models.DateTimeField(_("versturen na"))
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("herinnerd op"), null=True, blank=True)
    expires_at = models.DateTimeField(_("verloopt op"), null=True, blank=True)
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    mark = models.PositiveSmallIntegerField(
        _("rapportcijfer"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    helped = models.TextField(_("wat hielp"), blank=True)
    improve = models.TextField(_("wat kan beter"), blank=True)
    recommend = models.CharField(
        _("zou u ons aanbevelen"), max_length=5, choices=Recommend.choices, blank=True
    )

    class Meta:
        verbose_name = _("uitnodiging tevredenheidsonderzoek")
        verbose_name_plural = _("uitnodigingen tevredenheidsonderzoek")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "year", "quarter"],
                name="survey_once_per_quarter",
                violation_error_message=_("Dit bedrijf is dit kwartaal al uitgenodigd."),
            ),
            models.CheckConstraint(
                condition=Q(mark__isnull=True) | Q(mark__gte=1, mark__lte=10),
                name="survey_mark_1_10",
                violation_error_message=_("Een rapportcijfer ligt tussen 1 en 10."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="survey_due_idx"),
            models.Index(fields=["programme", "year", "quarter"], name="survey_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.year} K{self.quarter}"


class SurveyOptOut(RegionalModel):
    """An address that asked not to get the survey again (its SHA-256, not the address)."""

    email_hash = models.CharField(_("controlegetal e-mailadres"), max_length=64)
    created_at = models.DateTimeField(_("afgemeld op"), auto_now_add=True)

    class Meta:
        verbose_name = _("afmelding tevredenheidsonderzoek")
        verbose_name_plural = _("afmeldingen tevredenheidsonderzoek")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "email_hash"],
                name="survey_opt_out_unique",
                violation_error_message=_("Dit adres is al afgemeld."),
            )
        ]

    def __str__(self) -> str:
        return self.email_hash[:12]


class FigureStamp(models.Model):
    """A counter per region, raised whenever a record that figures count changes
    (``signals.py``): cached figures (``cache.py``) carry the stamp they were computed at
    and are recomputed once it moves on."""

    region = models.OneToOneField(
        "core.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("regio")
    )
    version = models.PositiveBigIntegerField(_("versie"), default=0)

    class Meta:
        verbose_name = _("stempel van de cijfers")
        verbose_name_plural = _("stempels van de cijfers")

    def __str__(self) -> str:
        return f"{self.region_id}: {self.version}"
