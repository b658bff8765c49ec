"""Forms of the report pages: a new report, the text per action line, submitting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation
from loket.core.forms import UtrechtFormMixin
from loket.monitoring.models import Report
from loket.monitoring.queries import can_write_merged_report, report_organisations
from loket.monitoring.services.reports import MAX_NARRATIVE, MAX_NOTE
from loket.programmes.forms.realisation import QUARTERS
from loket.programmes.models import Programme

MERGED = "merged"


class ReportCreateForm(UtrechtFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Soort"), choices=Report.Kind.choices)
    year = forms.TypedChoiceField(label=_("Jaar"), coerce=int)
    quarter = forms.TypedChoiceField(
        label=_("Kwartaal"),
        coerce=int,
        choices=QUARTERS,
        help_text=_("Een eindrapportage gaat altijd over de hele looptijd."),
    )
    organisation = forms.ChoiceField(label=_("Van"))

    def __init__(self, programme: Programme, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(year, str(year)) for year in programme.years]
        choices: list[tuple[str, str]] = []
        if can_write_merged_report(user, programme):
            choices.append((MERGED, str(_("het hele programma (samengevoegd)"))))
        self.organisations = {
            org.pk: org
            for org in Organisation.objects.filter(
                pk__in=report_organisations(user, programme)
            ).order_by("name")
        }
        choices += [(str(pk), org.name) for pk, org in self.organisations.items()]
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = choices

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        chosen = data["organisation"]
        return {
            "kind": data["kind"],
            "year": data["year"],
            "quarter": data["quarter"],
            "organisation": None if chosen == MERGED else self.organisations[int(chosen)],
        }


class NarrativeForm(UtrechtFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=MAX_NARRATIVE,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Gewone tekst (een lege regel begint een nieuwe alinea) of eenvoudige HTML: "
            "<p>, <strong>, <em>, <ul>/<ol>/<li>, <h3>, <h4> en links. "
            "Andere opmaak en scripts worden verwijderd; hieronder ziet u het resultaat."
        ),
        strip=False,
    )


class SubmitForm(UtrechtFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Opmerking bij deze versie"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld wat er anders is dan in de vorige versie."),
    )
