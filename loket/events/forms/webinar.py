"""The forms of the webinar import (``views/webinar.py``): the upload, and the
confirmation with a choice per ambiguous viewer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.core.forms import UtrechtFormMixin
from loket.events.services.webinar import NO_COMPANY_CHOICE, ViewerRow

CHOICE_PREFIX = "keuze_"


class WebinarUploadForm(UtrechtFormMixin, forms.Form):
    bestand = forms.FileField(
        label=_("Export van het webinarplatform"),
        help_text=_(
            "Een CSV-bestand (Zoom, Teams, GoToWebinar en dergelijke), hoogstens 2 MB en "
            "5.000 rijen, met per kijker de naam, het e-mailadres en de kijktijd."
        ),
        error_messages={
            "required": _("Kies een CSV-bestand."),
            "empty": _("Het bestand is leeg."),
            "invalid": _("Kies een CSV-bestand."),
            "missing": _("Kies een CSV-bestand."),
        },
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )


def _candidate_label(company: Any) -> str:
    details = [part for part in (company.city, company.kvk_number) if part]
    return f"{company.name} ({', '.join(details)})" if details else str(company.name)


class WebinarConfirmForm(UtrechtFormMixin, forms.Form):
    """``bestand_controle``: the checksum of the file that was previewed (kept on the
    server); one radio list per ambiguous row: a candidate, or no company."""

    bestand_controle = forms.RegexField(
        regex=r"^[0-9a-f]{64}$",
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Lees het bestand opnieuw in."),
            "invalid": _("Lees het bestand opnieuw in."),
        },
    )

    def __init__(self, *args: Any, rows: Sequence[ViewerRow] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            choices = [(str(c.pk), _candidate_label(c)) for c in row.candidates]
            choices.append((str(NO_COMPANY_CHOICE), str(_("Geen bedrijf koppelen"))))
            self.fields[f"{CHOICE_PREFIX}{row.row}"] = forms.TypedChoiceField(
                label=_("Rij %(row)s: %(name)s, „%(company)s”")
                % {"row": row.row, "name": row.viewer.name, "company": row.viewer.company_name},
                choices=choices,
                coerce=int,
                initial=str(NO_COMPANY_CHOICE),
                required=False,
                empty_value=NO_COMPANY_CHOICE,  # type: ignore[arg-type]
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Kies een van de voorgestelde bedrijven, of geen bedrijf.")
                },
            )

    def choice_fields(self) -> list[forms.BoundField]:
        return [self[f"{CHOICE_PREFIX}{row.row}"] for row in self.rows]

    def choices(self) -> dict[int, int | None]:
        return {row.row: self.cleaned_data.get(f"{CHOICE_PREFIX}{row.row}") for row in self.rows}
