"""Forms of the internal catalogue pages. They declare and clean input; the rules (who may
edit, what a valid instrument is, versions, audit) live in ``services.py``."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation, User
from loket.catalogue.models import Instrument, Kind, Phase, ProviderKind
from loket.catalogue.services import INSTRUMENT_FIELDS
from loket.companies.forms import DutchDateInput, StyledForm
from loket.companies.models import LegalForm, SbiCode, SizeClass
from loket.core.forms import MAX_PK, BoundedDateField, MultipleChoiceByIdField, normalise_amount
from loket.core.models import Municipality, Region, Theme

MAX_EMPLOYEES = 1_000_000
MAX_COMPANY_AGE = 500
MAX_AMOUNT = Decimal("9999999999.99")  # what 12 digits with 2 decimals hold
SHARED = "shared"  # the region choice for national and EU instruments


class ChoiceByIdField(forms.ModelChoiceField):
    """One row by id; ids no database column can hold are an invalid choice (SQLite
    raises OverflowError on them instead of finding nothing)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            try:
                number = int(str(value))
            except (TypeError, ValueError):
                number = -1
            if not 0 < number <= MAX_PK:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class EuroField(forms.DecimalField):
    """An amount in euro excluding VAT, typed the Dutch way."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("In euro, exclusief btw, bijvoorbeeld 1.234,56. Leeg: geen bedrag.")
        )
        super().__init__(
            max_digits=12,
            decimal_places=2,
            min_value=Decimal("0"),
            max_value=MAX_AMOUNT,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = normalise_amount(value.strip())
        return super().to_python(value)

    def clean(self, value: Any) -> Decimal | None:
        """Validated, then with two decimals: '500' and '500,00' are the same amount
        (and so no change of an instrument)."""
        amount = super().clean(value)
        return None if amount is None else amount.quantize(Decimal("0.01"))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value


def _date(label: Any, help_text: Any = "") -> BoundedDateField:
    return BoundedDateField(
        label=label, required=False, widget=DutchDateInput(), help_text=help_text
    )


def _checkboxes(label: Any, choices: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def parse_sbi_codes(text: str) -> list[str]:
    """'41, 43 f' -> ['41', '43', 'F']: split on commas, semicolons and spaces, section
    letters in capitals, each code once, in the order given."""
    parts = [p.strip().upper() for p in re.split(r"[,;\s]+", text or "") if p.strip()]
    return list(dict.fromkeys(parts))


class InstrumentForm(StyledForm):
    """Every field a person may set on an instrument, with Dutch labels. ``regions`` are
    the regions the user may add instruments to (creating only: the region of an
    existing instrument does not change); ``allow_shared`` offers national/EU."""

    region = forms.ChoiceField(
        label=_("Regio"),
        choices=[],
        help_text=_(
            "Een instrument van het programma of een partner hoort bij een regio; een "
            "landelijk of Europees instrument delen alle regio's."
        ),
        error_messages={
            "required": _("Kies de regio van het instrument."),
            "invalid_choice": _("Kies een van de regio's in de lijst."),
        },
    )
    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        error_messages={"required": _("Vul de naam van het instrument in.")},
    )
    summary = forms.CharField(
        label=_("Korte omschrijving"),
        max_length=300,
        help_text=_("Eén of twee zinnen; zo staat het instrument in lijsten en zoekresultaten."),
        error_messages={"required": _("Vul een korte omschrijving in.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        max_length=20_000,
        help_text=_(
            "Opmaak met eenvoudige HTML mag: <p>, <strong>, <em>, lijsten en links. "
            "Al het andere wordt verwijderd."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    kind = forms.ChoiceField(
        label=_("Soort"),
        choices=[("", _("(kies een soort)")), *Kind.choices],
        error_messages={"required": _("Kies de soort instrument.")},
    )
    provider_kind = forms.ChoiceField(
        label=_("Soort aanbieder"),
        choices=ProviderKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wie het instrument aanbiedt.")},
    )
    provider_organisation = ChoiceByIdField(
        label=_("Aanbiedende organisatie"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("(geen: landelijk of Europees)"),
        help_text=_("Voor een instrument van het programma of een partner."),
    )
    provider_name = forms.CharField(
        label=_("Naam aanbieder"),
        required=False,
        max_length=200,
        help_text=_("Voor landelijke en Europese aanbieders, bijvoorbeeld RVO."),
    )
    themes = MultipleChoiceByIdField(
        label=_("Thema's"),
        required=False,
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    phases = _checkboxes(
        _("Fasen"), Phase.choices, _("Wat de ondernemer wil bereiken; leeg: elke fase.")
    )
    keywords = forms.CharField(
        label=_("Zoekwoorden"),
        required=False,
        max_length=500,
        help_text=_("Extra woorden waarop ondernemers dit instrument zoeken."),
    )
    size_classes = _checkboxes(
        _("Grootteklassen"), SizeClass.choices, _("Leeg: bedrijven van elke grootte.")
    )
    employees_min = forms.IntegerField(
        label=_("Minimaal aantal werkzame personen"),
        required=False,
        min_value=0,
        max_value=MAX_EMPLOYEES,
    )
    employees_max = forms.IntegerField(
        label=_("Maximaal aantal werkzame personen"),
        required=False,
        min_value=0,
        max_value=MAX_EMPLOYEES,
    )
    company_age_min = forms.IntegerField(
        label=_("Minimale leeftijd bedrijf (jaren)"),
        required=False,
        min_value=0,
        max_value=MAX_COMPANY_AGE,
    )
    company_age_max = forms.IntegerField(
        label=_("Maximale leeftijd bedrijf (jaren)"),
        required=False,
        min_value=0,
        max_value=MAX_COMPANY_AGE,
    )
    sbi_included = forms.CharField(
        label=_("Alleen voor SBI-codes"),
        required=False,
        max_length=1000,
        help_text=_(
            "Secties (letters) of afdelingen (twee cijfers), gescheiden door komma's, "
            "bijvoorbeeld: F, 62. Leeg: alle sectoren."
        ),
    )
    sbi_excluded = forms.CharField(
        label=_("Niet voor SBI-codes"),
        required=False,
        max_length=1000,
        help_text=_("Gescheiden door komma's, bijvoorbeeld: A, 64."),
    )
    legal_forms = _checkboxes(_("Rechtsvormen"), LegalForm.choices, _("Leeg: elke rechtsvorm."))
    municipalities = MultipleChoiceByIdField(
        label=_("Alleen in gemeenten"),
        required=False,
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leeg: in de hele regio."),
    )
    regions = MultipleChoiceByIdField(
        label=_("Alleen in regio's"),
        required=False,
        queryset=Region.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Alleen voor een landelijk of Europees instrument; leeg: in elke regio."),
    )
    amount_min = EuroField(label=_("Minimumbedrag (excl. btw)"))
    amount_max = EuroField(label=_("Maximumbedrag (excl. btw)"))
    own_contribution = EuroField(label=_("Eigen bijdrage (excl. btw)"))
    how_to_apply = forms.CharField(
        label=_("Zo vraagt u het aan"),
        required=False,
        max_length=20_000,
        help_text=_("Opmaak met eenvoudige HTML mag, zoals bij de omschrijving."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact_organisation = ChoiceByIdField(
        label=_("Contactorganisatie"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("(geen)"),
        help_text=_("Een verwijzing naar dit instrument gaat naar deze organisatie."),
    )
    contact_name = forms.CharField(label=_("Contactpersoon"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("E-mailadres contact"), required=False, max_length=254)
    contact_phone = forms.CharField(label=_("Telefoon contact"), required=False, max_length=30)
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    open_from = _date(_("Open vanaf"), _("Bijvoorbeeld 22-11-2026. Leeg: al open."))
    open_until = _date(_("Open tot en met"), _("Leeg: geen einddatum."))
    deadline = _date(_("Uiterste aanvraagdatum"))
    budget_exhausted = forms.BooleanField(label=_("Budget uitgeput"), required=False)
    published = forms.BooleanField(
        label=_("Gepubliceerd"),
        required=False,
        initial=True,
        help_text=_("Niet gepubliceerd: alleen intern zichtbaar, bijvoorbeeld een concept."),
    )
    last_verified = _date(
        _("Laatst gecontroleerd"), _("Leeg bij een nieuw instrument: dan geldt vandaag.")
    )
    editor = ChoiceByIdField(
        label=_("Verantwoordelijke redacteur"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("(geen)"),
        help_text=_("Krijgt de herinnering om het instrument te controleren."),
    )
    note = forms.CharField(
        label=_("Toelichting bij deze wijziging"),
        required=False,
        max_length=200,
        help_text=_("Komt in de versiegeschiedenis, bijvoorbeeld: bedragen 2027 verwerkt."),
    )

    def __init__(
        self,
        *args: Any,
        regions: list[Region],
        allow_shared: bool,
        instrument: Instrument | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        fields = self.fields
        if instrument is None:
            choices: list[tuple[str, Any]] = [(str(r.pk), r.name) for r in regions]
            if allow_shared:
                choices.append((SHARED, _("Landelijk of Europees (alle regio's)")))
            fields["region"].choices = choices  # type: ignore[attr-defined]
            if len(choices) == 1:
                fields["region"].initial = choices[0][0]
            region_ids = [r.pk for r in regions]
        else:
            del fields["region"]
            region_ids = [instrument.region_id] if instrument.region_id else [r.pk for r in regions]
        self.region_ids = region_ids
        organisations = Organisation.objects.filter(
            region_id__in=[] if instrument is not None and instrument.is_shared else region_ids
        ).order_by("name", "id")
        fields["provider_organisation"].queryset = organisations  # type: ignore[attr-defined]
        fields["contact_organisation"].queryset = organisations  # type: ignore[attr-defined]
        fields["themes"].queryset = Theme.objects.filter(active=True)  # type: ignore[attr-defined]
        fields["municipalities"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            region_id__in=region_ids
        ).order_by("name", "id")
        fields["regions"].queryset = Region.objects.order_by("name", "id")  # type: ignore[attr-defined]
        editors = Q(memberships__organisation__region_id__in=region_ids)
        if instrument is not None and instrument.editor_id:
            editors |= Q(pk=instrument.editor_id)
        fields["editor"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(editors, is_active=True).distinct().order_by("full_name", "id")
        )
        if instrument is not None and not instrument.is_shared:
            del fields["regions"]

    # --- cleaning --------------------------------------------------------------------

    def clean_region(self) -> Region | None:
        value = self.cleaned_data.get("region")
        if value == SHARED:
            return None
        region = Region.objects.filter(pk=int(value)).first() if value else None
        if region is None:
            raise ValidationError(_("Kies een van de regio's in de lijst."))
        return region

    def _clean_text(self, field: str, message: Any) -> str:
        value = (self.cleaned_data.get(field) or "").strip()
        if not value:
            raise ValidationError(message, code="required")
        return value

    def clean_name(self) -> str:
        return self._clean_text("name", _("Vul de naam van het instrument in."))

    def clean_summary(self) -> str:
        return self._clean_text("summary", _("Vul een korte omschrijving in."))

    def _clean_sbi(self, field: str) -> list[str]:
        codes = parse_sbi_codes(self.cleaned_data.get(field) or "")
        if not codes:
            return []
        known = set(SbiCode.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValidationError(
                _(
                    "Onbekende SBI-code: %(codes)s. Gebruik een sectieletter (A-U) of een "
                    "afdeling van twee cijfers."
                )
                % {"codes": ", ".join(unknown)},
                code="unknown_sbi",
            )
        return codes

    def clean_sbi_included(self) -> list[str]:
        return self._clean_sbi("sbi_included")

    def clean_sbi_excluded(self) -> list[str]:
        return self._clean_sbi("sbi_excluded")

    def clean_last_verified(self) -> dt.date | None:
        value = self.cleaned_data.get("last_verified")
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("De controle ligt niet in de toekomst."))
        return value

    def _region_of_instrument(self) -> tuple[bool, int | None]:
        """(known, region id) of the instrument being made or changed."""
        if self.instrument is not None:
            return True, self.instrument.region_id
        if "region" in self.errors or "region" not in self.cleaned_data:
            return False, None
        region = self.cleaned_data["region"]
        return True, region.pk if region else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        known, region_id = self._region_of_instrument()
        if not known:
            return data
        municipalities = data.get("municipalities") or []
        if region_id is not None and any(m.region_id != region_id for m in municipalities):
            self.add_error(
                "municipalities", _("Kies alleen gemeenten in de regio van het instrument.")
            )
        if region_id is not None and data.get("regions"):
            self.add_error(
                "regions",
                _("Alleen een landelijk of Europees instrument beperkt u tot regio's."),
            )
        return data

    # --- to and from the services ------------------------------------------------------

    def service_data(self) -> dict[str, Any]:
        """The cleaned values in the shape ``services.create/update_instrument`` take."""
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k in INSTRUMENT_FIELDS or k in ("themes", "municipalities", "regions")
        }
        for key in ("themes", "municipalities", "regions"):
            if key in data:
                data[key] = [obj.pk for obj in data[key]]
        return data

    @property
    def chosen_region(self) -> Region | None:
        return self.cleaned_data.get("region")

    @property
    def version_note(self) -> str:
        return str(self.cleaned_data.get("note") or "")

    @classmethod
    def initial_from(cls, instrument: Instrument) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(instrument, name)
            for name in INSTRUMENT_FIELDS
            if name not in ("provider_organisation", "contact_organisation", "editor")
        }
        initial.update(
            {
                "provider_organisation": instrument.provider_organisation_id,
                "contact_organisation": instrument.contact_organisation_id,
                "editor": instrument.editor_id,
                "sbi_included": ", ".join(instrument.sbi_included or []),
                "sbi_excluded": ", ".join(instrument.sbi_excluded or []),
                "themes": [t.pk for t in instrument.themes.all()],
                "municipalities": [m.pk for m in instrument.municipalities.all()],
                "regions": [r.pk for r in instrument.regions.all()],
            }
        )
        return initial


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError on the form: each message on its field when the form
    has it. A message of the whole record that a field already shows is not repeated;
    the unique-name constraint's message goes to the name."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    duplicate_name = {
        str(c.violation_error_message)
        for c in Instrument._meta.constraints
        if c.name in ("instrument_unique_name_in_region", "instrument_unique_shared_name")
    }
    shown: set[str] = set()
    general: list[str] = []
    for field, errors in exc.error_dict.items():
        for error in errors:
            for message in error.messages:
                if field == NON_FIELD_ERRORS:
                    general.append(message)
                elif field in form.fields:
                    form.add_error(field, message)
                    shown.add(message)
                else:
                    general.append(message)
    for message in dict.fromkeys(general):
        if message in shown:
            continue
        if message in duplicate_name and "name" in form.fields:
            form.add_error("name", message)
        else:
            form.add_error(None, message)


def editable_regions(regions: QuerySet[Region], allowed: Any) -> list[Region]:
    """The regions of ``regions`` for which ``allowed(region_id)`` holds."""
    return [region for region in regions if allowed(region.pk)]
