"""Forms of the casework pages. They declare and clean input; the rules live in
``services.py``, whose ``ValidationError`` lands on the field it names
(``add_service_errors``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation, User
from loket.casework import queries, services
from loket.casework.models import Case, ContactMoment
from loket.catalogue.models import Instrument
from loket.catalogue.queries import region_q
from loket.companies.models import Company, Person
from loket.core.forms import MultipleChoiceByIdField, UtrechtFormMixin
from loket.core.models import Need, Theme
from loket.core.permissions import scope_of

# Dutch first (24-11-2026 14:30), then what an HTML datetime-local / date input sends.
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H.%M",
    "%d-%m-%Y",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d-%m-%y", "%Y-%m-%d"]
MAX_TEXT = 10_000


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form
    has that field, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.email


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        question = obj.question if len(obj.question) <= 60 else obj.question[:59] + "…"
        return f"{obj.reference}: {question}"


class PersonChoiceField(MultipleChoiceByIdField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.role})" if obj.role else obj.name


def _datetime_local() -> forms.DateTimeInput:
    return forms.DateTimeInput(
        attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"
    )


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def themes_field(label: Any = None) -> forms.ModelMultipleChoiceField:
    return MultipleChoiceByIdField(
        label=label or _("Thema's"),
        queryset=Theme.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


# --- cases ---------------------------------------------------------------------------


class CaseForm(UtrechtFormMixin, forms.Form):
    """Open a help request for a company (from the company page)."""

    channel = forms.ChoiceField(label=_("Kanaal"), choices=Case.Channel.choices)
    question = forms.CharField(
        label=_("Vraag van de ondernemer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
    )
    themes = themes_field()
    person = forms.ModelChoiceField(
        label=_("Contactpersoon"), queryset=Person.objects.none(), required=False
    )
    owner = UserChoiceField(
        label=_("Eigenaar"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Wie de hulpvraag oppakt. Standaard uzelf."),
    )

    def __init__(self, *args: Any, company: Company, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        _choices(self, "person").queryset = company.persons.order_by("name", "id")
        _choices(self, "owner").queryset = queries.case_workers_in([company.region_id])
        if not self.is_bound:
            can_work = scope_of(user).can_work_cases(company.region_id)
            self.initial.setdefault("owner", user.pk if can_work else company.account_manager_id)


class CaseEditForm(UtrechtFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Kanaal"), choices=Case.Channel.choices)
    question = forms.CharField(
        label=_("Vraag van de ondernemer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
    )
    themes = themes_field()
    person = forms.ModelChoiceField(
        label=_("Contactpersoon"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "channel": case.channel,
                "question": case.question,
                "themes": list(case.themes.all()),
                "person": case.person_id,
            },
        )
        super().__init__(*args, **kwargs)
        _choices(self, "person").queryset = case.company.persons.order_by("name", "id")


class ReassignForm(UtrechtFormMixin, forms.Form):
    owner = UserChoiceField(label=_("Nieuwe eigenaar"), queryset=User.objects.none())

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "owner").queryset = queries.case_workers_in([case.region_id])
        if not self.is_bound:
            self.initial.setdefault("owner", case.owner_id)


class StatusForm(UtrechtFormMixin, forms.Form):
    """One status change; closing also needs the outcome (and an optional note)."""

    status = forms.ChoiceField(label=_("Nieuwe status"), choices=Case.Status.choices)
    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=[("", _("Kies de uitkomst")), *Case.Outcome.choices],
        required=False,
    )
    outcome_note = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The outcome is asked only in the closing form, and there it is required.
        closing = not self.is_bound or self.data.get("status") == Case.Status.CLOSED
        self.fields["outcome"].required = closing
        self.fields["outcome"].error_messages["required"] = _("Kies de uitkomst om af te sluiten.")


# --- referrals -----------------------------------------------------------------------


class ReferralForm(UtrechtFormMixin, forms.Form):
    """Refer a case to a partner, optionally for an instrument of the catalogue (a hidden
    field, prefilled from the suggestions on the case page). An instrument with a contact
    organisation in the case's region fixes the partner: the field is then shown but not
    editable, and whatever is posted for it is ignored. Without one (a national scheme)
    the advisor picks the partner who helps with it."""

    SEND, PROPOSE = "send", "propose"

    to_organisation = forms.ModelChoiceField(
        label=_("Doorverwijzen naar"), queryset=Organisation.objects.none()
    )
    message = forms.CharField(
        label=_("Wat vraagt u van de partner?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        help_text=_("De partner leest dit in Loket; de e-mail bevat geen persoonsgegevens."),
    )
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("Dit instrument bestaat niet of geldt niet in deze regio.")
        },
    )
    action = forms.ChoiceField(
        choices=[(SEND, _("Versturen")), (PROPOSE, _("Als voorstel bewaren"))],
        required=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "to_organisation").queryset = queries.referral_targets(case)
        _choices(self, "instrument").queryset = (
            Instrument.objects.filter(region_q(case.region_id))
            .distinct()
            .select_related("contact_organisation", "provider_organisation")
        )
        self.chosen_instrument = self._chosen_instrument()
        self.contact_organisation = (
            services.instrument_contact_in_region(self.chosen_instrument, case.region_id)
            if self.chosen_instrument is not None
            else None
        )
        if self.contact_organisation is not None:
            field = _choices(self, "to_organisation")
            field.queryset = Organisation.objects.filter(pk=self.contact_organisation.pk)
            field.disabled = True
            field.empty_label = None
            self.initial["to_organisation"] = self.contact_organisation.pk
            field.help_text = _(
                "Een verwijzing naar dit instrument gaat naar zijn contactorganisatie."
            )

    def _chosen_instrument(self) -> Instrument | None:
        """The instrument named in the posted data (or, unbound, in the initial data), if
        it is one of the region's; the field reports a wrong one when the form is cleaned."""
        if self.is_bound:
            raw = self.data.get(self.add_prefix("instrument"))
        else:
            raw = self.initial.get("instrument")
        if raw in (None, ""):
            return None
        try:
            return cast(Instrument | None, self.fields["instrument"].clean(raw))
        except (ValidationError, OverflowError):
            return None

    @property
    def send_now(self) -> bool:
        return self.cleaned_data.get("action") != self.PROPOSE


class DeclineForm(UtrechtFormMixin, forms.Form):
    decline_reason = forms.CharField(
        label=_("Reden van afwijzing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        error_messages={"required": _("Geef aan waarom u de verwijzing afwijst.")},
    )


class CompleteForm(UtrechtFormMixin, forms.Form):
    feedback = forms.CharField(
        label=_("Terugkoppeling"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        help_text=_("Wat deed uw organisatie voor het bedrijf? De verwijzer leest dit."),
        error_messages={"required": _("Schrijf kort wat u voor het bedrijf deed.")},
    )


class EmptyForm(forms.Form):
    """For actions without input (accept, send): CSRF is the only field."""


# --- contact moments -----------------------------------------------------------------


class ContactMomentForm(UtrechtFormMixin, forms.Form):
    """Record or change a contact moment (an intake when the kind is intake)."""

    kind = forms.ChoiceField(label=_("Soort contact"), choices=ContactMoment.Kind.choices)
    occurred_at = forms.DateTimeField(
        label=_("Datum en tijd"),
        input_formats=DATETIME_INPUT_FORMATS,
        widget=_datetime_local(),
        help_text=_("Bijvoorbeeld 24-11-2026 14:30."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duur in minuten"), min_value=1, max_value=24 * 60, required=False
    )
    persons = PersonChoiceField(
        label=_("Aanwezig"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = themes_field()
    needs = MultipleChoiceByIdField(
        label=_("Behoeften"),
        queryset=Need.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Wat de ondernemer nodig heeft, zoals u het hoorde."),
    )
    summary = forms.CharField(
        label=_("Verslag"), widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_TEXT
    )
    follow_up_on = forms.DateField(
        label=_("Opvolgen op"),
        input_formats=DATE_INPUT_FORMATS,
        widget=_date_input(),
        required=False,
    )
    confidential = forms.BooleanField(
        label=_("Vertrouwelijk: alleen zichtbaar binnen mijn organisatie"), required=False
    )
    signal = forms.CharField(
        label=_("Signaal voor beleid"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        required=False,
        help_text=ContactMoment._meta.get_field("signal").help_text,
    )
    case = CaseChoiceField(
        label=_("Hoort bij hulpvraag"), queryset=Case.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Namens organisatie"), queryset=Organisation.objects.none()
    )

    def __init__(
        self,
        *args: Any,
        company: Company,
        user: User,
        instance: ContactMoment | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": instance.kind,
                    "occurred_at": timezone.localtime(instance.occurred_at),
                    "duration_minutes": instance.duration_minutes,
                    "persons": list(instance.persons.all()),
                    "themes": list(instance.themes.all()),
                    "needs": list(instance.needs.all()),
                    "summary": instance.summary,
                    "follow_up_on": instance.follow_up_on,
                    "confidential": instance.confidential,
                    "signal": instance.signal,
                    "case": instance.case_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.company = company
        self.instance = instance
        _choices(self, "persons").queryset = company.persons.order_by("name", "id")
        cases: QuerySet[Case] = queries.cases_visible_to(user).filter(company=company)
        if instance is None or instance.case_id is None:
            cases = cases.filter(status__in=Case.OPEN_STATUSES)
        else:
            cases = cases.filter(Q(pk=instance.case_id) | Q(status__in=Case.OPEN_STATUSES))
        _choices(self, "case").queryset = cases.order_by("-opened_at", "-id")
        if instance is not None:
            # The author's organisation stays the author's organisation.
            del self.fields["organisation"]
        else:
            orgs = queries.user_organisations_in(user, company.region_id)
            _choices(self, "organisation").queryset = orgs
            org_list = list(orgs)
            if len(org_list) <= 1:
                del self.fields["organisation"]
                self.acting_organisation = org_list[0] if org_list else None
            elif not self.is_bound:
                self.initial.setdefault("organisation", org_list[0].pk)
        if not self.is_bound and instance is None:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape the services take."""
        data = dict(self.cleaned_data)
        data.setdefault("organisation", getattr(self, "acting_organisation", None))
        return data


# --- choices shared with the templates -----------------------------------------------

STATUS_BUTTON_LABELS: dict[str, Any] = {
    Case.Status.NEW: _("Terug naar nieuw"),
    Case.Status.INTAKE: _("Intake starten"),
    Case.Status.IN_PROGRESS: _("In behandeling nemen"),
    Case.Status.REFERRED: _("Markeren als doorverwezen"),
    Case.Status.WAITING: _("Wacht op ondernemer"),
    Case.Status.CLOSED: _("Afsluiten"),
}
REOPEN_LABEL = _("Heropenen")
