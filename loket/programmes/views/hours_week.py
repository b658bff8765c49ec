"""The week of hours on one screen (``programmes:hours_week``), and the helpers the other
hour pages share (``views/hours.py`` holds the list, one entry, the permission for more
hours, and the URL patterns).

The grid has a row per activity and company or trajectory (and note), a column per day;
each cell carries the id of the entry it shows. Saving turns the cells into changes
(create, change, delete) and hands them to ``services.hours.save_hours`` as one whole:
every cell is checked first, and the problems come back on the cell or row they are
about, with the user's input kept. Cap warnings are shown after the save.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.accounts.models import Organisation, User
from loket.companies.models import Company
from loket.companies.queries import companies_visible_to
from loket.core.forms import MAX_PK
from loket.programmes.forms.hours import (
    COMPANY,
    DAYS,
    MAX_ROWS,
    Targets,
    WeekForm,
    WeekFormSet,
)
from loket.programmes.models import ZERO, ActivityType, HourEntry, Programme
from loket.programmes.queries import (
    can_approve,
    can_register_hours,
    hour_organisations,
)
from loket.programmes.services import hours as services
from loket.programmes.services.hour_caps import CapCheck
from loket.programmes.services.hours import Change, Draft, HoursRefused, HoursSaved

EMPTY_ROWS = 5
MORE_ROWS = 10
RECENT_COMPANIES = 30
ENTRY_RELATED = (
    "programme",
    "user",
    "organisation",
    "activity_type",
    "company",
    "trajectory__company",
)
_WEEK = re.compile(r"(\d{4})-W(\d{1,2})")


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def form_status(*forms_: Any) -> int:
    refused = any(bool(f.errors) or bool(getattr(f, "non_form_errors", list)()) for f in forms_)
    return 422 if refused else 200


def _iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _monday(request: HttpRequest) -> dt.date:
    """The Monday of ``?week=2026-W48``; this week for anything else."""
    today = timezone.localdate()
    match = _WEEK.fullmatch(str(request.GET.get("week", "")).strip())
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100:
            try:
                return dt.date.fromisocalendar(year, week, 1)
            except ValueError:
                pass
    return today - dt.timedelta(days=today.weekday())


def bounded_id(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_PK else None


def override_url(check: CapCheck) -> str:
    query = {"bedrijf": check.company.pk}
    if check.scheme is not None:
        query["regeling"] = check.scheme.pk
    url = reverse("programmes:cap_override_create", args=[check.programme.pk])
    return f"{url}?{urlencode(query)}"


def report_saved(request: HttpRequest, result: HoursSaved) -> None:
    """The success message and, after it, a warning per cap at 80 % or more."""
    if result.created or result.updated or result.deleted:
        messages.success(
            request,
            _("Opgeslagen: %(created)s nieuw, %(updated)s gewijzigd, %(deleted)s verwijderd.")
            % {
                "created": len(result.created),
                "updated": len(result.updated),
                "deleted": result.deleted,
            },
        )
    else:
        messages.info(request, _("Er was niets gewijzigd."))
    for check in result.warnings:
        messages.warning(request, check.message)


def _recent_companies(user: User, programme: Programme, extra: set[int]) -> list[Company]:
    """The companies the user booked hours on lately in this programme, and ``extra``."""
    recent = (
        HourEntry.objects.filter(user=user, programme=programme, company__isnull=False)
        .values("company_id")
        .annotate(last=Max("date"))
        .order_by("-last")
        .values_list("company_id", flat=True)[:RECENT_COMPANIES]
    )
    ids = set(recent) | extra
    if not ids:
        return []
    return list(companies_visible_to(user).filter(pk__in=ids, region_id=programme.region_id))


def asked_companies(request: HttpRequest) -> set[int]:
    """Companies named in the request (``?bedrijf=<id>``, or a posted ``c<id>`` choice):
    choosable when the user may see them, besides the recent ones."""
    ids: set[int] = set()
    company_id = bounded_id(request.GET.get("bedrijf"))
    if company_id is not None:
        ids.add(company_id)
    if request.method == "POST":
        for key, values in request.POST.lists():
            if key == "target" or key.endswith("-target"):
                for value in values[:1]:
                    if value.startswith(COMPANY) and (number := bounded_id(value[1:])):
                        ids.add(number)
    return set(sorted(ids)[: MAX_ROWS + 1])


def targets_for(
    user: User, programme: Programme, entries: list[HourEntry], extra_companies: set[int]
) -> Targets:
    trajectories = services.registrable_trajectories(user, programme)
    known = {t.pk for t in trajectories}
    for entry in entries:  # an entry's own trajectory stays choosable, whatever its status
        if entry.trajectory is not None and entry.trajectory_id not in known:
            trajectories.append(entry.trajectory)
            known.add(entry.trajectory.pk)
    companies = _recent_companies(user, programme, extra_companies)
    listed = {c.pk for c in companies}
    for entry in entries:
        if entry.company is not None and entry.company_id not in listed:
            companies.append(entry.company)
            listed.add(entry.company.pk)
    return Targets(trajectories, companies)


def activity_types_of(programme: Programme) -> dict[int, ActivityType]:
    return {
        a.pk: a
        for a in ActivityType.objects.filter(programme=programme).order_by("position", "name")
    }


# --- the week ------------------------------------------------------------------------


@dataclass
class Row:
    """One row of the grid as stored: the same activity, company, trajectory and note,
    at most one entry per day."""

    activity_type_id: int
    company_id: int | None
    trajectory_id: int | None
    note: str
    sort_key: tuple[Any, ...]
    entries: dict[int, HourEntry] = field(default_factory=dict)

    def initial(self) -> dict[str, Any]:
        sample = next(iter(self.entries.values()))
        lookup = ""
        if (
            sample.trajectory is not None
            and sample.company is not None
            and sample.company_id != sample.trajectory.company_id
        ):
            lookup = sample.company.kvk_number or sample.company.name
        data: dict[str, Any] = {
            "activity_type": str(self.activity_type_id),
            "target": Targets.value_of(
                None if self.trajectory_id else self.company_id, self.trajectory_id
            ),
            "lookup": lookup,
            "note": self.note,
        }
        for index, entry in self.entries.items():
            data[f"d{index}"] = entry.hours
            data[f"e{index}"] = entry.pk
        return data


def _rows(entries: list[HourEntry], monday: dt.date) -> list[Row]:
    rows: list[Row] = []
    by_key: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for entry in entries:
        key = (entry.activity_type_id, entry.company_id, entry.trajectory_id, entry.note)
        index = (entry.date - monday).days
        row = next((r for r in by_key[key] if index not in r.entries), None)
        if row is None:
            label = (
                entry.trajectory.title
                if entry.trajectory
                else (entry.company.name if entry.company else "")
            )
            row = Row(
                activity_type_id=entry.activity_type_id,
                company_id=entry.company_id,
                trajectory_id=entry.trajectory_id,
                note=entry.note,
                sort_key=(
                    entry.activity_type.position,
                    entry.activity_type.name,
                    label.lower(),
                    entry.note,
                    len(by_key[key]),
                ),
            )
            by_key[key].append(row)
            rows.append(row)
        row.entries[index] = entry
    return sorted(rows, key=lambda r: r.sort_key)


def _chosen_programme(request: HttpRequest, programmes: list[Programme]) -> Programme | None:
    raw = request.GET.get("programme")
    if raw in (None, ""):
        return programmes[0] if programmes else None
    number = bounded_id(raw)
    chosen = next((p for p in programmes if p.pk == number), None)
    if chosen is None:
        raise Http404
    return chosen


def week_url(programme: Programme, monday: dt.date, several: bool) -> str:
    query = {"week": _iso_week(monday)}
    if several:
        query["programme"] = str(programme.pk)
    return f"{reverse('programmes:hours_week')}?{urlencode(query)}"


def _prefill(request: HttpRequest, targets: Targets) -> dict[str, Any]:
    """``?traject=<id>`` or ``?bedrijf=<id>``: the first empty row books on it."""
    trajectory_id = bounded_id(request.GET.get("traject"))
    if trajectory_id is not None and trajectory_id in targets.trajectories:
        return {"target": Targets.value_of(None, trajectory_id)}
    company_id = bounded_id(request.GET.get("bedrijf"))
    if company_id is not None and company_id in targets.companies:
        return {"target": Targets.value_of(company_id, None)}
    return {}


def _changes(
    formset: Any,
    entries: dict[int, HourEntry],
    days: list[dt.date],
    organisation: Organisation | None,
) -> list[Change]:
    """The week's changes, cell by cell; a cell whose entry is gone gets an error."""
    changes: list[Change] = []
    used: set[int] = set()
    for number, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data:
            continue
        for index, day in enumerate(days):
            entry_id, hours = data.get(f"e{index}"), data.get(f"d{index}")
            entry = None
            if entry_id:
                entry = entries.get(entry_id)
                if entry is None or entry.date != day or entry_id in used:
                    form.add_error(
                        f"d{index}",
                        _("Deze uren zijn intussen gewijzigd of verwijderd: laad de week opnieuw."),
                    )
                    continue
                used.add(entry_id)
            if hours is None:
                if entry is not None:
                    changes.append(Change(key=(number, index), entry=entry, draft=None))
                continue
            draft = Draft(
                date=day,
                activity_type=data["activity"],
                hours=hours,
                company=data.get("company"),
                trajectory=data.get("trajectory"),
                note=data.get("note", ""),
                organisation=organisation if entry is None else None,
            )
            if entry is not None and _same(entry, draft):
                continue
            changes.append(Change(key=(number, index), entry=entry, draft=draft))
    return changes


def _same(entry: HourEntry, draft: Draft) -> bool:
    company = draft.company or (draft.trajectory.company if draft.trajectory else None)
    return (
        entry.hours == draft.hours
        and entry.activity_type_id == draft.activity_type.pk
        and entry.company_id == (company.pk if company else None)
        and entry.trajectory_id == (draft.trajectory.pk if draft.trajectory else None)
        and entry.note == draft.note
    )


# Where a service's field goes in a row of the grid ("" : the day's cell).
ROW_FIELDS = {
    "date": "",
    "hours": "",
    "activity_type": "activity_type",
    "trajectory": "target",
    "note": "note",
}


def _put_week_errors(formset: Any, week_form: Any, exc: HoursRefused) -> list[str]:
    """The service's problems on the cells and rows they are about; what belongs to no
    row is returned."""
    loose: list[str] = []
    for key, problems in exc.lines.items():
        number, index = cast(tuple[int, int], key)
        form = formset.forms[number]
        for name, texts in problems.items():
            if name == "organisation":
                for text in texts:
                    if week_form is not None:
                        week_form.add_error("organisation", text)
                    elif text not in loose:
                        loose.append(text)
                continue
            if name == "company":
                target = "lookup" if form.data.get(form.add_prefix("lookup")) else "target"
            else:
                target = ROW_FIELDS.get(name, "") or f"d{index}"
            for text in texts:
                if text not in form.errors.get(target, []):
                    form.add_error(target, text)
    for block in exc.blocked:
        for number in sorted({cast(tuple[int, int], key)[0] for key in block.keys}):
            form = formset.forms[number]
            if block.check.message not in form.non_field_errors():
                form.add_error(None, block.check.message)
            form.blocked_caps = [*getattr(form, "blocked_caps", []), block.check]
    return loose


def _grid(formset: Any, days: list[dt.date], rows: list[Row]) -> list[dict[str, Any]]:
    """What the template shows per row: the form, its number, stored total, errors."""
    out = []
    for number, form in enumerate(formset.forms):
        stored = rows[number] if number < len(rows) else None
        total = sum((e.hours for e in stored.entries.values()), ZERO) if stored else ZERO
        field_errors = [
            (form[name], form[name].errors)
            for name in (
                "activity_type",
                "target",
                "lookup",
                "note",
                *[f"d{i}" for i in range(len(days))],
            )
            if form[name].errors
        ]
        out.append(
            {
                "form": form,
                "number": number + 1,
                "total": total,
                "field_errors": field_errors,
                "row_errors": form.non_field_errors(),
                "blocked": [(c, override_url(c)) for c in getattr(form, "blocked_caps", [])],
            }
        )
    return out


@login_required
@require_http_methods(["GET", "POST"])
def hours_week(request: HttpRequest) -> HttpResponse:
    """A week of one's own hours on one screen: a row per activity and company or
    trajectory, a column per day. Saving checks every cell and saves all or nothing."""
    user = request_user(request)
    programmes = services.registrable_programmes(user)
    programme = _chosen_programme(request, programmes)
    if programme is None:
        return render(request, "programmes/hours_week.html", {"programme": None})
    several = len(programmes) > 1
    monday = _monday(request)
    days = [monday + dt.timedelta(days=i) for i in range(DAYS)]
    entries = list(
        HourEntry.objects.filter(user=user, programme=programme, date__range=(days[0], days[-1]))
        .select_related(*ENTRY_RELATED)
        .order_by("date", "pk")
    )
    rows = _rows(entries, monday)
    targets = targets_for(user, programme, entries, asked_companies(request))
    activity_types = activity_types_of(programme)
    org_ids = hour_organisations(user, programme)
    organisations = list(Organisation.objects.filter(pk__in=org_ids))
    organisations.sort(key=lambda o: org_ids.index(o.pk))
    extra = MORE_ROWS if request.GET.get("regels") == "meer" else EMPTY_ROWS
    extra = max(0, min(extra, MAX_ROWS - len(rows)))
    initial = [row.initial() for row in rows]
    prefill = _prefill(request, targets)
    form_kwargs = {
        "user": user,
        "programme": programme,
        "targets": targets,
        "activity_types": activity_types,
        "days": days,
    }
    posted = request.POST if request.method == "POST" else None
    formset = WeekFormSet(posted, initial=initial, prefix="rij", form_kwargs=form_kwargs)
    if posted is None:
        formset.extra = extra
        if prefill and len(formset.forms) > len(rows):
            formset.forms[len(rows)].initial.update(prefill)
    week_form = (
        WeekForm(posted, organisations=[(o.pk, o.name) for o in organisations])
        if len(organisations) > 1
        else None
    )
    loose: list[str] = []
    today = timezone.localdate()
    if posted is not None:
        if not can_register_hours(user, programme):
            raise PermissionDenied
        rows_valid = formset.is_valid()
        if rows_valid and (week_form is None or week_form.is_valid()):
            organisation = None
            if week_form is not None:
                chosen = week_form.cleaned_data["organisation"]
                organisation = next((o for o in organisations if o.pk == chosen), None)
            changes = _changes(formset, {e.pk: e for e in entries}, days, organisation)
            if not any(f.errors for f in formset.forms):
                try:
                    result = services.save_hours(user, programme, changes)
                except HoursRefused as exc:
                    loose = _put_week_errors(formset, week_form, exc)
                except ValidationError as exc:
                    loose = list(exc.messages)
                else:
                    report_saved(request, result)
                    return redirect(week_url(programme, monday, several))
    grid = _grid(formset, days, rows)
    closed = [d > today or not programme.starts_on <= d <= programme.ends_on for d in days]
    for item in grid:
        form = item["form"]
        for index, is_closed in enumerate(closed):
            if is_closed and not form[f"e{index}"].value():
                form.fields[f"d{index}"].widget.attrs["disabled"] = True
    day_totals = [
        sum((r.entries[i].hours for r in rows if i in r.entries), ZERO) for i in range(DAYS)
    ]
    context = {
        "programme": programme,
        "programmes": programmes,
        "several": several,
        "formset": formset,
        "week_form": week_form,
        "grid": grid,
        "days": list(zip(days, closed, strict=True)),
        "monday": monday,
        "sunday": days[-1],
        "week": _iso_week(monday),
        "week_number": monday.isocalendar()[1],
        "previous_url": week_url(programme, monday - dt.timedelta(days=7), several),
        "next_url": week_url(programme, monday + dt.timedelta(days=7), several),
        "this_week_url": week_url(programme, today - dt.timedelta(days=today.weekday()), several),
        "more_rows_url": week_url(programme, monday, several) + "&regels=meer",
        "day_totals": day_totals,
        "week_total": sum(day_totals, ZERO),
        "loose_errors": loose,
        "has_errors": posted is not None,
        "may_grant": can_approve(user, programme),
        "organisation": organisations[0] if organisations else None,
    }
    status = 422 if posted is not None else 200
    return render(request, "programmes/hours_week.html", context, status=status)
