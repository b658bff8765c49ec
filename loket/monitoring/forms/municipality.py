"""The period of the municipality view: a year and a quarter (``views/municipality.py``,
``api/municipality.py``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.core.forms import UtrechtFormMixin

FIRST_YEAR = 2000
LAST_YEAR = 2100


class MunicipalityPeriodForm(UtrechtFormMixin, forms.Form):
    jaar = forms.IntegerField(
        label=_("Jaar"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "required": _("Vul een jaar in, bijvoorbeeld 2026."),
            "invalid": _("Vul een jaar in, bijvoorbeeld 2026."),
            "min_value": _("Kies een jaar vanaf %(limit_value)s."),
            "max_value": _("Kies een jaar tot en met %(limit_value)s."),
        },
    )
    kwartaal = forms.TypedChoiceField(
        label=_("Kwartaal"),
        coerce=int,
        choices=[
            (1, _("K1 (januari-maart)")),
            (2, _("K2 (april-juni)")),
            (3, _("K3 (juli-september)")),
            (4, _("K4 (oktober-december)")),
        ],
        error_messages={
            "required": _("Kies een kwartaal."),
            "invalid_choice": _("Kies een kwartaal uit de lijst."),
        },
    )
