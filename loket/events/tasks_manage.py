"""Background work of the staff side of events: telling registrants that an event was
called off.

The task takes ids (and the organiser's reason), never objects. It is idempotent: each
registrant is told once, remembered in the audit trail as a notification on the
registration (never the address, never the content).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from loket.core import audit
from loket.events.models import Event, Registration

CANCELLED = "event_cancelled"


def _language(registration: Registration) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return registration.language if registration.language in codes else settings.LANGUAGE_CODE


@task()
def notify_event_cancelled(event_id: int, reason: str = "") -> int:
    """Mail everyone registered (confirmed or on the waiting list) for a cancelled
    event; returns the number of mails sent."""
    event = (
        Event.objects.select_related("organiser")
        .filter(pk=event_id, status=Event.Status.CANCELLED)
        .first()
    )
    if event is None:
        return 0
    already = set(
        audit.notifications(Registration, CANCELLED)
        .filter(object_id__in=event.registrations.values("pk"))
        .values_list("object_id", flat=True)
    )
    sent = 0
    registrations = event.registrations.exclude(status=Registration.Status.CANCELLED).exclude(
        email=""
    )
    for registration in registrations.order_by("pk"):
        if registration.pk in already:
            continue
        context = {"event": event, "registration": registration, "reason": reason.strip()}
        with translation.override(_language(registration)):
            subject = render_to_string("events/email/event_cancelled_subject.txt", context)
            body = render_to_string("events/email/event_cancelled.txt", context)
        send_mail(
            " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [registration.email]
        )
        audit.notification(registration, CANCELLED, company_id=registration.company_id).save()
        sent += 1
    return sent
