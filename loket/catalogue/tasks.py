"""Background work of the catalogue: the weekly reminder to verify stale instruments.

Every editor gets at most one e-mail a week listing the instruments they answer for that
nobody verified for ``STALE_AFTER_DAYS`` days. An instrument without an (active) editor
is the programme managers' of its region; a national or EU one without an editor is the
programme managers' of the regions it applies to (all regions when not narrowed).
Sending is remembered in the audit trail, per editor, so a second run within the week
sends nothing; ``run_scheduled`` enqueues the task when a week has passed since the last
run (``reminder_due``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from loket.accounts.models import Membership, User
from loket.catalogue.models import Instrument, stale_q
from loket.core import audit
from loket.core.models import AuditEvent

REMINDER_INTERVAL = dt.timedelta(days=7)
REMINDER = "stale-reminder"
# The audit record of a whole run (object type without a table: the run itself).
RUN_OBJECT_TYPE = "catalogue.stale_reminder_run"

logger = logging.getLogger(__name__)


def _programme_managers() -> dict[int, list[User]]:
    """Region id -> its active programme managers, in a stable order."""
    out: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.filter(role="programme_manager", user__is_active=True)
        .select_related("user", "organisation")
        .order_by("user_id")
    )
    for membership in memberships:
        users = out.setdefault(membership.organisation.region_id, [])
        if membership.user not in users:
            users.append(membership.user)
    return out


def responsible_for_stale(today: dt.date | None = None) -> dict[User, list[Instrument]]:
    """Who should verify which stale instruments (a constant number of queries)."""
    instruments = (
        Instrument.objects.filter(stale_q(today))
        .select_related("editor")
        .prefetch_related("regions")
        .order_by("name", "id")
    )
    managers = _programme_managers()
    out: dict[User, list[Instrument]] = {}
    for instrument in instruments:
        editor = instrument.editor
        if editor is not None and editor.is_active:
            people = [editor]
        elif instrument.region_id is not None:
            people = managers.get(instrument.region_id, [])
        else:
            regions = [r.pk for r in instrument.regions.all()] or list(managers)
            people = list({u.pk: u for r in regions for u in managers.get(r, [])}.values())
        for person in people:
            out.setdefault(person, []).append(instrument)
    return out


def _reminded_since(moment: dt.datetime) -> set[int]:
    return set(
        audit.notifications(User, REMINDER)
        .filter(at__gt=moment)
        .values_list("object_id", flat=True)
    )


def last_run() -> dt.datetime | None:
    """When the reminder last ran to the end (whether or not it had anything to send)."""
    return (
        AuditEvent.objects.filter(object_type=RUN_OBJECT_TYPE)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def reminder_due(now: dt.datetime | None = None) -> bool:
    """A week has passed since the last run (or it never ran)."""
    now = now or timezone.now()
    previous = last_run()
    return previous is None or previous <= now - REMINDER_INTERVAL


def send_stale_reminders(now: dt.datetime | None = None) -> int:
    """One e-mail per responsible person not reminded in the past week, in their own
    language, listing their stale instruments with links. Returns the e-mails sent."""
    now = now or timezone.now()
    already = _reminded_since(now - REMINDER_INTERVAL)
    base = settings.SITE_URL.rstrip("/")
    sent = 0
    error: Exception | None = None
    today = timezone.localtime(now).date()
    for user, instruments in sorted(responsible_for_stale(today).items(), key=lambda i: i[0].pk):
        if user.pk in already or not user.email:
            continue
        context = {
            "user": user,
            "count": len(instruments),
            "instruments": [
                (instrument, base + reverse("catalogue:detail", args=[instrument.pk]))
                for instrument in instruments
            ],
            "list_url": base + reverse("catalogue:list"),
        }
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = render_to_string("catalogue/email/stale_reminder_subject.txt", context)
            body = render_to_string("catalogue/email/stale_reminder.txt", context)
        try:
            send_mail(subject.strip(), body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception as exc:  # the others still go out; this one is retried next run
            logger.warning("Stale reminder to user %s failed: %s", user.pk, exc)
            error = error or exc
            continue
        audit.notification(user, REMINDER, instruments=len(instruments)).save()
        sent += 1
    if error is not None:
        raise error
    AuditEvent.objects.create(
        actor_label="systeem",
        action=AuditEvent.Action.CHANGE,
        object_type=RUN_OBJECT_TYPE,
        object_id=0,
        changes={"notified": "stale-reminder-run", "emails": sent},
    )
    return sent


@task()
def remind_stale_instruments() -> int:
    """The weekly reminder (enqueued by ``run_scheduled`` when ``reminder_due``)."""
    return send_stale_reminders()
