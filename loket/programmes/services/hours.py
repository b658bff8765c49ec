"""Hour registration: everyone who works in a programme registers their own hours.

Anyone who works for an executing organisation of a programme registers hours on it: per
day, an activity type of the programme, optionally a company or a trajectory, the hours
and a note. Hours are registered after the fact: today and earlier days of the
programme's period, never a day in the future. Hours come in quarters of an hour (0,25 to
24), and one person books at most 24 hours on one day. Only the person whose hours they
are changes or deletes them.

Every change is checked as a whole: a week of hours is saved completely or not at all
(``save_hours``). Changes that add hours to a company are counted against its cap
(``hour_caps``) under a lock, the programme row and then the schemes in id order, so two
people saving at once cannot both squeeze past the cap: from 80 % the result carries a
warning, above 100 % nothing is saved.

Writes that concern a company are audited with its id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Organisation, User
from loket.companies.models import Company
from loket.companies.queries import companies_visible_to
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.numbers import hours as fmt_hours
from loket.core.permissions import require, scope_of
from loket.programmes.models import (
    ZERO,
    ActivityType,
    HourEntry,
    Programme,
    Scheme,
    Trajectory,
    TrajectoryParticipant,
)
from loket.programmes.queries import (
    can_register_hours,
    hour_organisations,
    trajectories_visible_to,
)
from loket.programmes.services.hour_caps import (
    QUARTER,
    CapCheck,
    GroupKey,
    base_cap,
    extra_hours_of,
    lock,
    managers_of,
    used_hours,
)

CENT = Decimal("0.01")
MIN_HOURS = QUARTER
MAX_HOURS = Decimal("24")
MAX_HOURS_PER_DAY = Decimal("24")
MAX_NOTE = 500
# Trajectories one registers hours on: approved and not yet evaluated or withdrawn.
REGISTRABLE = (
    Trajectory.Status.APPROVED,
    Trajectory.Status.RUNNING,
    Trajectory.Status.COMPLETED,
)
ENTRY_FIELDS = (
    "date",
    "activity_type",
    "company",
    "trajectory",
    "hours",
    "note",
    "organisation",
)


def _day(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


# --- the rules for one value ---------------------------------------------------------


def parse_hours(text: str) -> Decimal | None:
    """Hours as people type them: "1,5", "1.5" or "1:30" (hours and minutes). None when
    it is not a number; the caller says what is wrong."""
    text = text.strip().replace(" ", "")
    if ":" in text:
        whole, _sep, minutes = text.partition(":")
        if not (whole or "0").isdigit() or not minutes.isdigit() or len(minutes) != 2:
            return None
        if int(minutes) >= 60:
            return None
        return Decimal(int(whole or "0")) + Decimal(int(minutes)) / Decimal(60)
    if text.count(",") + text.count(".") > 1:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def hours_problem(value: Decimal) -> str | None:
    """What is wrong with a number of hours for one day, or None."""
    if not value.is_finite():
        return _("Vul het aantal uren in als getal, bijvoorbeeld 1,5.")
    if value < MIN_HOURS:
        return _("Vul minstens een kwartier in (0,25 uur).")
    if value > MAX_HOURS:
        return _("Op één dag registreert u hoogstens 24 uur.")
    if value % QUARTER != 0:
        return _("Registreer uren in hele kwartieren: 0,25, 0,5, 0,75 enzovoort.")
    return None


def text_problem(value: str, limit: int) -> str | None:
    if "\x00" in value:
        return _("Tekst mag geen NUL-teken bevatten.")
    if len(value) > limit:
        return _("Gebruik hoogstens %(limit)s tekens.") % {"limit": limit}
    return None


def date_problem(programme: Programme, value: dt.date, today: dt.date | None = None) -> str | None:
    """Hours are registered after the fact, within the programme's period."""
    today = today or timezone.localdate()
    if value > today:
        return _("Uren registreert u achteraf: %(date)s ligt in de toekomst.") % {
            "date": _day(value)
        }
    if not programme.starts_on <= value <= programme.ends_on:
        return _("%(date)s valt buiten de looptijd van het programma (%(start)s t/m %(end)s).") % {
            "date": _day(value),
            "start": _day(programme.starts_on),
            "end": _day(programme.ends_on),
        }
    return None


# --- who may register where ----------------------------------------------------------


def registrable_programmes(user: User) -> list[Programme]:
    """The programmes the user registers hours on (an executing organisation of theirs in
    the programme's region), those running today first, then by start and name."""
    scope = scope_of(user)
    if not scope.organisation_ids:
        return []
    programmes = list(
        Programme.objects.filter(
            organisations__in=scope.organisation_ids,
            organisations__region_id=F("region_id"),
        )
        .distinct()
        .select_related("region")
        .order_by("-starts_on", "name")
    )
    today = timezone.localdate()
    return sorted(programmes, key=lambda p: not (p.starts_on <= today <= p.ends_on))


def registrable_trajectories(user: User, programme: Programme) -> list[Trajectory]:
    """The programme's trajectories the user sees and may register hours on."""
    return list(
        trajectories_visible_to(user)
        .filter(programme=programme, status__in=REGISTRABLE)
        .select_related("company", "scheme")
        .order_by("title", "pk")
    )


# --- changes to hours ------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """The values of one hour entry as someone wants it. ``organisation`` None: the
    existing entry's, or the user's first executing organisation for a new one. A
    trajectory without a company books on the trajectory's lead company."""

    date: dt.date
    activity_type: ActivityType
    hours: Decimal
    company: Company | None = None
    trajectory: Trajectory | None = None
    note: str = ""
    organisation: Organisation | None = None


@dataclass(frozen=True)
class Change:
    """One entry to create (``entry`` None), change, or delete (``draft`` None). ``key``
    names it in the errors (the week screen uses (row, day))."""

    key: Hashable
    entry: HourEntry | None
    draft: Draft | None


@dataclass
class HoursSaved:
    created: list[HourEntry] = field(default_factory=list)
    updated: list[HourEntry] = field(default_factory=list)
    deleted: int = 0
    warnings: list[CapCheck] = field(default_factory=list)

    @property
    def entries(self) -> list[HourEntry]:
        return [*self.created, *self.updated]


@dataclass(frozen=True)
class CapBlock:
    check: CapCheck
    keys: tuple[Hashable, ...]


class HoursRefused(ValidationError):
    """Nothing was saved. ``lines``: per change key, {field: [messages]}; ``blocked``: the
    caps that would be exceeded, with the keys of the changes that add to them. As a
    ValidationError it holds every message by field (the cap ones under "hours")."""

    def __init__(self, lines: dict[Hashable, dict[str, list[str]]], blocked: list[CapBlock]):
        merged: dict[str, list[str]] = defaultdict(list)
        for problems in lines.values():
            for name, messages in problems.items():
                for message in messages:
                    if message not in merged[name]:
                        merged[name].append(message)
        for block in blocked:
            if block.check.message not in merged["hours"]:
                merged["hours"].append(block.check.message)
        super().__init__(dict(merged))
        self.lines = lines
        self.blocked = blocked


def _effective(draft: Draft) -> Draft:
    """The draft with a trajectory's lead company filled in and the note trimmed."""
    company = draft.company
    if draft.trajectory is not None and company is None:
        company = draft.trajectory.company
    hours = draft.hours
    if hours.is_finite() and MIN_HOURS <= hours <= MAX_HOURS:
        hours = hours.quantize(CENT)  # stored and audited as "3.00", like the column
    return Draft(
        date=draft.date,
        activity_type=draft.activity_type,
        hours=hours,
        company=company,
        trajectory=draft.trajectory,
        note=(draft.note or "").strip(),
        organisation=draft.organisation,
    )


def _group(company_id: int | None, trajectory: Trajectory | None) -> GroupKey | None:
    if company_id is None:
        return None
    return (company_id, trajectory.scheme_id if trajectory is not None else None)


class _Check:
    """Collects the problems of a set of changes."""

    def __init__(self) -> None:
        self.lines: dict[Hashable, dict[str, list[str]]] = {}

    def add(self, key: Hashable, name: str, message: str) -> None:
        messages = self.lines.setdefault(key, {}).setdefault(name, [])
        if message not in messages:
            messages.append(message)

    def has(self, key: Hashable) -> bool:
        return key in self.lines


def _check_drafts(
    actor: User,
    programme: Programme,
    changes: Sequence[Change],
    check: _Check,
    today: dt.date,
) -> None:
    """Every rule for one entry that the cap does not cover, in a few batched queries."""
    organisations = set(hour_organisations(actor, programme))
    new_companies: set[int] = set()
    new_trajectories: set[int] = set()
    for change in changes:
        draft, entry = change.draft, change.entry
        if draft is None:
            continue
        if draft.company is not None and (entry is None or entry.company_id != draft.company.pk):
            new_companies.add(draft.company.pk)
        if draft.trajectory is not None and (
            entry is None or entry.trajectory_id != draft.trajectory.pk
        ):
            new_trajectories.add(draft.trajectory.pk)
    visible_companies = (
        set(
            companies_visible_to(actor)
            .filter(pk__in=new_companies, region_id=programme.region_id)
            .values_list("pk", flat=True)
        )
        if new_companies
        else set()
    )
    visible_trajectories = (
        set(
            trajectories_visible_to(actor)
            .filter(pk__in=new_trajectories, programme=programme)
            .values_list("pk", flat=True)
        )
        if new_trajectories
        else set()
    )
    participations: set[tuple[int, int]] = set()
    trajectory_ids = {c.draft.trajectory.pk for c in changes if c.draft and c.draft.trajectory}
    if trajectory_ids:
        participations = set(
            TrajectoryParticipant.objects.filter(trajectory_id__in=trajectory_ids).values_list(
                "trajectory_id", "company_id"
            )
        )
    for change in changes:
        draft, entry, key = change.draft, change.entry, change.key
        if draft is None:
            continue
        if entry is None or entry.date != draft.date:
            problem = date_problem(programme, draft.date, today)
            if problem:
                check.add(key, "date", problem)
        if draft.activity_type.programme_id != programme.pk:
            check.add(key, "activity_type", _("Deze activiteit hoort niet bij het programma."))
        problem = hours_problem(draft.hours)
        if problem:
            check.add(key, "hours", problem)
        problem = text_problem(draft.note, MAX_NOTE)
        if problem:
            check.add(key, "note", problem)
        if draft.organisation is not None and draft.organisation.pk not in organisations:
            check.add(key, "organisation", _("U registreert geen uren namens deze organisatie."))
        company, trajectory = draft.company, draft.trajectory
        if (
            company is not None
            and company.pk in new_companies
            and company.pk not in visible_companies
        ):
            check.add(key, "company", _("Dit bedrijf kunt u niet kiezen."))
        if trajectory is not None and trajectory.pk in new_trajectories:
            if trajectory.pk not in visible_trajectories:
                check.add(key, "trajectory", _("Dit traject kunt u niet kiezen."))
            elif trajectory.status not in REGISTRABLE:
                check.add(
                    key,
                    "trajectory",
                    _(
                        "Op een traject met de status '%(status)s' registreert u geen uren; "
                        "dat kan op goedgekeurde, lopende en afgeronde trajecten."
                    )
                    % {"status": trajectory.get_status_display()},
                )
        if (
            trajectory is not None
            and company is not None
            and company.pk != trajectory.company_id
            and (trajectory.pk, company.pk) not in participations
        ):
            check.add(
                key,
                "company",
                _("%(company)s neemt niet deel aan het traject %(trajectory)s.")
                % {"company": company.name, "trajectory": trajectory.title},
            )


def _check_days(actor: User, changes: Sequence[Change], check: _Check) -> None:
    """One person registers at most 24 hours on one day, over all programmes."""
    changed_ids = [c.entry.pk for c in changes if c.entry is not None]
    per_day: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    keys_per_day: dict[dt.date, list[Hashable]] = defaultdict(list)
    for change in changes:
        if change.draft is not None and change.draft.hours.is_finite():
            per_day[change.draft.date] += change.draft.hours
            keys_per_day[change.draft.date].append(change.key)
    if not per_day:
        return
    rows = (
        HourEntry.objects.filter(user=actor, date__in=list(per_day))
        .exclude(pk__in=changed_ids)
        .values_list("date")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    for day, total in rows:
        per_day[day] += total or ZERO
    for day, total in per_day.items():
        if total > MAX_HOURS_PER_DAY:
            for key in keys_per_day[day]:
                check.add(
                    key,
                    "hours",
                    _(
                        "Op %(date)s komt u zo op %(total)s uur; meer dan 24 uur op één dag "
                        "kan niet."
                    )
                    % {"date": _day(day), "total": fmt_hours(total)},
                )


def _check_caps(
    programme: Programme,
    schemes: dict[int, Scheme],
    changes: Sequence[Change],
    check: _Check,
) -> tuple[list[CapBlock], list[CapCheck]]:
    """The caps the changes add hours to: those they would exceed and those they bring to
    80 % or more. Changes with other problems are left out of the count."""
    old: dict[GroupKey, Decimal] = defaultdict(lambda: ZERO)
    new: dict[GroupKey, Decimal] = defaultdict(lambda: ZERO)
    keys: dict[GroupKey, list[Hashable]] = defaultdict(list)
    companies: dict[int, Company] = {}
    counted = [c for c in changes if not check.has(c.key)]
    excluded = [c.entry.pk for c in counted if c.entry is not None]
    # The schemes of the entries as they are now, in one query.
    old_schemes = (
        dict(
            HourEntry.objects.filter(pk__in=excluded, trajectory__isnull=False).values_list(
                "pk", "trajectory__scheme_id"
            )
        )
        if excluded
        else {}
    )
    for change in counted:
        if change.entry is not None and change.entry.company_id is not None:
            group_key: GroupKey = (change.entry.company_id, old_schemes.get(change.entry.pk))
            old[group_key] += change.entry.hours
        if change.draft is not None:
            group = _group(
                change.draft.company.pk if change.draft.company else None,
                change.draft.trajectory,
            )
            if group is not None and change.draft.company is not None:
                new[group] += change.draft.hours
                keys[group].append(change.key)
                companies[group[0]] = change.draft.company
    growing = [
        g
        for g in new
        if new[g] > old[g]
        and base_cap(programme, schemes.get(g[1]) if g[1] is not None else None) is not None
    ]
    if not growing:
        return [], []
    used = used_hours(programme, growing, excluded)
    extras = extra_hours_of(programme, growing)
    blocks: list[CapBlock] = []
    warnings: list[CapCheck] = []
    managers: tuple[str, ...] | None = None
    for group in growing:
        scheme = schemes.get(group[1]) if group[1] is not None else None
        base = base_cap(programme, scheme)
        assert base is not None
        result = CapCheck(
            programme=programme,
            company=companies[group[0]],
            scheme=scheme,
            base_cap=base,
            extra=extras[group],
            used=used[group],
            added=new[group],
        )
        if result.blocked:
            if managers is None:
                managers = tuple(managers_of(programme))
            result = replace(result, managers=managers)
            blocks.append(CapBlock(check=result, keys=tuple(keys[group])))
        elif result.warning:
            warnings.append(result)
    return blocks, warnings


def _record(actor: User, action: str, entry: HourEntry, changes: dict[str, Any]) -> None:
    audit.record(
        actor,
        action,
        entry,
        company_id=entry.company_id,
        changes=changes,
        label=_("uren %(date)s") % {"date": _day(entry.date)},
    )


def save_hours(actor: User, programme: Programme, changes: Sequence[Change]) -> HoursSaved:
    """Create, change and delete the actor's own hour entries of ``programme`` as one
    whole: every change is checked first (``HoursRefused`` lists every problem by change
    and nothing is saved), then all are written and audited. The result carries the caps
    that reached 80 % or more."""
    require(can_register_hours(actor, programme))
    seen: set[int] = set()
    for change in changes:
        if change.entry is not None:
            if change.entry.user_id != actor.pk or change.entry.programme_id != programme.pk:
                raise PermissionDenied
            if change.entry.pk in seen:
                raise ValidationError(_("Dezelfde urenregel staat er twee keer in."))
            seen.add(change.entry.pk)
    drafts = [
        Change(key=c.key, entry=c.entry, draft=_effective(c.draft) if c.draft else None)
        for c in changes
    ]
    today = timezone.localdate()
    check = _Check()
    default_org_ids = hour_organisations(actor, programme)
    with transaction.atomic():
        scheme_ids: set[int] = set()
        for change in drafts:
            if change.draft is not None and change.draft.trajectory is not None:
                scheme_ids.add(change.draft.trajectory.scheme_id)
        locked, schemes = lock(programme, scheme_ids)
        _check_drafts(actor, locked, drafts, check, today)
        _check_days(actor, drafts, check)
        blocks, warnings = _check_caps(locked, schemes, drafts, check)
        if check.lines or blocks:
            raise HoursRefused(check.lines, blocks)
        result = HoursSaved(warnings=warnings)
        for change in drafts:
            _write(actor, locked, change, default_org_ids[0], result)
    return result


def _write(
    actor: User, programme: Programme, change: Change, default_org_id: int, result: HoursSaved
) -> None:
    entry, draft = change.entry, change.draft
    if draft is None:
        if entry is None:
            return
        _record(actor, AuditEvent.Action.DELETE, entry, audit.snapshot(entry, ENTRY_FIELDS))
        entry.delete()
        result.deleted += 1
        return
    if entry is None:
        entry = HourEntry(
            region_id=programme.region_id,
            programme=programme,
            user=actor,
            organisation_id=draft.organisation.pk if draft.organisation else default_org_id,
        )
        before: dict[str, Any] | None = None
    else:
        before = audit.snapshot(entry, ENTRY_FIELDS)
        old_company_id = entry.company_id
    entry.date = draft.date
    entry.activity_type = draft.activity_type
    entry.company = draft.company
    entry.trajectory = draft.trajectory
    entry.hours = draft.hours
    entry.note = draft.note
    if draft.organisation is not None:
        entry.organisation = draft.organisation
    if before is None:
        entry.save()
        result.created.append(entry)
        if entry.company_id is not None:
            _record(actor, AuditEvent.Action.CREATE, entry, audit.snapshot(entry, ENTRY_FIELDS))
        return
    changed = audit.diff(before, audit.snapshot(entry, ENTRY_FIELDS))
    if not changed:
        return
    entry.save()
    result.updated.append(entry)
    if entry.company_id is not None:
        _record(actor, AuditEvent.Action.CHANGE, entry, changed)
    if old_company_id is not None and old_company_id != entry.company_id:
        # The hours left this company: its trail shows that too.
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            entry,
            company_id=old_company_id,
            changes=changed,
            label=_("uren %(date)s") % {"date": _day(entry.date)},
        )


def register_hours(actor: User, programme: Programme, draft: Draft) -> HoursSaved:
    """One new entry of the actor's own hours."""
    return save_hours(actor, programme, [Change(key=0, entry=None, draft=draft)])


def change_hours(actor: User, entry: HourEntry, draft: Draft) -> HoursSaved:
    """Change one of the actor's own entries; the cap is checked again."""
    require(entry.user_id == actor.pk)
    return save_hours(actor, entry.programme, [Change(key=0, entry=entry, draft=draft)])


def delete_hours(actor: User, entry: HourEntry) -> None:
    """Delete one of the actor's own entries."""
    require(entry.user_id == actor.pk)
    save_hours(actor, entry.programme, [Change(key=0, entry=entry, draft=None)])


def may_change(user: User, entry: HourEntry) -> bool:
    """Only the person whose hours they are changes or deletes them (a programme manager
    sees them, and raises a cap instead of editing someone's hours)."""
    return entry.user_id == user.pk
