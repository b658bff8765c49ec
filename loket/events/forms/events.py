"""Forms of the staff's event pages and the event list's filters (one FilterSet for the
list page and the API). They declare and clean input; the rules live in
``services/events.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation, User
from loket.casework.forms import DATETIME_INPUT_FORMATS
from loket.catalogue.forms import ChoiceByIdField
from loket.companies.forms import StyledForm
from loket.core.forms import BoundedDateField, MultipleChoiceByIdField, UtrechtFormMixin
from loket.core.lists import Sorting, SortOption
from loket.core.models import Municipality, Theme
from loket.core.permissions import scope_of
from loket.events.models import Event
from loket.programmes.forms.trajectories import CompanyNumberField
from loket.programmes.models import PlanLine, Programme

MAX_CAPACITY = 100_000
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199


class MomentField(forms.DateTimeField):
    """A date and time as typed (24-11-2026 14:30) or sent by a datetime-local input,
    within the years a person could mean."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATETIME_INPUT_FORMATS)
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(
                attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"
            ),
        )
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise forms.ValidationError(
                _("Kies een datum tussen %(earliest)s en %(latest)s."),
                code="date_out_of_range",
                params={"earliest": f"01-01-{EARLIEST_YEAR}", "latest": f"31-12-{LATEST_YEAR}"},
            )


class PlanLineChoiceField(ChoiceByIdField):
    def label_from_instance(self, obj: Any) -> str:
        label = (
            f"{obj.programme.name}: {obj.year} {obj.activity_type.name} ({obj.organisation.name})"
        )
        return f"{label} – {obj.description}" if obj.description else label


def _choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class EventForm(StyledForm):
    """Every field of an event; ``programme`` only when creating one."""

    programme = ChoiceByIdField(
        label=_("Programma"),
        queryset=Programme.objects.none(),
        empty_label=None,
        error_messages={"required": _("Kies het programma waarvoor het evenement telt.")},
    )
    kind = forms.ChoiceField(
        label=_("Soort"),
        choices=[("", _("(kies een soort)")), *Event.Kind.choices],
        error_messages={"required": _("Kies de soort evenement.")},
    )
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        error_messages={"required": _("Geef het evenement een titel.")},
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Staat in de agenda op de website."),
    )
    themes = MultipleChoiceByIdField(
        label=_("Thema's"),
        queryset=Theme.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = MomentField(
        label=_("Begint"),
        help_text=_("Bijvoorbeeld 24-11-2026 15:00."),
        error_messages={"required": _("Vul in wanneer het evenement begint.")},
    )
    ends_at = MomentField(
        label=_("Eindigt"),
        help_text=_("Bijvoorbeeld 24-11-2026 17:00."),
        error_messages={"required": _("Vul in wanneer het evenement eindigt.")},
    )
    online = forms.BooleanField(
        label=_("Online bijeenkomst (webinar of videogesprek)"), required=False
    )
    venue = forms.CharField(label=_("Locatie"), required=False, max_length=200)
    address = forms.CharField(
        label=_("Adres"),
        required=False,
        max_length=300,
        help_text=_("Straat, huisnummer en plaats. Niet nodig bij een online bijeenkomst."),
    )
    municipality = ChoiceByIdField(
        label=_("Gemeente"),
        required=False,
        queryset=Municipality.objects.none(),
        empty_label=_("(geen)"),
    )
    online_url = forms.URLField(
        label=_("Link naar de online bijeenkomst"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Alleen zichtbaar voor wie is aangemeld (in de bevestiging)."),
    )
    capacity = forms.IntegerField(
        label=_("Maximum aantal deelnemers"),
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("Leeg: geen maximum. Wie zich aanmeldt als het vol is, komt op de wachtlijst."),
        error_messages={
            "min_value": _("Vul minstens 1 in, of laat het leeg voor geen maximum."),
            "invalid": _("Vul een geheel getal in, of laat het leeg voor geen maximum."),
        },
    )
    registration_deadline = MomentField(
        label=_("Aanmelden kan tot"),
        required=False,
        help_text=_("Leeg: tot het begin."),
    )
    public = forms.BooleanField(
        label=_("Openbaar: in de agenda op de website (anders alleen op uitnodiging)"),
        required=False,
        initial=True,
    )
    organiser = ChoiceByIdField(
        label=_("Organisator"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("De organisatie waarvan de medewerkers het evenement uitvoeren."),
        error_messages={"required": _("Kies de organiserende organisatie.")},
    )
    partners = MultipleChoiceByIdField(
        label=_("Mede-organiserende partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Minstens één partner naast de organisator en het programmabureau: het programma "
            "organiseert nooit alleen."
        ),
    )
    host_company = CompanyNumberField(
        label=_("Gastbedrijf"),
        required=False,
        help_text=_("Bij een masterclass: het KvK-nummer of Loket-nummer van het bedrijf."),
    )
    plan_line = PlanLineChoiceField(
        label=_("Telt mee voor planregel"),
        required=False,
        queryset=PlanLine.objects.none(),
        empty_label=_("(geen)"),
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        event: Event | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        from loket.events.services.events import default_organiser, organisers_for

        regions = scope_of(user).region_ids
        if event is not None:
            del self.fields["programme"]
            regions = frozenset({event.region_id})
            programmes = Programme.objects.filter(pk=event.programme_id)
        else:
            programmes = Programme.objects.filter(region_id__in=regions).order_by(
                "-starts_on", "name"
            )
            _choices(self, "programme").queryset = programmes
        organisations = Organisation.objects.filter(region_id__in=regions).order_by("name")
        _choices(self, "partners").queryset = organisations
        organiser_ids = [o for region in regions for o in organisers_for(user, region)]
        _choices(self, "organiser").queryset = organisations.filter(pk__in=organiser_ids)
        if event is None and regions:
            self.fields["organiser"].initial = default_organiser(user, min(regions))
        _choices(self, "municipality").queryset = Municipality.objects.filter(
            region_id__in=regions
        ).order_by("name")
        _choices(self, "plan_line").queryset = (
            PlanLine.objects.filter(programme__in=programmes)
            .select_related("programme", "activity_type", "organisation")
            .order_by("programme__name", "year", "position", "id")
        )
        from loket.companies.queries import companies_visible_to

        host = self.fields["host_company"]
        host.companies = companies_visible_to(user).filter(  # type: ignore[attr-defined]
            region_id__in=regions
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("online"):
            data["online_url"] = data.get("online_url") or ""
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("programme", None)
        data["partners"] = list(data.get("partners") or [])
        data["themes"] = list(data.get("themes") or [])
        return data

    @staticmethod
    def initial_from(event: Event) -> dict[str, Any]:
        def local(value: dt.datetime | None) -> dt.datetime | None:
            return timezone.localtime(value) if value else None

        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "themes": [t.pk for t in event.themes.all()],
            "starts_at": local(event.starts_at),
            "ends_at": local(event.ends_at),
            "online": event.online,
            "venue": event.venue,
            "address": event.address,
            "municipality": event.municipality_id,
            "online_url": event.online_url,
            "capacity": event.capacity,
            "registration_deadline": local(event.registration_deadline),
            "public": event.public,
            "organiser": event.organiser_id,
            "partners": [p.pk for p in event.partners.all()],
            "host_company": event.host_company.kvk_number or str(event.host_company.pk)
            if event.host_company
            else "",
            "plan_line": event.plan_line_id,
        }


class CancelForm(StyledForm):
    reason = forms.CharField(
        label=_("Bericht aan de deelnemers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Komt in de e-mail aan iedereen die zich heeft aangemeld, bijvoorbeeld de reden "
            "of een nieuwe datum."
        ),
    )


# --- the list's filters ----------------------------------------------------------------


class FilterForm(UtrechtFormMixin, forms.Form):
    """The filter form with NL Design System classes on its widgets."""


class ByIdFilter(df.ModelChoiceFilter):
    """A row by id; an id no column can hold is an invalid choice, not an error."""

    field_class = ChoiceByIdField


class BoundedDateFilter(df.DateFilter):
    field_class = BoundedDateField


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _municipalities(request: Any) -> QuerySet[Municipality]:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return Municipality.objects.all()
    return Municipality.objects.filter(region_id__in=scope_of(user).region_ids).order_by("name")


def _date_filter(label: Any, method: str) -> BoundedDateFilter:
    return BoundedDateFilter(
        label=label,
        method=method,
        input_formats=["%d-%m-%Y", "%d-%m-%y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class EventFilterSet(df.FilterSet):
    """Filters of the event list: text (title, venue), period (start from / up to and
    including, whole days), kind, theme, municipality and status."""

    q = df.CharFilter(
        label=_("Zoeken"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    start = _date_filter(_("Vanaf"), "filter_start")
    end = _date_filter(_("Tot en met"), "filter_end")
    kind = df.ChoiceFilter(label=_("Soort"), choices=Event.Kind.choices, empty_label=_("Alle"))
    theme = ByIdFilter(
        label=_("Thema"),
        field_name="themes",
        queryset=Theme.objects.filter(active=True),
        empty_label=_("Alle"),
    )
    municipality = ByIdFilter(label=_("Gemeente"), queryset=_municipalities, empty_label=_("Alle"))
    status = df.ChoiceFilter(label=_("Status"), choices=Event.Status.choices, empty_label=_("Alle"))

    class Meta:
        model = Event
        fields: list[str] = []
        form = FilterForm

    def filter_text(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(venue__icontains=value))

    def filter_start(self, queryset: QuerySet[Event], name: str, value: dt.date) -> QuerySet[Event]:
        return queryset.filter(starts_at__gte=_start_of(value))

    def filter_end(self, queryset: QuerySet[Event], name: str, value: dt.date) -> QuerySet[Event]:
        return queryset.filter(starts_at__lt=_start_of(value + dt.timedelta(days=1)))


SORTING = Sorting(
    [
        SortOption("starts", _("Datum"), ("starts_at", "id")),
        SortOption("title", _("Titel"), ("title", "id")),
        SortOption("kind", _("Soort"), ("kind", "starts_at", "id")),
        SortOption("status", _("Status"), ("status", "starts_at", "id")),
    ],
    default="-starts",
)
