"""The period and filters of the programme's reach (``views/activity.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation
from loket.core.forms import MAX_PK, BoundedDateField, UtrechtFormMixin
from loket.core.models import Municipality, Theme
from loket.events.measures import Filters
from loket.events.models import Event
from loket.programmes.models import Programme

MAX_YEARS = 10


class ChoiceByIdField(forms.ModelChoiceField):
    """A choice of a row by id that refuses ids no database column can hold (SQLite
    raises OverflowError on them instead of finding nothing)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            try:
                number = int(str(value))
            except (TypeError, ValueError):
                number = -1
            if not 0 < number <= MAX_PK:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ActivityForm(UtrechtFormMixin, forms.Form):
    begin = BoundedDateField(
        label=_("Van"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 01-01-2026.")},
    )
    einde = BoundedDateField(
        label=_("Tot en met"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 31-12-2026.")},
    )
    soort = forms.ChoiceField(
        label=_("Soort evenement"),
        choices=[("", _("alle soorten")), *Event.Kind.choices],
        required=False,
        error_messages={"invalid_choice": _("Kies een soort uit de lijst.")},
    )
    thema = ChoiceByIdField(
        label=_("Thema"),
        queryset=Theme.objects.filter(active=True),
        required=False,
        empty_label=_("alle thema's"),
        error_messages={"invalid_choice": _("Kies een thema uit de lijst.")},
    )
    gemeente = ChoiceByIdField(
        label=_("Gemeente"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("alle gemeenten"),
        error_messages={"invalid_choice": _("Kies een gemeente uit de lijst.")},
    )
    organisatie = ChoiceByIdField(
        label=_("Organisatie (organisator of mede-organisator)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("alle organisaties"),
        error_messages={"invalid_choice": _("Kies een organisatie uit de lijst.")},
    )

    def __init__(self, programme: Programme, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            region_id=programme.region_id
        ).order_by("name")
        self.fields["organisatie"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            region_id=programme.region_id
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        begin, einde = data.get("begin"), data.get("einde")
        if begin and einde:
            if einde < begin:
                self.add_error("einde", _("Het einde ligt voor het begin."))
            elif einde - begin > dt.timedelta(days=366 * MAX_YEARS):
                self.add_error(
                    "einde",
                    _("Kies een periode van hoogstens %(years)s jaar.") % {"years": MAX_YEARS},
                )
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            kind=data.get("soort") or "",
            theme_id=data["thema"].pk if data.get("thema") else None,
            municipality_id=data["gemeente"].pk if data.get("gemeente") else None,
            organisation_id=data["organisatie"].pk if data.get("organisatie") else None,
        )
