"""Forms of the indicator pages: an action line, an indicator (a measure and filters), a
target (a number or a range per year, quarter or programme period), and the period and
the ad-hoc figure (a measure with filters in query parameters) of the records pages.

They declare and clean input; the rules (which filters apply to a measure, what lies in
the programme period, who may) live in ``loket.monitoring.services.indicators``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation
from loket.catalogue.forms import ChoiceByIdField
from loket.companies.forms import DutchDateInput, StyledForm
from loket.companies.models import SizeClass
from loket.core.forms import BoundedDateField
from loket.core.models import Municipality, Need, Theme
from loket.events.models import Event
from loket.monitoring.measures import Spec, filter_problems
from loket.monitoring.models import ActionLine, Indicator, Measure, Newness, Starter, Target
from loket.programmes.forms.plan import DutchDecimalField
from loket.programmes.models import Programme, Scheme
from loket.programmes.periods import quarter_bounds, year_bounds

MAX_TARGET = Decimal("9999999999.99")  # 12 digits with 2 decimals
QUARTERS = [(q, f"K{q}") for q in (1, 2, 3, 4)]

# The filters of an indicator, with their labels (for the page's explanation).
FILTER_LABELS: dict[str, Any] = {
    "theme": _("thema"),
    "need": _("behoefte"),
    "organisation": _("organisatie"),
    "municipality": _("gemeente"),
    "size_class": _("grootteklasse"),
    "starter": _("starters"),
    "scheme": _("regeling"),
    "event_kind": _("soort evenement"),
    "newness": _("nieuw of bekend"),
}


def applicable_filters(measure: str) -> list[str]:
    """The filters that apply to ``measure`` (from ``measures.filter_problems``)."""
    everything = Spec(
        measure=measure,
        theme_id=1,
        need_id=1,
        organisation_id=1,
        municipality_id=1,
        size_class="x",
        starter="x",
        scheme_id=1,
        event_kind="x",
        newness="x",
    )
    refused = filter_problems(everything)
    return [name for name in FILTER_LABELS if name not in refused]


def filter_table() -> list[tuple[str, list[str]]]:
    """(measure label, [applicable filter labels]) for every measure."""
    return [
        (str(label), [str(FILTER_LABELS[name]) for name in applicable_filters(value)])
        for value, label in Measure.choices
    ]


def _choice(label: Any, queryset: Any, empty: Any, invalid: Any) -> ChoiceByIdField:
    return ChoiceByIdField(
        label=label,
        queryset=queryset,
        required=False,
        empty_label=empty,
        error_messages={"invalid_choice": invalid},
    )


class ActionLineForm(StyledForm):
    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        help_text=_("Bijvoorbeeld 'Digitalisering' of 'Export'."),
        error_messages={"required": _("Vul de naam van de actielijn in.")},
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    position = forms.IntegerField(
        label=_("Volgorde"),
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("Actielijnen staan in deze volgorde in de lijst en de rapportage."),
    )

    def __init__(self, *args: Any, action_line: ActionLine | None = None, **kwargs: Any) -> None:
        if action_line is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": action_line.name,
                    "description": action_line.description,
                    "position": action_line.position,
                },
            )
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict[str, Any]:
        data = {key: self.cleaned_data[key] for key in ("name", "description")}
        if self.cleaned_data.get("position") is not None:
            data["position"] = self.cleaned_data["position"]
        return data


class IndicatorForm(StyledForm):
    action_line = ChoiceByIdField(
        label=_("Actielijn"),
        queryset=ActionLine.objects.none(),
        empty_label=_("(kies een actielijn)"),
        error_messages={
            "required": _("Kies de actielijn."),
            "invalid_choice": _("Kies een actielijn van dit programma."),
        },
    )
    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        help_text=_("Bijvoorbeeld 'Intakes digitalisering'."),
        error_messages={"required": _("Vul de naam van de indicator in.")},
    )
    measure = forms.ChoiceField(
        label=_("Wat telt de indicator"),
        choices=[("", _("(kies wat de indicator telt)")), *Measure.choices],
        error_messages={
            "required": _("Kies wat de indicator telt."),
            "invalid_choice": _("Kies een van de metingen in de lijst."),
        },
    )
    theme = _choice(_("Thema"), Theme.objects.none(), _("(alle thema's)"), _("Kies een thema."))
    need = _choice(
        _("Behoefte"), Need.objects.none(), _("(alle behoeften)"), _("Kies een behoefte.")
    )
    organisation = _choice(
        _("Organisatie"),
        Organisation.objects.none(),
        _("(alle organisaties)"),
        _("Kies een organisatie uit de regio."),
    )
    municipality = _choice(
        _("Gemeente"),
        Municipality.objects.none(),
        _("(alle gemeenten)"),
        _("Kies een gemeente uit de regio."),
    )
    size_class = forms.ChoiceField(
        label=_("Grootteklasse"),
        required=False,
        choices=[("", _("(alle grootteklassen)")), *SizeClass.choices],
        error_messages={"invalid_choice": _("Kies een grootteklasse uit de lijst.")},
    )
    starter = forms.ChoiceField(
        label=_("Starters"),
        required=False,
        choices=Starter.choices,
        error_messages={"invalid_choice": _("Kies een van de mogelijkheden.")},
    )
    scheme = _choice(
        _("Regeling"),
        Scheme.objects.none(),
        _("(alle regelingen)"),
        _("Kies een regeling van dit programma."),
    )
    event_kind = forms.ChoiceField(
        label=_("Soort evenement"),
        required=False,
        choices=[("", _("(alle soorten)")), *Event.Kind.choices],
        error_messages={"invalid_choice": _("Kies een van de soorten evenementen.")},
    )
    newness = forms.ChoiceField(
        label=_("Nieuw of bekend"),
        required=False,
        choices=Newness.choices,
        help_text=_("Nieuw: het bedrijf had vóór de periode geen contactmoment en geen hulpvraag."),
        error_messages={"invalid_choice": _("Kies een van de mogelijkheden.")},
    )
    description = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    position = forms.IntegerField(label=_("Volgorde"), required=False, min_value=0, max_value=32767)

    FILTERS = (
        "theme",
        "need",
        "organisation",
        "municipality",
        "size_class",
        "starter",
        "scheme",
        "event_kind",
        "newness",
    )

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        indicator: Indicator | None = None,
        action_line: ActionLine | None = None,
        **kwargs: Any,
    ) -> None:
        if indicator is not None:
            related = ("action_line", "theme", "need", "organisation", "municipality", "scheme")
            initial = {
                name: getattr(indicator, f"{name}_id" if name in related else name)
                for name in ("action_line", "name", "measure", *self.FILTERS, "description")
            }
            initial["position"] = indicator.position
            kwargs.setdefault("initial", initial)
        elif action_line is not None:
            kwargs.setdefault("initial", {"action_line": action_line.pk})
        super().__init__(*args, **kwargs)
        region = programme.region_id
        querysets = {
            "action_line": ActionLine.objects.filter(programme=programme),
            "theme": Theme.objects.filter(active=True),
            "need": Need.objects.filter(active=True),
            "organisation": Organisation.objects.filter(region_id=region).order_by("name"),
            "municipality": Municipality.objects.filter(region_id=region).order_by("name"),
            "scheme": Scheme.objects.filter(programme=programme).order_by("name"),
        }
        for name, queryset in querysets.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = {
            key: self.cleaned_data[key]
            for key in ("action_line", "name", "measure", *self.FILTERS, "description")
        }
        for key in ("size_class", "starter", "event_kind", "newness"):
            data[key] = data[key] or ""
        if self.cleaned_data.get("position") is not None:
            data["position"] = self.cleaned_data["position"]
        return data


class TargetForm(StyledForm):
    period = forms.ChoiceField(
        label=_("Periode"),
        choices=Target.Period.choices,
        widget=forms.RadioSelect,
        initial=Target.Period.YEAR,
        error_messages={
            "required": _("Kies de periode."),
            "invalid_choice": _("Kies jaar, kwartaal of de hele programmaperiode."),
        },
    )
    year = forms.TypedChoiceField(
        label=_("Jaar"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[],
        help_text=_("Bij een doel per jaar of per kwartaal."),
        error_messages={"invalid_choice": _("Kies een jaar binnen de looptijd van het programma.")},
    )
    quarter = forms.TypedChoiceField(
        label=_("Kwartaal"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("(geen)")), *QUARTERS],
        help_text=_("Alleen bij een doel per kwartaal."),
        error_messages={"invalid_choice": _("Kies kwartaal 1, 2, 3 of 4.")},
    )
    minimum = DutchDecimalField(
        label=_("Doel (minimaal)"),
        max_value=MAX_TARGET,
        required=True,
        help_text=_("Bijvoorbeeld 150; bij een bandbreedte zoals 5-10 het laagste getal."),
        error_messages={"required": _("Vul het doel in.")},
    )
    maximum = DutchDecimalField(
        label=_("Doel (maximaal)"),
        max_value=MAX_TARGET,
        help_text=_("Alleen voor een bandbreedte, zoals 10 bij 5-10. Leeg: één getal."),
    )

    def __init__(
        self, *args: Any, programme: Programme, target: Target | None = None, **kwargs: Any
    ) -> None:
        if target is not None:
            kwargs.setdefault(
                "initial",
                {
                    "period": target.period,
                    "year": target.year,
                    "quarter": target.quarter,
                    "minimum": target.minimum,
                    "maximum": target.maximum,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            ("", _("(geen)")),
            *[(y, str(y)) for y in programme.years],
        ]

    def service_data(self) -> dict[str, Any]:
        keys = ("period", "year", "quarter", "minimum", "maximum")
        return {key: self.cleaned_data[key] for key in keys}


# --- the records pages ----------------------------------------------------------------


class PeriodForm(StyledForm):
    """Which part of the programme period: a quarter (jaar and kwartaal), a year (jaar),
    a span of dates (van and tot), or the whole programme period (nothing)."""

    jaar = forms.TypedChoiceField(
        label=_("Jaar"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[],
        error_messages={"invalid_choice": _("Kies een jaar binnen de looptijd van het programma.")},
    )
    kwartaal = forms.TypedChoiceField(
        label=_("Kwartaal"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("(heel jaar)")), *QUARTERS],
        error_messages={"invalid_choice": _("Kies kwartaal 1, 2, 3 of 4.")},
    )
    van = BoundedDateField(label=_("Van"), required=False, widget=DutchDateInput())
    tot = BoundedDateField(label=_("Tot en met"), required=False, widget=DutchDateInput())

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["jaar"].choices = [  # type: ignore[attr-defined]
            ("", _("(hele programmaperiode)")),
            *[(y, str(y)) for y in programme.years],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kwartaal") and not data.get("jaar"):
            self.add_error("jaar", _gettext("Kies het jaar bij het kwartaal."))
        start, end = data.get("van"), data.get("tot")
        if (start is None) != (end is None) and not self.errors:
            self.add_error("tot" if end is None else "van", _gettext("Vul van en tot allebei in."))
        if start and end and start > end:
            self.add_error("tot", _gettext("De einddatum ligt vóór de begindatum."))
        return data

    def bounds(self) -> tuple[dt.date, dt.date]:
        """The period asked for (call after is_valid)."""
        data = self.cleaned_data
        programme = self.programme
        if data.get("van") and data.get("tot"):
            return data["van"], data["tot"]
        year, quarter = data.get("jaar"), data.get("kwartaal")
        if year and quarter:
            return quarter_bounds(year, quarter)
        if year:
            return year_bounds(programme, year)
        return programme.starts_on, programme.ends_on


class SpecForm(PeriodForm):
    """An ad-hoc figure: a measure and filters in query parameters (the dashboard's reach
    per municipality links here), validated like an indicator's."""

    meting = forms.ChoiceField(
        label=_("Meting"),
        choices=Measure.choices,
        error_messages={
            "required": _("Kies wat er geteld wordt."),
            "invalid_choice": _("Kies een van de metingen in de lijst."),
        },
    )
    thema = _choice(_("Thema"), Theme.objects.none(), _("(alle)"), _("Kies een thema."))
    behoefte = _choice(_("Behoefte"), Need.objects.none(), _("(alle)"), _("Kies een behoefte."))
    organisatie = _choice(
        _("Organisatie"), Organisation.objects.none(), _("(alle)"), _("Kies een organisatie.")
    )
    gemeente = _choice(
        _("Gemeente"), Municipality.objects.none(), _("(alle)"), _("Kies een gemeente.")
    )
    grootte = forms.ChoiceField(
        label=_("Grootteklasse"),
        required=False,
        choices=[("", _("(alle)")), *SizeClass.choices],
        error_messages={"invalid_choice": _("Kies een grootteklasse uit de lijst.")},
    )
    starter = forms.ChoiceField(
        label=_("Starters"),
        required=False,
        choices=Starter.choices,
        error_messages={"invalid_choice": _("Kies een van de mogelijkheden.")},
    )
    regeling = _choice(_("Regeling"), Scheme.objects.none(), _("(alle)"), _("Kies een regeling."))
    soort = forms.ChoiceField(
        label=_("Soort evenement"),
        required=False,
        choices=[("", _("(alle)")), *Event.Kind.choices],
        error_messages={"invalid_choice": _("Kies een van de soorten evenementen.")},
    )
    nieuw = forms.ChoiceField(
        label=_("Nieuw of bekend"),
        required=False,
        choices=Newness.choices,
        error_messages={"invalid_choice": _("Kies een van de mogelijkheden.")},
    )

    # query parameter -> Spec field
    PARAMS = {
        "thema": "theme",
        "behoefte": "need",
        "organisatie": "organisation",
        "gemeente": "municipality",
        "grootte": "size_class",
        "starter": "starter",
        "regeling": "scheme",
        "soort": "event_kind",
        "nieuw": "newness",
    }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        region = programme.region_id
        self.fields["thema"].queryset = Theme.objects.all()  # type: ignore[attr-defined]
        self.fields["behoefte"].queryset = Need.objects.all()  # type: ignore[attr-defined]
        self.fields["organisatie"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            region_id=region
        ).order_by("name")
        self.fields["gemeente"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            region_id=region
        ).order_by("name")
        self.fields["regeling"].queryset = Scheme.objects.filter(  # type: ignore[attr-defined]
            programme=programme
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("meting"):
            problems = filter_problems(self._spec(data))
            for param, field in self.PARAMS.items():
                if field in problems and param not in self.errors:
                    self.add_error(param, problems[field])
        return data

    def _spec(self, data: dict[str, Any]) -> Spec:
        values: dict[str, Any] = {}
        for param, field in self.PARAMS.items():
            value = data.get(param)
            if field in ("theme", "need", "organisation", "municipality", "scheme"):
                values[f"{field}_id"] = value.pk if value is not None else None
            else:
                values[field] = value or ""
        return Spec(measure=data["meting"], **values)

    def spec(self) -> Spec:
        return self._spec(self.cleaned_data)
