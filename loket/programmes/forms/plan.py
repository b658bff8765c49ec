"""Forms of the programme and plan pages: the programme, funders, hourly rates, activity
types, and a plan line with its split over funders (a formset, one row per funder).

They declare and clean input; the rules (who may, what a valid plan line is) live in
``loket.programmes.services.plan``. Numbers are typed the Dutch way (``1.234,56``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation
from loket.catalogue.forms import ChoiceByIdField
from loket.companies.forms import DutchDateInput, StyledForm
from loket.core.forms import BoundedDateField, MultipleChoiceByIdField, normalise_amount
from loket.core.models import Region
from loket.programmes.models import (
    ActivityType,
    Funder,
    HourlyRate,
    PlanLine,
    Programme,
    Scheme,
)
from loket.programmes.services.plan import FUNDINGS, FundingInput

MAX_COUNT = 1_000_000
MAX_HOURS = Decimal("9999999.99")  # what 9 digits with 2 decimals hold
MAX_AMOUNT = Decimal("9999999999.99")  # 12 digits with 2 decimals
MAX_RATE = Decimal("999999.99")  # 8 digits with 2 decimals


class DutchDecimalField(forms.DecimalField):
    """A number typed the Dutch way ('1.234,5'), within bounds, with at most two
    decimals; shown back with a decimal comma."""

    def __init__(self, *, max_value: Decimal, places: int = 2, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            max_digits=len(str(int(max_value))) + places,
            decimal_places=places,
            min_value=Decimal("0"),
            max_value=max_value,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = normalise_amount(value.strip())
        return super().to_python(value)

    def clean(self, value: Any) -> Decimal | None:
        number = super().clean(value)
        return None if number is None else number.quantize(Decimal("0.01"))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            text = f"{value:.2f}"
            if text.endswith(".00"):
                text = text[:-3]
            return text.replace(".", ",")
        return value


def service_errors(form: forms.BaseForm, exc: ValidationError) -> dict[str, list[str]]:
    """Put a service's ValidationError on the form's fields; what has no field of the
    form is returned ({key: [messages]}) for the caller to show elsewhere."""
    rest: dict[str, list[str]] = {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return rest
    for field, errors in exc.error_dict.items():
        for error in errors:
            for message in error.messages:
                if field in form.fields:
                    form.add_error(field, message)
                elif field == NON_FIELD_ERRORS:
                    form.add_error(None, message)
                else:
                    rest.setdefault(field, []).append(message)
    return rest


# --- programme -----------------------------------------------------------------------


class ProgrammeForm(StyledForm):
    """A programme's own fields. ``regions`` (creating only) are the regions the user may
    start a programme in; with more than one the form asks which."""

    region = forms.ModelChoiceField(
        label=_("Regio"),
        queryset=Region.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Kies een van uw regio's.")},
    )
    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        error_messages={"required": _("Vul de naam van het programma in.")},
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    starts_on = BoundedDateField(
        label=_("Begindatum"),
        widget=DutchDateInput(),
        help_text=_("Bijvoorbeeld 01-05-2014."),
        error_messages={"required": _("Vul de begindatum in.")},
    )
    ends_on = BoundedDateField(
        label=_("Einddatum"),
        widget=DutchDateInput(),
        help_text=_("Bijvoorbeeld 31-12-2015. Een programma duurt hoogstens tien kalenderjaren."),
        error_messages={"required": _("Vul de einddatum in.")},
    )
    organisations = MultipleChoiceByIdField(
        label=_("Uitvoerende organisaties"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "De organisaties die uren in het programma maken; elk heeft een eigen uurtarief."
        ),
    )
    hours_cap_per_company = DutchDecimalField(
        label=_("Maximum uren per bedrijf"),
        max_value=MAX_HOURS,
        help_text=_(
            "Voor uren op een bedrijf buiten een traject; een regeling kan een eigen maximum "
            "hebben. Leeg: geen maximum."
        ),
    )
    standard_activity_types = forms.BooleanField(
        label=_("Standaard activiteitsoorten toevoegen"),
        required=False,
        initial=True,
        help_text=_(
            "Gesprekken (2 uur), fysieke evenementen (175), digitale evenementen (150), "
            "clusterbijeenkomsten (100), digitale community's, clustertrajecten (50), "
            "innovatie-, export- en groeitrajecten (12), projectmanagement, evaluatie (4) en "
            "marketing. U kunt ze daarna wijzigen of verwijderen."
        ),
    )

    def __init__(
        self,
        *args: Any,
        regions: Sequence[Region] = (),
        programme: Programme | None = None,
        **kwargs: Any,
    ) -> None:
        if programme is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": programme.name,
                    "description": programme.description,
                    "starts_on": programme.starts_on,
                    "ends_on": programme.ends_on,
                    "organisations": list(programme.organisations.values_list("pk", flat=True)),
                    "hours_cap_per_company": programme.hours_cap_per_company,
                },
            )
        super().__init__(*args, **kwargs)
        self.programme = programme
        if programme is not None:
            del self.fields["region"]
            del self.fields["standard_activity_types"]
            region_ids = [programme.region_id]
        else:
            region_ids = [r.pk for r in regions]
            self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
                pk__in=region_ids
            ).order_by("name")
            if len(region_ids) == 1:
                self.fields["region"].widget = forms.HiddenInput()
                self.fields["region"].initial = region_ids[0]
        organisations = Organisation.objects.filter(region_id__in=region_ids).order_by("name")
        field = self.fields["organisations"]
        field.queryset = organisations  # type: ignore[attr-defined]
        if len(region_ids) > 1:
            field.label_from_instance = lambda o: f"{o.name} ({o.region.name})"  # type: ignore[attr-defined]
            field.queryset = organisations.select_related("region")  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data[key]
            for key in ("name", "description", "starts_on", "ends_on", "hours_cap_per_company")
        }


# --- funders, rates, activity types ---------------------------------------------------


class FunderForm(StyledForm):
    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        error_messages={"required": _("Vul de naam van de financier in.")},
    )
    kind = forms.ChoiceField(
        label=_("Soort"),
        choices=Funder.Kind.choices,
        help_text=_(
            "Kies 'ondernemers (eigen bijdragen)' voor de financier waar de eigen bijdragen "
            "van bedrijven aan regelingen op komen; een programma heeft er hoogstens één."
        ),
        error_messages={"invalid_choice": _("Kies een van de soorten in de lijst.")},
    )
    position = forms.IntegerField(
        label=_("Volgorde"),
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("Financiers staan in deze volgorde in het plan en de overzichten."),
    )

    def __init__(self, *args: Any, funder: Funder | None = None, **kwargs: Any) -> None:
        if funder is not None:
            kwargs.setdefault(
                "initial", {"name": funder.name, "kind": funder.kind, "position": funder.position}
            )
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict[str, Any]:
        data = {"name": self.cleaned_data["name"], "kind": self.cleaned_data["kind"]}
        if self.cleaned_data.get("position") is not None:
            data["position"] = self.cleaned_data["position"]
        return data


class RateForm(StyledForm):
    organisation = ChoiceByIdField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        empty_label=_("(kies een organisatie)"),
        error_messages={
            "required": _("Kies de organisatie."),
            "invalid_choice": _("Kies een van de uitvoerende organisaties van het programma."),
        },
    )
    year = forms.TypedChoiceField(
        label=_("Vanaf jaar"),
        coerce=int,
        choices=[],
        help_text=_("Het tarief geldt vanaf dit jaar, tot een later jaar een eigen tarief heeft."),
        error_messages={
            "required": _("Kies het jaar."),
            "invalid_choice": _("Kies een jaar binnen de looptijd van het programma."),
        },
    )
    rate = DutchDecimalField(
        label=_("Uurtarief (excl. btw)"),
        max_value=MAX_RATE,
        required=True,
        help_text=_("In euro, exclusief btw, bijvoorbeeld 97,50."),
        error_messages={"required": _("Vul het uurtarief in.")},
    )

    def __init__(
        self, *args: Any, programme: Programme, rate: HourlyRate | None = None, **kwargs: Any
    ) -> None:
        if rate is not None:
            kwargs.setdefault(
                "initial",
                {"organisation": rate.organisation_id, "year": rate.year, "rate": rate.rate},
            )
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = programme.organisations.order_by("name")  # type: ignore[attr-defined]
        self.fields["year"].choices = [(y, str(y)) for y in programme.years]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in ("organisation", "year", "rate")}


class ActivityTypeForm(StyledForm):
    name = forms.CharField(
        label=_("Naam"),
        max_length=120,
        error_messages={"required": _("Vul de naam van de activiteitsoort in.")},
    )
    code = forms.SlugField(
        label=_("Code"),
        required=False,
        max_length=50,
        help_text=_(
            "Kort, met kleine letters, cijfers en streepjes, voor de import en de API. "
            "Leeg: gemaakt uit de naam."
        ),
        error_messages={"invalid": _("Alleen kleine letters, cijfers, - en _.")},
    )
    default_hours_per_unit = DutchDecimalField(
        label=_("Standaard urennorm per eenheid"),
        max_value=MAX_HOURS,
        help_text=_(
            "Bijvoorbeeld 2 voor een gesprek of 175 voor een groot evenement; een nieuwe "
            "planregel neemt deze norm over. Leeg: geen norm (vaste uren)."
        ),
    )
    position = forms.IntegerField(label=_("Volgorde"), required=False, min_value=0, max_value=32767)

    def __init__(
        self, *args: Any, activity_type: ActivityType | None = None, **kwargs: Any
    ) -> None:
        if activity_type is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": activity_type.name,
                    "code": activity_type.code,
                    "default_hours_per_unit": activity_type.default_hours_per_unit,
                    "position": activity_type.position,
                },
            )
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict[str, Any]:
        data = {key: self.cleaned_data[key] for key in ("name", "code", "default_hours_per_unit")}
        if self.cleaned_data.get("position") is not None:
            data["position"] = self.cleaned_data["position"]
        return data


# --- plan lines ----------------------------------------------------------------------


class PlanLineForm(StyledForm):
    year = forms.TypedChoiceField(
        label=_("Jaar"),
        coerce=int,
        choices=[],
        error_messages={
            "required": _("Kies het jaar."),
            "invalid_choice": _("Kies een jaar binnen de looptijd van het programma."),
        },
    )
    activity_type = ChoiceByIdField(
        label=_("Activiteit"),
        queryset=ActivityType.objects.none(),
        empty_label=_("(kies een activiteitsoort)"),
        error_messages={
            "required": _("Kies de activiteitsoort."),
            "invalid_choice": _("Kies een activiteitsoort van dit programma."),
        },
    )
    organisation = ChoiceByIdField(
        label=_("Uitvoerende organisatie"),
        queryset=Organisation.objects.none(),
        empty_label=_("(kies een organisatie)"),
        error_messages={
            "required": _("Kies de organisatie die het uitvoert."),
            "invalid_choice": _("Kies een van de uitvoerende organisaties van het programma."),
        },
    )
    description = forms.CharField(label=_("Toelichting"), required=False, max_length=300)
    count = forms.IntegerField(
        label=_("Aantal"),
        min_value=0,
        max_value=MAX_COUNT,
        initial=1,
        help_text=_("Het aantal eenheden; bij een regeling het aantal trajecten."),
        error_messages={"required": _("Vul het aantal in (0 mag).")},
    )
    hours_per_unit = DutchDecimalField(
        label=_("Urennorm per eenheid"),
        max_value=MAX_HOURS,
        help_text=_(
            "De uren zijn dan aantal × norm. Leeg en geen vast aantal uren: de standaardnorm "
            "van de activiteitsoort."
        ),
    )
    fixed_hours = DutchDecimalField(
        label=_("Of: vast aantal uren"),
        max_value=MAX_HOURS,
        help_text=_("Voor bijvoorbeeld projectmanagement; dan geen urennorm invullen."),
    )
    scheme = ChoiceByIdField(
        label=_("Regeling"),
        required=False,
        queryset=Scheme.objects.none(),
        empty_label=_("(geen: deze regel geeft geen trajecten uit)"),
        help_text=_(
            "Geeft deze regel trajecten van een regeling uit, dan tellen de toekenningen en "
            "eigen bijdragen (incl. btw) per traject mee in de financiering."
        ),
        error_messages={"invalid_choice": _("Kies een regeling van dit programma.")},
    )

    def __init__(
        self, *args: Any, programme: Programme, line: PlanLine | None = None, **kwargs: Any
    ) -> None:
        if line is not None:
            kwargs.setdefault(
                "initial",
                {
                    "year": line.year,
                    "activity_type": line.activity_type_id,
                    "organisation": line.organisation_id,
                    "description": line.description,
                    "count": line.count,
                    "hours_per_unit": line.hours_per_unit,
                    "fixed_hours": line.fixed_hours,
                    "scheme": line.scheme_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in programme.years]  # type: ignore[attr-defined]
        self.fields["activity_type"].queryset = ActivityType.objects.filter(  # type: ignore[attr-defined]
            programme=programme
        )
        self.fields["organisation"].queryset = programme.organisations.order_by("name")  # type: ignore[attr-defined]
        self.fields["scheme"].queryset = Scheme.objects.filter(programme=programme)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("hours_per_unit") is not None and data.get("fixed_hours") is not None:
            self.add_error(
                "fixed_hours",
                _("Vul een urennorm per eenheid óf een vast aantal uren in, niet allebei."),
            )
        return data

    def service_data(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data[key]
            for key in (
                "year",
                "activity_type",
                "organisation",
                "description",
                "count",
                "hours_per_unit",
                "fixed_hours",
                "scheme",
            )
        }


class FundingForm(StyledForm):
    """One funder's part of a plan line."""

    funder = ChoiceByIdField(
        queryset=Funder.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Financier ontbreekt."),
            "invalid_choice": _("Deze financier hoort niet bij het programma."),
        },
    )
    hours_share = DutchDecimalField(
        label=_("Aandeel in de uren (%)"),
        max_value=Decimal("100"),
        error_messages={"max_value": _("Een aandeel is hoogstens %(limit_value)s %%.")},
    )
    out_of_pocket_incl_vat = DutchDecimalField(
        label=_("Out-of-pocket (incl. btw)"), max_value=MAX_AMOUNT
    )

    def __init__(self, *args: Any, funders: Sequence[Funder] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Funder.objects.filter(  # type: ignore[attr-defined]
            pk__in=[f.pk for f in funders]
        )
        by_id = {f.pk: f for f in funders}
        initial_id = self.initial.get("funder")
        self.funder_name = by_id[initial_id].name if initial_id in by_id else ""


class FundingFormSet(forms.BaseFormSet):
    """One row per funder of the programme. The service's verdict on the split (shares
    that do not add up to 100 %) is shown with the rows' own errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_errors: list[str] = []

    def non_form_errors(self) -> ErrorList:
        errors = super().non_form_errors()
        if not self.service_errors:
            return errors
        return self.error_class(
            [*errors, *self.service_errors],
            error_class="nonform",
            renderer=getattr(self, "renderer", None),
        )

    def clean(self) -> None:
        seen: set[int] = set()
        for form in self.forms:
            funder = form.cleaned_data.get("funder") if hasattr(form, "cleaned_data") else None
            if funder is None:
                continue
            if funder.pk in seen:
                raise ValidationError(_("Een financier staat twee keer in de verdeling."))
            seen.add(funder.pk)

    def fundings(self) -> list[FundingInput]:
        out = []
        for form in self.forms:
            data = form.cleaned_data
            if data.get("funder") is None:
                continue
            out.append(
                FundingInput(
                    funder=data["funder"],
                    hours_share=data.get("hours_share") or Decimal("0.00"),
                    out_of_pocket_incl_vat=data.get("out_of_pocket_incl_vat") or Decimal("0.00"),
                )
            )
        return out


def funding_formset(
    data: Any, *, funders: Sequence[Funder], line: PlanLine | None = None
) -> FundingFormSet:
    """The split of a plan line over the programme's funders, one row per funder."""
    existing = {}
    if line is not None:
        existing = {f.funder_id: f for f in line.fundings.all()}
    initial = []
    for funder in funders:
        part = existing.get(funder.pk)
        initial.append(
            {
                "funder": funder.pk,
                "hours_share": part.hours_share if part else None,
                "out_of_pocket_incl_vat": part.out_of_pocket_incl_vat if part else None,
            }
        )
    factory = forms.formset_factory(
        FundingForm,
        formset=FundingFormSet,
        extra=0,
        max_num=len(funders),
        validate_max=True,
        absolute_max=max(len(funders), 1),
    )
    return factory(  # type: ignore[return-value]
        data, initial=initial, prefix="financiering", form_kwargs={"funders": funders}
    )


__all__ = [
    "FUNDINGS",
    "ActivityTypeForm",
    "FunderForm",
    "FundingFormSet",
    "PlanLineForm",
    "ProgrammeForm",
    "RateForm",
    "funding_formset",
    "service_errors",
]
