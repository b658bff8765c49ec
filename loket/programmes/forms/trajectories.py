"""Forms of the scheme and trajectory pages, and the trajectory list's filters (one
FilterSet for the list page and the API). They declare and clean input; the rules live
in ``services/trajectories.py``."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import django_filters as df
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation, User
from loket.catalogue.forms import ChoiceByIdField, EuroField
from loket.catalogue.models import Instrument
from loket.companies.forms import DutchDateInput, StyledForm, programme_staff_of
from loket.companies.models import Company
from loket.core.forms import BoundedDateField, UtrechtFormMixin
from loket.programmes.models import Funder, Programme, Scheme, Trajectory
from loket.programmes.services.trajectories import MAX_PARTICIPANTS

MAX_COUNT = 2_147_483_647
MAX_HOURS = Decimal("9999999.99")


class HoursField(forms.DecimalField):
    """Hours, typed with a comma or a point."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            max_digits=9,
            decimal_places=2,
            min_value=Decimal("0"),
            max_value=MAX_HOURS,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value.normalize():f}".replace(".", ",")
        return value


def _date(label: Any, required: bool = False, help_text: Any = "") -> BoundedDateField:
    return BoundedDateField(
        label=label, required=required, widget=DutchDateInput(), help_text=help_text
    )


# --- schemes -------------------------------------------------------------------------


class SchemeForm(StyledForm):
    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        error_messages={"required": _("Vul de naam van de regeling in.")},
    )
    instrument = ChoiceByIdField(
        label=_("Instrument in de catalogus"),
        required=False,
        queryset=Instrument.objects.none(),
        empty_label=_("(geen: iedereen mag deelnemen)"),
        help_text=_(
            "De doelgroepcriteria van dit instrument (grootte, leeftijd, sector, gemeente, "
            "rechtsvorm) gelden voor elk deelnemend bedrijf."
        ),
    )
    funder = ChoiceByIdField(
        label=_("Financier van de toekenningen"),
        queryset=Funder.objects.none(),
        error_messages={"required": _("Kies wie de toekenningen betaalt.")},
    )
    value = EuroField(
        label=_("Waarde van een traject (excl. btw)"),
        required=True,
        help_text=_("In euro, exclusief btw, bijvoorbeeld 5.000,00."),
    )
    max_granted = EuroField(
        label=_("Maximaal toegekend bedrag (excl. btw)"),
        required=True,
        help_text=_("Wat de regeling per traject hoogstens betaalt."),
    )
    own_contribution = EuroField(
        label=_("Eigen bijdrage bedrijf (excl. btw)"),
        help_text=_("Leeg: geen eigen bijdrage."),
    )
    vat_rate = forms.DecimalField(
        label=_("Btw-tarief (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        initial=Decimal("21"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    available = forms.IntegerField(
        label=_("Aantal beschikbaar in de programmaperiode"), min_value=0, max_value=MAX_COUNT
    )
    budget = EuroField(
        label=_("Budget voor toekenningen (excl. btw)"),
        help_text=_("Leeg: het aantal beschikbaar maal het maximaal toegekende bedrag."),
    )
    min_participants = forms.IntegerField(
        label=_("Minimaal aantal deelnemende bedrijven"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("Bijvoorbeeld 4 voor een clustertraject."),
    )
    hours_norm = HoursField(label=_("Urennorm per traject (eigen specialisten)"))
    hours_cap_per_company = HoursField(
        label=_("Maximum uren per bedrijf"), help_text=_("Bijvoorbeeld 24. Leeg: geen maximum.")
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from loket.catalogue.queries import region_q

        instruments = self.fields["instrument"]
        assert isinstance(instruments, forms.ModelChoiceField)
        instruments.queryset = (
            Instrument.objects.filter(region_q(programme.region_id)).distinct().order_by("name")
        )
        funders = self.fields["funder"]
        assert isinstance(funders, forms.ModelChoiceField)
        funders.queryset = programme.funders.exclude(kind=Funder.Kind.COMPANIES).order_by(
            "position", "name"
        )

    def clean_vat_rate(self) -> Decimal:
        value = self.cleaned_data.get("vat_rate")
        return Decimal("21.00") if value is None else value

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["own_contribution"] = data.get("own_contribution") or Decimal("0.00")
        return data

    @staticmethod
    def initial_from(scheme: Scheme) -> dict[str, Any]:
        return {
            "name": scheme.name,
            "instrument": scheme.instrument_id,
            "funder": scheme.funder_id,
            "value": scheme.value,
            "max_granted": scheme.max_granted,
            "own_contribution": scheme.own_contribution,
            "vat_rate": scheme.vat_rate,
            "available": scheme.available,
            "budget": scheme.budget,
            "min_participants": scheme.min_participants,
            "hours_norm": scheme.hours_norm,
            "hours_cap_per_company": scheme.hours_cap_per_company,
        }


# --- trajectories ----------------------------------------------------------------------

_NUMBER = re.compile(r"^\d{1,18}$")


def find_company(companies: QuerySet[Company], text: str) -> Company | None:
    """A company by its KvK number (8 digits) or its Loket number, among ``companies``."""
    text = text.strip().replace(" ", "").replace(".", "")
    if not _NUMBER.match(text):
        return None
    if len(text) == 8:
        found = companies.filter(kvk_number=text).first()
        if found is not None:
            return found
    return companies.filter(pk=int(text)).first()


class CompanyNumberField(forms.CharField):
    """One company by KvK or Loket number, among those the user may name."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.companies: QuerySet[Company] = Company.objects.none()

    def clean(self, value: Any) -> Company | None:
        text = super().clean(value)
        if not text:
            return None
        company = find_company(self.companies, text)
        if company is None:
            raise ValidationError(
                _("Geen bedrijf gevonden met KvK- of Loket-nummer %(number)s."),
                code="unknown",
                params={"number": text},
            )
        return company


class CompanyNumbersField(forms.CharField):
    """Several companies by KvK or Loket number, separated by commas or new lines."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 3000)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)
        self.companies: QuerySet[Company] = Company.objects.none()

    def clean(self, value: Any) -> list[Company]:
        text = super().clean(value) or ""
        parts = [p.strip() for p in re.split(r"[,;\n]+", text) if p.strip()]
        if len(parts) > MAX_PARTICIPANTS:
            raise ValidationError(
                _("Hoogstens %(n)s bedrijven."), code="too_many", params={"n": MAX_PARTICIPANTS}
            )
        found: list[Company] = []
        unknown: list[str] = []
        for part in parts:
            company = find_company(self.companies, part)
            if company is None:
                unknown.append(part)
            elif company not in found:
                found.append(company)
        if unknown:
            raise ValidationError(
                _("Geen bedrijf gevonden met KvK- of Loket-nummer %(numbers)s."),
                code="unknown",
                params={"numbers": ", ".join(unknown)},
            )
        return found


def _user_label(user: User) -> str:
    return str(user.full_name or user.email)


class TrajectoryFieldsForm(StyledForm):
    """The fields of a trajectory one may change after it was made."""

    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        error_messages={"required": _("Geef het traject een titel.")},
    )
    goal = forms.CharField(
        label=_("Vraag en doel"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    participants = CompanyNumbersField(
        label=_("Andere deelnemende bedrijven"),
        help_text=_(
            "Alleen bij een clustertraject: KvK- of Loket-nummers, gescheiden door komma's "
            "of op aparte regels."
        ),
    )
    specialist = ChoiceByIdField(
        label=_("Specialist"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("(nog niemand)"),
    )
    supplier_name = forms.CharField(
        label=_("Externe deskundige (leverancier)"), required=False, max_length=200
    )
    supplier_organisation = ChoiceByIdField(
        label=_("Organisatie van de leverancier"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("(geen organisatie in Loket)"),
        help_text=_("Medewerkers van deze organisatie zien het traject."),
    )
    deliverable = forms.CharField(
        label=_("Resultaat (op te leveren)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        companies: QuerySet[Company],
        with_participants: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("company", "participants"):
            if name in self.fields:
                self.fields[name].companies = companies  # type: ignore[attr-defined]
        if not with_participants:
            del self.fields["participants"]
        specialist = self.fields["specialist"]
        assert isinstance(specialist, forms.ModelChoiceField)
        specialist.queryset = programme_staff_of(programme.region_id)
        specialist.label_from_instance = _user_label  # type: ignore[method-assign,assignment]
        organisation = self.fields["supplier_organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = Organisation.objects.filter(region_id=programme.region_id).order_by(
            "name"
        )

    @staticmethod
    def initial_from(trajectory: Trajectory) -> dict[str, Any]:
        others = [
            str(p.company_id)
            for p in trajectory.participations.all()
            if p.company_id != trajectory.company_id
        ]
        return {
            "title": trajectory.title,
            "goal": trajectory.goal,
            "participants": "\n".join(others),
            "specialist": trajectory.specialist_id,
            "supplier_name": trajectory.supplier_name,
            "supplier_organisation": trajectory.supplier_organisation_id,
            "deliverable": trajectory.deliverable,
        }


class TrajectoryForm(TrajectoryFieldsForm):
    """A new trajectory: a proposal, or the registered application of a company."""

    field_order = [
        "scheme",
        "origin",
        "company",
        "participants",
        "title",
        "goal",
        "applied_on",
        "specialist",
        "supplier_name",
        "supplier_organisation",
        "deliverable",
    ]

    scheme = ChoiceByIdField(
        label=_("Regeling"),
        queryset=Scheme.objects.none(),
        empty_label=_("(kies een regeling)"),
        error_messages={"required": _("Kies de regeling.")},
    )
    origin = forms.ChoiceField(
        label=_("Herkomst"),
        choices=Trajectory.Origin.choices,
        initial=Trajectory.Origin.PROPOSAL,
        widget=forms.RadioSelect,
    )
    company = CompanyNumberField(
        label=_("Bedrijf (aanvrager of penvoerder)"),
        help_text=_("Het KvK-nummer of het Loket-nummer (op de bedrijfspagina)."),
        error_messages={"required": _("Vul het KvK- of Loket-nummer van het bedrijf in.")},
    )
    applied_on = _date(_("Aangevraagd op"), help_text=_("Leeg: vandaag."))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        scheme = self.fields["scheme"]
        assert isinstance(scheme, forms.ModelChoiceField)
        scheme.queryset = programme.schemes.order_by("name")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["participants"] = data.get("participants") or []
        return data


class ApproveForm(StyledForm):
    granted_amount = EuroField(
        label=_("Toe te kennen bedrag (excl. btw)"),
        help_text=_("Leeg: het maximaal toegekende bedrag van de regeling."),
    )


class StartForm(StyledForm):
    on = _date(_("Gestart op"), help_text=_("Leeg: vandaag."))


class CompleteForm(StyledForm):
    on = _date(_("Afgerond op"), help_text=_("Leeg: vandaag."))
    deliverable = forms.CharField(
        label=_("Opgeleverd resultaat"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Beschrijf het opgeleverde resultaat.")},
    )


class EvaluateForm(StyledForm):
    on = _date(_("Geëvalueerd op"), help_text=_("Leeg: vandaag."))
    evaluation = forms.CharField(
        label=_("Evaluatie"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Schrijf de evaluatie op.")},
    )


class WithdrawForm(StyledForm):
    reason = forms.CharField(
        label=_("Reden van intrekken"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Geef de reden van het intrekken.")},
    )


class InvoiceForm(StyledForm):
    invoice_number = forms.CharField(
        label=_("Factuurnummer"),
        max_length=50,
        error_messages={"required": _("Vul het factuurnummer in.")},
    )
    invoice_date = _date(_("Factuurdatum"), required=True)
    invoice_amount = EuroField(
        label=_("Factuurbedrag (excl. btw)"),
        required=True,
        help_text=_("Betaald wordt hoogstens de waarde van de voucher."),
    )

    def clean_invoice_amount(self) -> Decimal:
        amount = self.cleaned_data.get("invoice_amount")
        if amount is None or amount <= 0:
            raise ValidationError(_("Vul een bedrag groter dan nul in."))
        return amount


# --- the list's filters ----------------------------------------------------------------


class FilterForm(UtrechtFormMixin, forms.Form):
    """The filter form with NL Design System classes on its widgets."""


class ByIdFilter(df.ModelChoiceFilter):
    """A row by id; an id no column can hold is an invalid choice, not an error."""

    field_class = ChoiceByIdField


class TrajectoryFilterSet(df.FilterSet):
    """Filters of the trajectory list of a programme: text (title, company, voucher
    code), status and scheme. ``programme`` narrows the scheme choices."""

    q = df.CharFilter(
        label=_("Zoeken"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = df.ChoiceFilter(
        label=_("Status"), choices=Trajectory.Status.choices, empty_label=_("Alle")
    )
    scheme = ByIdFilter(label=_("Regeling"), queryset=Scheme.objects.none(), empty_label=_("Alle"))

    class Meta:
        model = Trajectory
        fields = ["q", "status", "scheme"]
        form = FilterForm

    def __init__(self, *args: Any, programme: Programme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schemes = Scheme.objects.all() if programme is None else programme.schemes.all()
        self.filters["scheme"].queryset = schemes.order_by("name")

    def filter_text(self, queryset: QuerySet[Trajectory], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(company__name__icontains=value)
            | Q(voucher__code__iexact=value)
            | Q(supplier_name__icontains=value)
        )
