"""Forms of the company pages. They declare and clean input; the rules live in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation, User
from loket.companies.models import Company, Consent, LegalForm, SbiCode
from loket.companies.validators import (
    normalise_kvk,
    normalise_postcode,
    validate_kvk_number,
    validate_postcode,
)
from loket.core.forms import UtrechtFormMixin
from loket.core.models import Municipality, Region, Theme
from loket.core.permissions import PROGRAMME_ROLES

MAX_EMPLOYEES = 1_000_000
MAX_HOUSE_NUMBER = 99_999
OLDEST_FOUNDING = dt.date(1600, 1, 1)


class DutchDateInput(forms.DateInput):
    """A native date picker; it submits 2026-11-22, typed 22-11-2026 is accepted too."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has that
    field, else as an error of the whole form. Never raises for an unknown field name."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def programme_staff_of(region: Region | int) -> QuerySet[User]:
    """Active users with a programme role in the region: who may be account manager."""
    region_id = region.pk if isinstance(region, Region) else region
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__region_id=region_id,
            memberships__role__in=PROGRAMME_ROLES,
        )
        .distinct()
        .order_by("full_name", "id")
    )


def sbi_choices(divisions: list[SbiCode]) -> list[tuple[str, list[tuple[str, str]]]]:
    """SBI divisions grouped under their section, for a grouped select."""
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for division in divisions:
        section = division.section
        assert section is not None
        label = f"{section.code} {section.name}"
        groups.setdefault(section.pk, (label, []))[1].append(
            (str(division.pk), f"{division.code} {division.name}")
        )
    return list(groups.values())


class StyledForm(UtrechtFormMixin, forms.Form):
    """The shared NL Design System classes (loket/core/forms.py), except on lists of
    checkboxes and radio buttons: Django puts a widget's class on the list's wrapper too,
    where the checkbox size of ``utrecht-checkbox`` squeezes the whole list into one box.
    Their inputs are styled by type in loket.css. Django adds aria-invalid and
    aria-describedby (help text, errors) itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                field.widget.attrs.pop("class", None)


class RegionChoiceForm(StyledForm):
    """Step one of creating a company for a user who works in several regions."""

    regio = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        label=_("Regio"),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies een van uw regio's.")},
    )

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regio"].queryset = regions  # type: ignore[attr-defined]


class CompanyForm(StyledForm):
    """All fields of a company, with Dutch labels. Choices come from the company's region."""

    kvk_number = forms.CharField(
        label=_("KvK-nummer"),
        required=False,
        max_length=20,
        help_text=_("8 cijfers; leeg laten voor een aspirant-ondernemer zonder inschrijving."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        error_messages={"required": _("Vul de naam van het bedrijf in.")},
    )
    trade_names = forms.CharField(
        label=_("Handelsnamen"),
        required=False,
        max_length=2000,
        help_text=_("Eén handelsnaam per regel."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    legal_form = forms.ChoiceField(
        label=_("Rechtsvorm"),
        required=False,
        choices=[("", _("(onbekend)")), *LegalForm.choices],
    )
    sbi_codes = forms.ModelMultipleChoiceField(
        label=_("SBI-codes (sectoren)"),
        required=False,
        queryset=SbiCode.objects.none(),
        help_text=_("Houd Ctrl (of Cmd) ingedrukt om meer dan één sector te kiezen."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    employees = forms.IntegerField(
        label=_("Aantal werkzame personen"),
        required=False,
        min_value=0,
        max_value=MAX_EMPLOYEES,
        help_text=_("Inclusief de eigenaar; bepaalt de grootteklasse."),
    )
    founded_on = forms.DateField(
        label=_("Opgericht op"),
        required=False,
        widget=DutchDateInput(),
        help_text=_("Bijvoorbeeld 22-11-2021. Een starter is 0 tot 5 jaar oud."),
    )
    street = forms.CharField(label=_("Straat"), required=False, max_length=200)
    house_number = forms.IntegerField(
        label=_("Huisnummer"), required=False, min_value=1, max_value=MAX_HOUSE_NUMBER
    )
    house_number_addition = forms.CharField(label=_("Toevoeging"), required=False, max_length=10)
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=10,
        help_text=_("Bijvoorbeeld 9401 AB."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(label=_("Plaats"), required=False, max_length=100)
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"),
        required=False,
        queryset=Municipality.objects.none(),
        empty_label=_("(kies een gemeente)"),
    )
    email = forms.EmailField(label=_("E-mailadres"), required=False, max_length=254)
    phone = forms.CharField(label=_("Telefoon"), required=False, max_length=30)
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thema's"),
        required=False,
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    business_associations = forms.ModelMultipleChoiceField(
        label=_("Lid van ondernemersverenigingen"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    account_manager = forms.ModelChoiceField(
        label=_("Accountmanager"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("(geen)"),
        help_text=_(
            "Een adviseur of specialist van het programma; alleen het programma wijst die toe."
        ),
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Toch aanmaken: het is een ander bedrijf"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        region: Region,
        may_set_account_manager: bool,
        creating: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        fields = self.fields
        divisions = list(
            SbiCode.objects.filter(section__isnull=False)
            .select_related("section")
            .order_by("section__code", "code")
        )
        sbi = fields["sbi_codes"]
        sbi.queryset = SbiCode.objects.filter(section__isnull=False)  # type: ignore[attr-defined]
        sbi.choices = sbi_choices(divisions)  # type: ignore[attr-defined]
        fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            region=region
        ).order_by("name")
        fields["themes"].queryset = Theme.objects.filter(active=True)  # type: ignore[attr-defined]
        fields["business_associations"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            region=region, kind=Organisation.Kind.BUSINESS_ASSOCIATION
        ).order_by("name")
        fields["account_manager"].queryset = programme_staff_of(region)  # type: ignore[attr-defined]
        if not may_set_account_manager:
            fields["account_manager"].disabled = True
            fields["account_manager"].help_text = _(
                "Alleen medewerkers van het programma wijzen de accountmanager toe."
            )
        if not creating:
            del fields["confirm_duplicate"]

    # --- cleaning --------------------------------------------------------------------

    def clean_kvk_number(self) -> str:
        value = normalise_kvk(self.cleaned_data.get("kvk_number") or "")
        if value:
            validate_kvk_number(value)
        return value

    def clean_name(self) -> str:
        value = (self.cleaned_data.get("name") or "").strip()
        if not value:
            raise ValidationError(_("Vul de naam van het bedrijf in."), code="required")
        return value

    def clean_trade_names(self) -> list[str]:
        raw = self.cleaned_data.get("trade_names") or ""
        names = [line.strip() for line in raw.splitlines() if line.strip()]
        too_long = [n for n in names if len(n) > 200]
        if too_long:
            raise ValidationError(_("Een handelsnaam is hoogstens 200 tekens lang."))
        return list(dict.fromkeys(names))

    def clean_postcode(self) -> str:
        value = normalise_postcode(self.cleaned_data.get("postcode") or "")
        if value:
            try:
                validate_postcode(value)
            except ValidationError:
                raise ValidationError(
                    _(
                        "Vul een Nederlandse postcode in: vier cijfers en twee letters,"
                        " zoals 9401 AB."
                    ),
                    code="invalid_postcode",
                ) from None
        return value

    def clean_founded_on(self) -> dt.date | None:
        value = self.cleaned_data.get("founded_on")
        if value is None:
            return None
        if value > timezone.localdate():
            raise ValidationError(_("De oprichtingsdatum ligt niet in de toekomst."))
        if value < OLDEST_FOUNDING:
            raise ValidationError(_("Controleer het jaar van oprichting."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("house_number") and not data.get("postcode") and "postcode" not in self.errors:
            self.add_error("postcode", _("Vul bij een huisnummer ook de postcode in."))
        return data

    def service_data(self) -> dict[str, Any]:
        """The cleaned values in the shape the services take."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"confirm_duplicate"}}
        if self.fields["account_manager"].disabled:
            data.pop("account_manager", None)
        return data

    @classmethod
    def initial_from(cls, company: Company) -> dict[str, Any]:
        return {
            "kvk_number": company.kvk_number,
            "name": company.name,
            "trade_names": "\n".join(company.trade_names or []),
            "legal_form": company.legal_form,
            "sbi_codes": [c.pk for c in company.sbi_codes.all()],
            "employees": company.employees,
            "founded_on": company.founded_on,
            "street": company.street,
            "house_number": company.house_number,
            "house_number_addition": company.house_number_addition,
            "postcode": company.postcode,
            "city": company.city,
            "municipality": company.municipality_id,
            "email": company.email,
            "phone": company.phone,
            "website": company.website,
            "themes": [t.pk for t in company.themes.all()],
            "business_associations": [o.pk for o in company.business_associations.all()],
            "account_manager": company.account_manager_id,
        }


class MergeLookupForm(StyledForm):
    """Which company is the duplicate: by KvK number or by its number in Loket (step one),
    then confirmed by its id (step two). Posted, so no number ends up in a URL."""

    other = forms.CharField(
        label=_("KvK-nummer of Loket-nummer van het dubbele bedrijf"),
        required=False,
        max_length=20,
        help_text=_(
            "Het KvK-nummer (8 cijfers) of het nummer dat in het adres van de bedrijfspagina staat."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    duplicate = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, keep: Company, candidates: QuerySet[Company], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keep = keep
        self.candidates = candidates

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        found: Company | None = None
        if data.get("duplicate"):
            found = self.candidates.filter(pk=data["duplicate"]).first()
        else:
            raw = normalise_kvk(data.get("other") or "")
            if not raw:
                self.add_error("other", _("Vul het KvK-nummer of Loket-nummer in."))
                return data
            if not raw.isdigit() or len(raw) > 18:
                self.add_error(
                    "other",
                    _("Vul een KvK-nummer (8 cijfers) of een Loket-nummer (alleen cijfers) in."),
                )
                return data
            if len(raw) == 8:
                found = self.candidates.filter(kvk_number=raw).first()
            if found is None:
                found = self.candidates.filter(pk=int(raw)).first()
        if found is None:
            self.add_error("other", _("Geen bedrijf met dit nummer gevonden in de regio."))
        elif found.pk == self.keep.pk:
            self.add_error("other", _("Dit is het bedrijf zelf; kies het dubbele bedrijf."))
        else:
            data["duplicate_company"] = found
        return data


class PersonForm(StyledForm):
    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        error_messages={"required": _("Vul de naam van de contactpersoon in.")},
    )
    role = forms.CharField(
        label=_("Functie of rol"),
        required=False,
        max_length=100,
        help_text=_("Bijvoorbeeld eigenaar of directeur."),
    )
    email = forms.EmailField(label=_("E-mailadres"), required=False, max_length=254)
    phone = forms.CharField(label=_("Telefoon"), required=False, max_length=30)

    def clean_name(self) -> str:
        value = (self.cleaned_data.get("name") or "").strip()
        if not value:
            raise ValidationError(_("Vul de naam van de contactpersoon in."), code="required")
        return value


class ConsentForm(StyledForm):
    purpose = forms.CharField(
        label=_("Waarvoor"),
        max_length=200,
        error_messages={"required": _("Vul in waarvoor toestemming is gegeven.")},
        help_text=_("Bijvoorbeeld: gegevens delen met partners van het programma."),
    )
    method = forms.ChoiceField(
        label=_("Hoe gegeven"), choices=[("", _("(kies)")), *Consent.Method.choices]
    )
    given_on = forms.DateField(
        label=_("Gegeven op"), widget=DutchDateInput(), help_text=_("Bijvoorbeeld 22-11-2026.")
    )

    def clean_purpose(self) -> str:
        value = (self.cleaned_data.get("purpose") or "").strip()
        if not value:
            raise ValidationError(_("Vul in waarvoor toestemming is gegeven."), code="required")
        return value

    def clean_given_on(self) -> dt.date:
        value = self.cleaned_data["given_on"]
        if value > timezone.localdate():
            raise ValidationError(_("Toestemming kan niet in de toekomst gegeven zijn."))
        if value < dt.date(2000, 1, 1):
            raise ValidationError(_("Controleer de datum."))
        return value


class PersonCreateForm(PersonForm):
    """A new contact person, optionally with the consent given right away."""

    consent_purpose = forms.CharField(
        label=_("Toestemming: waarvoor"),
        required=False,
        max_length=200,
        help_text=_("Laat leeg als (nog) geen toestemming is gegeven."),
    )
    consent_method = forms.ChoiceField(
        label=_("Toestemming: hoe gegeven"),
        required=False,
        choices=[("", _("(kies)")), *Consent.Method.choices],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        purpose = (data.get("consent_purpose") or "").strip()
        method = data.get("consent_method") or ""
        if purpose and not method:
            self.add_error("consent_method", _("Kies hoe de toestemming is gegeven."))
        if method and not purpose:
            self.add_error("consent_purpose", _("Vul in waarvoor toestemming is gegeven."))
        data["consent_purpose"] = purpose
        return data


class WithdrawConsentForm(StyledForm):
    withdrawn_on = forms.DateField(
        label=_("Ingetrokken op"), required=False, widget=DutchDateInput()
    )

    def __init__(self, *args: Any, consent: Consent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean_withdrawn_on(self) -> dt.date | None:
        value = self.cleaned_data.get("withdrawn_on")
        if value is None:
            return None
        if value > timezone.localdate():
            raise ValidationError(_("Een intrekking ligt niet in de toekomst."))
        if value < self.consent.given_on:
            raise ValidationError(_("Een intrekking ligt niet vóór de datum van toestemming."))
        return value
