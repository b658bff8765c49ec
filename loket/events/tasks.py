"""Mail to people who registered for an event (the portal's side; the staff side's mail,
such as an event's cancellation, is in ``tasks_manage.py``).

- ``send_registration_mail``: the confirmation (with the .ics and the personal cancel
  link), the waiting-list notice, or the "you moved up" mail (again with the .ics);
  enqueued on commit by ``services/registration.py``;
- ``send_event_reminders``: the reminder the day before, for every confirmed registration
  of an event that starts tomorrow; enqueued by ``run_scheduled`` on every run.

They take ids and a kind (never personal data) and are idempotent: each mail goes out
once (the registration mails are remembered in the audit trail, the reminder by
``Registration.reminded_at``, set with a conditional update before sending).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from loket.core import audit
from loket.events.models import Event, Registration
from loket.events.services.ics import calendar_for

logger = logging.getLogger(__name__)

KINDS = ("confirmed", "waiting", "promoted")
WITH_ICS = ("confirmed", "promoted", "reminder")


def _url(name: str, *args: object) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args or None)


def _language(registration: Registration) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    return registration.language if registration.language in languages else settings.LANGUAGE_CODE


def _message(registration: Registration, kind: str) -> EmailMessage:
    event = registration.event
    cancel_url = _url("agenda:cancel", registration.token)
    context = {
        "registration": registration,
        "event": event,
        "region": event.region,
        "cancel_url": cancel_url,
        "online_url": event.online_url if event.online else "",
        "place": ", ".join(p for p in (event.venue, event.address) if p),
    }
    with translation.override(_language(registration)):
        subject = render_to_string(f"events/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"events/email/{kind}.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [registration.email])
    if kind in WITH_ICS:
        message.attach(
            "evenement.ics",
            calendar_for(event, cancel_url=cancel_url),
            "text/calendar; method=PUBLISH; charset=utf-8",
        )
    return message


def _registration(registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related("event", "event__region")
        .filter(pk=registration_id)
        .first()
    )


@task()
def send_registration_mail(registration_id: int, kind: str) -> int:
    """One of the registration mails (``kind``: confirmed, waiting or promoted), once."""
    if kind not in KINDS:
        return 0
    registration = _registration(registration_id)
    if registration is None or not registration.email:
        return 0
    wanted = Registration.Status.WAITING if kind == "waiting" else Registration.Status.CONFIRMED
    if registration.status != wanted:
        return 0  # cancelled (or moved on) before the mail went out
    notice = f"event_{kind}"
    if audit.was_notified(registration, notice):
        return 0
    _message(registration, kind).send()
    audit.notification(
        registration, notice, company_id=registration.company_id, label=str(registration.pk)
    ).save()
    return 1


def reminders_due(now: dt.datetime | None = None) -> QuerySet[Registration]:
    """Confirmed registrations (with an e-mail address, not yet reminded) of published
    events that start tomorrow (Amsterdam time)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=1)
    return Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminded_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gte=start,
        event__starts_at__lt=end,
    ).exclude(email="")


@task()
def send_event_reminders() -> int:
    """The reminder the day before. A registration is claimed with a conditional update
    of ``reminded_at`` before its mail is sent, so two runs at once send nothing twice."""
    now = timezone.now()
    sent = 0
    for pk in list(reminders_due(now).values_list("pk", flat=True)):
        claimed = Registration.objects.filter(pk=pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            continue
        registration = _registration(pk)
        if registration is None:
            continue
        try:
            _message(registration, "reminder").send()
        except Exception:
            # Not sent: let the next run try again.
            Registration.objects.filter(pk=pk).update(reminded_at=None)
            logger.exception("event reminder for registration %s failed", pk)
            continue
        sent += 1
    return sent
