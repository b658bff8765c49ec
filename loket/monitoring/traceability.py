"""The records behind a figure, as a list a person may read: which rows, in what order,
with which columns (the page and its CSV/XLSX export share them).

- ``trace(user, programme, spec, start, end)`` -> ``Trace``: the rows of
  ``measures.records`` with the viewer's share (``queries.share_of``), intersected with
  what the viewer may see (``queries.traceable``); ``total`` counts every row of the
  figure (in the share), so the page can say "N records; you see M of them".
- Measures that count distinct companies (companies reached, event visitors, carousel
  participants) list the companies, not the underlying rows.
- A company's name is shown (and linked) only when the viewer may open the company.
- Survey measures list the invitations by date, organisation and advisor, never their
  answers: no mark of a single entrepreneur is shown.

Columns hold no personal data beyond what the app's own lists show: no names of
registrants or contact persons, no summaries of contact moments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, QuerySet, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from loket.casework.models import Case, ContactMoment
from loket.collectives.models import Collective, TableSession
from loket.companies.models import Company
from loket.events.models import Event, Registration
from loket.monitoring import measures
from loket.monitoring.measures import SOURCES, Spec
from loket.monitoring.models import SurveyInvitation
from loket.monitoring.queries import company_visible_q, share_of, traceable
from loket.programmes.models import HourEntry, Programme, Trajectory, Voucher

HIDDEN_COMPANY = _("(bedrijf niet zichtbaar voor u)")


@dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[Any], Any]
    link: Callable[[Any], str | None] | None = None
    numeric: bool = False


def _path(row: Any, path: str) -> Any:
    value = row
    for part in path.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def _date_column(path: str, header: Any = None) -> Column:
    return Column(header or _("Datum"), lambda row: _path(row, path))


def _company_column(path: str) -> Column:
    def value(row: Any) -> Any:
        company = _path(row, path)
        if company is None:
            return ""
        return company.name if row._company_visible else HIDDEN_COMPANY

    def link(row: Any) -> str | None:
        company_id = _path(row, f"{path}_id") if "__" not in path else None
        if company_id is None:
            company = _path(row, path)
            company_id = company.pk if company is not None else None
        if company_id is None or not row._company_visible:
            return None
        return reverse("companies:detail", args=[company_id])

    return Column(_("Bedrijf"), value, link)


def _name(path: str) -> Callable[[Any], Any]:
    def value(row: Any) -> Any:
        found = _path(row, path)
        return "" if found is None else str(found)

    return value


@dataclass(frozen=True)
class Layout:
    """How one kind of record is listed."""

    related: tuple[str, ...]
    company: str | None  # path to the company, for the visibility of its name
    columns: Callable[[str], list[Column]]  # given the source's date path


LAYOUTS: dict[type[Any], Layout] = {
    Case: Layout(
        ("company", "organisation"),
        "company",
        lambda date: [
            _date_column(date),
            _company_column("company"),
            Column(
                _("Kenmerk"),
                lambda r: r.reference,
                lambda r: reverse("casework:case_detail", args=[r.pk]),
            ),
            Column(_("Organisatie"), _name("organisation__name")),
            Column(_("Status"), lambda r: r.get_status_display()),
        ],
    ),
    ContactMoment: Layout(
        ("company", "organisation"),
        "company",
        lambda date: [
            _date_column(date),
            _company_column("company"),
            Column(
                _("Soort"),
                lambda r: r.get_kind_display(),
                lambda r: reverse("casework:contact_detail", args=[r.pk]),
            ),
            Column(_("Organisatie"), _name("organisation__name")),
        ],
    ),
    Company: Layout(
        ("municipality",),
        "",
        lambda date: [
            Column(
                _("Bedrijf"),
                lambda r: r.name,
                lambda r: reverse("companies:detail", args=[r.pk]),
            ),
            Column(_("Gemeente"), _name("municipality__name")),
        ],
    ),
    Trajectory: Layout(
        ("company", "scheme", "supplier_organisation", "voucher"),
        "company",
        lambda date: [
            _date_column(date),
            _company_column("company"),
            Column(
                _("Traject"),
                lambda r: r.title,
                lambda r: reverse("programmes:trajectory_detail", args=[r.pk]),
            ),
            Column(_("Regeling"), _name("scheme__name")),
            Column(_("Uitvoerder"), _name("supplier_organisation__name")),
            Column(_("Status"), lambda r: r.get_status_display()),
        ],
    ),
    Voucher: Layout(
        ("company", "trajectory", "trajectory__scheme", "trajectory__supplier_organisation"),
        "company",
        lambda date: [
            _date_column(date, _("Betaald op")),
            _company_column("company"),
            Column(
                _("Voucher"),
                lambda r: r.code,
                lambda r: reverse("programmes:trajectory_detail", args=[r.trajectory_id]),
            ),
            Column(_("Regeling"), _name("trajectory__scheme__name")),
            Column(_("Uitvoerder"), _name("trajectory__supplier_organisation__name")),
            Column(_("Betaald bedrag (excl. btw)"), lambda r: r.paid_amount, numeric=True),
        ],
    ),
    Event: Layout(
        ("organiser", "municipality"),
        None,
        lambda date: [
            _date_column(date),
            Column(
                _("Evenement"),
                lambda r: r.title,
                lambda r: reverse("events:event_detail", args=[r.pk]),
            ),
            Column(_("Soort"), lambda r: r.get_kind_display()),
            Column(_("Organisator"), _name("organiser__name")),
            Column(_("Gemeente"), _name("municipality__name")),
        ],
    ),
    Registration: Layout(
        ("event", "company", "municipality"),
        "company",
        lambda date: [
            _date_column(date),
            Column(
                _("Evenement"),
                lambda r: r.event.title,
                lambda r: reverse("events:event_detail", args=[r.event_id]),
            ),
            _company_column("company"),
            Column(_("Gemeente"), _name("municipality__name")),
        ],
    ),
    TableSession: Layout(
        ("collective", "collective__organisation"),
        None,
        lambda date: [
            _date_column(date),
            Column(
                _("Tafel"),
                lambda r: r.collective.name,
                lambda r: reverse("collectives:session_detail", args=[r.pk]),
            ),
            Column(_("Organisatie"), _name("collective__organisation__name")),
        ],
    ),
    Collective: Layout(
        ("organisation",),
        None,
        lambda date: [
            _date_column(date, _("Gevormd op")),
            Column(
                _("Cluster"),
                lambda r: r.name,
                lambda r: reverse("collectives:collective_detail", args=[r.pk]),
            ),
            Column(_("Organisatie"), _name("organisation__name")),
        ],
    ),
    HourEntry: Layout(
        ("organisation", "activity_type", "company"),
        "company",
        lambda date: [
            _date_column(date),
            Column(_("Organisatie"), _name("organisation__name")),
            Column(_("Activiteit"), _name("activity_type__name")),
            _company_column("company"),
            Column(_("Uren"), lambda r: r.hours, numeric=True),
        ],
    ),
    SurveyInvitation: Layout(
        ("organisation", "owner"),
        None,
        lambda date: [
            _date_column(date),
            Column(_("Organisatie"), _name("organisation__name")),
            Column(_("Adviseur"), _name("owner__full_name")),
        ],
    ),
}


@dataclass
class Trace:
    rows: QuerySet[Any]  # what the viewer sees, ordered, ready to paginate or export
    total: int  # every row of the figure in the viewer's share
    columns: list[Column]
    share: frozenset[int] | None  # None: the whole programme
    companies: bool  # the rows are companies (a distinct count)
    date_path: str = ""  # the path of the date that puts a row in the period ("": none)

    def export_columns(self) -> list[tuple[Any, Callable[[Any], Any]]]:
        return [(column.header, column.value) for column in self.columns]


def trace(user: Any, programme: Programme, spec: Spec, start: dt.date, end: dt.date) -> Trace:
    """The records behind the figure of ``spec`` over [start, end] as ``user`` sees it.
    Three queries when the caller counts and fetches a page (the total, the visible
    count, the page), whatever the number of rows."""
    source = SOURCES[spec.measure]
    share = share_of(user, programme)
    rows = measures.records(
        programme, spec, start, end, sorted(share) if share is not None else None
    )
    date_path = source.date
    if source.aggregate == "distinct_company" and source.company:
        rows = Company.objects.filter(pk__in=rows.values(source.company))
        date_path = ""
    layout = LAYOUTS[rows.model]
    total = rows.count()
    visible = traceable(user, rows).select_related(*layout.related)
    if layout.company:
        visible = visible.annotate(
            _company_visible=ExpressionWrapper(
                company_visible_q(user, layout.company), output_field=BooleanField()
            )
        )
    else:
        visible = visible.annotate(_company_visible=Value(True, output_field=BooleanField()))
    if date_path:
        visible = visible.order_by(F(date_path).desc(nulls_last=True), "-pk")
    else:
        visible = visible.order_by("name", "pk")
    return Trace(
        rows=visible,
        total=total,
        columns=LAYOUTS[rows.model].columns(date_path),
        share=share,
        companies=rows.model is Company,
        date_path=date_path,
    )
