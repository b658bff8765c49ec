"""The filters and sort orders of the internal instrument list (one FilterSet, as for
companies: the list page and an API may share it).

``InstrumentFilterSet`` filters a queryset already scoped to the user
(``queries.instruments_visible_to``). Query parameters: ``q`` (text in the name),
``kind``, ``provider_kind``, ``theme`` (slug), ``phase``, ``status`` (current, expired,
exhausted, unpublished, upcoming, stale) and ``mine`` (``true``: I am the editor).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as df
from django import forms
from django.db.models import F, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.catalogue.models import Instrument, Kind, Phase, ProviderKind, current_q, stale_q
from loket.core.forms import UtrechtFormMixin
from loket.core.lists import Sorting, SortOption
from loket.core.models import Theme


class FilterForm(UtrechtFormMixin, forms.Form):
    """The filter form with NL Design System classes on its widgets."""


class Status:
    CURRENT = "current"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    UNPUBLISHED = "unpublished"
    UPCOMING = "upcoming"
    STALE = "stale"

    choices = [
        (CURRENT, _("Actueel (openbaar zichtbaar)")),
        (EXPIRED, _("Verlopen")),
        (EXHAUSTED, _("Budget uitgeput")),
        (UNPUBLISHED, _("Niet gepubliceerd")),
        (UPCOMING, _("Nog niet open")),
        (STALE, _("Niet gecontroleerd (ouder dan 180 dagen)")),
    ]


def status_q(value: str, today: dt.date | None = None) -> Q:
    """The instruments with a status; the same rules as ``Instrument.not_current_reasons``."""
    today = today or timezone.localdate()
    if value == Status.CURRENT:
        return current_q(today)
    if value == Status.EXPIRED:
        return Q(open_until__lt=today) | Q(deadline__lt=today)
    if value == Status.EXHAUSTED:
        return Q(budget_exhausted=True)
    if value == Status.UNPUBLISHED:
        return Q(published=False)
    if value == Status.UPCOMING:
        return Q(open_from__gt=today)
    if value == Status.STALE:
        return stale_q(today)
    raise ValueError(f"Unknown status {value!r}")


def _user(request: Any) -> Any:
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


class InstrumentFilterSet(df.FilterSet):
    q = df.CharFilter(
        label=_("Naam bevat"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = df.ChoiceFilter(label=_("Soort"), choices=Kind.choices, empty_label=_("Alle"))
    provider_kind = df.ChoiceFilter(
        label=_("Aanbieder"), choices=ProviderKind.choices, empty_label=_("Alle")
    )
    theme = df.ModelChoiceFilter(
        label=_("Thema"),
        queryset=Theme.objects.filter(active=True),
        to_field_name="slug",
        method="filter_theme",
        empty_label=_("Alle"),
    )
    phase = df.ChoiceFilter(
        label=_("Fase"), choices=Phase.choices, method="filter_phase", empty_label=_("Alle")
    )
    status = df.ChoiceFilter(
        label=_("Status"), choices=Status.choices, method="filter_status", empty_label=_("Alle")
    )
    mine = df.BooleanFilter(
        label=_("Redacteur"),
        method="filter_mine",
        widget=forms.Select(
            choices=[("", _("Iedereen")), ("true", _("Ik")), ("false", _("Iemand anders"))]
        ),
    )

    class Meta:
        model = Instrument
        fields: list[str] = []
        form = FilterForm

    def filter_text(
        self, queryset: QuerySet[Instrument], name: str, value: str
    ) -> QuerySet[Instrument]:
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_theme(
        self, queryset: QuerySet[Instrument], name: str, value: Theme
    ) -> QuerySet[Instrument]:
        # IN (subquery) rather than a join: no duplicate rows, no DISTINCT.
        through = Instrument.themes.through
        return queryset.filter(
            pk__in=through.objects.filter(theme_id=value.pk).values("instrument_id")
        )

    def filter_phase(
        self, queryset: QuerySet[Instrument], name: str, value: str
    ) -> QuerySet[Instrument]:
        # The phases are a JSON list of fixed words; its text holds '"growth"' exactly
        # when the list does (JSON ``contains`` is not available on SQLite).
        return queryset.alias(phases_text=Cast("phases", TextField())).filter(
            phases_text__contains=f'"{value}"'
        )

    def filter_status(
        self, queryset: QuerySet[Instrument], name: str, value: str
    ) -> QuerySet[Instrument]:
        return queryset.filter(status_q(value))

    def filter_mine(
        self, queryset: QuerySet[Instrument], name: str, value: bool
    ) -> QuerySet[Instrument]:
        user = _user(self.request)
        if user is None:
            return queryset.none() if value else queryset
        mine = Q(editor_id=user.pk)
        return queryset.filter(mine) if value else queryset.exclude(mine)


# Sort orders of the instrument list.
SORTING = Sorting(
    [
        SortOption("name", _("Naam"), ("name", "id")),
        SortOption("kind", _("Soort"), ("kind", "name", "id")),
        SortOption(
            "closing",
            _("Sluit het eerst"),
            (
                F("deadline").asc(nulls_last=True),
                F("open_until").asc(nulls_last=True),
                "name",
                "id",
            ),
        ),
        SortOption(
            "verified",
            _("Langst niet gecontroleerd"),
            (F("last_verified").asc(nulls_first=True), "name", "id"),
        ),
        SortOption("updated", _("Laatst gewijzigd"), ("-updated_at", "-id")),
    ],
    default="name",
)
