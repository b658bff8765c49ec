"""The satisfaction survey: scheduling an invitation, the survey settings of a region,
the answer, and unsubscribing.

- ``after_case_closed`` / ``after_trajectory_completed``: called by
  ``casework.services.change_status`` and ``programmes.services.trajectories
  .complete_trajectory`` inside their transaction; they register ``schedule_for_case`` /
  ``schedule_for_trajectory`` with ``transaction.on_commit`` (a rolled-back close
  invites nobody).
- The rules of scheduling (``_schedule``): the region's ``SurveySettings`` (made with the
  defaults when missing) must be active; an e-mail address is needed and must not have
  opted out (``SurveyOptOut`` keeps the SHA-256 of the lower-cased address); at most one
  invitation per company per quarter of the closing date (checked first, and the unique
  constraint catches a race: never an error for the user who closed the case).
  The invitation goes out ``delay_days`` after closing (``tasks.send_due_surveys``).
- ``answer``: the one-time answer through the personal link, under a row lock; a second
  answer, an expired link or a cancelled invitation is refused with ``SurveyClosed``.
- ``opt_out``: the address is not asked again in the region; its pending invitations
  are cancelled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require, scope_of
from loket.monitoring.models import SurveyInvitation, SurveyOptOut, SurveySettings
from loket.programmes.periods import quarter_of

logger = logging.getLogger(__name__)

S = SurveyInvitation.Status
PENDING = (S.SCHEDULED, S.SENT)
SETTINGS_FIELDS = ("active", "delay_days", "reminder_days", "valid_days")


def email_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def settings_for(region_id: int) -> SurveySettings:
    """The region's survey settings, created with the defaults when missing."""
    found, _created = SurveySettings.objects.get_or_create(region_id=region_id)
    return found


def is_opted_out(region_id: int, address: str) -> bool:
    return SurveyOptOut.objects.filter(region_id=region_id, email_hash=email_hash(address)).exists()


def _language(*candidates: Any) -> str:
    languages = {code for code, _name in django_settings.LANGUAGES}
    for candidate in candidates:
        code = getattr(candidate, "language", "") if candidate is not None else ""
        if code in languages:
            return str(code)
    return "nl"


def _programme_on(region_id: int, day: dt.date) -> Any:
    from loket.programmes.models import Programme

    return (
        Programme.objects.filter(region_id=region_id, starts_on__lte=day, ends_on__gte=day)
        .order_by("starts_on", "pk")
        .first()
    )


# --- scheduling -------------------------------------------------------------------------


def after_case_closed(case: Any) -> None:
    """Inside the transaction that closed ``case``: schedule its invitation on commit."""
    case_id = case.pk
    transaction.on_commit(lambda: schedule_for_case(case_id))


def after_trajectory_completed(trajectory: Any) -> None:
    """Inside the transaction that completed ``trajectory``: schedule on commit."""
    trajectory_id = trajectory.pk
    transaction.on_commit(lambda: schedule_for_trajectory(trajectory_id))


def schedule_for_case(case_id: int) -> SurveyInvitation | None:
    from loket.casework.models import Case, Referral

    case = (
        Case.objects.select_related("company", "person", "owner", "organisation")
        .filter(pk=case_id, status=Case.Status.CLOSED)
        .first()
    )
    if case is None or case.closed_at is None:
        return None
    person = case.person
    email = (person.email if person is not None else "") or case.company.email
    referral = (
        Referral.objects.filter(case=case, instrument__isnull=False)
        .order_by("-created_at", "-id")
        .first()
    )
    return _schedule(
        region_id=case.region_id,
        company_id=case.company_id,
        closed_at=case.closed_at,
        email=email,
        source={"case": case},
        programme=None,
        owner=case.owner,
        organisation_id=case.organisation_id,
        instrument_id=referral.instrument_id if referral is not None else None,
        language=_language(person),
    )


def schedule_for_trajectory(trajectory_id: int) -> SurveyInvitation | None:
    from loket.programmes.models import Trajectory

    trajectory = (
        Trajectory.objects.select_related(
            "company", "scheme", "specialist", "case", "case__person", "programme"
        )
        .filter(pk=trajectory_id, status=Trajectory.Status.COMPLETED)
        .first()
    )
    if trajectory is None or trajectory.completed_on is None:
        return None
    case = trajectory.case
    person = case.person if case is not None else None
    email = trajectory.company.email or (person.email if person is not None else "")
    owner = trajectory.specialist
    organisation_id = None
    if owner is not None:
        organisations = scope_of(owner).organisations_in(trajectory.region_id)
        organisation_id = organisations[0] if organisations else None
    if organisation_id is None and case is not None:
        organisation_id = case.organisation_id
    now = timezone.localtime()
    closed_at = dt.datetime.combine(trajectory.completed_on, now.time(), tzinfo=now.tzinfo)
    return _schedule(
        region_id=trajectory.region_id,
        company_id=trajectory.company_id,
        closed_at=closed_at,
        email=email,
        source={"trajectory": trajectory, "case": case},
        programme=trajectory.programme,
        owner=owner,
        organisation_id=organisation_id,
        instrument_id=trajectory.scheme.instrument_id,
        language=_language(person),
    )


def _schedule(
    *,
    region_id: int,
    company_id: int,
    closed_at: dt.datetime,
    email: str,
    source: Mapping[str, Any],
    programme: Any,
    owner: Any,
    organisation_id: int | None,
    instrument_id: int | None,
    language: str,
) -> SurveyInvitation | None:
    survey = settings_for(region_id)
    email = (email or "").strip().lower()
    if not survey.active or not email or is_opted_out(region_id, email):
        return None
    day = timezone.localdate(closed_at)
    year, quarter = day.year, quarter_of(day)
    taken = SurveyInvitation.objects.filter(company_id=company_id, year=year, quarter=quarter)
    if taken.exists():
        return None
    if programme is None:
        programme = _programme_on(region_id, day)
    invitation = SurveyInvitation(
        region_id=region_id,
        company_id=company_id,
        case=source.get("case"),
        trajectory=source.get("trajectory"),
        programme=programme,
        owner=owner,
        organisation_id=organisation_id,
        instrument_id=instrument_id,
        email=email,
        language=language,
        token=secrets.token_urlsafe(32),
        year=year,
        quarter=quarter,
        send_after=closed_at + dt.timedelta(days=survey.delay_days),
    )
    try:
        with transaction.atomic():
            invitation.save()
            audit.record(
                None,
                AuditEvent.Action.CREATE,
                invitation,
                company_id=company_id,
                label=f"{year} K{quarter}",
                changes={
                    "source": "trajectory" if source.get("trajectory") else "case",
                    "send_after": invitation.send_after.isoformat(),
                },
            )
    except IntegrityError:  # invited at the same moment by another close
        logger.info("survey: company %s already invited in %s K%s", company_id, year, quarter)
        return None
    return invitation


# --- settings ---------------------------------------------------------------------------


def update_settings(actor: Any, region_id: int, data: Mapping[str, Any]) -> SurveySettings:
    from loket.monitoring.queries import can_manage_survey

    require(can_manage_survey(actor, region_id))
    with transaction.atomic():
        found = settings_for(region_id)
        found = SurveySettings.objects.select_for_update().get(pk=found.pk)
        before = audit.snapshot(found, SETTINGS_FIELDS)
        for key in SETTINGS_FIELDS:
            if key in data and data[key] is not None:
                setattr(found, key, data[key])
        found.full_clean(exclude=["region"])
        found.save()
        changes = audit.diff(before, audit.snapshot(found, SETTINGS_FIELDS))
        if changes:
            audit.record(actor, AuditEvent.Action.CHANGE, found, changes=changes)
    return found


# --- the public side --------------------------------------------------------------------


class SurveyClosed(Exception):
    """The invitation cannot be answered (any more): ``reason`` is answered, expired or
    unavailable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def closed_reason(invitation: SurveyInvitation, now: dt.datetime | None = None) -> str | None:
    """Why the invitation cannot be answered now, or None."""
    now = now or timezone.now()
    if invitation.status == S.ANSWERED:
        return "answered"
    if invitation.status == S.EXPIRED or (
        invitation.status == S.SENT and invitation.expires_at and invitation.expires_at <= now
    ):
        return "expired"
    if invitation.status != S.SENT:
        return "unavailable"  # cancelled, or not sent yet (nobody has the link)
    return None


def answer(invitation: SurveyInvitation, data: Mapping[str, Any]) -> SurveyInvitation:
    """Record the answer once (``data``: mark 1-10, helped, improve, recommend)."""
    with transaction.atomic():
        locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        reason = closed_reason(locked)
        if reason is not None:
            raise SurveyClosed(reason)
        mark = data.get("mark")
        if not isinstance(mark, int) or not 1 <= mark <= 10:
            raise ValidationError({"mark": _("Kies een cijfer van 1 tot en met 10.")})
        locked.mark = mark
        locked.helped = str(data.get("helped") or "").strip()
        locked.improve = str(data.get("improve") or "").strip()
        locked.recommend = str(data.get("recommend") or "")
        locked.status = S.ANSWERED
        locked.answered_at = timezone.now()
        locked.full_clean()
        locked.save()
        audit.record(
            None,
            AuditEvent.Action.CHANGE,
            locked,
            company_id=locked.company_id,
            label=f"{locked.year} K{locked.quarter}",
            changes={"status": [S.SENT, S.ANSWERED]},
        )
    return locked


def opt_out(invitation: SurveyInvitation) -> int:
    """The invitation's address is not asked again in its region; its pending
    invitations are cancelled. Returns how many were cancelled."""
    with transaction.atomic():
        digest = email_hash(invitation.email)
        optout, created = SurveyOptOut.objects.get_or_create(
            region_id=invitation.region_id, email_hash=digest
        )
        cancelled = SurveyInvitation.objects.filter(
            region_id=invitation.region_id, email__iexact=invitation.email, status__in=PENDING
        ).update(status=S.CANCELLED)
        if created:
            audit.record(
                None,
                AuditEvent.Action.CREATE,
                optout,
                company_id=invitation.company_id,
                changes={"cancelled_invitations": cancelled},
            )
    return cancelled
