"""Companies, their contact persons and consent, and the SBI sector classification."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from loket.companies.validators import validate_kvk_number, validate_postcode
from loket.core.models import Municipality, RegionalModel, Theme


class SbiCode(models.Model):
    """SBI (the Dutch NACE): sections (A-U) and divisions (two digits), shipped as data."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name_nl = models.CharField(_("omschrijving"), max_length=250)
    name_en = models.CharField(_("omschrijving (Engels)"), max_length=250)
    section = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="divisions",
        verbose_name=_("sectie"),
    )

    class Meta:
        verbose_name = _("SBI-code")
        verbose_name_plural = _("SBI-codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_nl

    @property
    def is_section(self) -> bool:
        return self.section_id is None


class SizeClass(models.TextChoices):
    """EU size classes by employees; the brief's 'small (2-50)' is micro plus small."""

    ZZP = "zzp", _("zzp (1)")
    MICRO = "micro", _("micro (2-9)")
    SMALL = "small", _("klein (10-49)")
    MEDIUM = "medium", _("middelgroot (50-249)")
    LARGE = "large", _("groot (250+)")

    @classmethod
    def of(cls, employees: int | None) -> SizeClass | None:
        if employees is None:
            return None
        if employees <= 1:
            return cls.ZZP
        if employees < 10:
            return cls.MICRO
        if employees < 50:
            return cls.SMALL
        if employees < 250:
            return cls.MEDIUM
        return cls.LARGE

    @classmethod
    def employee_range(cls, value: str) -> tuple[int, int | None]:
        """Inclusive lower and upper bound of employees for a size class (for filters)."""
        return {
            cls.ZZP: (0, 1),
            cls.MICRO: (2, 9),
            cls.SMALL: (10, 49),
            cls.MEDIUM: (50, 249),
            cls.LARGE: (250, None),
        }[cls(value)]


class LegalForm(models.TextChoices):
    EENMANSZAAK = "eenmanszaak", _("eenmanszaak")
    VOF = "vof", _("vennootschap onder firma")
    MAATSCHAP = "maatschap", _("maatschap")
    CV = "cv", _("commanditaire vennootschap")
    BV = "bv", _("besloten vennootschap")
    NV = "nv", _("naamloze vennootschap")
    COOPERATIE = "cooperatie", _("coöperatie")
    VERENIGING = "vereniging", _("vereniging")
    STICHTING = "stichting", _("stichting")
    OTHER = "other", _("anders")


STARTER_YEARS = 5


class Company(RegionalModel):
    kvk_number = models.CharField(
        _("KvK-nummer"),
        max_length=8,
        blank=True,
        validators=[validate_kvk_number],
        help_text=_("8 cijfers; leeg voor een aspirant-ondernemer zonder inschrijving."),
    )
    name = models.CharField(_("naam"), max_length=200)
    trade_names = models.JSONField(_("handelsnamen"), default=list, blank=True)
    legal_form = models.CharField(
        _("rechtsvorm"), max_length=20, choices=LegalForm.choices, blank=True
    )
    sbi_codes = models.ManyToManyField(
        SbiCode, blank=True, related_name="companies", verbose_name=_("SBI-codes")
    )
    employees = models.PositiveIntegerField(_("aantal werkzame personen"), null=True, blank=True)
    founded_on = models.DateField(_("opgericht op"), null=True, blank=True)
    street = models.CharField(_("straat"), max_length=200, blank=True)
    house_number = models.PositiveIntegerField(_("huisnummer"), null=True, blank=True)
    house_number_addition = models.CharField(_("toevoeging"), max_length=10, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companies",
        verbose_name=_("gemeente"),
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="companies", verbose_name=_("thema's")
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_companies",
        verbose_name=_("accountmanager"),
    )
    business_associations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="member_companies",
        verbose_name=_("lid van ondernemersverenigingen"),
        limit_choices_to={"kind": "business_association"},
    )
    created_by_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door organisatie"),
        help_text=_("Een partner ziet de bedrijven die zijn organisatie vastlegde."),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("bedrijf")
        verbose_name_plural = _("bedrijven")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kvk_number"],
                condition=~models.Q(kvk_number=""),
                name="company_unique_kvk_per_region",
                violation_error_message=_(
                    "Er staat al een bedrijf met dit KvK-nummer in de regio."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["kvk_number"], name="company_kvk_idx"),
            models.Index(fields=["postcode", "house_number"], name="company_address_idx"),
            models.Index(fields=["region", "name", "id"], name="company_region_name_idx"),
            models.Index(fields=["region", "municipality"], name="company_region_muni_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def size_class(self) -> SizeClass | None:
        return SizeClass.of(self.employees)

    @property
    def age_years(self) -> int | None:
        if self.founded_on is None:
            return None
        today = timezone.localdate()
        years = today.year - self.founded_on.year
        if (today.month, today.day) < (self.founded_on.month, self.founded_on.day):
            years -= 1
        return years

    @property
    def is_starter(self) -> bool:
        age = self.age_years
        return age is not None and age < STARTER_YEARS

    @property
    def address_line(self) -> str:
        number = f"{self.house_number or ''}{self.house_number_addition}".strip()
        return f"{self.street} {number}".strip()


class Person(RegionalModel):
    """A contact person of a company. Personal data: every view is audited."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="persons", verbose_name=_("bedrijf")
    )
    name = models.CharField(_("naam"), max_length=200)
    role = models.CharField(
        _("functie of rol"), max_length=100, blank=True, help_text=_("Bijv. eigenaar, directeur.")
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Consent(models.Model):
    """What a person agreed to, when, and how (AVG/GDPR)."""

    class Method(models.TextChoices):
        VERBAL = "verbal", _("mondeling")
        WRITTEN = "written", _("schriftelijk")
        WEB_FORM = "web_form", _("webformulier")
        EMAIL = "email", _("e-mail")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("persoon")
    )
    purpose = models.CharField(
        _("waarvoor"),
        max_length=200,
        help_text=_("Bijv. gegevens delen met partners van het programma."),
    )
    given_on = models.DateField(_("gegeven op"), default=dt.date.today)
    method = models.CharField(_("hoe"), max_length=20, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return self.purpose


class CompanySearchEntry(models.Model):
    """The search document of one company, kept current by ``loket.companies.search``.

    ``document`` is what the trigram index searches (FTS5 on SQLite, pg_trgm on PostgreSQL,
    see migration 0003): name, trade names, contact persons, city, municipality, postcode
    and KvK number, folded to lowercase ASCII. The other columns keep the readable values
    for ranking and for showing what matched, one value per line.
    """

    company = models.OneToOneField(
        Company,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name=_("bedrijf"),
    )
    # The company's region, like every regional row, so that visibility filters the entry
    # without joining the company. Nullable only so SQLite adds the column in place
    # (rebuilding the table would drop the index triggers); reindexing always fills it.
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regio"),
    )
    names = models.TextField(_("naam en handelsnamen"), blank=True)
    persons = models.TextField(_("contactpersonen"), blank=True)
    place = models.TextField(_("plaats, gemeente, postcode en KvK-nummer"), blank=True)
    document = models.TextField(_("zoekdocument"), blank=True)

    class Meta:
        verbose_name = _("zoekregel")
        verbose_name_plural = _("zoekindex")

    def __str__(self) -> str:
        return self.names.split("\n", 1)[0]
