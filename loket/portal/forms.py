"""Forms of the public portal: the search box, the guide's questions and the question form.

They declare and clean input; the rules (matching, routing, throttling) live in services.
Every field has a maximum length, and every error message is Dutch in the source.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from loket.catalogue.models import Phase
from loket.companies.models import SbiCode, SizeClass
from loket.companies.validators import normalise_kvk, validate_kvk_number
from loket.core.forms import MAX_PK, UtrechtFormMixin
from loket.core.models import Municipality, Region, Theme

SEARCH_MAX_LENGTH = 200
NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 30
QUESTION_MAX_LENGTH = 2000
# A Dutch or international phone number: digits, spaces, +, -, parentheses and dots.
PHONE_RE = re.compile(r"^\+?[\d\s().-]+$")
PHONE_MIN_DIGITS = 10
PHONE_MAX_DIGITS = 15


class AgeRange:
    """The guide's answer to "how old is your company", as a range of whole years."""

    NOT_STARTED = "not_started"
    UNDER_2 = "0-2"
    FROM_2_TO_5 = "2-5"
    OVER_5 = "5+"

    choices = [
        (NOT_STARTED, _("nog niet gestart")),
        (UNDER_2, _("korter dan 2 jaar")),
        (FROM_2_TO_5, _("2 tot 5 jaar")),
        (OVER_5, _("5 jaar of langer")),
    ]
    # Inclusive bounds in whole years (None: no upper bound).
    bounds: dict[str, tuple[int, int | None]] = {
        NOT_STARTED: (0, 0),
        UNDER_2: (0, 1),
        FROM_2_TO_5: (2, 4),
        OVER_5: (5, None),
    }


class PortalForm(UtrechtFormMixin, forms.Form):
    """NL Design System classes on every widget except lists of radio buttons and
    checkboxes (their inputs are styled by type in loket.css)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                field.widget.attrs.pop("class", None)


class SearchForm(PortalForm):
    q = forms.CharField(
        label=_("Waar zoekt u hulp bij?"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Bijvoorbeeld: exporteren naar Duitsland")}
        ),
        error_messages={
            "max_length": _("Gebruik hoogstens %(limit_value)d tekens om te zoeken."),
        },
    )


class GuideForm(PortalForm):
    """The guide's five questions, all optional. Sent with GET: none of them is personal."""

    doel = forms.ChoiceField(
        label=_("Wat wilt u bereiken?"),
        required=False,
        choices=Phase.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies een van de doelen uit de lijst.")},
    )
    sector = forms.ChoiceField(
        label=_("In welke sector werkt u?"),
        required=False,
        error_messages={"invalid_choice": _("Kies een sector uit de lijst.")},
    )
    grootte = forms.ChoiceField(
        label=_("Hoeveel mensen werken er in uw bedrijf?"),
        required=False,
        choices=SizeClass.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies een van de bedrijfsgroottes.")},
    )
    leeftijd = forms.ChoiceField(
        label=_("Hoe lang bestaat uw bedrijf?"),
        required=False,
        choices=AgeRange.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies een van de antwoorden.")},
    )
    gemeente = forms.ChoiceField(
        label=_("In welke gemeente is uw bedrijf gevestigd?"),
        required=False,
        error_messages={"invalid_choice": _("Kies een gemeente uit de lijst.")},
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = SbiCode.objects.filter(section__isnull=True).order_by("code")
        self.fields["sector"].choices = [  # type: ignore[attr-defined]
            ("", _("(weet ik niet of zeg ik liever niet)")),
            *((s.code, f"{s.code} {s.name}") for s in sections),
        ]
        self.municipalities = {
            str(m.pk): m for m in Municipality.objects.filter(region=region).order_by("name")
        }
        self.fields["gemeente"].choices = [  # type: ignore[attr-defined]
            ("", _("(weet ik niet of zeg ik liever niet)")),
            *((pk, m.name) for pk, m in self.municipalities.items()),
        ]

    def clean_gemeente(self) -> Municipality | None:
        value = self.cleaned_data.get("gemeente") or ""
        return self.municipalities.get(value)


class ChoiceByIdField(forms.ModelChoiceField):
    """A choice of one row by id that refuses ids no database column can hold (SQLite
    raises OverflowError on them instead of finding nothing)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            number = int(str(value))
        except (TypeError, ValueError):
            number = -1
        if not 0 < number <= MAX_PK:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class KvkField(forms.CharField):
    """An optional KvK number: spaces, dots and dashes are ignored, then exactly 8 digits."""

    def to_python(self, value: Any) -> str:
        return normalise_kvk(super().to_python(value) or "")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value:
            validate_kvk_number(value)


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value or "")
    if not PHONE_RE.match(value or "") or not (PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS):
        raise ValidationError(
            _("Vul een telefoonnummer in van 10 tot 15 cijfers, zoals 0592 123 456."),
            code="invalid_phone",
        )


def _max_length(limit: int) -> dict[str, Any]:
    return {"max_length": _("Gebruik hoogstens %(limit_value)d tekens.")}


class QuestionForm(PortalForm):
    """The "ask your question" form. ``website`` is the honeypot: hidden from people,
    labelled for screen readers to leave empty; bots fill it."""

    name = forms.CharField(
        label=_("Uw naam"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vul uw naam in."), **_max_length(NAME_MAX_LENGTH)},
    )
    company_name = forms.CharField(
        label=_("Naam van uw bedrijf"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Nog geen bedrijf? Vul dan de naam in die u wilt gebruiken, of uw eigen naam."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={
            "required": _("Vul de naam van uw bedrijf in."),
            **_max_length(NAME_MAX_LENGTH),
        },
    )
    kvk_number = KvkField(
        label=_("KvK-nummer"),
        required=False,
        max_length=20,
        help_text=_("8 cijfers. Dan vinden wij uw bedrijf sneller."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages=_max_length(20),
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("Hierop ontvangt u een bevestiging met het kenmerk van uw vraag."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Vul uw e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."),
            **_max_length(EMAIL_MAX_LENGTH),
        },
    )
    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=PHONE_MAX_LENGTH,
        help_text=_("Een adviseur belt u terug op dit nummer."),
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={
            "required": _("Vul uw telefoonnummer in."),
            **_max_length(PHONE_MAX_LENGTH),
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
    topic = ChoiceByIdField(
        label=_("Onderwerp"),
        required=False,
        queryset=Theme.objects.none(),
        empty_label=_("(weet ik niet)"),
        error_messages={"invalid_choice": _("Kies een onderwerp uit de lijst.")},
    )
    question = forms.CharField(
        label=_("Uw vraag"),
        max_length=QUESTION_MAX_LENGTH,
        help_text=_("Hoogstens 2000 tekens."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Beschrijf uw vraag."),
            **_max_length(QUESTION_MAX_LENGTH),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Ik geef toestemming om mijn gegevens te bewaren en te gebruiken om mijn vraag "
            "te beantwoorden."
        ),
        help_text=_("Wij delen uw gegevens alleen met partners van het programma die u helpen."),
        error_messages={"required": _("Zonder uw toestemming kunnen wij uw vraag niet aannemen.")},
    )
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipalities: QuerySet[Municipality] = Municipality.objects.filter(region=region)
        self.fields["municipality"].queryset = municipalities.order_by("name")  # type: ignore[attr-defined]
        self.fields["topic"].queryset = Theme.objects.filter(active=True)  # type: ignore[attr-defined]

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled (only meaningful after ``is_valid``)."""
        return bool((self.data.get("website") or "").strip())

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()
