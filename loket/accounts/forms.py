"""Forms of the accounts app: login, organisations, users, memberships, API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation, Role, User
from loket.core.forms import UtrechtFormMixin
from loket.core.models import Municipality, Region


class LoginForm(UtrechtFormMixin, AllauthLoginForm):
    """allauth's login form with Loket's labels and the browser's password manager hints."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("E-mailadres")
        login.widget.attrs.update(
            {"autocomplete": "username", "placeholder": "", "spellcheck": "false"}
        )
        login.error_messages["required"] = _("Vul uw e-mailadres in.")
        password = self.fields["password"]
        password.label = _("Wachtwoord")
        password.help_text = ""  # the "forgotten?" link is under the form
        password.widget.attrs.update({"autocomplete": "current-password", "placeholder": ""})
        password.error_messages["required"] = _("Vul uw wachtwoord in.")


class OrganisationForm(UtrechtFormMixin, forms.ModelForm):
    region = forms.ModelChoiceField(
        label=_("Regio"),
        queryset=Region.objects.none(),
        error_messages={"invalid_choice": _("Kies een regio uit de lijst.")},
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Vul een geldig webadres in, zoals https://voorbeeld.nl.")},
    )

    class Meta:
        model = Organisation
        fields = [
            "region",
            "name",
            "kind",
            "email",
            "phone",
            "website",
            "municipality",
            "is_programme_partner",
        ]
        error_messages = {
            "name": {"required": _("Vul de naam van de organisatie in.")},
            "kind": {
                "required": _("Kies het soort organisatie."),
                "invalid_choice": _("Kies een soort uit de lijst."),
            },
            "email": {"invalid": _("Vul een geldig e-mailadres in, zoals info@voorbeeld.nl.")},
            "municipality": {"invalid_choice": _("Kies een gemeente uit de lijst.")},
        }

    def __init__(
        self,
        *args: Any,
        regions: QuerySet[Region],
        municipalities: QuerySet[Municipality],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = regions
        municipality_field = self.fields["municipality"]
        assert isinstance(municipality_field, forms.ModelChoiceField)
        municipality_field.queryset = municipalities.select_related("region")
        municipality_field.empty_label = _("Geen gemeente")
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [("", _("Kies een soort")), *Organisation.Kind.choices]
        if self.instance.pk is not None:
            # An organisation does not move to another region.
            del self.fields["region"]
        elif len(regions) == 1:
            region_field.initial = regions[0]
            region_field.widget = forms.HiddenInput()

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Vul de naam van de organisatie in."))
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        region = cleaned.get("region") or (
            self.instance.region if self.instance.pk is not None else None
        )
        municipality = cleaned.get("municipality")
        if region is not None and municipality is not None and municipality.region_id != region.pk:
            self.add_error(
                "municipality", _("Deze gemeente hoort niet bij de regio van de organisatie.")
            )
        name = cleaned.get("name")
        if region is not None and name:
            clash = Organisation.objects.filter(region=region, name__iexact=name)
            if self.instance.pk is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("Er bestaat al een organisatie met deze naam."))
        return cleaned

    def validate_unique(self) -> None:
        # Checked in clean() with a message on the name field.
        return None


class OrganisationFilterForm(UtrechtFormMixin, forms.Form):
    q = forms.CharField(label=_("Naam bevat"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Soort"),
        required=False,
        choices=[("", _("Alle soorten")), *Organisation.Kind.choices],
    )


class UserForm(UtrechtFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "language", "is_active"]
        help_texts = {
            "is_active": _(
                "Een uitgeschakelde gebruiker kan niet inloggen en de API niet gebruiken."
            )
        }
        error_messages = {
            "full_name": {"required": _("Vul de naam in.")},
            "email": {
                "required": _("Vul het e-mailadres in."),
                "invalid": _("Vul een geldig e-mailadres in, zoals naam@organisatie.nl."),
            },
            "language": {"invalid_choice": _("Kies een taal uit de lijst.")},
        }

    def clean_full_name(self) -> str:
        name: str = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Vul de naam in."))
        return name

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        clash = User.objects.filter(email__iexact=email)
        if self.instance.pk is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Er bestaat al een gebruiker met dit e-mailadres."))
        return email

    def validate_unique(self) -> None:
        # The e-mail address is checked in clean_email, case-insensitively.
        return None


def _role_choices(allow_administrator: bool) -> list[tuple[str, Any]]:
    return [
        (value, label)
        for value, label in Role.choices
        if allow_administrator or value != Role.ADMINISTRATOR
    ]


class MembershipForm(UtrechtFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        empty_label=_("Kies een organisatie"),
        error_messages={
            "required": _("Kies een organisatie."),
            "invalid_choice": _("Kies een organisatie uit de lijst."),
        },
    )
    role = forms.ChoiceField(
        label=_("Rol"),
        choices=[],
        error_messages={
            "required": _("Kies een rol."),
            "invalid_choice": _("Kies een rol uit de lijst."),
        },
    )
    is_team_lead = forms.BooleanField(label=_("Teamleider"), required=False)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        administrator_region_ids: frozenset[int] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = organisations.order_by("name")
        self.administrator_region_ids = administrator_region_ids
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [
            ("", _("Kies een rol")),
            *_role_choices(bool(administrator_region_ids)),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation = cleaned.get("organisation")
        if (
            cleaned.get("role") == Role.ADMINISTRATOR
            and organisation is not None
            and organisation.region_id not in self.administrator_region_ids
        ):
            self.add_error(
                "role", _("Alleen een beheerder van deze regio kent de rol beheerder toe.")
            )
        return cleaned


class NewUserForm(UserForm, MembershipForm):
    """A new user with a first membership; an invitation e-mail goes out."""

    send_invitation = forms.BooleanField(
        label=_("Stuur een uitnodiging per e-mail"),
        required=False,
        initial=True,
        help_text=_("Met een link om zelf een wachtwoord te kiezen."),
    )

    class Meta(UserForm.Meta):
        fields = ["full_name", "email", "phone", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = settings.LANGUAGE_CODE

    def clean(self) -> dict[str, Any]:
        MembershipForm.clean(self)
        return self.cleaned_data


class UserFilterForm(UtrechtFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Alle organisaties"),
    )
    role = forms.ChoiceField(
        label=_("Rol"), required=False, choices=[("", _("Alle rollen")), *Role.choices]
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle")), ("1", _("Actief")), ("0", _("Uitgeschakeld"))],
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = organisations.order_by("name")


class LanguageForm(UtrechtFormMixin, forms.Form):
    language = forms.ChoiceField(
        label=_("Taal van Loket"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": _("Kies een taal uit de lijst.")},
    )


class ApiTokenForm(UtrechtFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Omschrijving"),
        max_length=100,
        help_text=_("Waarvoor u de sleutel gebruikt, bijvoorbeeld 'Koppeling met ons CRM'."),
        error_messages={
            "required": _("Geef de sleutel een omschrijving."),
            "max_length": _("Gebruik hoogstens 100 tekens."),
        },
    )
    expires_on = forms.DateField(
        label=_("Geldig tot en met"),
        required=False,
        help_text=_("Leeg laten voor een sleutel zonder einddatum. Bijvoorbeeld 31-12-2027."),
        input_formats=["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een geldige datum in, zoals 31-12-2027.")},
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Geef de sleutel een omschrijving."))
        return name

    def clean_expires_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("expires_on")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("Kies een datum in de toekomst."))
        return value
