"""Forms of the day and after: searching the check-in list (sent with POST: names stay out
of URLs), ticking someone present, a walk-in, and the follow-up. They declare and clean
input; the rules live in ``services/attendance.py`` and ``services/follow_up.py``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from loket.core.forms import MultipleChoiceByIdField, UtrechtFormMixin
from loket.core.models import Municipality
from loket.events.models import Event, Registration
from loket.events.services.attendance import WalkIn
from loket.events.services.follow_up import NOTE_MAX_LENGTH
from loket.portal.forms import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, ChoiceByIdField, KvkField

SEARCH_MAX_LENGTH = 100


def _max_length(limit: int) -> dict[str, Any]:
    return {"max_length": _("Gebruik hoogstens %(limit_value)d tekens.")}


class Form(UtrechtFormMixin, forms.Form):
    pass


class CheckinSearchForm(Form):
    zoek = forms.CharField(
        label=_("Zoek op naam of bedrijf"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages=_max_length(SEARCH_MAX_LENGTH),
    )


class AttendanceForm(Form):
    aanwezig = forms.ChoiceField(
        label=_("Aanwezig"),
        choices=[("ja", _("aanwezig")), ("nee", _("niet aanwezig"))],
        error_messages={
            "required": _("Kies aanwezig of niet aanwezig."),
            "invalid_choice": _("Kies aanwezig of niet aanwezig."),
        },
    )

    @property
    def present(self) -> bool:
        return bool(self.cleaned_data["aanwezig"] == "ja")


class WalkInForm(Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Vul de naam in."), **_max_length(NAME_MAX_LENGTH)},
    )
    company_name = forms.CharField(
        label=_("Bedrijf"),
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text=_("Leeg laten als de persoon niet voor een bedrijf komt."),
        error_messages=_max_length(NAME_MAX_LENGTH),
    )
    kvk_number = KvkField(
        label=_("KvK-nummer"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages=_max_length(20),
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@bedrijf.nl."),
            **_max_length(EMAIL_MAX_LENGTH),
        },
    )
    municipality = ChoiceByIdField(
        label=_("Gemeente"),
        required=False,
        queryset=Municipality.objects.none(),
        empty_label=_("— onbekend —"),
        error_messages={"invalid_choice": _("Kies een gemeente uit de lijst.")},
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, ChoiceByIdField)
        field.queryset = Municipality.objects.filter(region_id=event.region_id).order_by("name")

    def walk_in(self) -> WalkIn:
        data = self.cleaned_data
        return WalkIn(
            name=data["name"],
            email=data["email"],
            company_name=data["company_name"],
            kvk_number=data["kvk_number"],
            municipality=data["municipality"],
        )


class FollowUpForm(Form):
    registrations = MultipleChoiceByIdField(
        label=_("Wie volgt u op?"),
        queryset=Registration.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Kies wie opgevolgd moet worden."),
            "invalid_choice": _("Kies aanwezigen uit de lijst."),
            "invalid_pk_value": _("Kies aanwezigen uit de lijst."),
            "invalid_list": _("Kies aanwezigen uit de lijst."),
        },
    )
    note = forms.CharField(
        label=_("Wat moet de accountmanager opvolgen?"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Schrijf op wat de accountmanager moet opvolgen."),
            **_max_length(NOTE_MAX_LENGTH),
        },
    )

    def __init__(self, *args: Any, candidates: QuerySet[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["registrations"]
        assert isinstance(field, MultipleChoiceByIdField)
        field.queryset = candidates
        field.label_from_instance = _attendee_label  # type: ignore[method-assign,assignment]


def _attendee_label(registration: Registration) -> str:
    company = registration.company
    manager = company.account_manager if company is not None else None
    parts = [registration.name, company.name if company is not None else ""]
    label = " — ".join(p for p in parts if p)
    if manager is not None:
        label += " " + str(_("(accountmanager: %(name)s)") % {"name": manager.full_name})
    return label
