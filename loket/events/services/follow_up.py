"""Follow-up after an event: the organiser picks attendees, and each company gets one help
request (a case of channel event) for its account manager, with the organiser's note.

- Only once attendance is final, only for attendees present with a company in the client
  record, and only once per registration (``Registration.follow_up_case``).
- Several people of one company picked together make one case for the company.
- The owner is the company's account manager when they work cases in the region; else
  the region's assignment rules choose (``casework.routing.assign_owner``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.casework import routing
from loket.casework import services as casework
from loket.casework.models import Case
from loket.companies.models import Company
from loket.core.permissions import require, scope_of
from loket.events.models import Event, Registration
from loket.events.queries import can_manage_event

NOTE_MAX_LENGTH = 2000


def candidates(event: Event) -> QuerySet[Registration]:
    """Attendees who can be picked: present, with a company, not yet followed up."""
    return (
        Registration.objects.filter(
            event=event,
            attendance=Registration.Attendance.PRESENT,
            company__isnull=False,
            follow_up_case__isnull=True,
        )
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("company", "company__account_manager", "person")
        .order_by("company__name", "name", "pk")
    )


def followed_up(event: Event) -> QuerySet[Registration]:
    """Attendees already followed up, with their case and its owner."""
    return (
        Registration.objects.filter(event=event, follow_up_case__isnull=False)
        .select_related("company", "follow_up_case", "follow_up_case__owner")
        .order_by("company__name", "name", "pk")
    )


def owner_for(company: Company, event: Event) -> User:
    manager = company.account_manager
    if (
        manager is not None
        and manager.is_active
        and scope_of(manager).can_work_cases(company.region_id)
    ):
        return manager
    theme_ids = [t.pk for t in event.themes.all()]
    return routing.assign_owner(company.region, company.municipality_id, theme_ids)


def _question(event: Event, note: str) -> str:
    day = timezone.localtime(event.starts_at).strftime("%d-%m-%Y")
    return _("Opvolging na '%(title)s' (%(date)s): %(note)s") % {
        "title": event.title,
        "date": day,
        "note": note,
    }


def follow_up(
    actor: User, event: Event, registrations: Iterable[Registration], note: str
) -> list[Case]:
    """One case per company of the picked attendees; returns the cases opened."""
    require(can_manage_event(actor, event))
    note = (note or "").strip()
    picked = list(registrations)
    errors: dict[str, str] = {}
    if not event.attendance_final:
        errors["registrations"] = _("Stel eerst de aanwezigheid vast; daarna kunt u opvolgen.")
    elif not picked:
        errors["registrations"] = _("Kies wie opgevolgd moet worden.")
    if not note:
        errors["note"] = _("Schrijf op wat de accountmanager moet opvolgen.")
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Gebruik hoogstens %(limit)d tekens.") % {"limit": NOTE_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        allowed = {
            r.pk: r
            for r in candidates(event)
            .select_for_update(of=("self",))
            .filter(pk__in=[r.pk for r in picked])
        }
        missing = [r for r in picked if r.pk not in allowed]
        if missing:
            raise ValidationError(
                {
                    "registrations": _(
                        "Alleen aanwezigen met een bedrijf die nog niet zijn opgevolgd "
                        "kunnen worden gekozen."
                    )
                }
            )
        by_company: dict[int, list[Registration]] = {}
        for registration in allowed.values():
            assert registration.company_id is not None
            by_company.setdefault(registration.company_id, []).append(registration)
        themes = list(event.themes.all())
        cases: list[Case] = []
        for group in by_company.values():
            company = group[0].company
            assert company is not None
            case = casework.open_case(
                actor,
                company,
                channel=Case.Channel.EVENT,
                question=_question(event, note),
                themes=themes,
                owner=owner_for(company, event),
                person=next((r.person for r in group if r.person is not None), None),
            )
            Registration.objects.filter(pk__in=[r.pk for r in group]).update(follow_up_case=case)
            cases.append(case)
    return cases
