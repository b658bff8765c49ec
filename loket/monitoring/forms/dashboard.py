"""The dashboard's choice of period (``?jaar=&kwartaal=``): a year of the programme and a
quarter. A missing year or quarter takes the default (today's quarter, or the nearest
one within the programme period); a quarter outside the programme period is refused at
the quarter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.core.forms import UtrechtFormMixin
from loket.programmes.models import Programme
from loket.programmes.periods import default_period, period_problem

QUARTERS = [
    (1, _("K1 (januari - maart)")),
    (2, _("K2 (april - juni)")),
    (3, _("K3 (juli - september)")),
    (4, _("K4 (oktober - december)")),
]


class DashboardPeriodForm(UtrechtFormMixin, forms.Form):
    jaar = forms.TypedChoiceField(label=_("Jaar"), coerce=int, required=False, empty_value=None)
    kwartaal = forms.TypedChoiceField(
        label=_("Kwartaal"), coerce=int, choices=QUARTERS, required=False, empty_value=None
    )

    def __init__(self, programme: Programme, today: dt.date, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.today = today
        year_field = self.fields["jaar"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(year, str(year)) for year in programme.years]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        year, quarter = data.get("jaar"), data.get("kwartaal")
        period = default_period(self.programme, self.today, year)
        if quarter is not None:
            period = (period[0], quarter)
        problem = period_problem(self.programme, *period)
        if problem:
            self.add_error("kwartaal", problem)
        else:
            data["period"] = period
        return data

    def period(self) -> tuple[int, int]:
        """The chosen period, or the default one when the form is not valid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return default_period(self.programme, self.today)


FORMATS = [("csv", "CSV"), ("xlsx", "Excel (XLSX)")]


class DashboardExportForm(forms.Form):
    """Which chart's data to download (``?export=<chart>&format=csv|xlsx``)."""

    export = forms.ChoiceField(label=_("Grafiek"), choices=[])
    format = forms.ChoiceField(label=_("Formaat"), choices=FORMATS)

    def __init__(self, charts: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["export"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, key) for key in charts]
