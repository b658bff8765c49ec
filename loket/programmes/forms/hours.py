"""Forms of hour registration: the week grid (a formset, one row per activity and company
or trajectory, a column per day), one entry, the permission for more hours, and the
filters of the hour list (one FilterSet for the page and the API).

They declare and clean input: hours typed the Dutch way ("1,5" or "1:30"), a company
picked from a list or found by KvK number or name, a trajectory from the programme's
registrable trajectories. The rules (dates, the cap, who may) live in
``loket.programmes.services.hours``; its messages are shown on the cell or row they are
about.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import django_filters as df
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.catalogue.forms import ChoiceByIdField
from loket.companies.forms import DutchDateInput, StyledForm
from loket.companies.models import Company
from loket.companies.queries import companies_visible_to
from loket.core.forms import MAX_PK, BoundedDateField, UtrechtFormMixin
from loket.programmes.models import ActivityType, HourEntry, Programme, Scheme, Trajectory
from loket.programmes.queries import hour_entries_visible_to, programmes_visible_to
from loket.programmes.services.hour_caps import extra_hours_problem
from loket.programmes.services.hours import (
    MAX_NOTE,
    hours_problem,
    parse_hours,
    text_problem,
)

DAYS = 7
MAX_ROWS = 40  # rows one week screen accepts (existing and new together)
NO_COMPANY = ""
TRAJECTORY = "t"
COMPANY = "c"
_KVK = re.compile(r"\d{8}")


# --- fields --------------------------------------------------------------------------


class HoursField(forms.CharField):
    """Hours of one day: "1,5", "1.5" or "1:30"; empty or 0 is none."""

    def __init__(
        self, check: Callable[[Decimal], str | None] = hours_problem, **kwargs: Any
    ) -> None:
        self.check = check
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10)
        attrs = {"inputmode": "decimal", "autocomplete": "off", "size": "4"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = str(super().to_python(value) or "").strip()
        if not text:
            return None
        number = parse_hours(text)
        if number is None:
            raise ValidationError(
                _("Vul het aantal uren in als getal, bijvoorbeeld 1,5 of 1:30."), code="invalid"
            )
        if number == 0:
            return None
        return number

    def validate(self, value: Any) -> None:
        if value is None:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return
        problem = self.check(value)
        if problem:
            raise ValidationError(problem, code="hours")

    def run_validators(self, value: Any) -> None:
        # Length and the like apply to the text, not to the number it became.
        return None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            text = f"{value.normalize():f}"
            return text.replace(".", ",")
        return value


class EntryIdField(forms.IntegerField):
    """The id of an existing entry in a cell (hidden)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False, min_value=1, max_value=MAX_PK, widget=forms.HiddenInput, **kwargs
        )


def company_label(company: Company) -> str:
    if company.kvk_number:
        return f"{company.name} (KvK {company.kvk_number})"
    return company.name


def trajectory_label(trajectory: Trajectory) -> str:
    return f"{trajectory.title} – {trajectory.company.name}"


def lookup_company(user: User, programme: Programme, text: str) -> Company:
    """The one company the user may see in the programme's region with this KvK number
    or exactly this name; otherwise a message that says what to type instead."""
    visible = companies_visible_to(user).filter(region_id=programme.region_id)
    compact = re.sub(r"[\s.\-]", "", text)
    if _KVK.fullmatch(compact):
        found = list(visible.filter(kvk_number=compact)[:2])
        if not found:
            raise ValidationError(
                _("Geen bedrijf met KvK-nummer %(kvk)s gevonden dat u kunt kiezen.")
                % {"kvk": compact},
                code="unknown",
            )
    else:
        found = list(visible.filter(name__iexact=text.strip()).order_by("pk")[:6])
        if not found:
            suggestions = list(
                visible.filter(name__icontains=text.strip()).order_by("name", "pk")[:5]
            )
            if suggestions:
                raise ValidationError(
                    _("Geen bedrijf heet precies zo. Bedoelt u: %(names)s?")
                    % {"names": "; ".join(company_label(c) for c in suggestions)},
                    code="unknown",
                )
            raise ValidationError(
                _("Geen bedrijf gevonden dat u kunt kiezen. Zoek op KvK-nummer of naam."),
                code="unknown",
            )
    if len(found) > 1:
        raise ValidationError(
            _("Meer bedrijven heten zo: %(names)s. Vul het KvK-nummer in.")
            % {"names": "; ".join(company_label(c) for c in found[:5])},
            code="ambiguous",
        )
    return found[0]


class Targets:
    """What a row can be booked on: the programme's registrable trajectories and a list of
    companies (recent ones, those already in the grid), as a grouped select."""

    def __init__(self, trajectories: Sequence[Trajectory], companies: Sequence[Company]) -> None:
        self.trajectories = {t.pk: t for t in trajectories}
        self.companies = {c.pk: c for c in companies}

    def choices(self) -> list[Any]:
        out: list[Any] = [(NO_COMPANY, _("geen bedrijf of traject"))]
        if self.trajectories:
            out.append(
                (
                    _("Trajecten"),
                    [
                        (f"{TRAJECTORY}{t.pk}", trajectory_label(t))
                        for t in self.trajectories.values()
                    ],
                )
            )
        if self.companies:
            companies = sorted(self.companies.values(), key=lambda c: (c.name.lower(), c.pk))
            out.append(
                (_("Bedrijven"), [(f"{COMPANY}{c.pk}", company_label(c)) for c in companies])
            )
        return out

    def resolve(self, value: str) -> tuple[Company | None, Trajectory | None]:
        if value.startswith(TRAJECTORY) and value[1:].isdigit():
            trajectory = self.trajectories.get(int(value[1:]))
            if trajectory is not None:
                return None, trajectory
        if value.startswith(COMPANY) and value[1:].isdigit():
            company = self.companies.get(int(value[1:]))
            if company is not None:
                return company, None
        return None, None

    @staticmethod
    def value_of(company_id: int | None, trajectory_id: int | None) -> str:
        if trajectory_id is not None:
            return f"{TRAJECTORY}{trajectory_id}"
        if company_id is not None:
            return f"{COMPANY}{company_id}"
        return NO_COMPANY


class TargetMixin:
    """``target`` (a choice of trajectory or company) plus ``lookup`` (a KvK number or
    name): cleaned into ``company`` and ``trajectory``. With a trajectory, ``lookup`` names
    another participating company than the lead one."""

    user: User
    programme: Programme
    targets: Targets
    cleaned_data: dict[str, Any]

    if TYPE_CHECKING:

        def add_error(self, field: str | None, error: Any) -> None: ...

    def _target_fields(self, fields: dict[str, forms.Field]) -> None:
        fields["target"] = forms.ChoiceField(
            label=_("Bedrijf of traject"), required=False, choices=self.targets.choices()
        )
        fields["lookup"] = forms.CharField(
            label=_("Of zoek een bedrijf (KvK-nummer of naam)"),
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "off"}),
        )

    def clean_target(self) -> str:
        return str(self.cleaned_data.get("target") or "")

    def _resolve_target(self) -> None:
        value = self.cleaned_data.get("target", "")
        company, trajectory = self.targets.resolve(value) if value else (None, None)
        text = (self.cleaned_data.get("lookup") or "").strip()
        if text:
            if company is not None:
                self.add_error(
                    "lookup", _("Kies een bedrijf uit de lijst óf zoek er een, niet allebei.")
                )
                return
            try:
                company = lookup_company(self.user, self.programme, text)
            except ValidationError as exc:
                self.add_error("lookup", exc)
                return
        self.cleaned_data["company"] = company
        self.cleaned_data["trajectory"] = trajectory


def _note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Notitie"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _clean_note(value: Any) -> str:
    text = str(value or "").strip()
    problem = text_problem(text, MAX_NOTE)
    if problem:
        raise ValidationError(problem)
    return text


# --- the week ------------------------------------------------------------------------


class WeekRowForm(TargetMixin, UtrechtFormMixin, forms.Form):
    """One row of the week: activity, company or trajectory, note, and a cell per day with
    the id of the entry it shows (if any)."""

    def __init__(
        self,
        *args: Any,
        user: User,
        programme: Programme,
        targets: Targets,
        activity_types: dict[int, ActivityType],
        days: Sequence[dt.date],
        **kwargs: Any,
    ) -> None:
        self.user, self.programme, self.targets = user, programme, targets
        self.activity_types = activity_types
        self.days = list(days)
        super().__init__(*args, **kwargs)
        self.fields["activity_type"] = forms.ChoiceField(
            label=_("Activiteit"),
            required=False,
            choices=[("", "---------")] + [(str(pk), a.name) for pk, a in activity_types.items()],
        )
        self._target_fields(self.fields)
        self.fields["note"] = _note_field()
        for index, day in enumerate(self.days):
            self.fields[f"d{index}"] = HoursField(label=day.strftime("%d-%m-%Y"))
            self.fields[f"e{index}"] = EntryIdField()
        # The classes of UtrechtFormMixin ran before these fields existed.
        select = "utrecht-select utrecht-select--html-select"
        text = "utrecht-textbox utrecht-textbox--html-input loket-hours-text"
        self.fields["activity_type"].widget.attrs["class"] = select
        self.fields["target"].widget.attrs["class"] = f"{select} loket-hours-target"
        self.fields["lookup"].widget.attrs["class"] = text
        self.fields["note"].widget.attrs["class"] = text
        for index in range(len(self.days)):
            self.fields[f"d{index}"].widget.attrs["class"] = (
                "utrecht-textbox utrecht-textbox--html-input loket-hours-cell"
            )

    def clean_note(self) -> str:
        return _clean_note(self.cleaned_data.get("note"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = data.get("activity_type") or ""
        data["activity"] = self.activity_types.get(int(value)) if value.isdigit() else None
        self._resolve_target()
        hours = [data.get(f"d{i}") for i in range(len(self.days))]
        if any(h is not None for h in hours):
            if data["activity"] is None:
                self.add_error("activity_type", _("Kies de activiteit."))
        elif (
            not self.has_entries()
            and not self.errors
            and (value or data.get("note") or data.get("lookup"))
        ):
            # A new row that says what but not how long (a company alone is left out:
            # a row may be filled in beforehand from a company's or trajectory's page).
            self.add_error(None, _("Vul bij minstens één dag uren in, of maak de regel leeg."))
        return data

    def cells(self) -> list[tuple[int, dt.date, Any, Any]]:
        """(index, day, hours field, entry id field) per day, for the template."""
        return [(i, d, self[f"d{i}"], self[f"e{i}"]) for i, d in enumerate(self.days)]

    def has_entries(self) -> bool:
        return any(self[f"e{i}"].value() for i in range(len(self.days)))


WeekFormSet = forms.formset_factory(
    WeekRowForm,
    extra=0,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


class WeekForm(StyledForm):
    """The week's choices outside the grid: on whose behalf, when one works for several
    executing organisations."""

    organisation = forms.TypedChoiceField(
        label=_("Organisatie"),
        coerce=int,
        help_text=_("De organisatie waarvoor u deze uren werkte (voor nieuwe regels)."),
    )

    def __init__(self, *args: Any, organisations: Sequence[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(str(pk), name) for pk, name in organisations]
        if organisations:
            field.initial = str(organisations[0][0])


# --- one entry -----------------------------------------------------------------------


class HourEntryForm(TargetMixin, StyledForm):
    date = BoundedDateField(label=_("Datum"), widget=DutchDateInput())
    activity_type = forms.ChoiceField(label=_("Activiteit"))
    hours = HoursField(label=_("Uren"), required=True, help_text=_("Bijvoorbeeld 1,5 of 1:30."))
    note = _note_field()

    field_order = ["date", "activity_type", "target", "lookup", "hours", "note"]

    def __init__(
        self,
        *args: Any,
        user: User,
        programme: Programme,
        targets: Targets,
        activity_types: dict[int, ActivityType],
        **kwargs: Any,
    ) -> None:
        self.user, self.programme, self.targets = user, programme, targets
        self.activity_types = activity_types
        super().__init__(*args, **kwargs)
        field = self.fields["activity_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------")] + [
            (str(pk), a.name) for pk, a in activity_types.items()
        ]
        self._target_fields(self.fields)
        for name in ("target", "lookup"):
            widget = self.fields[name].widget
            widget.attrs["class"] = (
                "utrecht-select utrecht-select--html-select"
                if isinstance(widget, forms.Select)
                else "utrecht-textbox utrecht-textbox--html-input"
            )
        self.order_fields(self.field_order)

    @staticmethod
    def initial_from(entry: HourEntry) -> dict[str, Any]:
        lookup = ""
        if entry.trajectory_id is not None and entry.company_id not in (
            None,
            entry.trajectory.company_id if entry.trajectory else None,
        ):
            assert entry.company is not None
            lookup = entry.company.kvk_number or entry.company.name
        return {
            "date": entry.date,
            "activity_type": str(entry.activity_type_id),
            "target": Targets.value_of(
                None if entry.trajectory_id else entry.company_id, entry.trajectory_id
            ),
            "lookup": lookup,
            "hours": entry.hours,
            "note": entry.note,
        }

    def clean_note(self) -> str:
        return _clean_note(self.cleaned_data.get("note"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = data.get("activity_type") or ""
        data["activity"] = self.activity_types.get(int(value)) if value.isdigit() else None
        if value and data["activity"] is None:
            self.add_error("activity_type", _("Kies een activiteit uit de lijst."))
        self._resolve_target()
        return data


# --- more hours ----------------------------------------------------------------------


class CapOverrideForm(StyledForm):
    """A programme manager allows extra hours for a company, with the reason."""

    company = forms.CharField(
        label=_("Bedrijf (KvK-nummer of naam)"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scheme = forms.ChoiceField(label=_("Maximum"), required=False)
    extra_hours = HoursField(
        extra_hours_problem,
        label=_("Extra uren"),
        required=True,
        help_text=_("In kwartieren, bijvoorbeeld 8 of 2,5; hoogstens 1000."),
    )
    reason = forms.CharField(
        label=_("Reden"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Waarom dit bedrijf meer uren nodig heeft. Dit wordt bewaard in de historie."),
    )

    def __init__(
        self, *args: Any, user: User, programme: Programme, schemes: Sequence[Scheme], **kwargs: Any
    ) -> None:
        self.user, self.programme = user, programme
        self.schemes = {s.pk: s for s in schemes}
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = []
        if programme.hours_cap_per_company is not None:
            choices.append(("", _("uren buiten trajecten (maximum van het programma)")))
        choices += [
            (str(s.pk), _("trajecten van de regeling %(scheme)s") % {"scheme": s.name})
            for s in schemes
        ]
        field = self.fields["scheme"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        field.required = programme.hours_cap_per_company is None
        extra = self.fields["extra_hours"]
        assert isinstance(extra, HoursField)
        extra.widget.attrs["size"] = "6"

    def clean_company(self) -> Company:
        return lookup_company(self.user, self.programme, self.cleaned_data.get("company", ""))

    def clean_scheme(self) -> Scheme | None:
        value = self.cleaned_data.get("scheme") or ""
        return self.schemes.get(int(value)) if value.isdigit() else None

    def clean_extra_hours(self) -> Decimal | None:
        return self.cleaned_data.get("extra_hours")

    def clean_reason(self) -> str:
        text = str(self.cleaned_data.get("reason") or "").strip()
        problem = text_problem(text, 2000)
        if problem:
            raise ValidationError(problem)
        return text


# --- the list ------------------------------------------------------------------------


class HourFilterForm(UtrechtFormMixin, forms.Form):
    """The filter form with NL Design System classes on its widgets."""


def _user_of(request: Any) -> Any:
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _programmes(request: Any) -> QuerySet[Programme]:
    user = _user_of(request)
    return (
        programmes_visible_to(user).order_by("-starts_on", "name")
        if user
        else Programme.objects.none()
    )


def _people(request: Any) -> QuerySet[User]:
    """Oneself, and for a programme manager everyone whose hours they see."""
    user = _user_of(request)
    if user is None:
        return User.objects.none()
    return User.objects.filter(
        Q(pk=user.pk) | Q(pk__in=hour_entries_visible_to(user).values("user_id"))
    ).order_by("full_name", "pk")


def _activities(request: Any) -> QuerySet[ActivityType]:
    user = _user_of(request)
    if user is None:
        return ActivityType.objects.none()
    return (
        ActivityType.objects.filter(programme__in=programmes_visible_to(user))
        .select_related("programme")
        .order_by("programme__name", "position", "name")
    )


class ActivityChoiceField(ChoiceByIdField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.programme.name})"


class ByIdFilter(df.ModelChoiceFilter):
    field_class = ChoiceByIdField


class ActivityFilter(df.ModelChoiceFilter):
    field_class = ActivityChoiceField


class BoundedDateFilter(df.DateFilter):
    field_class = BoundedDateField


def _date_filter(label: Any, lookup: str) -> BoundedDateFilter:
    return BoundedDateFilter(
        label=label,
        field_name="date",
        lookup_expr=lookup,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class HourFilterSet(df.FilterSet):
    """Filters of the hour list and ``GET /api/programmes/hours``: programme, period,
    person (a programme manager sees everyone's hours), activity and company (name or
    KvK number)."""

    programme = ByIdFilter(label=_("Programma"), queryset=_programmes, empty_label=_("Alle"))
    date_from = _date_filter(_("Vanaf"), "gte")
    date_to = _date_filter(_("Tot en met"), "lte")
    user = ByIdFilter(label=_("Medewerker"), queryset=_people, empty_label=_("Iedereen"))
    activity_type = ActivityFilter(
        label=_("Activiteit"), queryset=_activities, empty_label=_("Alle")
    )
    company = df.CharFilter(
        label=_("Bedrijf (naam of KvK-nummer)"),
        method="filter_company",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    class Meta:
        model = HourEntry
        fields: list[str] = []
        form = HourFilterForm

    def filter_company(self, queryset: QuerySet[HourEntry], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return queryset
        compact = re.sub(r"[\s.\-]", "", value)
        if _KVK.fullmatch(compact):
            return queryset.filter(company__kvk_number=compact)
        return queryset.filter(company__name__icontains=value)
