"""Replacing a programme's plan by a document, and the plan as a document.

``replace_plan`` checks the whole document inside one transaction, with the programme
row locked (two imports of the same programme run one after the other), and writes only
when there is no problem at all: funders and activity types are matched by name and by
code and changed in place, rates and plan lines are matched by their natural keys
(organisation and year; year, activity and organisation) so that what stays keeps its
id, and whatever the document leaves out is deleted, unless something still refers to
it (then that is a problem and nothing is written). One audit event with the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require
from loket.programmes.models import (
    ActivityType,
    Funder,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
    Programme,
)
from loket.programmes.queries import can_edit_plan
from loket.programmes.services.plan_io.check import (
    LINE_COMPARED,
    Changes,
    Problems,
    check,
    load_current,
)
from loket.programmes.services.plan_io.reading import Parsed, name_key
from loket.programmes.services.plan_io.schema import FORMAT_VERSION, Problem


@dataclass
class ImportResult:
    """What an import did (or, in a dry run or with problems, would do)."""

    dry_run: bool
    format: str
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    written: bool = False
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


PART_ORDER = {"": 0, "version": 1, "programme": 2, "funders": 3, "rates": 4}
PART_ORDER |= {"activity_types": 5, "plan_lines": 6}


def in_order(problems: list[Problem]) -> list[Problem]:
    """Problems by part (in the order of the document) and row, as a person reads them."""
    return sorted(
        problems,
        key=lambda p: (PART_ORDER.get(str(p.loc[0]) if p.loc else "", 0), p.row or 0),
    )


def validate_document(programme: Programme, parsed: Parsed) -> list[Problem]:
    """Every problem of the document for this programme (none: it can be imported)."""
    problems = Problems(parsed.source, parsed.problems)
    check(programme, parsed, load_current(programme), problems)
    return in_order(problems.items)


def replace_plan(
    actor: Any, programme: Programme, document: Parsed, *, dry_run: bool = False
) -> ImportResult:
    """Replace the programme's funders, rates, activity types and plan lines by those of
    ``document``, all or nothing. PermissionDenied unless the actor may edit the plan."""
    require(can_edit_plan(actor, programme))
    result = ImportResult(dry_run=dry_run, format=document.source.format)
    try:
        with transaction.atomic():
            locked = Programme.objects.select_for_update().get(pk=programme.pk)
            problems = Problems(document.source, document.problems)
            problems.truncated = document.truncated
            changes = check(locked, document, load_current(locked), problems)
            result.counts = changes.counts()
            if problems:
                result.problems = in_order(problems.items)
                result.truncated = problems.truncated
                return result
            if dry_run:
                return result
            _write(locked, changes)
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                locked,
                changes={"plan_import": {"format": result.format, **result.counts}},
            )
    except (IntegrityError, ProtectedError):
        # Changed by someone else between the check and the write: nothing was written.
        result.problems = [
            Problem(
                loc=(),
                message=_(
                    "Het plan is intussen door iemand anders gewijzigd. Lees het opnieuw in."
                ),
                kind="conflict",
            )
        ]
        return result
    result.written = True
    return result


def _write(programme: Programme, changes: Changes) -> None:
    PlanLineFunding.objects.filter(line__programme=programme).delete()
    PlanLine.objects.filter(pk__in=[ln.pk for ln in changes.lines_deleted]).delete()
    HourlyRate.objects.filter(pk__in=[r.pk for r in changes.rates_deleted]).delete()
    Funder.objects.filter(pk__in=[f.pk for f in changes.funders_deleted]).delete()
    ActivityType.objects.filter(pk__in=[t.pk for t in changes.types_deleted]).delete()
    # One funder of own contributions at a time: the one that stops being it goes first.
    for funder, action in sorted(changes.funders, key=lambda c: c[0].kind == Funder.Kind.COMPANIES):
        if action != "unchanged":
            funder.save()
    # Names may swap between activity types: free them first.
    renamed = [t for t, action in changes.types if action == "updated"]
    for kind in renamed:
        ActivityType.objects.filter(pk=kind.pk).update(name=f"~{kind.pk}~")
    for kind, action in changes.types:
        if action != "unchanged":
            kind.save()
    HourlyRate.objects.bulk_create([r for r, action in changes.rates if action == "created"])
    for rate, action in changes.rates:
        if action == "updated":
            rate.save(update_fields=["rate"])
    PlanLine.objects.bulk_create([p.line for p in changes.lines if p.action == "created"])
    updated = [p.line for p in changes.lines if p.action == "updated"]
    PlanLine.objects.bulk_update(
        updated, [f.removesuffix("_id") for f in LINE_COMPARED], batch_size=500
    )
    funders = {name_key(f.name): f for f, _action in changes.funders}
    PlanLineFunding.objects.bulk_create(
        [
            PlanLineFunding(
                region_id=programme.region_id,
                line=planned.line,
                funder=funders[key],
                hours_share=share,
                out_of_pocket_incl_vat=out,
            )
            for planned in changes.lines
            for key, share, out in planned.fundings
        ],
        batch_size=1000,
    )


# --- the plan as a document -------------------------------------------------------------


def to_document(programme: Programme) -> dict[str, Any]:
    """The programme's plan in the document's structure (docs/plan-format.md); values
    keep their types (``Decimal``, ``date``) for YAML, XLSX and JSON alike."""
    funders = list(Funder.objects.filter(programme=programme).order_by("position", "name", "pk"))
    fundings: dict[int, list[dict[str, Any]]] = {}
    for funding in (
        PlanLineFunding.objects.filter(line__programme=programme)
        .select_related("funder")
        .order_by("funder__position", "funder__name", "funder__pk")
    ):
        fundings.setdefault(funding.line_id, []).append(
            {
                "funder": funding.funder.name,
                "share": funding.hours_share,
                "out_of_pocket_incl_vat": funding.out_of_pocket_incl_vat,
            }
        )
    return {
        "version": FORMAT_VERSION,
        "programme": {
            "name": programme.name,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
        },
        "funders": [{"name": f.name, "kind": f.kind, "position": f.position} for f in funders],
        "rates": [
            {"organisation": r.organisation.name, "year": r.year, "rate": r.rate}
            for r in HourlyRate.objects.filter(programme=programme)
            .select_related("organisation")
            .order_by("organisation__name", "year", "pk")
        ],
        "activity_types": [
            {
                "code": t.code,
                "name": t.name,
                "default_hours_per_unit": t.default_hours_per_unit,
                "position": t.position,
            }
            for t in ActivityType.objects.filter(programme=programme).order_by(
                "position", "name", "pk"
            )
        ],
        "plan_lines": [
            {
                "year": line.year,
                "activity_type": line.activity_type.code,
                "organisation": line.organisation.name,
                "description": line.description,
                "count": line.count,
                "hours_per_unit": line.hours_per_unit,
                "fixed_hours": line.fixed_hours,
                "scheme": line.scheme.name if line.scheme is not None else None,
                "funders": fundings.get(line.pk, []),
            }
            for line in PlanLine.objects.filter(programme=programme)
            .select_related("activity_type", "organisation", "scheme")
            .order_by("year", "position", "pk")
        ],
    }


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True  # every value written out: the import refuses aliases


def _represent_decimal(dumper: Any, value: Decimal) -> yaml.ScalarNode:
    # A plain 12.50 reads back as the same Decimal (reading.py); never through a float.
    return dumper.represent_scalar("tag:yaml.org,2002:float", str(value))


_Dumper.add_representer(Decimal, _represent_decimal)


def dump_yaml(document: dict[str, Any], title: str = "") -> bytes:
    """A document as YAML text (decimals as plain numbers, read back exactly)."""
    header = ""
    if title:
        header = f"# {' '.join(title.split())}\n"
    header += f"# {_('Formaat: docs/plan-format.md. Inlezen vervangt het hele plan.')}\n"
    body = yaml.dump(
        document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False
    )
    return (header + body).encode("utf-8")


def to_yaml(programme: Programme) -> bytes:
    title = _("Het plan van %(name)s, uit Loket.") % {"name": programme.name}
    return dump_yaml(to_document(programme), title)


def export_filename(programme: Programme, ext: str) -> str:
    """No personal data in a file name: the programme's id and the date."""
    return f"plan-programma-{programme.pk}-{timezone.localdate():%Y-%m-%d}.{ext}"
