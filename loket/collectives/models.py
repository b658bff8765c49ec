"""Collective instruments: one model with kinds.

- cluster: at least 3 companies, at most half of them from outside the region, a shared
  opportunity and a phase (discover, develop, organise); it can be marked formed only
  when the rule holds, and a formed cluster keeps to it when members change;
- cooperation initiative: at least 2 companies from the region;
- tables (entrepreneur, financing, crisis, theme, country): sessions with the experts
  present and the cases entrepreneurs bring in, with advice and next steps that land on
  the company's timeline; a case brought in is heard within the table's service level
  (a crisis table convenes faster);
- carousels (export, growth): rounds with a school partner, students in teams, and
  matches of companies to teams with a research question, period, result and rating.

A company is "from the region" when its municipality belongs to the collective's region
(a company without a municipality of the region counts as from outside).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.core.models import RegionalModel, Theme

CLUSTER_MIN_COMPANIES = 3
COOPERATION_MIN_COMPANIES = 2
# Working days within which a table convenes for a case brought in.
TABLE_SERVICE_LEVEL_DAYS = 15
CRISIS_SERVICE_LEVEL_DAYS = 2


class Collective(RegionalModel):
    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("cluster")
        COOPERATION = "cooperation", _("samenwerkingsinitiatief")
        ENTREPRENEUR_TABLE = "entrepreneur_table", _("ondernemerstafel")
        FINANCING_TABLE = "financing_table", _("financieringstafel")
        CRISIS_TABLE = "crisis_table", _("crisistafel")
        THEME_TABLE = "theme_table", _("thematafel")
        COUNTRY_TABLE = "country_table", _("landentafel")
        EXPORT_CAROUSEL = "export_carousel", _("exportcarrousel")
        GROWTH_CAROUSEL = "growth_carousel", _("groeicarrousel")

    GROUPS = (Kind.CLUSTER, Kind.COOPERATION)
    TABLES = (
        Kind.ENTREPRENEUR_TABLE,
        Kind.FINANCING_TABLE,
        Kind.CRISIS_TABLE,
        Kind.THEME_TABLE,
        Kind.COUNTRY_TABLE,
    )
    CAROUSELS = (Kind.EXPORT_CAROUSEL, Kind.GROWTH_CAROUSEL)

    class Phase(models.TextChoices):
        DISCOVER = "discover", _("verkennen")
        DEVELOP = "develop", _("ontwikkelen")
        ORGANISE = "organise", _("organiseren")

    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="collectives",
        verbose_name=_("programma"),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("thema's"))
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="collectives",
        verbose_name=_("verantwoordelijke organisatie"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trekker"),
    )
    opportunity = models.TextField(_("gezamenlijke kans"), blank=True)
    phase = models.CharField(_("fase"), max_length=10, choices=Phase.choices, blank=True)
    formed_on = models.DateField(_("gevormd op"), null=True, blank=True)
    country = models.CharField(_("land"), max_length=100, blank=True)
    service_level_days = models.PositiveSmallIntegerField(
        _("bijeenkomen binnen (werkdagen)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Binnen hoeveel werkdagen de tafel bijeenkomt voor een ingebrachte casus."),
    )
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangemaakt door"),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("collectief instrument")
        verbose_name_plural = _("collectieve instrumenten")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["region", "kind"], name="collective_region_kind_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_group(self) -> bool:
        return self.kind in self.GROUPS

    @property
    def is_table(self) -> bool:
        return self.kind in self.TABLES

    @property
    def is_carousel(self) -> bool:
        return self.kind in self.CAROUSELS

    def table_service_level(self) -> int:
        """Working days within which the table convenes for a case brought in."""
        if self.service_level_days:
            return self.service_level_days
        if self.kind == self.Kind.CRISIS_TABLE:
            return CRISIS_SERVICE_LEVEL_DAYS
        return TABLE_SERVICE_LEVEL_DAYS


class Member(RegionalModel):
    class Role(models.TextChoices):
        LEAD = "lead", _("trekker")
        MEMBER = "member", _("deelnemer")
        SUPPLIER = "supplier", _("toeleverancier")

    collective = models.ForeignKey(
        Collective, on_delete=models.CASCADE, related_name="members", verbose_name=_("collectief")
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="collective_memberships",
        verbose_name=_("bedrijf"),
    )
    role = models.CharField(_("rol"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    interests = models.CharField(
        _("talen en landen van interesse"),
        max_length=300,
        blank=True,
        help_text=_("Gescheiden door komma's, bijvoorbeeld: Duits, Duitsland, Scandinavië."),
    )
    joined_on = models.DateField(_("lid sinds"), default=timezone.localdate)
    left_on = models.DateField(_("lid tot"), null=True, blank=True)

    class Meta:
        verbose_name = _("deelnemend bedrijf")
        verbose_name_plural = _("deelnemende bedrijven")
        ordering = ["collective", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "company"],
                name="member_unique_company",
                violation_error_message=_("Dit bedrijf doet al mee."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} in {self.collective_id}"

    @property
    def active(self) -> bool:
        return self.left_on is None


class TableSession(RegionalModel):
    collective = models.ForeignKey(
        Collective, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("tafel")
    )
    held_at = models.DateTimeField(_("datum en tijd"))
    location = models.CharField(_("locatie"), max_length=200, blank=True)
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="table_sessions",
        verbose_name=_("aanwezige deskundigen"),
    )
    notes = models.TextField(_("aantekeningen"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("tafelsessie")
        verbose_name_plural = _("tafelsessies")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.collective_id} {self.held_at:%Y-%m-%d}"


class TableCase(RegionalModel):
    """A case an entrepreneur brings in to a table: heard at a session within the
    table's service level; the advice and next steps land on the company's timeline."""

    collective = models.ForeignKey(
        Collective, on_delete=models.CASCADE, related_name="table_cases", verbose_name=_("tafel")
    )
    session = models.ForeignKey(
        TableSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("sessie"),
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="table_cases",
        verbose_name=_("bedrijf"),
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hulpvraag"),
    )
    question = models.TextField(_("ingebrachte vraag"))
    requested_on = models.DateField(_("ingebracht op"), default=timezone.localdate)
    convene_by = models.DateField(_("bespreken vóór"))
    advice = models.TextField(_("advies"), blank=True)
    next_steps = models.TextField(_("afgesproken vervolgstappen"), blank=True)
    contact_moment = models.ForeignKey(
        "casework.ContactMoment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contactmoment"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("ingebrachte casus")
        verbose_name_plural = _("ingebrachte casussen")
        ordering = ["convene_by", "id"]

    def __str__(self) -> str:
        return f"{self.company_id} at {self.collective_id}"


class CarouselRound(RegionalModel):
    collective = models.ForeignKey(
        Collective, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("carrousel")
    )
    name = models.CharField(_("naam"), max_length=200)
    school = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="carousel_rounds",
        verbose_name=_("onderwijspartner"),
    )
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kennismakelaar"),
    )
    starts_on = models.DateField(_("begindatum"))
    ends_on = models.DateField(_("einddatum"))

    class Meta:
        verbose_name = _("carrouselronde")
        verbose_name_plural = _("carrouselrondes")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="round_ends_after_start",
                violation_error_message=_("De einddatum moet op of na de begindatum liggen."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StudentTeam(RegionalModel):
    round = models.ForeignKey(
        CarouselRound, on_delete=models.CASCADE, related_name="teams", verbose_name=_("ronde")
    )
    name = models.CharField(_("naam"), max_length=100)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("thema's"))
    languages = models.CharField(_("talen"), max_length=200, blank=True)
    countries = models.CharField(_("landen"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("studententeam")
        verbose_name_plural = _("studententeams")
        ordering = ["round", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"],
                name="team_unique_name",
                violation_error_message=_("Er is al een team met deze naam in deze ronde."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Student(RegionalModel):
    round = models.ForeignKey(
        CarouselRound, on_delete=models.CASCADE, related_name="students", verbose_name=_("ronde")
    )
    team = models.ForeignKey(
        StudentTeam,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="students",
        verbose_name=_("team"),
    )
    name = models.CharField(_("naam"), max_length=200)
    school = models.CharField(_("onderwijsinstelling"), max_length=200)
    study_programme = models.CharField(_("opleiding"), max_length=200)
    year_of_study = models.PositiveSmallIntegerField(
        _("studiejaar"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    email = models.EmailField(_("e-mailadres"), blank=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("studenten")
        ordering = ["round", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Match(RegionalModel):
    """A company matched to a student team for a research assignment."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("bevestigd")
        COMPLETED = "completed", _("afgerond")
        CANCELLED = "cancelled", _("vervallen")

    round = models.ForeignKey(
        CarouselRound, on_delete=models.CASCADE, related_name="matches", verbose_name=_("ronde")
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="carousel_matches",
        verbose_name=_("bedrijf"),
    )
    team = models.ForeignKey(
        StudentTeam, on_delete=models.CASCADE, related_name="matches", verbose_name=_("team")
    )
    research_question = models.TextField(_("onderzoeksvraag"))
    starts_on = models.DateField(_("van"), null=True, blank=True)
    ends_on = models.DateField(_("tot"), null=True, blank=True)
    result = models.TextField(_("resultaat"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("waardering door het bedrijf"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Een cijfer van 1 tot en met 10."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bevestigd door"),
    )
    confirmed_at = models.DateTimeField(_("bevestigd op"), default=timezone.now)

    class Meta:
        verbose_name = _("koppeling")
        verbose_name_plural = _("koppelingen")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "company"],
                condition=~Q(status="cancelled"),
                name="match_unique_company",
                violation_error_message=_(
                    "Dit bedrijf is in deze ronde al aan een team gekoppeld."
                ),
            ),
            models.UniqueConstraint(
                fields=["round", "team"],
                condition=~Q(status="cancelled"),
                name="match_unique_team",
                violation_error_message=_(
                    "Dit team is in deze ronde al aan een bedrijf gekoppeld."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=10),
                name="match_rating_range",
                violation_error_message=_("De waardering is een cijfer van 1 tot en met 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} - {self.team_id}"
