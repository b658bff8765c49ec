"""Forms of the assignment rules page (/beheer/toewijzing/): which team picks up the
questions of the public portal, by municipality and theme."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.casework.models import AssignmentRule
from loket.core.forms import MultipleChoiceByIdField, UtrechtFormMixin
from loket.core.models import Municipality, Region, Theme


class TeamField(MultipleChoiceByIdField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else str(obj.email)


class AssignmentRuleForm(UtrechtFormMixin, forms.Form):
    region = forms.ModelChoiceField(
        label=_("Regio"),
        queryset=Region.objects.none(),
        error_messages={
            "required": _("Kies een regio."),
            "invalid_choice": _("Kies een regio uit de lijst."),
        },
    )
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("Elke gemeente"),
        help_text=_("Vragen van ondernemers uit deze gemeente. Leeg: uit elke gemeente."),
        error_messages={"invalid_choice": _("Kies een gemeente uit de lijst.")},
    )
    theme = forms.ModelChoiceField(
        label=_("Thema"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_("Elk thema"),
        help_text=_("Vragen over dit thema. Leeg: over elk thema."),
        error_messages={"invalid_choice": _("Kies een thema uit de lijst.")},
    )
    advisors = TeamField(
        label=_("Team"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De vragen gaan om de beurt naar de teamleden."),
        error_messages={
            "required": _("Kies minstens één adviseur."),
            "invalid_choice": _("Kies teamleden uit de lijst."),
            "invalid_pk_value": _("Kies teamleden uit de lijst."),
            "invalid_list": _("Kies teamleden uit de lijst."),
        },
    )
    active = forms.BooleanField(
        label=_("Actief"),
        required=False,
        initial=True,
        help_text=_("Een regel die niet actief is, wordt overgeslagen."),
    )

    def __init__(
        self,
        *args: Any,
        regions: QuerySet[Region],
        municipalities: QuerySet[Municipality],
        candidates: QuerySet[User],
        rule: AssignmentRule | None = None,
        **kwargs: Any,
    ) -> None:
        if rule is not None:
            kwargs.setdefault(
                "initial",
                {
                    "municipality": rule.municipality_id,
                    "theme": rule.theme_id,
                    "advisors": [u.pk for u in rule.advisors.all()],
                    "active": rule.active,
                },
            )
        super().__init__(*args, **kwargs)
        self.rule = rule
        region_field = self.fields["region"]
        municipality_field = self.fields["municipality"]
        theme_field = self.fields["theme"]
        team_field = self.fields["advisors"]
        assert isinstance(region_field, forms.ModelChoiceField)
        assert isinstance(municipality_field, forms.ModelChoiceField)
        assert isinstance(theme_field, forms.ModelChoiceField)
        assert isinstance(team_field, forms.ModelMultipleChoiceField)
        region_field.queryset = regions
        municipality_field.queryset = municipalities.order_by("name")
        # A theme switched off since keeps its rule editable.
        themes = Q(active=True)
        if rule is not None and rule.theme_id is not None:
            themes |= Q(pk=rule.theme_id)
        theme_field.queryset = Theme.objects.filter(themes).order_by("position", "name_nl")
        team_field.queryset = candidates
        if rule is not None:
            # A rule does not move to another region.
            del self.fields["region"]
        elif len(regions) == 1:
            region_field.initial = regions[0]
            region_field.widget = forms.HiddenInput()

    @property
    def rule_region(self) -> Region | None:
        if self.rule is not None:
            return self.rule.region
        region: Region | None = self.cleaned_data.get("region")
        return region

    def rule_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "municipality": data.get("municipality"),
            "theme": data.get("theme"),
            "advisors": list(data.get("advisors") or []),
            "active": bool(data.get("active")),
        }


class AssignmentRuleFilterForm(UtrechtFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("Alle"),
    )
    theme = forms.ModelChoiceField(
        label=_("Thema"),
        queryset=Theme.objects.order_by("position", "name_nl"),
        required=False,
        empty_label=_("Alle"),
    )
    active = forms.ChoiceField(
        label=_("Actief"),
        required=False,
        choices=[("", _("Alle")), ("1", _("Actief")), ("0", _("Niet actief"))],
    )

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities.order_by("name")

    def apply(self, rules: QuerySet[AssignmentRule]) -> QuerySet[AssignmentRule]:
        if not self.is_valid():
            return rules
        data = self.cleaned_data
        if municipality := data.get("municipality"):
            rules = rules.filter(municipality=municipality)
        if theme := data.get("theme"):
            rules = rules.filter(theme=theme)
        if data.get("active") in ("1", "0"):
            rules = rules.filter(active=data["active"] == "1")
        return rules
