"""Shared form helpers: NL Design System classes on Django widgets.

Render a field with ``{% include "includes/field.html" with field=form.name %}`` or a whole
form with ``{% include "includes/form_fields.html" %}``; the include adds the label,
description, error message and the ids Django's ``aria-describedby`` points at.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.widgets import Input

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
}
_TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"


def widget_class(widget: forms.Widget) -> str:
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
