"""Shared form helpers: NL Design System classes on Django widgets.

Render a field with ``{% include "includes/field.html" with field=form.name %}`` or a whole
form with ``{% include "includes/form_fields.html" %}``; the include adds the label,
description, error message and the ids Django's ``aria-describedby`` points at.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.widgets import Input
from django.utils.translation import gettext_lazy as _

# The largest primary key a database column holds (a signed 64-bit integer).
MAX_PK = 2**63 - 1

# Lists of checkboxes and radio buttons get no class: Django would put it on the list's
# container too, and a container styled as one checkbox squeezes its options over the rest
# of the form. Their inputs are styled by type in loket.css.
_NO_CLASS = (forms.CheckboxSelectMultiple, forms.RadioSelect)
_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
}
_TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"


def widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, _NO_CLASS):
        return ""
    for cls in type(widget).__mro__:
        if cls in _WIDGET_CLASSES:
            return _WIDGET_CLASSES[cls]
    if isinstance(widget, Input):
        return _TEXTBOX
    return ""


class UtrechtFormMixin:
    """Adds the utrecht-* classes to every widget of a form."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = widget_class(field.widget)
            if css:
                existing = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{existing} {css}".strip()


class MultipleChoiceByIdField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses ids no database column can hold
    (SQLite raises OverflowError on them instead of finding nothing)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            try:
                number = int(str(pk))
            except (TypeError, ValueError):
                number = -1
            if not 0 < number <= MAX_PK:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]


class BoundedDateField(forms.DateField):
    """A date a person could mean (1900-2199): arithmetic on 0001-01-01 or 9999-12-31
    would overflow further on, in filters and in the database."""

    earliest = dt.date(1900, 1, 1)
    latest = dt.date(2199, 12, 31)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not self.earliest <= value <= self.latest:
            raise ValidationError(
                _("Kies een datum tussen %(earliest)s en %(latest)s."),
                code="date_out_of_range",
                params={
                    "earliest": self.earliest.strftime("%d-%m-%Y"),
                    "latest": self.latest.strftime("%d-%m-%Y"),
                },
            )


def normalise_amount(text: str) -> str:
    """A euro amount as people type it, as plain decimal text: "€ 1.234,56", "1234,56",
    "1,234.56" and "1234.56" all become "1234.56", "€ 1.000,-" becomes "1000"; a dot
    followed by groups of exactly three digits is a Dutch thousands separator ("1.500" is
    fifteen hundred). What is not an amount stays unreadable for the caller to refuse."""
    text = text.replace("€", "").replace("EUR", "").replace("\u00a0", "").replace(" ", "")
    text = text.removesuffix(",-").removesuffix(",--")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):  # 1.234,56
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")  # 1,234.56
    if "," in text:  # 1234,56
        return text.replace(",", ".")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):  # 1.234 or 1.234.567
        return text.replace(".", "")
    return text
