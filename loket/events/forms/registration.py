"""Forms of the public calendar and of registration: the calendar's filters, the
registration form of the portal (with the honeypot) and the staff's registration of
someone. They declare and clean input; the rules live in ``services/registration.py``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.core.models import Municipality, Region, Theme
from loket.events.services.registration import RegistrationInput
from loket.portal.forms import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    ChoiceByIdField,
    KvkField,
    PortalForm,
)


def _max_length() -> dict[str, Any]:
    return {"max_length": _("Gebruik hoogstens %(limit_value)d tekens.")}


class CalendarFilterForm(PortalForm):
    """The calendar's filters, sent with GET (none of them is personal)."""

    thema = forms.ChoiceField(
        label=_("Thema"),
        required=False,
        error_messages={"invalid_choice": _("Kies een thema uit de lijst.")},
    )
    gemeente = forms.ChoiceField(
        label=_("Gemeente"),
        required=False,
        error_messages={"invalid_choice": _("Kies een gemeente uit de lijst.")},
    )
    online = forms.ChoiceField(
        label=_("Online of op locatie"),
        required=False,
        choices=[
            ("", _("Allebei")),
            ("ja", _("Alleen online")),
            ("nee", _("Alleen op locatie")),
        ],
        error_messages={"invalid_choice": _("Kies een van de mogelijkheden.")},
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes = {t.slug: t for t in Theme.objects.filter(active=True)}
        self.fields["thema"].choices = [  # type: ignore[attr-defined]
            ("", _("Alle thema's")),
            *((slug, t.name) for slug, t in self.themes.items()),
        ]
        self.municipalities = {
            str(m.pk): m for m in Municipality.objects.filter(region=region).order_by("name")
        }
        self.fields["gemeente"].choices = [  # type: ignore[attr-defined]
            ("", _("Alle gemeenten")),
            *((pk, m.name) for pk, m in self.municipalities.items()),
        ]

    def clean_thema(self) -> Theme | None:
        return self.themes.get(self.cleaned_data.get("thema") or "")

    def clean_gemeente(self) -> Municipality | None:
        return self.municipalities.get(self.cleaned_data.get("gemeente") or "")


class RegistrationForm(PortalForm):
    """Registration without an account. ``website`` is the honeypot: hidden from people,
    labelled for screen readers to leave empty; bots fill it."""

    name = forms.CharField(
        label=_("Uw naam"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vul uw naam in."), **_max_length()},
    )
    company_name = forms.CharField(
        label=_("Naam van uw bedrijf"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": _("Vul de naam van uw bedrijf in."), **_max_length()},
    )
    kvk_number = KvkField(
        label=_("KvK-nummer"),
        required=False,
        max_length=20,
        help_text=_("8 cijfers."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages=_max_length(),
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("Hierop ontvangt u de bevestiging met de afspraak voor uw agenda."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Vul uw e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."),
            **_max_length(),
        },
    )
    municipality = ChoiceByIdField(
        label=_("Gemeente van uw bedrijf"),
        queryset=Municipality.objects.none(),
        empty_label=_("Kies een gemeente"),
        error_messages={
            "required": _("Kies de gemeente waar uw bedrijf gevestigd is."),
            "invalid_choice": _("Kies een gemeente uit de lijst."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Ik geef toestemming om mijn gegevens te bewaren en te gebruiken voor deze "
            "aanmelding en om contact met mij op te nemen na het evenement."
        ),
        help_text=_("Wij delen uw gegevens alleen met de organisatoren van het evenement."),
        error_messages={
            "required": _("Zonder uw toestemming kunnen wij uw aanmelding niet aannemen.")
        },
    )
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            region=region
        ).order_by("name")

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled (only meaningful after ``is_valid``)."""
        return bool((self.data.get("website") or "").strip())

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()

    def clean_company_name(self) -> str:
        return str(self.cleaned_data["company_name"]).strip()

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def as_input(self) -> RegistrationInput:
        return RegistrationInput.from_form(self.cleaned_data)


class StaffRegistrationForm(RegistrationForm):
    """A staff member registers someone (by phone, at a desk): e-mail and company are
    optional, and consent is what the person said."""

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, region=region, **kwargs)
        del self.fields["website"]
        self.fields["name"].label = _("Naam")
        self.fields["company_name"].label = _("Bedrijf")
        self.fields["company_name"].required = False
        self.fields["email"].required = False
        self.fields["email"].help_text = _(
            "Met een e-mailadres krijgt de deelnemer de bevestiging en de afmeldlink."
        )
        self.fields["municipality"].label = _("Gemeente van het bedrijf")
        self.fields["municipality"].required = False
        self.fields["consent"].required = False
        self.fields["consent"].label = _(
            "De deelnemer gaf (mondeling) toestemming om de gegevens te bewaren en te "
            "gebruiken voor de aanmelding en de opvolging."
        )
        self.fields["consent"].help_text = _(
            "Zonder toestemming wordt alleen het bedrijf in de klantregistratie gekoppeld, niet "
            "de persoon."
        )

    @property
    def is_bot(self) -> bool:
        return False


class ChooseCompanyForm(forms.Form):
    """Which company a registration belongs to, when linking found none or several: one
    of the candidates, or a company of the client record by its KvK number."""

    bedrijf = forms.TypedChoiceField(
        label=_("Een van de gevonden bedrijven"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies een bedrijf uit de lijst.")},
    )
    kvk_nummer = KvkField(
        label=_("Of een ander bedrijf, op KvK-nummer"),
        required=False,
        max_length=20,
        error_messages=_max_length(),
    )

    def __init__(self, *args: Any, candidates: list[Any], companies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.companies = companies  # the companies the user may choose from (a QuerySet)
        self.fields["bedrijf"].choices = [  # type: ignore[attr-defined]
            (
                c.pk,
                f"{c.name}{f' ({c.kvk_number})' if c.kvk_number else ''}"
                f"{f', {c.municipality.name}' if c.municipality_id else ''}",
            )
            for c in candidates
        ]
        if not candidates:
            del self.fields["bedrijf"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("bedrijf")
        kvk = data.get("kvk_nummer")
        if self.errors:
            return data
        if chosen and kvk:
            self.add_error(
                "kvk_nummer", _("Kies een bedrijf of vul een KvK-nummer in, niet allebei.")
            )
        elif chosen:
            data["company"] = self.companies.filter(pk=chosen).first()
            if data["company"] is None:
                self.add_error("bedrijf", _("Kies een bedrijf uit de lijst."))
        elif kvk:
            data["company"] = self.companies.filter(kvk_number=kvk).first()
            if data["company"] is None:
                self.add_error(
                    "kvk_nummer", _("Geen bedrijf met dit KvK-nummer in de klantregistratie.")
                )
        else:
            field = "bedrijf" if "bedrijf" in self.fields else "kvk_nummer"
            self.add_error(field, _("Kies een bedrijf of vul een KvK-nummer in."))
        return data
