"""The realisation page's choice of period: a year of the programme and a quarter, and
the download format. A missing year or quarter takes the default (today's quarter, or
the nearest one within the programme period)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.core.forms import UtrechtFormMixin
from loket.programmes.models import Programme
from loket.programmes.periods import default_period, period_problem

QUARTERS = [
    (1, _("Q1 (januari - maart)")),
    (2, _("Q2 (april - juni)")),
    (3, _("Q3 (juli - september)")),
    (4, _("Q4 (oktober - december)")),
]


class PeriodForm(UtrechtFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Jaar"), coerce=int, required=False, empty_value=None)
    quarter = forms.TypedChoiceField(
        label=_("Kwartaal"), coerce=int, choices=QUARTERS, required=False, empty_value=None
    )
    format = forms.ChoiceField(
        label=_("Formaat"),
        choices=[("", _("pagina")), ("xlsx", "Excel (XLSX)"), ("pdf", "PDF")],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, programme: Programme, today: dt.date, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.today = today
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(year, str(year)) for year in programme.years]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "year" in self.errors or "quarter" in self.errors:
            return data
        year, quarter = data.get("year"), data.get("quarter")
        period = default_period(self.programme, self.today, year)
        if quarter is not None:
            period = (period[0], quarter)
        problem = period_problem(self.programme, *period)
        if problem:
            self.add_error("quarter", problem)
        else:
            data["period"] = period
        return data
