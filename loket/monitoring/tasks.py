"""Background work of monitoring: the satisfaction survey's mail.

``send_due_surveys`` (enqueued by ``run_scheduled`` on every run):
- sends every scheduled invitation whose ``send_after`` has passed (``sent_at``;
  ``expires_at`` = sent + the region's ``valid_days``);
- sends one reminder ``reminder_days`` after the invitation when it is unanswered and the
  link still works (``reminded_at``);
- marks invitations whose link has expired unanswered as expired.

Idempotent: each invitation and reminder is claimed with a conditional update before its
mail goes out, so two runs at once send nothing twice (a failed mail is released for the
next run). An address that opted out is never mailed: its invitation is cancelled. The
mail is in the invitation's language and carries only the random token in its links.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from loket.monitoring import cache as figures
from loket.monitoring.models import SurveyInvitation, SurveySettings
from loket.monitoring.services.survey import is_opted_out, settings_for

logger = logging.getLogger(__name__)

S = SurveyInvitation.Status


def _url(name: str, *args: object) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args or None)


def _language(invitation: SurveyInvitation) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    return invitation.language if invitation.language in languages else settings.LANGUAGE_CODE


def survey_message(invitation: SurveyInvitation, kind: str) -> EmailMessage:
    """The invitation (``kind`` "invitation") or the reminder ("reminder")."""
    context = {
        "invitation": invitation,
        "region": invitation.region,
        "survey_url": _url("survey:answer", invitation.token),
        "unsubscribe_url": _url("survey:unsubscribe", invitation.token),
        "expires_at": invitation.expires_at,
    }
    with translation.override(_language(invitation)):
        subject = render_to_string(f"monitoring/survey/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"monitoring/survey/email/{kind}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _load(pk: int) -> SurveyInvitation | None:
    return SurveyInvitation.objects.select_related("region").filter(pk=pk).first()


def _cancel_if_opted_out(invitation: SurveyInvitation) -> bool:
    if not is_opted_out(invitation.region_id, invitation.email):
        return False
    SurveyInvitation.objects.filter(pk=invitation.pk, status__in=(S.SCHEDULED, S.SENT)).update(
        status=S.CANCELLED
    )
    return True


def _send_invitations(now: dt.datetime, valid: dict[int, int]) -> int:
    sent = 0
    due = SurveyInvitation.objects.filter(status=S.SCHEDULED, send_after__lte=now)
    for pk, region_id in list(due.values_list("pk", "region_id")):
        invitation = _load(pk)
        if invitation is None or _cancel_if_opted_out(invitation):
            continue
        days = valid.get(region_id) or settings_for(region_id).valid_days
        expires = now + dt.timedelta(days=days)
        claimed = SurveyInvitation.objects.filter(pk=pk, status=S.SCHEDULED).update(
            status=S.SENT, sent_at=now, expires_at=expires
        )
        if not claimed:
            continue
        figures.changed(region_id)  # the response rate counts invitations sent
        invitation.status, invitation.sent_at, invitation.expires_at = S.SENT, now, expires
        try:
            survey_message(invitation, "invitation").send()
        except Exception:
            SurveyInvitation.objects.filter(pk=pk, status=S.SENT).update(
                status=S.SCHEDULED, sent_at=None, expires_at=None
            )
            logger.exception("survey invitation %s failed", pk)
            continue
        sent += 1
    return sent


def _send_reminders(now: dt.datetime) -> int:
    sent = 0
    for survey in SurveySettings.objects.all():
        due = SurveyInvitation.objects.filter(
            region_id=survey.region_id,
            status=S.SENT,
            reminded_at__isnull=True,
            sent_at__lte=now - dt.timedelta(days=survey.reminder_days),
            expires_at__gt=now,
        )
        for pk in list(due.values_list("pk", flat=True)):
            invitation = _load(pk)
            if invitation is None or _cancel_if_opted_out(invitation):
                continue
            claimed = SurveyInvitation.objects.filter(
                pk=pk, status=S.SENT, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            try:
                survey_message(invitation, "reminder").send()
            except Exception:
                SurveyInvitation.objects.filter(pk=pk).update(reminded_at=None)
                logger.exception("survey reminder %s failed", pk)
                continue
            sent += 1
    return sent


@task()
def send_due_surveys() -> dict[str, int]:
    now = timezone.now()
    valid = dict(SurveySettings.objects.values_list("region_id", "valid_days"))
    expired = SurveyInvitation.objects.filter(status=S.SENT, expires_at__lte=now).update(
        status=S.EXPIRED
    )
    return {
        "sent": _send_invitations(now, valid),
        "reminded": _send_reminders(now),
        "expired": expired,
    }
