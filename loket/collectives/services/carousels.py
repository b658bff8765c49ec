"""Export and growth carousels: rounds, students, teams and matches.

- A round belongs to a carousel, has a school partner (an organisation of kind school of
  the carousel's region), a knowledge broker (a user of the region) and a period.
- Students (name, school, study programme, year) join a round one by one or from a CSV
  list (``services/carousel_import.py``); a team of the round has themes, languages and
  countries, and students of the round assigned to it.
- The knowledge broker confirms a match of a participating company (an active member of
  the carousel) to a team, with a research question and a period within the round. Per
  round a company has at most one match and a team at most one (cancelled ones do not
  count): checked under a lock on the round, with the models' constraints as the last
  word, and refused with a clear message on the field.
- A match gets its result and the company's rating (1-10); cancelling frees the company
  and the team.

Who: whoever manages the carousel (``can_manage_collective``); the round's broker also
confirms matches and records their results. Every change is audited (students by field
names only: no personal data in the trail).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loket.accounts.models import Organisation, User
from loket.collectives import matching
from loket.collectives.models import (
    CarouselRound,
    Collective,
    Match,
    Member,
    Student,
    StudentTeam,
)
from loket.collectives.queries import can_manage_collective
from loket.core import audit
from loket.core.models import AuditEvent, Theme
from loket.core.permissions import require

ROUND_FIELDS = ("name", "school", "broker", "starts_on", "ends_on")
STUDENT_FIELDS = ("name", "school", "study_programme", "year_of_study", "email", "team")
TEAM_FIELDS = ("name", "languages", "countries")
MATCH_RESULT_FIELDS = ("result", "rating", "status")


# --- who -----------------------------------------------------------------------------


def can_manage_round(user: Any, carousel_round: CarouselRound) -> bool:
    """Change the round, its students and teams."""
    return can_manage_collective(user, carousel_round.collective)


def can_match(user: Any, carousel_round: CarouselRound) -> bool:
    """Confirm matches and record their results: the round's broker, or who manages it."""
    if carousel_round.broker_id is not None and carousel_round.broker_id == user.pk:
        return True
    return can_manage_round(user, carousel_round)


def schools_of(collective: Collective) -> Any:
    return Organisation.objects.filter(
        region_id=collective.region_id, kind=Organisation.Kind.SCHOOL
    ).order_by("name", "pk")


def brokers_of(collective: Collective) -> Any:
    """Active users with a membership in an organisation of the carousel's region."""
    return (
        User.objects.filter(
            is_active=True, memberships__organisation__region_id=collective.region_id
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def lock_round(pk: int) -> CarouselRound:
    """The round, locked for this transaction (a row lock on PostgreSQL; SQLite's
    transactions are IMMEDIATE already)."""
    return (
        CarouselRound.objects.select_for_update(of=("self",))
        .select_related("collective")
        .get(pk=pk)
    )


def _apply(obj: Any, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


def _full_clean(obj: Any, exclude: Iterable[str] = ()) -> None:
    """The model's own checks, with the region and the relations we set ourselves left out."""
    obj.full_clean(exclude=["region", *exclude], validate_constraints=True)


# --- rounds --------------------------------------------------------------------------


def _check_round(carousel_round: CarouselRound) -> None:
    collective = carousel_round.collective
    errors: dict[str, str] = {}
    school = carousel_round.school if carousel_round.school_id else None
    if school is None:
        errors["school"] = _("Kies de onderwijspartner van de ronde.")
    elif school.kind != Organisation.Kind.SCHOOL or school.region_id != collective.region_id:
        errors["school"] = _("Kies een onderwijsinstelling uit de regio van de carrousel.")
    if (
        carousel_round.broker_id is not None
        and not brokers_of(collective).filter(pk=carousel_round.broker_id).exists()
    ):
        errors["broker"] = _("Kies een kennismakelaar uit de regio van de carrousel.")
    starts, ends = carousel_round.starts_on, carousel_round.ends_on
    if starts and ends and ends < starts:
        errors["ends_on"] = _("De einddatum moet op of na de begindatum liggen.")
    if errors:
        raise ValidationError(errors)
    _full_clean(carousel_round, exclude=["collective"])


def create_round(actor: User, collective: Collective, data: Mapping[str, Any]) -> CarouselRound:
    require(can_manage_collective(actor, collective))
    if not collective.is_carousel:
        raise ValidationError(_("Alleen een carrousel heeft rondes."))
    carousel_round = CarouselRound(collective=collective, region_id=collective.region_id)
    _apply(carousel_round, data, ROUND_FIELDS)
    _check_round(carousel_round)
    with transaction.atomic():
        carousel_round.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            carousel_round,
            changes=audit.diff({}, audit.snapshot(carousel_round, ROUND_FIELDS)),
        )
    return carousel_round


def update_round(
    actor: User, carousel_round: CarouselRound, data: Mapping[str, Any]
) -> CarouselRound:
    require(can_manage_round(actor, carousel_round))
    with transaction.atomic():
        locked = lock_round(carousel_round.pk)
        before = audit.snapshot(locked, ROUND_FIELDS)
        _apply(locked, data, ROUND_FIELDS)
        _check_round(locked)
        outside = open_matches(locked).filter(
            Q(starts_on__lt=locked.starts_on) | Q(ends_on__gt=locked.ends_on)
        )
        if outside.exists():
            raise ValidationError(
                {
                    "starts_on": _(
                        "Er zijn koppelingen met een periode buiten deze data. Pas eerst die "
                        "koppelingen aan."
                    )
                }
            )
        locked.save()
        changes = audit.diff(before, audit.snapshot(locked, ROUND_FIELDS))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, locked, changes=changes)
    return locked


# --- students ------------------------------------------------------------------------


def _check_student(student: Student, carousel_round: CarouselRound) -> None:
    team = student.team if student.team_id is not None else None
    if team is not None and team.round_id != carousel_round.pk:
        raise ValidationError({"team": _("Kies een team van deze ronde.")})
    _full_clean(student, exclude=["round", "team"])


def _student_label(student: Student) -> str:
    return f"student {student.pk}"


def add_student(actor: User, carousel_round: CarouselRound, data: Mapping[str, Any]) -> Student:
    require(can_manage_round(actor, carousel_round))
    student = Student(round=carousel_round, region_id=carousel_round.region_id)
    _apply(student, data, STUDENT_FIELDS)
    _check_student(student, carousel_round)
    with transaction.atomic():
        student.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            student,
            label=_student_label(student),
            changes={"fields": [f for f in STUDENT_FIELDS if f in data]},
        )
    return student


def update_student(actor: User, student: Student, data: Mapping[str, Any]) -> Student:
    carousel_round = student.round
    require(can_manage_round(actor, carousel_round))
    before = audit.snapshot(student, STUDENT_FIELDS)
    _apply(student, data, STUDENT_FIELDS)
    _check_student(student, carousel_round)
    with transaction.atomic():
        student.save()
        changed = sorted(audit.diff(before, audit.snapshot(student, STUDENT_FIELDS)))
        if changed:
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                student,
                label=_student_label(student),
                changes={"fields": changed},
            )
    return student


def delete_student(actor: User, student: Student) -> None:
    require(can_manage_round(actor, student.round))
    with transaction.atomic():
        audit.record(actor, AuditEvent.Action.DELETE, student, label=_student_label(student))
        student.delete()


# --- teams ---------------------------------------------------------------------------


def _check_team(team: StudentTeam) -> None:
    clash = StudentTeam.objects.filter(round_id=team.round_id, name__iexact=team.name.strip())
    if team.pk:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": _("Er is al een team met deze naam in deze ronde.")})
    _full_clean(team, exclude=["round"])


def _set_team(
    team: StudentTeam,
    data: Mapping[str, Any],
) -> None:
    if "themes" in data:
        team.themes.set(list(data["themes"]))
    if "students" in data:
        students = list(data["students"])
        if any(s.round_id != team.round_id for s in students):
            raise ValidationError({"students": _("Kies studenten van deze ronde.")})
        keep = [s.pk for s in students]
        team.students.exclude(pk__in=keep).update(team=None)
        Student.objects.filter(pk__in=keep).update(team=team)


def _team_audit(team: StudentTeam, data: Mapping[str, Any]) -> dict[str, Any]:
    snap = audit.snapshot(team, [*TEAM_FIELDS, "themes"])
    if "students" in data:
        snap["students"] = sorted(s.pk for s in data["students"])
    return snap


def create_team(actor: User, carousel_round: CarouselRound, data: Mapping[str, Any]) -> StudentTeam:
    require(can_manage_round(actor, carousel_round))
    team = StudentTeam(round=carousel_round, region_id=carousel_round.region_id)
    _apply(team, data, TEAM_FIELDS)
    _check_team(team)
    with transaction.atomic():
        team.save()
        _set_team(team, data)
        audit.record(
            actor, AuditEvent.Action.CREATE, team, changes=audit.diff({}, _team_audit(team, data))
        )
    return team


def update_team(actor: User, team: StudentTeam, data: Mapping[str, Any]) -> StudentTeam:
    require(can_manage_round(actor, team.round))
    before = audit.snapshot(team, [*TEAM_FIELDS, "themes"])
    before["students"] = sorted(team.students.values_list("pk", flat=True))
    _apply(team, data, TEAM_FIELDS)
    _check_team(team)
    with transaction.atomic():
        team.save()
        _set_team(team, data)
        changes = audit.diff(before, {**before, **_team_audit(team, data)})
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, team, changes=changes)
    return team


# --- matches -------------------------------------------------------------------------


def participants(carousel_round: CarouselRound) -> Any:
    """The participating companies' memberships: the carousel's active members."""
    return Member.objects.filter(
        collective_id=carousel_round.collective_id, left_on__isnull=True
    ).select_related("company")


def open_matches(carousel_round: CarouselRound) -> Any:
    return Match.objects.filter(round=carousel_round).exclude(status=Match.Status.CANCELLED)


def period_problems(carousel_round: CarouselRound, starts: Any, ends: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    if starts and ends and ends < starts:
        errors["ends_on"] = _("De einddatum moet op of na de begindatum liggen.")
    outside = _("Kies een datum binnen de ronde (%(start)s tot en met %(end)s).") % {
        "start": date_format(carousel_round.starts_on, "SHORT_DATE_FORMAT"),
        "end": date_format(carousel_round.ends_on, "SHORT_DATE_FORMAT"),
    }
    for name, day in (("starts_on", starts), ("ends_on", ends)):
        if day and not carousel_round.starts_on <= day <= carousel_round.ends_on:
            errors.setdefault(name, outside)
    return errors


def _conflicts(
    carousel_round: CarouselRound, company_id: int, team_id: int, exclude: int | None = None
) -> dict[str, str]:
    taken = open_matches(carousel_round)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    errors: dict[str, str] = {}
    if taken.filter(company_id=company_id).exists():
        errors["company"] = _("Dit bedrijf is in deze ronde al aan een team gekoppeld.")
    if taken.filter(team_id=team_id).exists():
        errors["team"] = _("Dit team is in deze ronde al aan een bedrijf gekoppeld.")
    return errors


def _save_match(match: Match) -> None:
    """Save under the models' constraints: a clash that slipped past our checks is a
    clear refusal, never a database error."""
    try:
        with transaction.atomic():
            match.save()
    except IntegrityError:
        raise ValidationError(
            _("Dit bedrijf of dit team is in deze ronde al gekoppeld. Laad de pagina opnieuw.")
        ) from None


def confirm_match(actor: User, carousel_round: CarouselRound, data: Mapping[str, Any]) -> Match:
    """Match a participating company to a team of the round: ``company``, ``team``,
    ``research_question``, ``starts_on`` and ``ends_on`` (empty: the round's dates)."""
    require(can_match(actor, carousel_round))
    company = data.get("company")
    team = data.get("team")
    question = (data.get("research_question") or "").strip()
    with transaction.atomic():
        locked = lock_round(carousel_round.pk)
        errors: dict[str, str] = {}
        if company is None or not participants(locked).filter(company_id=company.pk).exists():
            errors["company"] = _("Kies een bedrijf dat meedoet aan deze carrousel.")
        if team is None or team.round_id != locked.pk:
            errors["team"] = _("Kies een team van deze ronde.")
        if not question:
            errors["research_question"] = _("Vul de onderzoeksvraag in.")
        starts = data.get("starts_on") or locked.starts_on
        ends = data.get("ends_on") or locked.ends_on
        errors.update(period_problems(locked, starts, ends))
        if company is not None and team is not None:
            for name, message in _conflicts(locked, company.pk, team.pk).items():
                errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)
        assert company is not None
        assert team is not None
        match = Match(
            round=locked,
            region_id=locked.region_id,
            company=company,
            team=team,
            research_question=question,
            starts_on=starts,
            ends_on=ends,
            confirmed_by=actor,
        )
        _full_clean(match, exclude=["round", "company", "team", "confirmed_by"])
        _save_match(match)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            match,
            company_id=company.pk,
            changes=audit.diff(
                {}, audit.snapshot(match, ("company", "team", "starts_on", "ends_on"))
            ),
        )
    return match


def record_result(actor: User, match: Match, data: Mapping[str, Any]) -> Match:
    """The match's result, the company's rating (1-10) and its status (confirmed,
    completed, cancelled), and its research question and period."""
    require(can_match(actor, match.round))
    fields = ("research_question", "starts_on", "ends_on", *MATCH_RESULT_FIELDS)
    with transaction.atomic():
        locked_round = lock_round(match.round_id)
        locked = Match.objects.select_related("team").get(pk=match.pk)
        before = audit.snapshot(locked, fields)
        _apply(locked, data, fields)
        errors: dict[str, str] = {}
        if "research_question" in data and not (locked.research_question or "").strip():
            errors["research_question"] = _("Vul de onderzoeksvraag in.")
        rating = locked.rating
        if rating is not None and not 1 <= rating <= 10:
            errors["rating"] = _("De waardering is een cijfer van 1 tot en met 10.")
        if locked.status not in Match.Status.values:
            errors["status"] = _("Kies een geldige status.")
        errors.update(period_problems(locked_round, locked.starts_on, locked.ends_on))
        if before["status"] == Match.Status.CANCELLED and locked.status != Match.Status.CANCELLED:
            conflicts = _conflicts(
                locked_round, locked.company_id, locked.team_id, exclude=locked.pk
            )
            if conflicts:
                errors.setdefault("status", " ".join(conflicts.values()))
        if errors:
            raise ValidationError(errors)
        _full_clean(locked, exclude=["round", "company", "team", "confirmed_by"])
        _save_match(locked)
        changes = audit.diff(before, audit.snapshot(locked, fields))
        if changes:
            # Free text is named, not copied into the trail.
            for name in ("research_question", "result"):
                if name in changes:
                    changes[name] = ["…", "…"]
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                locked,
                company_id=locked.company_id,
                changes=changes,
            )
    return locked


def themes_for_teams() -> Any:
    return Theme.objects.filter(active=True).order_by("position", "pk")


# --- the match screen ----------------------------------------------------------------


@dataclass(frozen=True)
class MatchScreen:
    """What the match screen shows: per participating company without a match the teams
    proposed for it, the free teams (to pick one by hand), and the matches made."""

    open: list[matching.CompanyProposals]
    companies: dict[int, Any]  # company id -> Company
    teams: dict[int, StudentTeam]  # team id -> free team
    free_teams: list[Any]
    matches: list[Match]


def _theme_map(themes: Iterable[Theme]) -> dict[int, str]:
    return {theme.pk: theme.name for theme in themes}


def match_screen(carousel_round: CarouselRound) -> MatchScreen:
    """In a constant number of queries, whatever the number of companies and teams."""
    matches = list(
        open_matches(carousel_round)
        .select_related("company", "team")
        .order_by("company__name", "pk")
    )
    taken_companies = {m.company_id for m in matches}
    taken_teams = {m.team_id for m in matches}
    members = list(
        participants(carousel_round)
        .exclude(company_id__in=taken_companies)
        .prefetch_related(
            Prefetch("company__themes", queryset=Theme.objects.order_by("position", "pk"))
        )
    )
    free_teams = list(
        StudentTeam.objects.filter(round=carousel_round)
        .exclude(pk__in=taken_teams)
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("position", "pk")))
        .annotate(student_count=Count("students"))
        .order_by("name", "pk")
    )
    companies = [
        matching.CompanyProfile(
            company_id=m.company_id,
            name=m.company.name,
            themes=_theme_map(m.company.themes.all()),
            interests=matching.split_terms(m.interests),
        )
        for m in members
    ]
    teams = [
        matching.TeamProfile(
            team_id=t.pk,
            name=t.name,
            themes=_theme_map(t.themes.all()),
            languages=matching.split_terms(t.languages),
            countries=matching.split_terms(t.countries),
        )
        for t in free_teams
    ]
    return MatchScreen(
        open=matching.propose(companies, teams),
        companies={m.company_id: m.company for m in members},
        teams={t.pk: t for t in free_teams},
        free_teams=free_teams,
        matches=matches,
    )
