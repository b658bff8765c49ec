"""Regions, municipalities, reference lists (themes, needs) and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A programme region (e.g. Drenthe). Every regional row carries its region."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(_("code"), max_length=50, unique=True)
    first_response_working_days = models.PositiveSmallIntegerField(
        _("reactietermijn (werkdagen)"),
        default=1,
        help_text=_("Binnen hoeveel werkdagen een nieuwe hulpvraag een eerste reactie krijgt."),
    )

    class Meta:
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegionalModel(models.Model):
    """Abstract base: every regional record has a region (Zulip's realm)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("regio"))

    class Meta:
        abstract = True


class Municipality(RegionalModel):
    name = models.CharField(_("naam"), max_length=100)
    cbs_code = models.CharField(_("CBS-code"), max_length=6, help_text=_("Bijvoorbeeld GM0106."))

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="municipality_unique_name",
                violation_error_message=_("Deze gemeente bestaat al in de regio."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class BilingualLabel(models.Model):
    """A reference list entry with a Dutch and an English label."""

    slug = models.SlugField(_("code"), max_length=50, unique=True)
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100)
    active = models.BooleanField(_("actief"), default=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_nl


class Theme(BilingualLabel):
    """Themes and tags of companies, contact moments and cases."""

    class Meta(BilingualLabel.Meta):
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")


class Need(BilingualLabel):
    """What an entrepreneur needs, as heard in an intake (configurable list)."""

    class Meta(BilingualLabel.Meta):
        verbose_name = _("behoefte")
        verbose_name_plural = _("behoeften")


class AuditEvent(models.Model):
    """Append-only record of who created, changed, deleted, merged or viewed what."""

    class Action(models.TextChoices):
        CREATE = "create", _("aangemaakt")
        CHANGE = "change", _("gewijzigd")
        DELETE = "delete", _("verwijderd")
        VIEW = "view", _("bekeken")
        MERGE = "merge", _("samengevoegd")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("regio")
    )
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    actor_label = models.CharField(_("door (naam)"), max_length=200, blank=True)
    action = models.CharField(_("actie"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("soort"), max_length=50)
    object_id = models.BigIntegerField(_("id"))
    object_label = models.CharField(_("omschrijving"), max_length=200, blank=True)
    # Which company the event belongs to, for the per-company audit view. Not a foreign key:
    # the trail must outlive the company it describes.
    company_id = models.BigIntegerField(_("bedrijf"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("wijzigingen"), default=dict, blank=True)

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("audittrail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit events are append-only.")
