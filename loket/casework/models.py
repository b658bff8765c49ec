"""Contact moments, help requests (cases) and referrals."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.core.models import Need, RegionalModel, Theme


class ContactMoment(RegionalModel):
    class Kind(models.TextChoices):
        PHONE = "phone", _("telefoon")
        VISIT = "visit", _("bezoek")
        EMAIL = "email", _("e-mail")
        VIDEO = "video", _("videogesprek")
        INTAKE = "intake", _("intake")
        EVENT = "event", _("contact op evenement")
        TABLE = "table", _("tafelsessie")

    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="contact_moments",
        verbose_name=_("bedrijf"),
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_moments",
        verbose_name=_("hulpvraag"),
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("datum en tijd"))
    duration_minutes = models.PositiveIntegerField(_("duur (minuten)"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contact_moments",
        verbose_name=_("vastgelegd door"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="contact_moments",
        verbose_name=_("organisatie"),
    )
    persons = models.ManyToManyField(
        "companies.Person", blank=True, related_name="contact_moments", verbose_name=_("aanwezig")
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("thema's"))
    needs = models.ManyToManyField(
        Need, blank=True, related_name="contact_moments", verbose_name=_("behoeften")
    )
    summary = models.TextField(_("verslag"))
    follow_up_on = models.DateField(_("opvolgen op"), null=True, blank=True)
    confidential = models.BooleanField(
        _("vertrouwelijk"),
        default=False,
        help_text=_("Alleen zichtbaar binnen de eigen organisatie."),
    )
    signal = models.TextField(
        _("signaal voor beleid"),
        blank=True,
        help_text=_(
            "Wat beleidsmakers moeten weten (antennefunctie): een knelpunt of kans die u "
            "vaker hoort. Komt zonder naam van het bedrijf in de rapportage."
        ),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("contactmoment")
        verbose_name_plural = _("contactmomenten")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-occurred_at"], name="contact_company_idx"),
            models.Index(fields=["region", "-occurred_at"], name="contact_region_idx"),
            # Figures of a programme: counted from the index alone (monitoring.measures).
            models.Index(
                fields=["region", "occurred_at", "organisation", "kind", "company"],
                name="contact_figures_idx",
            ),
            models.Index(fields=["organisation", "company"], name="contact_org_company_idx"),
            models.Index(fields=["author", "follow_up_on"], name="contact_follow_up_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%d-%m-%Y}"


class Case(RegionalModel):
    """A help request: every question has an owner and a deadline."""

    class Channel(models.TextChoices):
        WEB = "web", _("website")
        PHONE = "phone", _("telefoon")
        EMAIL = "email", _("e-mail")
        REFERRAL = "referral", _("verwijzing door partner")
        EVENT = "event", _("evenement")

    class Status(models.TextChoices):
        NEW = "new", _("nieuw")
        INTAKE = "intake", _("intake")
        IN_PROGRESS = "in_progress", _("in behandeling")
        REFERRED = "referred", _("doorverwezen")
        WAITING = "waiting", _("wacht op ondernemer")
        CLOSED = "closed", _("afgesloten")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("vraag beantwoord")
        REFERRED = "referred", _("doorverwezen en afgerond")
        INSTRUMENT = "instrument", _("instrument ingezet")
        NO_NEED = "no_need", _("geen hulp meer nodig")
        UNREACHABLE = "unreachable", _("ondernemer niet bereikbaar")
        OTHER = "other", _("anders")

    OPEN_STATUSES = (
        Status.NEW,
        Status.INTAKE,
        Status.IN_PROGRESS,
        Status.REFERRED,
        Status.WAITING,
    )

    reference = models.CharField(_("kenmerk"), max_length=20, unique=True, editable=False)
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="cases",
        verbose_name=_("bedrijf"),
    )
    person = models.ForeignKey(
        "companies.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("contactpersoon"),
    )
    channel = models.CharField(_("kanaal"), max_length=10, choices=Channel.choices)
    question = models.TextField(_("vraag"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("thema's"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("eigenaar"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("organisatie"),
    )
    opened_at = models.DateTimeField(_("ontvangen"))
    deadline = models.DateTimeField(_("reageren vóór"))
    first_response_at = models.DateTimeField(_("eerste reactie"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("toelichting uitkomst"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangemaakt door"),
    )
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("hulpvraag")
        verbose_name_plural = _("hulpvragen")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status", "deadline"], name="case_queue_idx"),
            models.Index(fields=["company", "-opened_at"], name="case_company_idx"),
            models.Index(fields=["region", "status", "deadline"], name="case_region_idx"),
            models.Index(
                fields=["region", "opened_at", "organisation", "company"], name="case_figures_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def awaits_response(self) -> bool:
        return self.is_open and self.first_response_at is None

    @property
    def is_overdue(self) -> bool:
        """Still waiting for a first response after the deadline (see
        ``queries.overdue_q``, the same rule in SQL)."""
        return self.awaits_response and self.deadline < timezone.now()

    @property
    def is_due_today(self) -> bool:
        return (
            self.awaits_response
            and not self.is_overdue
            and timezone.localtime(self.deadline).date() == timezone.localdate()
        )

    @property
    def response_time(self) -> dt.timedelta | None:
        """How long the first response took after the question came in."""
        if self.first_response_at is None:
            return None
        return max(self.first_response_at - self.opened_at, dt.timedelta(0))


class Referral(RegionalModel):
    """A case handed to a partner organisation; the case owner stays the account manager."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("voorgesteld")
        SENT = "sent", _("verstuurd")
        ACCEPTED = "accepted", _("geaccepteerd")
        DECLINED = "declined", _("afgewezen")
        COMPLETED = "completed", _("afgerond")

    OPEN_STATUSES = (Status.PROPOSED, Status.SENT, Status.ACCEPTED)

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("hulpvraag")
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name=_("bedrijf"),
    )
    from_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("van organisatie"),
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("naar organisatie"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("verwezen door"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_handled",
        verbose_name=_("behandeld door"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    instrument = models.ForeignKey(
        "catalogue.Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("instrument"),
        help_text=_("Het instrument waarvoor de ondernemer is doorverwezen."),
    )
    message = models.TextField(_("toelichting voor de partner"))
    decline_reason = models.TextField(_("reden van afwijzing"), blank=True)
    feedback = models.TextField(_("terugkoppeling"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    sent_at = models.DateTimeField(_("verstuurd"), null=True, blank=True)
    responded_at = models.DateTimeField(_("gereageerd"), null=True, blank=True)
    completed_at = models.DateTimeField(_("afgerond"), null=True, blank=True)

    class Meta:
        verbose_name = _("verwijzing")
        verbose_name_plural = _("verwijzingen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["to_organisation", "status", "-created_at"], name="ref_inbox_idx"),
            models.Index(fields=["company", "-created_at"], name="ref_company_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.to_organisation}"


class AssignmentRule(RegionalModel):
    """Who picks up a question from the public portal: by municipality and theme, round
    robin within the team. The most specific active rule wins (municipality and theme,
    then municipality, then theme, then the catch-all rule with neither)."""

    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeente"),
        help_text=_("Leeg: elke gemeente."),
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thema"),
        help_text=_("Leeg: elk thema."),
    )
    advisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assignment_rules", verbose_name=_("team")
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("laatst toegewezen aan"),
    )
    active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("toewijzingsregel")
        verbose_name_plural = _("toewijzingsregels")
        ordering = ["municipality__name", "theme__position", "id"]

    def __str__(self) -> str:
        return f"{self.municipality or _('elke gemeente')} / {self.theme or _('elk thema')}"

    @property
    def specificity(self) -> int:
        return (2 if self.municipality_id else 0) + (1 if self.theme_id else 0)
