"""Figures of one event: registrations by status and attendance, and the companies it
reached, new or already known, by municipality and by size class.

A company is *new* when the client record has nothing of it before the event started: no
contact moment, no help request, and no earlier event it attended. Everything is
counted by the database in two aggregate queries, whatever the size of the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.db.models.fields import CharField
from django.utils.translation import gettext as _

from loket.casework.models import Case as HelpRequest
from loket.casework.models import ContactMoment
from loket.companies.models import Company, SizeClass
from loket.events.models import Event, Registration

R = Registration
UNKNOWN = "unknown"


@dataclass
class Row:
    key: str
    label: str
    new: int = 0
    existing: int = 0

    @property
    def total(self) -> int:
        return self.new + self.existing


@dataclass
class EventFigures:
    registered: int = 0
    attended: int = 0
    no_shows: int = 0
    unmarked: int = 0
    cancelled: int = 0
    waiting: int = 0
    walk_ins: int = 0
    attendees_without_company: int = 0
    companies_new: int = 0
    companies_existing: int = 0
    final: bool = False
    by_municipality: list[Row] = field(default_factory=list)
    by_size_class: list[Row] = field(default_factory=list)

    @property
    def companies(self) -> int:
        return self.companies_new + self.companies_existing


def _size_class() -> Case:
    """The company's size class in SQL, as ``SizeClass.of`` does in Python."""
    return Case(
        When(employees__isnull=True, then=Value(UNKNOWN)),
        When(employees__lte=1, then=Value(SizeClass.ZZP.value)),
        When(employees__lt=10, then=Value(SizeClass.MICRO.value)),
        When(employees__lt=50, then=Value(SizeClass.SMALL.value)),
        When(employees__lt=250, then=Value(SizeClass.MEDIUM.value)),
        default=Value(SizeClass.LARGE.value),
        output_field=CharField(),
    )


def _known_before(event: Event) -> Q:
    """The company was in the client record before the event: a contact moment, a help
    request or another event it attended, all before this one started."""
    start = event.starts_at
    moment = ContactMoment.objects.filter(company_id=OuterRef("pk"), occurred_at__lt=start)
    case = HelpRequest.objects.filter(company_id=OuterRef("pk"), opened_at__lt=start)
    earlier = R.objects.filter(
        company_id=OuterRef("pk"),
        attendance=R.Attendance.PRESENT,
        event__starts_at__lt=start,
    ).exclude(event_id=event.pk)
    return Q(Exists(moment)) | Q(Exists(case)) | Q(Exists(earlier))


def event_figures(event: Event) -> EventFigures:
    active = ~Q(status=R.Status.CANCELLED)
    present = Q(attendance=R.Attendance.PRESENT) & active
    counts = R.objects.filter(event=event).aggregate(
        registered=Count("pk", filter=Q(status=R.Status.CONFIRMED)),
        attended=Count("pk", filter=present),
        no_shows=Count("pk", filter=Q(attendance=R.Attendance.ABSENT) & active),
        unmarked=Count(
            "pk",
            filter=Q(status=R.Status.CONFIRMED, attendance=R.Attendance.UNKNOWN),
        ),
        cancelled=Count("pk", filter=Q(status=R.Status.CANCELLED)),
        waiting=Count("pk", filter=Q(status=R.Status.WAITING)),
        walk_ins=Count("pk", filter=Q(source=R.Source.WALK_IN) & active),
        without_company=Count("pk", filter=present & Q(company__isnull=True)),
    )
    attending = R.objects.filter(event=event, company__isnull=False).filter(present)
    groups = (
        Company.objects.filter(pk__in=attending.values("company_id"))
        .annotate(
            known=Case(
                When(_known_before(event), then=Value(True)),
                default=Value(False),
            ),
            size=_size_class(),
        )
        .values("municipality_id", "municipality__name", "size", "known")
        .annotate(n=Count("pk"))
        .order_by()
    )
    figures = EventFigures(
        registered=counts["registered"],
        attended=counts["attended"],
        no_shows=counts["no_shows"],
        unmarked=counts["unmarked"],
        cancelled=counts["cancelled"],
        waiting=counts["waiting"],
        walk_ins=counts["walk_ins"],
        attendees_without_company=counts["without_company"],
        final=event.attendance_final,
    )
    municipalities: dict[str, Row] = {}
    sizes: dict[str, Row] = {}
    size_labels = dict(SizeClass.choices)
    for group in groups:
        n = group["n"]
        key = str(group["municipality_id"] or UNKNOWN)
        label = group["municipality__name"] or _("gemeente onbekend")
        size_key = group["size"]
        size_label = str(size_labels.get(size_key, _("grootte onbekend")))
        for table, k, lab in ((municipalities, key, label), (sizes, size_key, size_label)):
            row = table.setdefault(k, Row(k, lab))
            if group["known"]:
                row.existing += n
            else:
                row.new += n
        if group["known"]:
            figures.companies_existing += n
        else:
            figures.companies_new += n
    figures.by_municipality = sorted(
        municipalities.values(), key=lambda r: (r.key == UNKNOWN, r.label.lower())
    )
    order = [*SizeClass.values, UNKNOWN]
    figures.by_size_class = sorted(sizes.values(), key=lambda r: order.index(r.key))
    return figures
