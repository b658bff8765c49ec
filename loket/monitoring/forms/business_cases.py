"""Forms of the business case pages: the business case (the company by its KvK or Loket
number, as on the other forms that name a company) and the list's filters (one FilterSet
for the page and the API). They declare and clean input; the rules live in
``services/business_cases.py``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters as df
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation
from loket.catalogue.forms import ChoiceByIdField
from loket.companies.filters import FilterForm
from loket.companies.forms import DutchDateInput, StyledForm
from loket.core.forms import BoundedDateField
from loket.monitoring.models import BusinessCase
from loket.programmes.forms.plan import DutchDecimalField
from loket.programmes.forms.trajectories import ByIdFilter, CompanyNumberField
from loket.programmes.models import Programme

MAX_MONEY = Decimal("999999999999.99")  # 14 digits, 2 decimals
MAX_FTE = Decimal("999999.9")  # 7 digits, 1 decimal
MONEY_HELP = _("In euro, bijvoorbeeld 250.000.")
REALISED_HELP = _("Leeg zolang er niets gemeten is; vul dan ook de datum van de meting in.")


def _money(label: Any, *, required: bool, help_text: Any = MONEY_HELP) -> DutchDecimalField:
    return DutchDecimalField(
        label=label, max_value=MAX_MONEY, required=required, help_text=help_text
    )


def _fte(label: Any, *, required: bool, help_text: Any = "") -> DutchDecimalField:
    return DutchDecimalField(
        label=label, max_value=MAX_FTE, places=1, required=required, help_text=help_text
    )


class BusinessCaseForm(StyledForm):
    title = forms.CharField(
        label=_("Project"),
        max_length=200,
        error_messages={"required": _("Vul de naam van het project in.")},
    )
    organisation = ChoiceByIdField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        error_messages={
            "required": _("Kies de organisatie."),
            "invalid_choice": _("Kies een organisatie uit de lijst."),
        },
    )
    company = CompanyNumberField(
        label=_("Bedrijf (KvK- of Loket-nummer)"),
        help_text=_("Het Loket-nummer staat op de pagina van het bedrijf."),
        error_messages={"required": _("Vul het KvK- of Loket-nummer van het bedrijf in.")},
    )
    started_on = BoundedDateField(
        label=_("Gestart op"),
        widget=DutchDateInput(),
        error_messages={"required": _("Vul de startdatum in.")},
    )
    expected_turnover = _money(_("Verwachte extra omzet (€)"), required=True)
    expected_value = _money(_("Verwachte toegevoegde waarde (€)"), required=True)
    expected_fte = _fte(
        _("Verwachte extra banen (fte)"), required=True, help_text=_("Bijvoorbeeld 2,5.")
    )
    realised_turnover = _money(
        _("Gerealiseerde extra omzet (€)"), required=False, help_text=REALISED_HELP
    )
    realised_value = _money(
        _("Gerealiseerde toegevoegde waarde (€)"), required=False, help_text=REALISED_HELP
    )
    realised_fte = _fte(_("Gerealiseerde extra banen (fte)"), required=False)
    realised_on = BoundedDateField(
        label=_("Realisatie gemeten op"),
        required=False,
        widget=DutchDateInput(),
        help_text=_("De datum waarop de gerealiseerde cijfers zijn vastgesteld."),
    )
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        companies: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = organisations
        company = self.fields["company"]
        assert isinstance(company, CompanyNumberField)
        company.companies = companies
        for name in ("expected_turnover", "expected_value", "expected_fte"):
            self.fields[name].error_messages["required"] = _("Vul een getal in (0 mag).")

    @staticmethod
    def initial_from(case: BusinessCase) -> dict[str, Any]:
        return {
            "title": case.title,
            "organisation": case.organisation_id,
            "company": str(case.company_id),
            "started_on": case.started_on,
            "expected_turnover": case.expected_turnover,
            "expected_value": case.expected_value,
            "expected_fte": case.expected_fte,
            "realised_turnover": case.realised_turnover,
            "realised_value": case.realised_value,
            "realised_fte": case.realised_fte,
            "realised_on": case.realised_on,
            "note": case.note,
        }


class YearFilter(df.NumberFilter):
    """A whole year (1900-2199); anything else is an invalid value, not an error."""

    field_class = forms.IntegerField


class BusinessCaseFilterSet(df.FilterSet):
    """Filters of the business case list: organisation and the year the project started.
    The view narrows the organisations to the programme's."""

    organisation = ByIdFilter(
        label=_("Organisatie"),
        queryset=Organisation.objects.all(),
        empty_label=_("Alle"),
    )
    year = YearFilter(
        label=_("Startjaar"),
        field_name="started_on",
        lookup_expr="year",
        min_value=1900,
        max_value=2199,
    )

    class Meta:
        model = BusinessCase
        fields = ["organisation", "year"]
        form = FilterForm

    def __init__(
        self,
        *args: Any,
        organisations: Any = None,
        programme: Programme | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.filters["organisation"].queryset = organisations
        if programme is not None:
            # On the page: the years of the programme to choose from.
            years = range(programme.starts_on.year, programme.ends_on.year + 1)
            choices = [("", _("Alle")), *((year, str(year)) for year in years)]
            self.filters["year"].extra["widget"] = forms.Select(choices=choices)
