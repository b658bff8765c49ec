"""Checking a plan document against the programme, row by row, with the models' own
rules (``full_clean``: ranges, decimals, slugs, one kind of hours, the year within the
period) and ``models.check_shares``, plus what only a whole plan can tell: duplicates,
references between the parts, and funders or activity types that would be removed
while something still refers to them.

Nothing is written here: ``check`` returns what an import would create, change and
delete, and records every problem it finds.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext as _

from loket.accounts.models import Organisation
from loket.programmes.models import (
    ZERO,
    ActivityType,
    Funder,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
    Programme,
    Scheme,
    check_shares,
)
from loket.programmes.services.plan_io.reading import Parsed, Source, name_key
from loket.programmes.services.plan_io.schema import MAX_PROBLEMS, Problem

ACTIONS = ("created", "updated", "deleted", "unchanged")
LineKey = tuple[int, str, int]  # year, activity type code (as a key), organisation id
M = TypeVar("M", bound=models.Model)


class Problems:
    """The problems of one check, located through the document's source."""

    def __init__(self, source: Source, found: Iterable[Problem] = ()) -> None:
        self.source = source
        self.items: list[Problem] = list(found)
        self.truncated = False

    def add(self, loc: tuple[str | int, ...], message: str, kind: str = "invalid") -> None:
        if len(self.items) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.items.append(self.source.problem(loc, message, kind))

    def add_errors(
        self, loc: tuple[str | int, ...], errors: dict[str, list[str]], fields: dict[str, str]
    ) -> set[str]:
        """A model's ``full_clean`` messages on the document's fields; returns the
        fields with a problem."""
        blamed = set()
        for name, messages in errors.items():
            target = fields.get(name)
            for message in messages:
                self.add((*loc, target) if target else loc, message)
            blamed.add(name)
        return blamed

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class Current:
    """The programme's plan as it is now."""

    funders: dict[str, Funder]
    types: dict[str, ActivityType]  # by code
    rates: dict[tuple[int, int], HourlyRate]
    lines: dict[LineKey, PlanLine]
    fundings: dict[int, dict[int, tuple[Decimal, Decimal]]]  # line -> funder -> parts
    executing: dict[str, list[Organisation]]
    region_organisations: set[str]
    schemes: dict[str, Scheme]


def load_current(programme: Programme) -> Current:
    lines = list(PlanLine.objects.filter(programme=programme).select_related("activity_type"))
    for line in lines:
        line.programme = programme  # PlanLine.clean() reads it: no query per line
    fundings: dict[int, dict[int, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for line_id, funder_id, share, out in PlanLineFunding.objects.filter(
        line__programme=programme
    ).values_list("line_id", "funder_id", "hours_share", "out_of_pocket_incl_vat"):
        fundings[line_id][funder_id] = (share, out)
    executing: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in programme.organisations.all():
        executing[name_key(organisation.name)].append(organisation)
    return Current(
        funders={name_key(f.name): f for f in Funder.objects.filter(programme=programme)},
        types={name_key(t.code): t for t in ActivityType.objects.filter(programme=programme)},
        rates={
            (r.organisation_id, r.year): r for r in HourlyRate.objects.filter(programme=programme)
        },
        lines={(ln.year, name_key(ln.activity_type.code), ln.organisation_id): ln for ln in lines},
        fundings=fundings,
        executing=executing,
        region_organisations={
            name_key(name)
            for name in Organisation.objects.filter(region_id=programme.region_id).values_list(
                "name", flat=True
            )
        },
        schemes={name_key(s.name): s for s in Scheme.objects.filter(programme=programme)},
    )


@dataclass
class PlannedLine:
    line: PlanLine
    action: str
    type_key: str
    fundings: list[tuple[str, Decimal, Decimal]]  # funder key, share, out-of-pocket


@dataclass
class Changes:
    """What an import creates, changes and deletes."""

    funders: list[tuple[Funder, str]] = field(default_factory=list)
    funders_deleted: list[Funder] = field(default_factory=list)
    types: list[tuple[ActivityType, str]] = field(default_factory=list)
    types_deleted: list[ActivityType] = field(default_factory=list)
    rates: list[tuple[HourlyRate, str]] = field(default_factory=list)
    rates_deleted: list[HourlyRate] = field(default_factory=list)
    lines: list[PlannedLine] = field(default_factory=list)
    lines_deleted: list[PlanLine] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        def tally(actions: Iterable[str], deleted: int) -> dict[str, int]:
            out = dict.fromkeys(ACTIONS, 0)
            for action in actions:
                out[action] += 1
            out["deleted"] = deleted
            return out

        return {
            "funders": tally((a for _f, a in self.funders), len(self.funders_deleted)),
            "rates": tally((a for _r, a in self.rates), len(self.rates_deleted)),
            "activity_types": tally((a for _t, a in self.types), len(self.types_deleted)),
            "plan_lines": tally((p.action for p in self.lines), len(self.lines_deleted)),
        }


def _clean(obj: models.Model, exclude: Collection[str]) -> dict[str, list[str]]:
    """The model's own field checks and ``clean()`` (uniqueness is checked over the
    whole document instead, as rows may swap names)."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
    return {}


def _action(existing: models.Model | None, obj: models.Model, fields: Iterable[str]) -> str:
    if existing is None:
        return "created"
    changed = any(getattr(existing, f) != getattr(obj, f) for f in fields)
    return "updated" if changed else "unchanged"


def _copy_or_new(existing: M | None, model: type[M], programme: Programme) -> M:
    if existing is not None:
        return copy.copy(existing)
    return model(programme=programme, region_id=programme.region_id)


def references(
    model: type[models.Model], objects: list[Any], skip: Collection[type]
) -> dict[int, list[str]]:
    """What still refers to each of ``objects`` (any model, not those in ``skip``)."""
    found: dict[int, list[str]] = defaultdict(list)
    pks = [obj.pk for obj in objects]
    if not pks:
        return found
    for relation in model._meta.related_objects:
        related = relation.related_model
        if related in skip or relation.many_to_many or not isinstance(related, type):
            continue
        name = relation.field.name
        rows = (
            related._base_manager.filter(**{f"{name}__in": pks})
            .values(name)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            found[row[name]].append(f"{related._meta.verbose_name_plural} ({row['n']})")
    return found


def check(programme: Programme, parsed: Parsed, current: Current, problems: Problems) -> Changes:
    """Every row of ``parsed`` checked against ``programme``; the problems go to
    ``problems``, what the import would do is returned."""
    changes = Changes()
    funder_keys = _check_funders(programme, parsed, current, problems, changes)
    types = _check_types(programme, parsed, current, problems, changes)
    _check_rates(programme, parsed, current, problems, changes)
    _check_lines(programme, parsed, current, problems, changes, funder_keys, types)
    return changes


FUNDER_FIELDS = {"name": "name", "kind": "kind", "position": "position"}


def _check_funders(
    programme: Programme, parsed: Parsed, current: Current, problems: Problems, changes: Changes
) -> set[str]:
    """The names (as keys) of the document's funders."""
    seen: dict[str, int] = {}
    own: int | None = None
    for index, doc, failed in parsed.funders:
        loc: tuple[str | int, ...] = ("funders", index)
        if "name" in failed:
            continue
        key = name_key(doc.name)
        if key in seen:
            problems.add(
                (*loc, "name"),
                _("Deze financier staat al in %(where)s.")
                % {"where": problems.source.pointer(("funders", seen[key]))},
                "duplicate",
            )
            continue
        seen[key] = index
        existing = current.funders.get(key)
        funder = _copy_or_new(existing, Funder, programme)
        funder.name = doc.name
        if "kind" not in failed:
            funder.kind = doc.kind
        if "position" not in failed:
            funder.position = doc.position if doc.position is not None else index + 1
        errors = _clean(funder, ("programme", "region", *failed))
        if problems.add_errors(loc, errors, FUNDER_FIELDS) or failed:
            continue
        if funder.kind == Funder.Kind.COMPANIES:
            if own is not None:
                problems.add(
                    (*loc, "kind"),
                    _(
                        "Een programma heeft één financier voor de eigen bijdragen van "
                        "ondernemers; ook %(where)s heeft die soort."
                    )
                    % {"where": problems.source.pointer(("funders", own))},
                )
                continue
            own = index
        changes.funders.append((funder, _action(existing, funder, FUNDER_FIELDS)))
    if "funders" in parsed.bad_parts:
        return set(seen)
    bad = parsed.bad_keys.get("funders", set())
    gone = [f for key, f in current.funders.items() if key not in seen and key not in bad]
    used = references(Funder, gone, skip={PlanLineFunding})
    for funder in gone:
        if used.get(funder.pk):
            problems.add(
                ("funders",),
                _(
                    "Financier „%(name)s” staat niet in het plan, maar %(uses)s verwijzen er nog "
                    "naar. Neem de financier op, of pas die eerst aan."
                )
                % {"name": funder.name, "uses": ", ".join(used[funder.pk])},
                "in_use",
            )
        else:
            changes.funders_deleted.append(funder)
    return set(seen)


TYPE_FIELDS = {
    "code": "code",
    "name": "name",
    "default_hours_per_unit": "default_hours_per_unit",
    "position": "position",
}


def _check_types(
    programme: Programme, parsed: Parsed, current: Current, problems: Problems, changes: Changes
) -> dict[str, ActivityType]:
    """The document's activity types by code key, and by "name:" + name key (for lines
    that name the type instead of giving its code)."""
    found: dict[str, ActivityType] = {}
    code_rows: dict[str, int] = {}
    name_rows: dict[str, int] = {}
    for index, doc, failed in parsed.activity_types:
        loc: tuple[str | int, ...] = ("activity_types", index)
        if "code" in failed:
            continue
        code = name_key(doc.code)
        name = name_key(doc.name) if "name" not in failed else ""
        duplicate = False
        for key, rows, field_name, message in (
            (code, code_rows, "code", _("Deze code staat al in %(where)s.")),
            (name, name_rows, "name", _("Deze naam staat al in %(where)s.")),
        ):
            if not key:
                continue
            if key in rows:
                pointer = problems.source.pointer(("activity_types", rows[key]))
                problems.add((*loc, field_name), message % {"where": pointer}, "duplicate")
                duplicate = True
            else:
                rows[key] = index
        if duplicate:
            continue
        existing = current.types.get(code)
        kind = _copy_or_new(existing, ActivityType, programme)
        kind.code = doc.code
        for field_name in ("name", "default_hours_per_unit"):
            if field_name not in failed:
                setattr(kind, field_name, getattr(doc, field_name))
        if "position" not in failed:
            kind.position = doc.position if doc.position is not None else index + 1
        found[code] = kind
        if name:
            found.setdefault(f"name:{name}", kind)
        errors = _clean(kind, ("programme", "region", *failed))
        if problems.add_errors(loc, errors, TYPE_FIELDS) or failed:
            continue
        changes.types.append((kind, _action(existing, kind, TYPE_FIELDS)))
    if "activity_types" not in parsed.bad_parts:
        bad = parsed.bad_keys.get("activity_types", set())
        gone = [t for key, t in current.types.items() if key not in code_rows and key not in bad]
        used = references(ActivityType, gone, skip={PlanLine})
        for kind in gone:
            if used.get(kind.pk):
                problems.add(
                    ("activity_types",),
                    _(
                        "Activiteit „%(code)s” (%(name)s) staat niet in het plan, maar %(uses)s "
                        "verwijzen er nog naar. Neem de activiteit op."
                    )
                    % {"code": kind.code, "name": kind.name, "uses": ", ".join(used[kind.pk])},
                    "in_use",
                )
            else:
                changes.types_deleted.append(kind)
    return found


def _organisation(
    current: Current, name: str, problems: Problems, loc: tuple[str | int, ...]
) -> Organisation | None:
    found = current.executing.get(name_key(name), [])
    if len(found) == 1:
        return found[0]
    if found:
        problems.add(loc, _("Meer uitvoerende organisaties heten zo."), "ambiguous")
    elif name_key(name) in current.region_organisations:
        problems.add(
            loc,
            _(
                "„%(name)s” voert dit programma niet uit. Voeg de organisatie eerst toe aan de "
                "uitvoerende organisaties van het programma."
            )
            % {"name": name},
            "unknown",
        )
    else:
        problems.add(loc, _("Onbekende organisatie „%(name)s”.") % {"name": name}, "unknown")
    return None


def _year_in_period(programme: Programme, year: int) -> str | None:
    if year in programme.years:
        return None
    return _("Kies een jaar binnen de looptijd van het programma (%(first)s-%(last)s).") % {
        "first": programme.starts_on.year,
        "last": programme.ends_on.year,
    }


RATE_FIELDS = {"year": "year", "rate": "rate", "organisation": "organisation"}


def _check_rates(
    programme: Programme, parsed: Parsed, current: Current, problems: Problems, changes: Changes
) -> None:
    seen: dict[tuple[int, int], int] = {}
    for index, doc, failed in parsed.rates:
        loc: tuple[str | int, ...] = ("rates", index)
        organisation = None
        if "organisation" not in failed:
            organisation = _organisation(
                current, doc.organisation, problems, (*loc, "organisation")
            )
        outside = None
        if "year" not in failed:
            outside = _year_in_period(programme, doc.year)
            if outside:
                problems.add((*loc, "year"), outside)
        key = None
        if organisation is not None and "year" not in failed and not outside:
            key = (organisation.pk, doc.year)
        if key is not None and key in seen:
            problems.add(
                (*loc, "year"),
                _("Deze organisatie heeft voor dit jaar al een tarief in %(where)s.")
                % {"where": problems.source.pointer(("rates", seen[key]))},
                "duplicate",
            )
            continue
        existing = None
        if key is not None:
            seen[key] = index
            existing = current.rates.get(key)
        rate = _copy_or_new(existing, HourlyRate, programme)
        if "year" not in failed:
            rate.year = doc.year
        if "rate" not in failed:
            rate.rate = doc.rate
        exclude = ("programme", "region", "organisation", *failed)
        if problems.add_errors(loc, _clean(rate, exclude), RATE_FIELDS) or failed:
            continue
        if key is None or organisation is None:
            continue
        rate.organisation = organisation
        changes.rates.append((rate, _action(existing, rate, ("rate",))))
    if "rates" not in parsed.bad_parts:
        changes.rates_deleted = [r for key, r in current.rates.items() if key not in seen]


LINE_FIELDS = {
    "year": "year",
    "description": "description",
    "count": "count",
    "hours_per_unit": "hours_per_unit",
    "fixed_hours": "fixed_hours",
    "scheme": "scheme",
    "activity_type": "activity_type",
    "organisation": "organisation",
    "position": "",
}
LINE_COMPARED = ("description", "count", "hours_per_unit", "fixed_hours", "scheme_id", "position")
HOURS_FIELDS = frozenset({"count", "hours_per_unit", "fixed_hours"})
FUNDING_FIELDS = {"hours_share": "share", "out_of_pocket_incl_vat": "out_of_pocket_incl_vat"}


def _check_lines(
    programme: Programme,
    parsed: Parsed,
    current: Current,
    problems: Problems,
    changes: Changes,
    funder_keys: set[str],
    types: dict[str, ActivityType],
) -> None:
    seen: dict[LineKey, int] = {}
    funders_readable = "funders" not in parsed.bad_parts
    types_readable = "activity_types" not in parsed.bad_parts
    bad_funders = parsed.bad_keys.get("funders", set())
    bad_types = parsed.bad_keys.get("activity_types", set())
    funder_pks = {name_key(f.name): f.pk for f, _action_name in changes.funders}
    for index, doc, failed in parsed.plan_lines:
        loc: tuple[str | int, ...] = ("plan_lines", index)
        before = len(problems.items)
        organisation = None
        if "organisation" not in failed:
            organisation = _organisation(
                current, doc.organisation, problems, (*loc, "organisation")
            )
        kind = None
        if "activity_type" not in failed:
            type_key = name_key(doc.activity_type)
            kind = types.get(type_key) or types.get(f"name:{type_key}")
            if kind is None and types_readable and type_key not in bad_types:
                problems.add(
                    (*loc, "activity_type"),
                    _("Activiteit „%(code)s” staat niet bij de activiteiten.")
                    % {"code": doc.activity_type},
                    "unknown",
                )
        scheme = None
        if "scheme" not in failed and doc.scheme:
            scheme = current.schemes.get(name_key(doc.scheme))
            if scheme is None:
                problems.add(
                    (*loc, "scheme"),
                    _(
                        "Onbekende regeling „%(name)s”. Regelingen maakt u aan bij de regelingen "
                        "van het programma."
                    )
                    % {"name": doc.scheme},
                    "unknown",
                )
        existing = None
        key: LineKey | None = None
        if organisation is not None and kind is not None and "year" not in failed:
            key = (doc.year, name_key(kind.code), organisation.pk)
            if key in seen:
                problems.add(
                    loc,
                    _(
                        "Deze regel staat dubbel: %(where)s heeft hetzelfde jaar, dezelfde "
                        "activiteit en dezelfde organisatie."
                    )
                    % {"where": problems.source.pointer(("plan_lines", seen[key]))},
                    "duplicate",
                )
                key = None
            else:
                seen[key] = index
                existing = current.lines.get(key)
        line = _copy_or_new(existing, PlanLine, programme)
        for name in ("year", "description", "count", "hours_per_unit", "fixed_hours"):
            if name not in failed:
                setattr(line, name, getattr(doc, name))
        line.scheme = scheme
        line.position = index + 1
        if kind is not None:
            line.activity_type = kind
            no_hours = line.hours_per_unit is None and line.fixed_hours is None
            if no_hours and not failed & HOURS_FIELDS:
                line.hours_per_unit = kind.default_hours_per_unit  # as the plan screens do
        if organisation is not None:
            line.organisation = organisation
        exclude = ("programme", "region", "activity_type", "organisation", "scheme", *failed)
        blamed = problems.add_errors(loc, _clean(line, exclude), LINE_FIELDS)
        fundings = None
        if "funders" not in failed:
            fundings = _check_fundings(
                doc.funders, loc, problems, funder_keys, funders_readable, bad_funders
            )
        if not (blamed | failed) & HOURS_FIELDS and fundings is not None:
            shares_problem = check_shares([share for _k, share, _o in fundings], line.hours)
            if shares_problem:
                problems.add((*loc, "funders"), shares_problem, "shares")
        if len(problems.items) > before or failed or key is None or kind is None:
            continue
        if fundings is None:
            continue
        kept = [(k, s, o) for k, s, o in fundings if s != 0 or o != 0]
        action = _action(existing, line, LINE_COMPARED)
        if action == "unchanged" and existing is not None:
            new = {funder_pks.get(k): (s, o) for k, s, o in kept}
            if new != current.fundings.get(existing.pk, {}):
                action = "updated"
        changes.lines.append(PlannedLine(line, action, name_key(kind.code), kept))
    if "plan_lines" not in parsed.bad_parts:
        gone = [ln for key, ln in current.lines.items() if key not in seen]
        used = references(PlanLine, gone, skip={PlanLineFunding})
        for line in gone:
            if used.get(line.pk):
                problems.add(
                    ("plan_lines",),
                    _(
                        "Planregel %(line)s staat niet in het plan, maar %(uses)s verwijzen er "
                        "nog naar."
                    )
                    % {"line": line, "uses": ", ".join(used[line.pk])},
                    "in_use",
                )
            else:
                changes.lines_deleted.append(line)


def _check_fundings(
    items: list[Any],
    loc: tuple[str | int, ...],
    problems: Problems,
    funder_keys: set[str],
    funders_readable: bool,
    bad_funders: set[str],
) -> list[tuple[str, Decimal, Decimal]] | None:
    """A line's parts per funder as (funder key, share, out-of-pocket); None when one
    of them has a problem."""
    found: list[tuple[str, Decimal, Decimal]] = []
    seen: set[str] = set()
    ok = True
    for position, item in enumerate(items):
        where: tuple[str | int, ...] = (*loc, "funders", position)
        key = name_key(item.funder)
        if key not in funder_keys:
            if funders_readable and key not in bad_funders:
                problems.add(
                    (*where, "funder"),
                    _("Financier „%(name)s” staat niet bij de financiers.") % {"name": item.funder},
                    "unknown",
                )
            ok = False
            continue
        if key in seen:
            problems.add(
                (*where, "funder"),
                _("Financier „%(name)s” staat twee keer bij deze regel.") % {"name": item.funder},
                "duplicate",
            )
            ok = False
            continue
        seen.add(key)
        share = item.share if item.share is not None else ZERO
        out = item.out_of_pocket_incl_vat if item.out_of_pocket_incl_vat is not None else ZERO
        part = PlanLineFunding(hours_share=share, out_of_pocket_incl_vat=out)
        if problems.add_errors(where, _clean(part, ("line", "funder", "region")), FUNDING_FIELDS):
            ok = False
            continue
        found.append((key, share, out))
    return found if ok else None
