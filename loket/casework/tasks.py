"""Background work of casework: e-mail notifications about referrals.

Tasks are enqueued on commit by services, take ids (never objects or personal data),
and are idempotent: each notification is sent once, remembered in the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from loket.casework.models import Referral
from loket.core.models import AuditEvent


def _already_sent(referral: Referral, kind: str) -> bool:
    return AuditEvent.objects.filter(
        object_type="casework.referral",
        object_id=referral.pk,
        action=AuditEvent.Action.CHANGE,
        changes__notified=kind,
    ).exists()


def _remember(referral: Referral, kind: str, recipients: list[str]) -> None:
    AuditEvent.objects.create(
        region_id=referral.region_id,
        actor_label="systeem",
        action=AuditEvent.Action.CHANGE,
        object_type="casework.referral",
        object_id=referral.pk,
        object_label=str(referral.pk),
        company_id=referral.company_id,
        changes={"notified": kind, "recipients": len(recipients)},
    )


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
    if not recipients or _already_sent(referral, kind):
        return 0
    url = settings.SITE_URL.rstrip("/") + reverse("casework:referral_detail", args=[referral.pk])
    context = {"referral": referral, "url": url}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"casework/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"casework/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    _remember(referral, kind, recipients)
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
