"""Forms of the collective pages: the collective itself (with the fields of its kind), the
list's filters (one FilterSet for the page and the API), a member, leaving, the phase and
marking formed. They declare and clean input; the rules live in ``services/groups.py``."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import Organisation, User
from loket.casework.forms import themes_field
from loket.catalogue.forms import ChoiceByIdField
from loket.collectives.models import Collective, Member
from loket.collectives.services.groups import organisations_for
from loket.companies.filters import FilterForm
from loket.companies.forms import DutchDateInput, StyledForm
from loket.core.forms import BoundedDateField
from loket.core.models import Theme
from loket.core.permissions import scope_of
from loket.programmes.forms.trajectories import ByIdFilter, CompanyNumberField
from loket.programmes.models import Programme

Kind = Collective.Kind


def _user_label(user: User) -> str:
    return str(user.full_name or user.email)


class CollectiveForm(StyledForm):
    """A collective. ``kind`` only when creating; the kind-specific fields are all shown
    when creating (each says for which kind it counts) and only those of the kind when
    editing. The service blanks the fields that do not belong to the kind."""

    kind = forms.ChoiceField(
        label=_("Soort"),
        choices=[("", "---------"), *Kind.choices],
        error_messages={"required": _("Kies de soort."), "invalid_choice": _("Kies een soort.")},
    )
    name = forms.CharField(
        label=_("Naam"), max_length=200, error_messages={"required": _("Vul de naam in.")}
    )
    programme = ChoiceByIdField(
        label=_("Programma"),
        queryset=Programme.objects.none(),
        help_text=_("Het programma waarvoor het collectief meetelt."),
        error_messages={"required": _("Kies het programma.")},
    )
    organisation = ChoiceByIdField(
        label=_("Verantwoordelijke organisatie"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Kies de verantwoordelijke organisatie.")},
    )
    coordinator = ChoiceByIdField(label=_("Trekker"), required=False, queryset=User.objects.none())
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    themes = themes_field()
    opportunity = forms.CharField(
        label=_("Gezamenlijke kans"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij een cluster; ook bij een samenwerkingsinitiatief."),
    )
    phase = forms.ChoiceField(
        label=_("Fase"),
        required=False,
        choices=[("", "---------"), *Collective.Phase.choices],
        help_text=_("Alleen bij een cluster; leeg: verkennen."),
    )
    country = forms.CharField(
        label=_("Land"),
        required=False,
        max_length=100,
        help_text=_("Alleen bij een landentafel (verplicht)."),
    )
    service_level_days = forms.IntegerField(
        label=_("Bijeenkomen binnen (werkdagen)"),
        required=False,
        min_value=1,
        max_value=90,
        help_text=_("Alleen bij een tafel. Leeg: 2 werkdagen voor een crisistafel, anders 15."),
    )
    ended_on = BoundedDateField(label=_("Beëindigd op"), required=False, widget=DutchDateInput())

    GROUP_ONLY = ("opportunity",)
    CLUSTER_ONLY = ("phase",)
    COUNTRY_ONLY = ("country",)
    TABLE_ONLY = ("service_level_days",)

    def __init__(
        self, *args: Any, user: User, collective: Collective | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        regions = [collective.region_id] if collective else sorted(scope.region_ids)
        self._set_queryset(
            "programme",
            Programme.objects.filter(region_id__in=regions).order_by("-starts_on", "name"),
        )
        organisations: QuerySet[Any] | None = None
        for region_id in regions:
            qs = organisations_for(user, region_id)
            organisations = qs if organisations is None else organisations | qs
        self._set_queryset(
            "organisation",
            organisations.order_by("name", "pk") if organisations is not None else None,
        )
        self._set_queryset(
            "coordinator",
            User.objects.filter(is_active=True, memberships__organisation__region_id__in=regions)
            .distinct()
            .order_by("full_name", "pk"),
        )
        coordinator = self.fields["coordinator"]
        assert isinstance(coordinator, forms.ModelChoiceField)
        coordinator.label_from_instance = _user_label  # type: ignore[method-assign,assignment]
        if collective is not None:
            del self.fields["kind"]
            kind = collective.kind
            drop: list[str] = []
            if kind not in Collective.GROUPS:
                drop += self.GROUP_ONLY
            if kind != Kind.CLUSTER:
                drop += self.CLUSTER_ONLY
            if kind != Kind.COUNTRY_TABLE:
                drop += self.COUNTRY_ONLY
            if kind not in Collective.TABLES:
                drop += self.TABLE_ONLY
            for name in drop:
                del self.fields[name]
            for name in ("opportunity", "phase", "country", "service_level_days"):
                if name in self.fields:
                    self.fields[name].help_text = ""

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset if queryset is not None else Organisation.objects.none()

    def kind_fields(self) -> list[Any]:
        return [
            self[n]
            for n in ("opportunity", "phase", "country", "service_level_days")
            if n in self.fields
        ]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for key in ("description", "opportunity", "country", "phase"):
            if key in data and data[key] is None:
                data[key] = ""
        return data

    @staticmethod
    def initial_from(collective: Collective) -> dict[str, Any]:
        return {
            "name": collective.name,
            "programme": collective.programme_id,
            "organisation": collective.organisation_id,
            "coordinator": collective.coordinator_id,
            "description": collective.description,
            "themes": list(collective.themes.values_list("pk", flat=True)),
            "opportunity": collective.opportunity,
            "phase": collective.phase,
            "country": collective.country,
            "service_level_days": collective.service_level_days,
            "ended_on": collective.ended_on,
        }


class MemberForm(StyledForm):
    """Add a company: by its KvK or Loket number, among the companies of the region."""

    company = CompanyNumberField(
        label=_("Bedrijf (KvK- of Loket-nummer)"),
        error_messages={"required": _("Vul het KvK- of Loket-nummer van het bedrijf in.")},
    )
    role = forms.ChoiceField(label=_("Rol"), choices=Member.Role.choices, initial="member")
    interests = forms.CharField(
        label=_("Talen en landen van interesse"),
        required=False,
        max_length=300,
        help_text=_("Gescheiden door komma's, bijvoorbeeld: Duits, Duitsland, Scandinavië."),
    )

    def __init__(self, *args: Any, companies: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["company"]
        assert isinstance(field, CompanyNumberField)
        field.companies = companies


class MemberEditForm(StyledForm):
    role = forms.ChoiceField(label=_("Rol"), choices=Member.Role.choices)
    interests = forms.CharField(
        label=_("Talen en landen van interesse"),
        required=False,
        max_length=300,
        help_text=_("Gescheiden door komma's, bijvoorbeeld: Duits, Duitsland, Scandinavië."),
    )


class LeaveForm(StyledForm):
    left_on = BoundedDateField(
        label=_("Doet niet meer mee vanaf"),
        required=False,
        widget=DutchDateInput(),
        help_text=_("Leeg: vandaag."),
    )


class FormedForm(StyledForm):
    formed_on = BoundedDateField(
        label=_("Gevormd op"),
        required=False,
        widget=DutchDateInput(),
        help_text=_("Leeg: vandaag."),
    )


class PhaseForm(StyledForm):
    phase = forms.ChoiceField(
        label=_("Fase"),
        choices=Collective.Phase.choices,
        error_messages={"required": _("Kies een fase."), "invalid_choice": _("Kies een fase.")},
    )


class CollectiveFilterSet(df.FilterSet):
    """Filters of the collective list: text, kind, phase, theme, formed or not."""

    q = df.CharFilter(
        label=_("Zoeken"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = df.ChoiceFilter(label=_("Soort"), choices=Kind.choices, empty_label=_("Alle"))
    phase = df.ChoiceFilter(
        label=_("Fase"), choices=Collective.Phase.choices, empty_label=_("Alle")
    )
    theme = ByIdFilter(
        label=_("Thema"),
        field_name="themes",
        queryset=Theme.objects.filter(active=True),
        empty_label=_("Alle"),
    )

    class Meta:
        model = Collective
        fields = ["q", "kind", "phase", "theme"]
        form = FilterForm

    def filter_text(self, queryset: QuerySet[Collective], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(country__icontains=value)
        )
