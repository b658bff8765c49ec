"""One FilterSet per model, for the list pages and the API alike (NetBox's filtersets).

Each FilterSet filters a queryset that is already scoped to the user (``queries.py``); the
choices it offers come from small reference tables scoped to the user's regions, never
from ``DISTINCT`` over the big tables. Pass ``request`` so the choices are scoped; without
one (an API layer validating ids) every id is accepted, and the scoped base queryset keeps
the result within what the user may see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation, User
from loket.casework import queries
from loket.casework.models import Case, ContactMoment, Referral
from loket.core.forms import BoundedDateField, UtrechtFormMixin
from loket.core.lists import Sorting, SortOption
from loket.core.models import Need, Theme
from loket.core.permissions import scope_of

DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d-%m-%y", "%Y-%m-%d"]


class FilterForm(UtrechtFormMixin, forms.Form):
    """The filter form with NL Design System classes on its widgets."""


def _user(request: Any) -> Any:
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _organisations(request: Any) -> QuerySet[Organisation]:
    user = _user(request)
    if user is None:
        return Organisation.objects.all()
    return queries.organisations_of_regions(user)


def _case_workers(request: Any) -> QuerySet[User]:
    user = _user(request)
    if user is None:
        return User.objects.all()
    return queries.case_workers_in(scope_of(user).region_ids)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class BoundedDateFilter(df.DateFilter):
    field_class = BoundedDateField


def _date_filter(label: Any, method: str) -> df.DateFilter:
    return BoundedDateFilter(
        label=label,
        method=method,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class _DateRangeMixin:
    """``<prefix>_from`` / ``<prefix>_to`` on a datetime field, whole local days,
    as a range on the column (so an index serves it)."""

    date_field = ""

    def filter_from(self, queryset: QuerySet[Any], name: str, value: dt.date) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.date_field}__gte": _start_of(value)})

    def filter_to(self, queryset: QuerySet[Any], name: str, value: dt.date) -> QuerySet[Any]:
        return queryset.filter(
            **{f"{self.date_field}__lt": _start_of(value + dt.timedelta(days=1))}
        )


class CaseFilterSet(_DateRangeMixin, df.FilterSet):
    date_field = "opened_at"

    status = df.MultipleChoiceFilter(
        label=_("Status"),
        choices=Case.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    open = df.BooleanFilter(
        label=_("Open of afgesloten"),
        method="filter_open",
        widget=forms.Select(
            choices=[("", _("Alle")), ("true", _("Open")), ("false", _("Afgesloten"))]
        ),
    )
    channel = df.ChoiceFilter(
        label=_("Kanaal"), choices=Case.Channel.choices, empty_label=_("Alle")
    )
    owner = df.ModelChoiceFilter(
        label=_("Eigenaar"), queryset=_case_workers, empty_label=_("Iedereen")
    )
    theme = df.ModelChoiceFilter(
        label=_("Thema"),
        field_name="themes",
        queryset=Theme.objects.filter(active=True),
        empty_label=_("Alle"),
    )
    overdue = df.BooleanFilter(
        label=_("Te laat"),
        method="filter_overdue",
        widget=forms.Select(
            choices=[("", _("Alle")), ("true", _("Alleen te laat")), ("false", _("Niet te laat"))]
        ),
    )
    opened_from = _date_filter(_("Ontvangen vanaf"), "filter_from")
    opened_to = _date_filter(_("Ontvangen tot en met"), "filter_to")

    class Meta:
        model = Case
        fields: list[str] = []
        form = FilterForm

    def filter_open(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        if value:
            return queryset.filter(status__in=Case.OPEN_STATUSES)
        return queryset.filter(status=Case.Status.CLOSED)

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return (
            queryset.filter(queries.overdue_q()) if value else queryset.exclude(queries.overdue_q())
        )


class ReferralFilterSet(_DateRangeMixin, df.FilterSet):
    date_field = "created_at"

    status = df.MultipleChoiceFilter(
        label=_("Status"),
        choices=Referral.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    to_organisation = df.ModelChoiceFilter(
        label=_("Naar organisatie"), queryset=_organisations, empty_label=_("Alle")
    )
    from_organisation = df.ModelChoiceFilter(
        label=_("Van organisatie"), queryset=_organisations, empty_label=_("Alle")
    )
    created_from = _date_filter(_("Verwezen vanaf"), "filter_from")
    created_to = _date_filter(_("Verwezen tot en met"), "filter_to")

    class Meta:
        model = Referral
        fields: list[str] = []
        form = FilterForm


class ContactMomentFilterSet(_DateRangeMixin, df.FilterSet):
    date_field = "occurred_at"

    kind = df.ChoiceFilter(
        label=_("Soort"), choices=ContactMoment.Kind.choices, empty_label=_("Alle")
    )
    organisation = df.ModelChoiceFilter(
        label=_("Organisatie"), queryset=_organisations, empty_label=_("Alle")
    )
    need = df.ModelChoiceFilter(
        label=_("Behoefte"),
        field_name="needs",
        queryset=Need.objects.filter(active=True),
        empty_label=_("Alle"),
    )
    theme = df.ModelChoiceFilter(
        label=_("Thema"),
        field_name="themes",
        queryset=Theme.objects.filter(active=True),
        empty_label=_("Alle"),
    )
    occurred_from = _date_filter(_("Vanaf"), "filter_from")
    occurred_to = _date_filter(_("Tot en met"), "filter_to")
    follow_up = df.BooleanFilter(
        label=_("Opvolging"),
        method="filter_follow_up",
        widget=forms.Select(
            choices=[("", _("Alle")), ("true", _("Met opvolgdatum")), ("false", _("Zonder"))]
        ),
    )

    class Meta:
        model = ContactMoment
        fields: list[str] = []
        form = FilterForm

    def filter_follow_up(
        self, queryset: QuerySet[ContactMoment], name: str, value: bool
    ) -> QuerySet[ContactMoment]:
        return queryset.filter(~Q(follow_up_on=None) if value else Q(follow_up_on=None))


# Sort orders of the lists, shared by the pages and the API.
CASE_SORTING = Sorting(
    [
        SortOption("reference", _("Kenmerk"), ("reference", "id")),
        SortOption("company", _("Bedrijf"), ("company__name", "id")),
        SortOption("status", _("Status"), ("status", "-opened_at", "-id")),
        SortOption("owner", _("Eigenaar"), ("owner__full_name", "-opened_at", "-id")),
        SortOption("opened", _("Ontvangen"), ("opened_at", "id")),
        SortOption("deadline", _("Reageren vóór"), ("deadline", "id")),
    ],
    default="-opened",
)


REFERRAL_SORTING = Sorting(
    [
        SortOption("created", _("Verwezen op"), ("created_at", "id")),
        SortOption("company", _("Bedrijf"), ("company__name", "id")),
        SortOption("from", _("Van"), ("from_organisation__name", "-created_at", "-id")),
        SortOption("to", _("Naar"), ("to_organisation__name", "-created_at", "-id")),
        SortOption("status", _("Status"), ("status", "-created_at", "-id")),
    ],
    default="-created",
)


CONTACT_SORTING = Sorting(
    [
        SortOption("date", _("Datum"), ("occurred_at", "id")),
        SortOption("company", _("Bedrijf"), ("company__name", "-occurred_at", "-id")),
        SortOption("kind", _("Soort"), ("kind", "-occurred_at", "-id")),
        SortOption("organisation", _("Organisatie"), ("organisation__name", "-occurred_at", "-id")),
    ],
    default="-date",
)
