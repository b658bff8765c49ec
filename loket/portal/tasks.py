"""Mail after a question from the portal: the confirmation to the entrepreneur and the
notice to the advisor who owns the new case.

Enqueued on commit by ``services.submit_question``; they take ids and a language code
(never personal data) and are idempotent: each mail is sent once, remembered in the
audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from loket.casework.models import Case
from loket.core import audit

CONFIRMATION = "portal_confirmation"
OWNER_NOTICE = "portal_owner_notice"


def _case(case_id: int) -> Case | None:
    return (
        Case.objects.select_related("company", "person", "owner", "region")
        .filter(pk=case_id, channel=Case.Channel.WEB)
        .first()
    )


def _send(case: Case, kind: str, template: str, recipient: str, language: str) -> int:
    if not recipient or audit.was_notified(case, kind):
        return 0
    languages = {code for code, _name in settings.LANGUAGES}
    context = {
        "case": case,
        "owner_name": case.owner.full_name or case.owner.email,
        "region": case.region,
        "portal_url": settings.SITE_URL.rstrip("/") + reverse("portal:home"),
        "case_url": settings.SITE_URL.rstrip("/") + reverse("casework:case_detail", args=[case.pk]),
    }
    with translation.override(language if language in languages else settings.LANGUAGE_CODE):
        subject = render_to_string(f"portal/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"portal/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    audit.notification(
        case, kind, company_id=case.company_id, label=case.reference, recipients=1
    ).save()
    return 1


@task()
def send_question_confirmation(case_id: int, language: str = "nl") -> int:
    """The entrepreneur's confirmation: the case reference, when we respond at the latest
    and the name of the advisor who will call. In the language the visitor used."""
    case = _case(case_id)
    if case is None or case.person is None:
        return 0
    return _send(case, CONFIRMATION, "confirmation", case.person.email, language)


@task()
def notify_owner_of_question(case_id: int) -> int:
    """Tell the owner a new web question waits: a link to the case, no question text or
    personal data of the entrepreneur in the subject."""
    case = _case(case_id)
    if case is None:
        return 0
    return _send(case, OWNER_NOTICE, "owner_notice", case.owner.email, case.owner.language or "nl")
