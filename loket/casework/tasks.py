"""Background work of casework: e-mail notifications about referrals.

Tasks are enqueued on commit by services, take ids (never objects or personal data),
and are idempotent: each notification is sent once, remembered in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from loket.accounts.models import Membership, User
from loket.casework.models import Case, Referral
from loket.casework.queries import overdue_q
from loket.core import audit
from loket.core.models import AuditEvent


def _recipients_of(organisation_id: int) -> list[str]:
    from loket.accounts.models import Membership, Organisation

    org = Organisation.objects.get(pk=organisation_id)
    if org.email:
        return [org.email]
    return sorted(
        set(
            Membership.objects.filter(organisation=org, user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
    )


def _send(referral: Referral, kind: str, recipients: list[str], template: str) -> int:
    if not recipients or audit.was_notified(referral, kind):
        return 0
    url = settings.SITE_URL.rstrip("/") + reverse("casework:referral_detail", args=[referral.pk])
    context = {"referral": referral, "url": url}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"casework/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"casework/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    audit.notification(
        referral, kind, company_id=referral.company_id, recipients=len(recipients)
    ).save()
    return len(recipients)


@task()
def notify_referral_received(referral_id: int) -> int:
    """Tell the receiving organisation that a referral waits in its inbox."""
    referral = (
        Referral.objects.select_related("from_organisation", "to_organisation", "case")
        .filter(pk=referral_id, status=Referral.Status.SENT)
        .first()
    )
    if referral is None:
        return 0
    return _send(
        referral, "received", _recipients_of(referral.to_organisation_id), "referral_received"
    )


@task()
def notify_referral_answered(referral_id: int) -> int:
    """Tell the case owner that the partner accepted, declined or completed a referral."""
    referral = (
        Referral.objects.select_related("to_organisation", "case__owner")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None or referral.status not in (
        Referral.Status.ACCEPTED,
        Referral.Status.DECLINED,
        Referral.Status.COMPLETED,
    ):
        return 0
    owner = referral.case.owner
    return _send(referral, f"answered-{referral.status}", [owner.email], "referral_answered")


# --- service level: first-response deadlines -----------------------------------------

# A case counts as "approaching" when its deadline falls today (what the work queue marks
# "vandaag"), or within this many hours when that runs past midnight.
APPROACHING_HOURS = 4
APPROACHING = "deadline-approaching"
OVERDUE = "deadline-overdue"

logger = logging.getLogger(__name__)


def approaching_horizon(now: dt.datetime) -> dt.datetime:
    """Deadlines before this moment are approaching: the end of today (Amsterdam time),
    or ``APPROACHING_HOURS`` from now if that is later."""
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    midnight = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    return max(midnight, now + dt.timedelta(hours=APPROACHING_HOURS))


def _not_yet_notified(kind: str) -> Any:
    """Cases without a record of this notification (one indexed lookup per case)."""
    return ~Exists(audit.notifications(Case, kind).filter(object_id=OuterRef("pk")))


def _remember_cases(cases: Iterable[Case], kind: str, recipients: dict[int, int]) -> None:
    AuditEvent.objects.bulk_create(
        audit.notification(
            case,
            kind,
            company_id=case.company_id,
            label=case.reference,
            recipients=recipients.get(case.pk, 0),
        )
        for case in cases
    )


def _case_url(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("casework:case_detail", args=[case.pk])


def _send_batches(
    batches: dict[User, list[Case]], kind: str, template: str
) -> tuple[int, Exception | None]:
    """One e-mail per recipient listing their cases, in the recipient's language; then
    remember each case whose every recipient got it. A failed e-mail does not stop the
    others; it is returned, and its cases are tried again on the next run.
    Returns the number of e-mails sent and the first error."""
    sent: set[int] = set()
    failed: set[int] = set()
    recipients: dict[int, int] = {}
    error: Exception | None = None
    mails = 0
    queue_url = settings.SITE_URL.rstrip("/") + reverse("casework:queue")
    for user, cases in sorted(batches.items(), key=lambda item: item[0].pk):
        context = {
            "user": user,
            "cases": [(case, _case_url(case)) for case in cases],
            "count": len(cases),
            "queue_url": queue_url,
        }
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = render_to_string(f"casework/email/{template}_subject.txt", context).strip()
            body = render_to_string(f"casework/email/{template}.txt", context)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception as exc:  # the others still go out; this one is retried next run
            logger.warning("Deadline e-mail (%s) to user %s failed: %s", kind, user.pk, exc)
            failed.update(case.pk for case in cases)
            error = error or exc
            continue
        mails += 1
        for case in cases:
            sent.add(case.pk)
            recipients[case.pk] = recipients.get(case.pk, 0) + 1
    by_pk = {case.pk: case for cases in batches.values() for case in cases}
    _remember_cases([by_pk[pk] for pk in sorted(sent - failed)], kind, recipients)
    return mails, error


def _team_leads(organisation_ids: set[int]) -> dict[int, list[User]]:
    """Per organisation: its active team leads, else its active programme managers."""
    leads: dict[int, list[User]] = {}
    managers: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.filter(organisation_id__in=organisation_ids, user__is_active=True)
        .filter(Q(is_team_lead=True) | Q(role="programme_manager"))
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        target = leads if membership.is_team_lead else managers
        users = target.setdefault(membership.organisation_id, [])
        if membership.user not in users:
            users.append(membership.user)
    return {org: leads.get(org) or managers.get(org, []) for org in organisation_ids}


def send_deadline_notifications(now: dt.datetime | None = None) -> int:
    """Owners hear about their cases whose first-response deadline is approaching; team
    leads of the case's organisation about cases past it. Each case once per kind; one
    e-mail per recipient. Returns the number of e-mails sent."""
    now = now or timezone.now()
    waiting = Case.objects.filter(
        status__in=Case.OPEN_STATUSES, first_response_at__isnull=True
    ).order_by("deadline", "id")
    approaching = (
        waiting.filter(deadline__gte=now, deadline__lt=approaching_horizon(now))
        .filter(_not_yet_notified(APPROACHING))
        .select_related("owner")
    )
    owners: dict[User, list[Case]] = {}
    for case in approaching:
        if case.owner.is_active:
            owners.setdefault(case.owner, []).append(case)
    overdue = list(
        waiting.filter(overdue_q(now)).filter(_not_yet_notified(OVERDUE)).select_related("owner")
    )
    leads = _team_leads({case.organisation_id for case in overdue})
    per_lead: dict[User, list[Case]] = {}
    for case in overdue:
        for lead in leads.get(case.organisation_id, []):
            per_lead.setdefault(lead, []).append(case)
    sent_to_owners, owner_error = _send_batches(owners, APPROACHING, "deadline_approaching")
    sent_to_leads, lead_error = _send_batches(per_lead, OVERDUE, "deadline_overdue")
    error = owner_error or lead_error
    if error is not None:
        raise error
    return sent_to_owners + sent_to_leads


@task()
def notify_deadlines() -> int:
    """The service-level check (run every quarter of an hour by ``run_scheduled``)."""
    return send_deadline_notifications()
