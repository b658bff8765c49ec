"""The public portal keeps no personal data of its own: questions become cases in the
client record. It only remembers, per keyed hash of a sender's address (never the address
itself), when questions were sent, to limit how many one address may send."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QuestionThrottle(models.Model):
    address_hash = models.CharField(_("adres (gehasht)"), max_length=64)
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)

    class Meta:
        verbose_name = _("verzonden vraag (limiet)")
        verbose_name_plural = _("verzonden vragen (limiet)")
        indexes = [models.Index(fields=["address_hash", "at"], name="throttle_address_idx")]

    def __str__(self) -> str:
        return f"{self.address_hash[:8]} {self.at:%Y-%m-%d %H:%M}"
