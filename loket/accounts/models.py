"""Organisations, users (e-mail login), memberships with roles, personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.core.models import Municipality, RegionalModel


class Organisation(RegionalModel):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("provincie")
        MUNICIPALITY = "municipality", _("gemeente")
        CHAMBER = "chamber", _("Kamer van Koophandel")
        DEVELOPMENT_AGENCY = "development_agency", _("ontwikkelingsmaatschappij")
        SCHOOL = "school", _("onderwijsinstelling")
        BANK = "bank", _("bank")
        CLUSTER = "cluster", _("clusterorganisatie")
        BUSINESS_ASSOCIATION = "business_association", _("ondernemersvereniging")
        ADVISORY = "advisory", _("adviesbureau")
        PROGRAMME = "programme", _("programmabureau")
        OTHER = "other", _("overig")

    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    email = models.EmailField(
        _("e-mailadres"), blank=True, help_text=_("Voor meldingen van nieuwe verwijzingen.")
    )
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("gemeente"),
        help_text=_("Voor een gemeente of lokale ondernemersvereniging."),
    )
    is_programme_partner = models.BooleanField(_("partner van het programma"), default=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="organisation_unique_name",
                violation_error_message=_("Er bestaat al een organisatie met deze naam."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("naam"), max_length=200)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    language = models.CharField(
        _("taal"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(_("toegang tot Django-beheer"), default=False)
    date_joined = models.DateTimeField(_("aangemaakt"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    ADVISOR = "advisor", _("ondernemersadviseur")
    SPECIALIST = "specialist", _("themaspecialist")
    PARTNER = "partner", _("partnermedewerker")
    PROGRAMME_MANAGER = "programme_manager", _("programmamanager")
    ADMINISTRATOR = "administrator", _("beheerder")


class Membership(models.Model):
    """A user works for an organisation in a role. A user may have several."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("gebruiker")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisatie"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    is_team_lead = models.BooleanField(_("teamleider"), default=False)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="membership_unique_role",
                violation_error_message=_("Deze gebruiker heeft deze rol al bij deze organisatie."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the token is shown once."""

    PREFIX = "lkt_"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("gebruiker")
    )
    name = models.CharField(_("omschrijving"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("herkenning"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    expires_at = models.DateTimeField(_("verloopt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, user: User, name: str, expires_at: Any = None) -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_hash=_hash_token(raw), hint=raw[:8], expires_at=expires_at
        )
        return token, raw

    @classmethod
    def find(cls, raw: str) -> ApiToken | None:
        if not raw.startswith(cls.PREFIX):
            return None
        return (
            cls.objects.active()
            .select_related("user")
            .filter(key_hash=_hash_token(raw), user__is_active=True)
            .first()
        )
