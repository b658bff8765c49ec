"""The history of one company as its page shows it, read through the user's scope.

``company_timeline`` merges contact moments, cases, referrals and the changes of the
company and its contact persons into one list, newest first, page by page, in a constant
number of queries: one UNION ALL of light (kind, id, date) rows picks the page, then one
query per kind on the page fetches the rows with what they show (select_related and
prefetch_related). The caller opened the company through ``get_company_for_user``; every
part goes through the casework read side for one company (``contact_moments_of`` and
friends), so a confidential contact moment of another organisation never reaches the page.

``open_work`` reads what is still to be done for the company; ``audit_trail`` the
administrator's view of every audit event of a company.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.casework.models import Case, ContactMoment, Referral
from loket.casework.queries import (
    cases_of,
    contact_moments_of,
    referrals_of,
)
from loket.companies.models import Company, Person
from loket.core.models import AuditEvent

CONTACT = "contact"
CASE = "case"
REFERRAL = "referral"
CHANGE = "change"

COMPANY_TYPE = Company._meta.label_lower
PERSON_TYPE = Person._meta.label_lower
# Audit events that tell the story of the company on its page; views of a person's
# record and deletions belong in the audit trail only.
TIMELINE_ACTIONS = (
    AuditEvent.Action.CREATE,
    AuditEvent.Action.CHANGE,
    AuditEvent.Action.MERGE,
)
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Entry:
    kind: str
    at: dt.datetime
    obj: Any
    # For changes: a short description of what changed.
    summary: str = ""
    fields: tuple[str, ...] = ()


@dataclass
class TimelinePage:
    entries: list[Entry]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def _keys(qs: QuerySet[Any], kind: str, date_field: str) -> QuerySet[Any]:
    """(kind, id, date) of each row, the shape the UNION needs."""
    return (
        qs.order_by()
        .annotate(
            tl_kind=Value(kind, output_field=CharField()),
            tl_id=F("pk"),
            tl_at=F(date_field),
        )
        .values_list("tl_kind", "tl_id", "tl_at")
    )


def change_events(company: Company) -> QuerySet[AuditEvent]:
    """Audit events that change the company or its contact persons (not views)."""
    return AuditEvent.objects.filter(
        company_id=company.pk,
        object_type__in=(COMPANY_TYPE, PERSON_TYPE),
        action__in=TIMELINE_ACTIONS,
    )


def company_timeline(user: Any, company: Company, *, page: int = 1, size: int = 25) -> TimelinePage:
    """One page of the company's history as ``user`` may see it, newest first."""
    page = max(1, min(int(page), MAX_PAGE))
    size = max(1, int(size))
    parts = [
        _keys(contact_moments_of(user, company), CONTACT, "occurred_at"),
        _keys(cases_of(user, company), CASE, "opened_at"),
        _keys(referrals_of(user, company), REFERRAL, "created_at"),
        _keys(change_events(company), CHANGE, "at"),
    ]
    offset = (page - 1) * size
    union = parts[0].union(*parts[1:], all=True).order_by("-tl_at", "tl_kind", "-tl_id")
    keys = list(union[offset : offset + size + 1])
    has_next = len(keys) > size
    keys = keys[:size]
    ids: dict[str, list[int]] = {CONTACT: [], CASE: [], REFERRAL: [], CHANGE: []}
    for kind, pk, _at in keys:
        ids[kind].append(pk)
    rows = _fetch(ids)
    entries = []
    for kind, pk, _at in keys:
        obj = rows[kind].get(pk)
        if obj is None:  # deleted between the two queries
            continue
        entries.append(_entry(kind, obj))
    return TimelinePage(entries=entries, number=page, size=size, has_next=has_next)


def _fetch(ids: dict[str, list[int]]) -> dict[str, dict[int, Any]]:
    """The objects of one page, one query per kind present (plus fixed prefetches).

    The ids come from the scoped UNION of the same call, so reading them by primary key
    shows nothing the user may not see; scoping them again would only compile and run
    the visibility subqueries a second time."""
    out: dict[str, dict[int, Any]] = {k: {} for k in ids}
    if ids[CONTACT]:
        moments = (
            ContactMoment.objects.filter(pk__in=ids[CONTACT])
            .select_related("author", "organisation", "case")
            .prefetch_related(
                # to_attr: plain lists, no related manager per row and field
                Prefetch("persons", to_attr="present"),
                Prefetch("needs", to_attr="need_list"),
                Prefetch("themes", to_attr="theme_list"),
            )
        )
        out[CONTACT] = {m.pk: m for m in moments}
    if ids[CASE]:
        cases = Case.objects.filter(pk__in=ids[CASE]).select_related("owner", "organisation")
        out[CASE] = {c.pk: c for c in cases}
    if ids[REFERRAL]:
        referrals = Referral.objects.filter(pk__in=ids[REFERRAL]).select_related(
            "case", "from_organisation", "to_organisation", "created_by"
        )
        out[REFERRAL] = {r.pk: r for r in referrals}
    if ids[CHANGE]:
        events = AuditEvent.objects.filter(pk__in=ids[CHANGE])
        out[CHANGE] = {e.pk: e for e in events}
    return out


def _entry(kind: str, obj: Any) -> Entry:
    if kind == CONTACT:
        return Entry(kind, obj.occurred_at, obj)
    if kind == CASE:
        return Entry(kind, obj.opened_at, obj)
    if kind == REFERRAL:
        return Entry(kind, obj.created_at, obj)
    summary, fields = describe_change(obj)
    return Entry(kind, obj.at, obj, summary=summary, fields=fields)


def field_label(object_type: str, name: str) -> str:
    """The translated label of a field named in an audit event."""
    extra = {
        "consent": _("toestemming vastgelegd"),
        "consent_withdrawn": _("toestemming ingetrokken"),
        "merged_into": _("samengevoegd met"),
        "merged_company": _("samengevoegd bedrijf"),
        "moved": _("verplaatst"),
        "filled_fields": _("aangevulde velden"),
        "fields": _("gewijzigde velden"),
    }
    if name in extra:
        return extra[name]
    model = {COMPANY_TYPE: Company, PERSON_TYPE: Person}.get(object_type)
    if model is None:
        from django.apps import apps

        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            return name
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(found, "verbose_name", name))


def describe_change(event: AuditEvent) -> tuple[str, tuple[str, ...]]:
    """What a change event says on the timeline: a sentence and the changed fields'
    labels. Values are left out: they are for the audit trail."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    is_person = event.object_type == PERSON_TYPE
    label = event.object_label
    if event.action == AuditEvent.Action.MERGE:
        merged = changes.get("merged_company") or {}
        moved = changes.get("moved") or {}
        summary = _("Samengevoegd met %(name)s (nummer %(id)s).") % {
            "name": merged.get("name", "?"),
            "id": merged.get("id", "?"),
        }
        counts = _(
            "Verplaatst: %(persons)s contactpersonen, %(contacts)s contactmomenten, "
            "%(cases)s hulpvragen, %(referrals)s verwijzingen."
        ) % {
            "persons": moved.get("persons", 0),
            "contacts": moved.get("contact_moments", 0),
            "cases": moved.get("cases", 0),
            "referrals": moved.get("referrals", 0),
        }
        return f"{summary} {counts}", ()
    if event.action == AuditEvent.Action.CREATE:
        if is_person:
            return _("Contactpersoon %(name)s toegevoegd.") % {"name": label}, ()
        return _("Bedrijf aangemaakt."), ()
    if "consent" in changes:
        return _("Toestemming vastgelegd voor %(name)s.") % {"name": label}, ()
    if "consent_withdrawn" in changes:
        return _("Toestemming ingetrokken voor %(name)s.") % {"name": label}, ()
    labels = tuple(field_label(event.object_type, name) for name in changes)
    if is_person:
        return _("Contactpersoon %(name)s gewijzigd.") % {"name": label}, labels
    return _("Bedrijfsgegevens gewijzigd."), labels


# --- open work -------------------------------------------------------------------------


@dataclass
class OpenWork:
    cases: list[Case] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    follow_ups: list[ContactMoment] = field(default_factory=list)
    today: dt.date | None = None
    now: dt.datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.cases or self.referrals or self.follow_ups)


OPEN_WORK_LIMIT = 20


def open_work(user: Any, company: Company) -> OpenWork:
    """Open cases by deadline (with their owner; ``Case.is_overdue`` marks those past it),
    open referrals, and follow-ups nobody has done yet: a follow-up counts as done once
    anyone had contact with the company on or after its date. Three queries."""
    now = timezone.now()
    cases = list(
        cases_of(user, company)
        .filter(status__in=Case.OPEN_STATUSES)
        .select_related("owner", "organisation")
        .order_by("deadline", "id")[:OPEN_WORK_LIMIT]
    )
    referrals = list(
        referrals_of(user, company)
        .filter(status__in=Referral.OPEN_STATUSES)
        .select_related("case", "from_organisation", "to_organisation")
        .order_by("-created_at", "-id")[:OPEN_WORK_LIMIT]
    )
    # The day of the latest contact with the company (by anyone): one indexed lookup,
    # evaluated once as a scalar subquery.
    last_contact_day = (
        ContactMoment.objects.filter(company_id=company.pk)
        .order_by("-occurred_at")
        .annotate(day=TruncDate("occurred_at"))
        .values("day")[:1]
    )
    follow_ups = list(
        contact_moments_of(user, company)
        .filter(follow_up_on__gt=Subquery(last_contact_day))
        .select_related("author", "organisation")
        .order_by("follow_up_on", "id")[:OPEN_WORK_LIMIT]
    )
    return OpenWork(
        cases=cases,
        referrals=referrals,
        follow_ups=follow_ups,
        today=timezone.localdate(),
        now=now,
    )


# --- merge preview ---------------------------------------------------------------------


def _count(model: Any) -> Any:
    rows = (
        model.objects.filter(company_id=OuterRef("pk"))
        .order_by()
        .values("company_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def with_record_counts(companies: QuerySet[Company]) -> QuerySet[Company]:
    """Annotate how many persons, contact moments, cases and referrals each company has
    (what a merge moves), in the same query."""
    return companies.annotate(
        n_persons=_count(Person),
        n_contact_moments=_count(ContactMoment),
        n_cases=_count(Case),
        n_referrals=_count(Referral),
    )


# --- audit trail -----------------------------------------------------------------------


def audit_trail(company_ids: Sequence[int]) -> QuerySet[AuditEvent]:
    """Every audit event of the given companies (a company and those merged into it),
    newest first. Only for administrators of the region: the view checks."""
    return AuditEvent.objects.filter(company_id__in=list(company_ids)).order_by("-at", "-id")


# Fields of audit changes that hold ids of other rows, and how to name them.
_REFERENCE_FIELDS = {
    "municipality": ("core", "Municipality"),
    "account_manager": ("accounts", "User"),
    "owner": ("accounts", "User"),
    "handled_by": ("accounts", "User"),
    "organisation": ("accounts", "Organisation"),
    "to_organisation": ("accounts", "Organisation"),
    "business_associations": ("accounts", "Organisation"),
    "sbi_codes": ("companies", "SbiCode"),
    "themes": ("core", "Theme"),
    "needs": ("core", "Need"),
    "person": ("companies", "Person"),
    "persons": ("companies", "Person"),
    "case": ("casework", "Case"),
}


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _iter_pairs(changes: dict[str, Any]) -> Iterable[tuple[str, Any, Any]]:
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            yield key, value[0], value[1]
        elif key == "fields" and isinstance(value, dict):
            yield from _iter_pairs(value)
        else:
            yield key, None, value


def change_rows(events: Sequence[AuditEvent]) -> dict[int, list[ChangeRow]]:
    """Before/after rows per event, with ids of related rows replaced by their names.
    One query per kind of related row on the page, whatever the number of events."""
    from django.apps import apps

    wanted: dict[tuple[str, str], set[int]] = {}
    for event in events:
        changes = event.changes if isinstance(event.changes, dict) else {}
        for key, before, after in _iter_pairs(changes):
            ref = _REFERENCE_FIELDS.get(key)
            if ref is None:
                continue
            for value in (*_as_list(before), *_as_list(after)):
                if isinstance(value, int):
                    wanted.setdefault(ref, set()).add(value)
    names: dict[tuple[str, str], dict[int, str]] = {}
    for (app, model_name), pks in wanted.items():
        model = apps.get_model(app, model_name)
        names[(app, model_name)] = {
            obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=pks)
        }

    def show(key: str, value: Any) -> str:
        ref = _REFERENCE_FIELDS.get(key)
        if value is None or value == "" or value == []:
            return "—"
        if ref is not None:
            known = names.get(ref, {})
            return ", ".join(
                known.get(v, f"#{v}") if isinstance(v, int) else str(v) for v in _as_list(value)
            )
        if isinstance(value, bool):
            return _("ja") if value else _("nee")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return ", ".join(f"{field_label('', k)}: {v}" for k, v in value.items())
        return str(value)

    out: dict[int, list[ChangeRow]] = {}
    for event in events:
        changes = event.changes if isinstance(event.changes, dict) else {}
        out[event.pk] = [
            ChangeRow(field_label(event.object_type, key), show(key, before), show(key, after))
            for key, before, after in _iter_pairs(changes)
        ]
    return out


__all__ = [
    "CASE",
    "CHANGE",
    "CONTACT",
    "REFERRAL",
    "ChangeRow",
    "Entry",
    "OpenWork",
    "TimelinePage",
    "audit_trail",
    "change_rows",
    "company_timeline",
    "describe_change",
    "open_work",
    "with_record_counts",
]
