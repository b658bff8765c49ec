"""Forms of the table pages: a session, a case brought in, and hearing a case. They
declare and clean input; the rules live in ``services/tables.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.casework.forms import DATETIME_INPUT_FORMATS, CaseChoiceField
from loket.casework.models import Case
from loket.catalogue.forms import ChoiceByIdField
from loket.collectives.models import Collective, TableCase, TableSession
from loket.collectives.services import tables as services
from loket.companies.forms import DutchDateInput, StyledForm
from loket.companies.models import Company
from loket.core.forms import BoundedDateField, MultipleChoiceByIdField
from loket.programmes.forms.trajectories import CompanyNumberField

MAX_TEXT = services.MAX_TEXT


class ExpertsField(MultipleChoiceByIdField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.email


class SessionChoiceField(ChoiceByIdField):
    def label_from_instance(self, obj: Any) -> str:
        held = timezone.localtime(obj.held_at)
        where = f" · {obj.location}" if obj.location else ""
        return f"{held:%d-%m-%Y %H:%M}{where}"


class CaseByIdField(ChoiceByIdField, CaseChoiceField):
    pass


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class SessionForm(StyledForm):
    held_at = forms.DateTimeField(
        label=_("Datum en tijd"),
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"
        ),
        help_text=_("Bijvoorbeeld 24-11-2026 14:30."),
        error_messages={
            "required": _("Vul de datum en tijd van de sessie in."),
            "invalid": _("Vul een datum en tijd in, bijvoorbeeld 24-11-2026 14:30."),
        },
    )
    location = forms.CharField(label=_("Locatie"), max_length=200, required=False)
    experts = ExpertsField(
        label=_("Aanwezige deskundigen"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Medewerkers van de partnerorganisaties van de regio."),
        error_messages={
            "invalid_choice": _(
                "Kies deskundigen uit de lijst: %(value)s is geen medewerker van een "
                "partnerorganisatie van de regio."
            ),
            "invalid_pk_value": _("Kies deskundigen uit de lijst."),
        },
    )
    notes = forms.CharField(
        label=_("Aantekeningen"), widget=_textarea(4), max_length=MAX_TEXT, required=False
    )

    def __init__(self, *args: Any, collective: Collective, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["experts"])
        field.queryset = services.experts_for(collective)

    def clean_held_at(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data.get("held_at")
        if value is not None and not 1900 <= value.year <= 2199:
            raise ValidationError(_("Kies een datum tussen 1900 en 2199."), code="out_of_range")
        return value

    @staticmethod
    def initial_from(session: TableSession) -> dict[str, Any]:
        return {
            "held_at": timezone.localtime(session.held_at),
            "location": session.location,
            "experts": [e.pk for e in session.experts.all()],
            "notes": session.notes,
        }


class TableCaseForm(StyledForm):
    """A case brought in: the company by KvK or Loket number, an optional help request of
    that company, the question, and the day it was brought in (default today)."""

    company = CompanyNumberField(
        label=_("Bedrijf"),
        help_text=_("Het KvK-nummer of het Loket-nummer (op de bedrijfspagina)."),
        error_messages={"required": _("Vul het KvK- of Loket-nummer van het bedrijf in.")},
    )
    case = CaseByIdField(
        label=_("Hulpvraag"),
        queryset=Case.objects.none(),
        required=False,
        empty_label=_("(geen)"),
        help_text=_("Een lopende hulpvraag van dit bedrijf waar de casus bij hoort."),
        error_messages={"invalid_choice": _("Kies een hulpvraag uit de lijst.")},
    )
    question = forms.CharField(
        label=_("Ingebrachte vraag"),
        widget=_textarea(5),
        max_length=MAX_TEXT,
        error_messages={"required": _("Beschrijf de vraag die de ondernemer inbrengt.")},
    )
    requested_on = BoundedDateField(
        label=_("Ingebracht op"),
        required=False,
        widget=DutchDateInput(),
        help_text=_("Leeg: vandaag. De tafel bespreekt de casus binnen haar servicetermijn."),
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 24-11-2026.")},
    )

    def __init__(
        self,
        *args: Any,
        collective: Collective,
        companies: Any,
        cases: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        company_field = cast(CompanyNumberField, self.fields["company"])
        company_field.companies = companies.filter(region_id=collective.region_id)
        case_field = cast(forms.ModelChoiceField, self.fields["case"])
        case_field.queryset = (
            cases.filter(region_id=collective.region_id)
            .exclude(status=Case.Status.CLOSED)
            .select_related("company")
            .order_by("-opened_at", "-id")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        company: Company | None = data.get("company")
        case: Case | None = data.get("case")
        if company is not None and case is not None and case.company_id != company.pk:
            self.add_error("case", _("Deze hulpvraag hoort bij een ander bedrijf."))
        return data


class HearingForm(StyledForm):
    session = SessionChoiceField(
        label=_("Sessie"),
        queryset=TableSession.objects.none(),
        empty_label=_("Kies een sessie"),
        error_messages={
            "required": _("Kies de sessie waarin de casus besproken wordt."),
            "invalid_choice": _("Kies een sessie van deze tafel."),
        },
    )
    advice = forms.CharField(
        label=_("Advies"),
        widget=_textarea(5),
        max_length=MAX_TEXT,
        required=False,
        help_text=_(
            "Na de sessie: het advies komt als contactmoment op de tijdlijn van het bedrijf. "
            "Leeg: de casus is alleen ingepland."
        ),
    )
    next_steps = forms.CharField(
        label=_("Afgesproken vervolgstappen"),
        widget=_textarea(4),
        max_length=MAX_TEXT,
        required=False,
    )

    def __init__(self, *args: Any, table_case: TableCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["session"])
        field.queryset = TableSession.objects.filter(
            collective_id=table_case.collective_id
        ).order_by("-held_at", "-id")
        if not self.is_bound:
            self.initial.setdefault("session", table_case.session_id)
            self.initial.setdefault("advice", table_case.advice)
            self.initial.setdefault("next_steps", table_case.next_steps)
