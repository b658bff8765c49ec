"""Forms of the satisfaction survey: the entrepreneur's answer (public), the region's
survey settings and the period of the results page. They declare and clean input; the
rules live in ``services/survey.py``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.core.forms import UtrechtFormMixin
from loket.monitoring.models import SurveyInvitation, SurveySettings
from loket.portal.forms import PortalForm

TEXT_MAX_LENGTH = 2000


def _text(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _(
                "Gebruik hoogstens %(limit_value)d tekens (u gebruikte er %(show_value)d)."
            )
        },
    )


class SurveyAnswerForm(PortalForm):
    mark = forms.TypedChoiceField(
        label=_("Welk rapportcijfer geeft u onze hulp?"),
        help_text=_("1 is zeer slecht, 10 is uitstekend."),
        choices=[(str(n), str(n)) for n in range(1, 11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een cijfer van 1 tot en met 10."),
            "invalid_choice": _("Kies een cijfer van 1 tot en met 10."),
        },
    )
    helped = _text(_("Wat hielp u het meest?"))
    improve = _text(_("Wat kan beter?"))
    recommend = forms.ChoiceField(
        label=_("Zou u ons aanbevelen bij andere ondernemers?"),
        choices=SurveyInvitation.Recommend.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies ja, misschien of nee."),
            "invalid_choice": _("Kies ja, misschien of nee."),
        },
    )


class SurveySettingsForm(UtrechtFormMixin, forms.ModelForm):
    class Meta:
        model = SurveySettings
        fields = ["active", "delay_days", "reminder_days", "valid_days"]
        error_messages = {
            name: {
                "invalid": _("Vul een heel aantal dagen in."),
                "required": _("Vul een aantal dagen in."),
                "min_value": _("Vul minstens %(limit_value)s in."),
                "max_value": _("Vul hoogstens %(limit_value)s in."),
            }
            for name in ("delay_days", "reminder_days", "valid_days")
        }


class SatisfactionPeriodForm(UtrechtFormMixin, forms.Form):
    """The results page's period: a year, or a quarter of it (GET, nothing personal)."""

    jaar = forms.TypedChoiceField(
        label=_("Jaar"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Kies een jaar uit de lijst.")},
    )
    kwartaal = forms.TypedChoiceField(
        label=_("Kwartaal"),
        coerce=int,
        required=False,
        choices=[("", _("Het hele jaar"))] + [(str(q), f"K{q}") for q in range(1, 5)],
        error_messages={"invalid_choice": _("Kies een kwartaal uit de lijst.")},
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["jaar"]
        field.choices = [("", _("De hele looptijd"))] + [(str(y), str(y)) for y in years]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kwartaal") and not data.get("jaar"):
            self.add_error("kwartaal", _("Kies bij een kwartaal ook het jaar."))
        return data
