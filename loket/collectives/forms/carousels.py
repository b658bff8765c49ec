"""Forms of the carousel pages: a round, a student, the student list import, a team, the
confirmation of a match and its result. They declare and clean input; the rules live in
``services/carousels.py``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loket.catalogue.forms import ChoiceByIdField
from loket.collectives.models import CarouselRound, Match, Student, StudentTeam
from loket.collectives.services import carousels as services
from loket.collectives.services.carousel_import import MAX_FILE_BYTES
from loket.companies.forms import DutchDateInput, StyledForm
from loket.companies.models import Company
from loket.core.forms import BoundedDateField, MultipleChoiceByIdField
from loket.core.models import Theme


def _date(label: Any, required: bool = True, help_text: Any = "") -> BoundedDateField:
    return BoundedDateField(
        label=label,
        required=required,
        widget=DutchDateInput(),
        help_text=help_text,
        error_messages={"required": _("Vul een datum in."), "invalid": _("Vul een datum in.")},
    )


class ServiceForm(StyledForm):
    """A form whose cleaned data the service takes as it is."""

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RoundForm(ServiceForm):
    name = forms.CharField(
        label=_("Naam van de ronde"),
        max_length=200,
        error_messages={"required": _("Vul de naam van de ronde in.")},
        help_text=_("Bijvoorbeeld: Exportcarrousel voorjaar 2026."),
    )
    school = ChoiceByIdField(
        label=_("Onderwijspartner"),
        queryset=CarouselRound.objects.none(),
        error_messages={
            "required": _("Kies de onderwijspartner van de ronde."),
            "invalid_choice": _("Kies een onderwijsinstelling uit de lijst."),
        },
    )
    broker = ChoiceByIdField(
        label=_("Kennismakelaar"),
        required=False,
        queryset=CarouselRound.objects.none(),
        help_text=_("Wie de studententeams aan de bedrijven koppelt."),
        error_messages={"invalid_choice": _("Kies een kennismakelaar uit de lijst.")},
    )
    starts_on = _date(_("Begindatum"))
    ends_on = _date(_("Einddatum"))

    def __init__(self, *args: Any, collective: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = services.schools_of(collective)  # type: ignore[attr-defined]
        self.fields["broker"].queryset = services.brokers_of(collective)  # type: ignore[attr-defined]
        self.fields["broker"].label_from_instance = lambda u: u.full_name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("De einddatum moet op of na de begindatum liggen."))
        return data

    @staticmethod
    def initial_from(carousel_round: CarouselRound) -> dict[str, Any]:
        return {name: getattr(carousel_round, name) for name in services.ROUND_FIELDS}


class StudentForm(ServiceForm):
    name = forms.CharField(
        label=_("Naam"), max_length=200, error_messages={"required": _("Vul de naam in.")}
    )
    school = forms.CharField(
        label=_("Onderwijsinstelling"),
        max_length=200,
        required=False,
        help_text=_("Leeg: de onderwijspartner van de ronde."),
    )
    study_programme = forms.CharField(
        label=_("Opleiding"),
        max_length=200,
        error_messages={"required": _("Vul de opleiding in.")},
    )
    year_of_study = forms.IntegerField(
        label=_("Studiejaar"),
        min_value=1,
        max_value=8,
        error_messages={
            "required": _("Vul het studiejaar in."),
            "invalid": _("Vul een studiejaar van 1 tot en met 8 in."),
            "min_value": _("Vul een studiejaar van 1 tot en met 8 in."),
            "max_value": _("Vul een studiejaar van 1 tot en met 8 in."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Dit is geen geldig e-mailadres.")},
    )
    team = ChoiceByIdField(
        label=_("Team"),
        required=False,
        queryset=StudentTeam.objects.none(),
        empty_label=_("(nog geen team)"),
        error_messages={"invalid_choice": _("Kies een team van deze ronde.")},
    )

    def __init__(self, *args: Any, carousel_round: CarouselRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.carousel_round = carousel_round
        self.fields["team"].queryset = carousel_round.teams.order_by("name", "pk")  # type: ignore[attr-defined]

    def clean_school(self) -> str:
        value: str = self.cleaned_data.get("school") or ""
        return value.strip() or self.carousel_round.school.name

    @staticmethod
    def initial_from(student: Student) -> dict[str, Any]:
        return {name: getattr(student, name) for name in services.STUDENT_FIELDS}


class StudentImportForm(StyledForm):
    bestand = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "Een CSV-bestand met de kolommen naam, opleiding en studiejaar, en eventueel "
            "onderwijsinstelling, e-mail en team; hoogstens 1 MB."
        ),
        error_messages={
            "required": _("Kies een CSV-bestand."),
            "empty": _("Het bestand is leeg."),
            "invalid": _("Kies een CSV-bestand."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def content(self) -> tuple[str, bytes]:
        upload = self.cleaned_data["bestand"]
        return upload.name or "", upload.read(MAX_FILE_BYTES + 1)


class TeamForm(ServiceForm):
    name = forms.CharField(
        label=_("Naam van het team"),
        max_length=100,
        error_messages={"required": _("Vul de naam van het team in.")},
    )
    themes = MultipleChoiceByIdField(
        label=_("Thema's"),
        required=False,
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Kies thema's uit de lijst."),
            "invalid_pk_value": _("Kies thema's uit de lijst."),
        },
    )
    languages = forms.CharField(
        label=_("Talen"),
        max_length=200,
        required=False,
        help_text=_("Gescheiden door komma's, bijvoorbeeld: Duits, Engels."),
    )
    countries = forms.CharField(
        label=_("Landen"),
        max_length=200,
        required=False,
        help_text=_("Gescheiden door komma's, bijvoorbeeld: Duitsland, Denemarken."),
    )
    students = MultipleChoiceByIdField(
        label=_("Studenten in dit team"),
        required=False,
        queryset=Student.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Kies studenten van deze ronde."),
            "invalid_pk_value": _("Kies studenten van deze ronde."),
        },
    )

    def __init__(self, *args: Any, carousel_round: CarouselRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = services.themes_for_teams()  # type: ignore[attr-defined]
        students = self.fields["students"]
        students.queryset = carousel_round.students.select_related("team").order_by("name", "pk")  # type: ignore[attr-defined]
        students.label_from_instance = lambda s: (  # type: ignore[attr-defined]
            f"{s.name} ({s.study_programme}, {s.team.name})"
            if s.team
            else f"{s.name} ({s.study_programme})"
        )

    @staticmethod
    def initial_from(team: StudentTeam) -> dict[str, Any]:
        return {
            "name": team.name,
            "languages": team.languages,
            "countries": team.countries,
            "themes": list(team.themes.values_list("pk", flat=True)),
            "students": list(team.students.values_list("pk", flat=True)),
        }


class MatchConfirmForm(ServiceForm):
    company = ChoiceByIdField(
        label=_("Bedrijf"),
        queryset=Company.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Kies een bedrijf dat meedoet aan deze carrousel."),
            "invalid_choice": _("Kies een bedrijf dat meedoet aan deze carrousel."),
        },
    )
    team = ChoiceByIdField(
        label=_("Team"),
        queryset=StudentTeam.objects.none(),
        error_messages={
            "required": _("Kies een team."),
            "invalid_choice": _("Kies een team van deze ronde dat nog vrij is."),
        },
    )
    research_question = forms.CharField(
        label=_("Onderzoeksvraag"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vul de onderzoeksvraag in.")},
    )
    starts_on = _date(_("Van"), required=False, help_text=_("Leeg: de begindatum van de ronde."))
    ends_on = _date(_("Tot"), required=False, help_text=_("Leeg: de einddatum van de ronde."))

    def __init__(self, *args: Any, carousel_round: CarouselRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(  # type: ignore[attr-defined]
            pk__in=services.participants(carousel_round).values("company_id")
        )
        self.fields["team"].queryset = carousel_round.teams.order_by("name", "pk")  # type: ignore[attr-defined]
        self.carousel_round = carousel_round

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = services.period_problems(
            self.carousel_round, data.get("starts_on"), data.get("ends_on")
        )
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


class MatchResultForm(ServiceForm):
    research_question = forms.CharField(
        label=_("Onderzoeksvraag"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vul de onderzoeksvraag in.")},
    )
    starts_on = _date(_("Van"))
    ends_on = _date(_("Tot"))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Match.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies een geldige status.")},
    )
    result = forms.CharField(
        label=_("Resultaat"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rating = forms.IntegerField(
        label=_("Waardering door het bedrijf"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_("Een cijfer van 1 tot en met 10."),
        error_messages={
            "invalid": _("De waardering is een cijfer van 1 tot en met 10."),
            "min_value": _("De waardering is een cijfer van 1 tot en met 10."),
            "max_value": _("De waardering is een cijfer van 1 tot en met 10."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("De einddatum moet op of na de begindatum liggen."))
        return data

    @staticmethod
    def initial_from(match: Match) -> dict[str, Any]:
        fields = ("research_question", "starts_on", "ends_on", "status", "result", "rating")
        return {name: getattr(match, name) for name in fields}
