"""The financing overview's filter: a year of the programme (empty: the whole period)
and the download format."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.core.forms import UtrechtFormMixin
from loket.programmes.models import Programme

FORMATS = [("", _("pagina")), ("xlsx", "Excel (XLSX)"), ("pdf", "PDF")]


class FinancingFilterForm(UtrechtFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Jaar"), coerce=int, required=False, empty_value=None)
    format = forms.ChoiceField(
        label=_("Formaat"), choices=FORMATS, required=False, widget=forms.HiddenInput
    )

    def __init__(self, programme: Programme, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        years = programme.years
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [("", _("alle jaren")), *((y, str(y)) for y in years)]
        year_field.error_messages["invalid_choice"] = _(
            "Kies een jaar van het programma (%(first)s tot en met %(last)s), of alle jaren."
        ) % {"first": years[0], "last": years[-1]}
        self.fields["format"].error_messages["invalid_choice"] = _(
            "Dit formaat kan niet: kies Excel (XLSX) of PDF."
        )
