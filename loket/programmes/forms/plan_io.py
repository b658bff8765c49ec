"""The upload form of the plan import (``views/plan_io.py``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.core.forms import UtrechtFormMixin


class PlanImportForm(UtrechtFormMixin, forms.Form):
    bestand = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "Een XLSX- of YAML-bestand in het formaat van de export, hoogstens 2 MB en "
            "5.000 planregels."
        ),
        error_messages={
            "required": _("Kies een XLSX- of YAML-bestand."),
            "empty": _("Het bestand is leeg."),
            "invalid": _("Kies een XLSX- of YAML-bestand."),
            "missing": _("Kies een XLSX- of YAML-bestand."),
        },
        widget=forms.FileInput(attrs={"accept": ".xlsx,.yaml,.yml,.json"}),
    )
    alleen_controleren = forms.BooleanField(
        label=_("Alleen controleren, nog niets opslaan"), required=False
    )
