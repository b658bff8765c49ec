"""Events and their registrations.

An event belongs to a programme and is always organised with partners: an organiser
(the organisation whose staff run it) and at least one co-organising partner that is not
the programme itself. It may count for a line of the programme's plan. A public event is
in the portal's calendar; an invitation-only event is reached only through its
invitation link (``invitation_token``).

A registration is one person's place: confirmed, on the waiting list or cancelled; after
the event its attendance is present or absent. Registrations link to the company and
person in the client record (found or created when the registration is made); the
personal cancel link carries ``token``. When attendance is made final, every attending
company gets a contact moment of kind event on its timeline (``contact_moment``).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.core.models import RegionalModel, Theme


def new_token() -> str:
    """An unguessable token for a link in an e-mail (URL-safe, 32 characters)."""
    return secrets.token_urlsafe(24)


class Event(RegionalModel):
    class Kind(models.TextChoices):
        NETWORK = "network", _("netwerkbijeenkomst")
        WORKSHOP = "workshop", _("workshop")
        MASTERCLASS = "masterclass", _("masterclass bij een bedrijf")
        CAFE = "cafe", _("innovatiecafé")
        WEBINAR = "webinar", _("webinar")
        TABLE = "table", _("tafelsessie")
        OTHER = "other", _("overig")

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PUBLISHED = "published", _("gepubliceerd")
        CANCELLED = "cancelled", _("afgelast")

    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("programma"),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("thema's"))
    starts_at = models.DateTimeField(_("begint"))
    ends_at = models.DateTimeField(_("eindigt"))
    online = models.BooleanField(_("online"), default=False)
    venue = models.CharField(_("locatie"), max_length=200, blank=True)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeente"),
    )
    online_url = models.URLField(
        _("link naar de online bijeenkomst"),
        max_length=500,
        blank=True,
        help_text=_("Alleen zichtbaar voor wie is aangemeld (in de bevestiging)."),
    )
    capacity = models.PositiveIntegerField(
        _("maximum aantal deelnemers"),
        null=True,
        blank=True,
        help_text=_("Leeg: geen maximum. Wie zich aanmeldt als het vol is, komt op de wachtlijst."),
    )
    registration_deadline = models.DateTimeField(_("aanmelden kan tot"), null=True, blank=True)
    organiser = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="events_organised",
        verbose_name=_("organisator"),
    )
    partners = models.ManyToManyField(
        "accounts.Organisation",
        related_name="events_co_organised",
        verbose_name=_("mede-organisatoren"),
    )
    host_company = models.ForeignKey(
        "companies.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events_hosted",
        verbose_name=_("gastbedrijf"),
    )
    plan_line = models.ForeignKey(
        "programmes.PlanLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("telt mee voor planregel"),
    )
    public = models.BooleanField(
        _("openbaar"),
        default=True,
        help_text=_("Openbaar: in de agenda op de website. Anders alleen op uitnodiging."),
    )
    invitation_token = models.CharField(
        max_length=43, unique=True, default=new_token, editable=False
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    attendance_final_at = models.DateTimeField(_("aanwezigheid vastgesteld"), null=True, blank=True)
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
        verbose_name = _("evenement")
        verbose_name_plural = _("evenementen")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["region", "starts_at"], name="event_region_start_idx"),
            models.Index(fields=["programme", "starts_at"], name="event_programme_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("Het einde moet na het begin liggen."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def attendance_final(self) -> bool:
        return self.attendance_final_at is not None

    def registration_closes_at(self) -> dt.datetime:
        """Registration closes at the deadline, or when the event starts."""
        return self.registration_deadline or self.starts_at

    def registration_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and now < self.registration_closes_at()


class Registration(RegionalModel):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("aangemeld")
        WAITING = "waiting", _("op de wachtlijst")
        CANCELLED = "cancelled", _("afgemeld")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("nog niet bekend")
        PRESENT = "present", _("aanwezig")
        ABSENT = "absent", _("niet verschenen")

    class Source(models.TextChoices):
        PORTAL = "portal", _("aanmelding via de website")
        STAFF = "staff", _("aangemeld door een medewerker")
        WALK_IN = "walk_in", _("binnenloper")
        WEBINAR = "webinar", _("webinarkijker (import)")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("evenement")
    )
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), blank=True)
    company_name = models.CharField(_("bedrijf"), max_length=200, blank=True)
    kvk_number = models.CharField(_("KvK-nummer"), max_length=8, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeente"),
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("bedrijf in de klantregistratie"),
    )
    person = models.ForeignKey(
        "companies.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("contactpersoon"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    attendance = models.CharField(
        _("aanwezigheid"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    source = models.CharField(_("herkomst"), max_length=10, choices=Source.choices)
    token = models.CharField(max_length=43, unique=True, default=new_token, editable=False)
    language = models.CharField(_("taal"), max_length=8, default="nl")
    consent_given_at = models.DateTimeField(_("toestemming gegeven"), null=True, blank=True)
    registered_at = models.DateTimeField(_("aangemeld op"), default=timezone.now)
    promoted_at = models.DateTimeField(_("van de wachtlijst op"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("afgemeld op"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("binnengekomen"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("herinnering verstuurd"), null=True, blank=True)
    viewing_minutes = models.PositiveIntegerField(_("kijktijd (minuten)"), null=True, blank=True)
    contact_moment = models.ForeignKey(
        "casework.ContactMoment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contactmoment"),
    )
    follow_up_case = models.ForeignKey(
        "casework.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opvolging"),
    )

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["registered_at", "id"]
        indexes = [
            models.Index(
                fields=["event", "status", "registered_at"], name="registration_queue_idx"
            ),
            models.Index(fields=["company", "event"], name="registration_company_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(email="") & ~Q(status="cancelled"),
                name="registration_unique_email",
                violation_error_message=_("Dit e-mailadres is al aangemeld voor dit evenement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.event_id})"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED
