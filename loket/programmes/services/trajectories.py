"""Schemes, trajectories and vouchers: the programme's commitments.

A scheme (regeling) says what a trajectory is worth, what is granted, how many there are
and who may take part (the target criteria of its catalogue instrument). A trajectory is
applied for by a company or proposed by an advisor, approved by a programme manager,
runs, is completed and evaluated, or is withdrawn before it is completed. Approval
commits the granted amount against the scheme's budget and issues a voucher to the lead
company; the supplier's invoice redeems the voucher, and from then on the paid amount is
what counts.

Approval takes a lock on the scheme before it counts what is committed, so two managers
approving the last available trajectory at the same time cannot both succeed: on
PostgreSQL a row lock, on SQLite the database's single write lock (the project opens
SQLite transactions IMMEDIATE, and the first statement is a write anyway).

Every change is audited with the lead company's id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from loket.accounts.models import User
from loket.catalogue.matching import Profile, ineligible_reason
from loket.companies.models import Company
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.numbers import euro
from loket.core.permissions import require, scope_of
from loket.programmes.models import (
    Programme,
    Scheme,
    Trajectory,
    TrajectoryParticipant,
    Voucher,
)
from loket.programmes.queries import can_approve, can_propose
from loket.programmes.services.schemes import (
    apply_fields,
    lock_scheme,
    scheme_figures,
)
from loket.programmes.services.vouchers import (
    issue_voucher,
)

Status = Trajectory.Status


TRAJECTORY_FIELDS = (
    "title",
    "goal",
    "specialist",
    "supplier_name",
    "supplier_organisation",
    "deliverable",
    "case",
)
# The most companies one trajectory can have (a cluster has a handful).
MAX_PARTICIPANTS = 100

# --- trajectories: create and change ---------------------------------------------------


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _check_links(
    trajectory: Trajectory, companies: list[Company], errors: dict[str, list[str]]
) -> None:
    """The rows a trajectory points at belong to its programme and region."""
    region_id = trajectory.programme.region_id
    if (
        trajectory.scheme_id is not None
        and trajectory.scheme.programme_id != trajectory.programme_id
    ):
        errors.setdefault("scheme", []).append(_("Deze regeling hoort bij een ander programma."))
    if trajectory.company_id is not None and trajectory.company.region_id != region_id:
        errors.setdefault("company", []).append(_("Dit bedrijf hoort bij een andere regio."))
    if any(c.region_id != region_id for c in companies[1:]):
        errors.setdefault("participants", []).append(
            _("Een van de bedrijven hoort bij een andere regio.")
        )
    org = trajectory.supplier_organisation
    if org is not None and org.region_id != region_id:
        errors.setdefault("supplier_organisation", []).append(
            _("Deze organisatie werkt niet in de regio van het programma.")
        )
    specialist = trajectory.specialist
    if specialist is not None and not scope_of(specialist).is_programme_staff(region_id):
        errors.setdefault("specialist", []).append(
            _("Kies een medewerker van het programma in deze regio.")
        )
    case = trajectory.case
    if case is not None and case.company_id not in {c.pk for c in companies}:
        errors.setdefault("case", []).append(
            _("Deze hulpvraag hoort niet bij een van de deelnemende bedrijven.")
        )


def _participants(
    trajectory: Trajectory, others: Iterable[Company], errors: dict[str, list[str]]
) -> list[Company]:
    """The lead company first, then the others once each."""
    companies: list[Company] = [trajectory.company] if trajectory.company_id else []
    seen = {c.pk for c in companies}
    for company in others:
        if company.pk not in seen:
            seen.add(company.pk)
            companies.append(company)
    if len(companies) > MAX_PARTICIPANTS:
        errors.setdefault("participants", []).append(
            _("Hoogstens %(n)s deelnemende bedrijven.") % {"n": MAX_PARTICIPANTS}
        )
    scheme = trajectory.scheme if trajectory.scheme_id else None
    if scheme is not None and not scheme.is_collective and len(companies) > 1:
        errors.setdefault("participants", []).append(
            _("Aan een traject van deze regeling neemt één bedrijf deel.")
        )
    return companies


def _check_trajectory(trajectory: Trajectory, errors: dict[str, list[str]]) -> None:
    try:
        trajectory.full_clean(exclude=["participants"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(str(m) for m in messages)
    if errors:
        raise ValidationError(errors)


def create_trajectory(actor: User, programme: Programme, data: Mapping[str, Any]) -> Trajectory:
    """A trajectory proposed by an advisor (origin "proposal") or the registered
    application of a company ("application"). ``data``: scheme, company (the applicant
    or, for a cluster, the lead), participants (the other companies), origin, applied_on
    and the fields of ``TRAJECTORY_FIELDS``."""
    require(can_propose(actor, programme))
    values = dict(data)
    others = list(values.pop("participants", None) or [])
    trajectory = Trajectory(
        programme=programme,
        region_id=programme.region_id,
        scheme=values.pop("scheme", None),
        company=values.pop("company", None),
        origin=values.pop("origin", None) or Trajectory.Origin.PROPOSAL,
        applied_on=values.pop("applied_on", None) or timezone.localdate(),
        status=Status.APPLIED,
        proposed_by=actor,
    )
    apply_fields(trajectory, values, TRAJECTORY_FIELDS)
    errors: dict[str, list[str]] = {}
    if trajectory.applied_on > timezone.localdate():
        errors["applied_on"] = [_("De aanvraagdatum ligt in de toekomst.")]
    elif trajectory.applied_on < programme.starts_on:
        errors["applied_on"] = [_("De aanvraagdatum ligt voor het begin van het programma.")]
    companies = _participants(trajectory, others, errors) if trajectory.company_id else []
    if trajectory.scheme_id is not None and trajectory.company_id is not None:
        _check_links(trajectory, companies, errors)
    _check_trajectory(trajectory, errors)
    with transaction.atomic():
        trajectory.save()
        TrajectoryParticipant.objects.bulk_create(
            [TrajectoryParticipant(trajectory=trajectory, company=c) for c in companies]
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            trajectory,
            company_id=trajectory.company_id,
            changes={
                "status": [None, Status.APPLIED.value],
                "on": trajectory.applied_on.isoformat(),
                "origin": trajectory.origin,
                "scheme": trajectory.scheme_id,
                "participants": [c.pk for c in companies],
            },
        )
    return trajectory


def update_trajectory(actor: User, trajectory: Trajectory, data: Mapping[str, Any]) -> Trajectory:
    """Change the title, goal, specialist, supplier, deliverable or case; the other
    participants only while the trajectory is not approved yet."""
    require(can_propose(actor, trajectory.programme))
    if trajectory.status == Status.WITHDRAWN:
        raise ValidationError(_("Een ingetrokken traject kan niet meer worden gewijzigd."))
    values = dict(data)
    others = values.pop("participants", None)
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
        before = audit.snapshot(locked, TRAJECTORY_FIELDS)
        current = list(Company.objects.filter(trajectory_participations=locked).order_by("pk"))
        apply_fields(locked, values, TRAJECTORY_FIELDS)
        if others is not None:
            if locked.status != Status.APPLIED:
                errors["participants"] = [_("Na de goedkeuring liggen de deelnemers vast.")]
            companies = _participants(locked, others, errors)
        else:
            companies = [locked.company, *(c for c in current if c.pk != locked.company_id)]
        _check_links(locked, companies, errors)
        _check_trajectory(locked, errors)
        locked.save()
        changes = audit.diff(before, audit.snapshot(locked, TRAJECTORY_FIELDS))
        if others is not None:
            old_ids = sorted(c.pk for c in current)
            new_ids = sorted(c.pk for c in companies)
            if old_ids != new_ids:
                TrajectoryParticipant.objects.filter(trajectory=locked).exclude(
                    company_id__in=new_ids
                ).delete()
                TrajectoryParticipant.objects.bulk_create(
                    [
                        TrajectoryParticipant(trajectory=locked, company=c)
                        for c in companies
                        if c.pk not in old_ids
                    ]
                )
                changes["participants"] = [old_ids, new_ids]
        if changes:
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                locked,
                company_id=locked.company_id,
                changes=changes,
            )
    return locked


# --- the life of a trajectory ------------------------------------------------------------


def _refuse_status(trajectory: Trajectory, allowed: Iterable[str], action: str) -> None:
    if trajectory.status not in allowed:
        raise ValidationError(
            # Translators: status is a trajectory status ("goedgekeurd"), action a verb
            # with the context "trajectory action" ("goedkeuren").
            _("Dit traject is %(status)s; %(action)s kan niet.")
            % {"status": trajectory.get_status_display(), "action": action}
        )


def _check_day(on: dt.date, earliest: dt.date | None, earliest_label: str, key: str = "on") -> None:
    if on > timezone.localdate():
        raise ValidationError({key: _("Deze datum ligt in de toekomst.")})
    if earliest is not None and on < earliest:
        raise ValidationError(
            {
                key: _("Deze datum ligt vóór %(what)s (%(date)s).")
                % {"what": earliest_label, "date": _date(earliest)}
            }
        )


def _record_status(actor: User, trajectory: Trajectory, old: str, **details: Any) -> None:
    audit.record(
        actor,
        AuditEvent.Action.CHANGE,
        trajectory,
        company_id=trajectory.company_id,
        changes={"status": [old, trajectory.status], **details},
    )


def approval_problems(trajectory: Trajectory, scheme: Scheme, amount: Decimal) -> list[str]:
    """Why the trajectory cannot be approved now, as translated sentences (empty: it
    can). Call with the scheme locked."""
    companies = list(
        Company.objects.filter(trajectory_participations=trajectory)
        .prefetch_related("themes", "sbi_codes__section")
        .order_by("name", "pk")
    )
    if len(companies) < scheme.min_participants:
        return [
            _(
                "Deze regeling vraagt minstens %(min)s deelnemende bedrijven; dit traject "
                "heeft er %(n)s."
            )
            % {"min": scheme.min_participants, "n": len(companies)}
        ]
    problems: list[str] = []
    if scheme.instrument_id is not None:
        for company in companies:
            reason = ineligible_reason(scheme.instrument_id, Profile.from_company(company))
            if reason is not None:
                problems.append(
                    _("%(company)s voldoet niet aan de voorwaarden van de regeling: %(reason)s")
                    % {"company": company.name, "reason": reason}
                )
    if problems:
        return problems
    figures = scheme_figures(scheme)
    if figures.remaining_count <= 0:
        return [
            _("Er is geen traject van deze regeling meer beschikbaar: alle %(n)s zijn toegekend.")
            % {"n": scheme.available}
        ]
    if amount > figures.remaining_budget:
        return [
            _(
                "Het resterende budget van de regeling (%(remaining)s) is kleiner dan het toe "
                "te kennen bedrag (%(amount)s)."
            )
            % {"remaining": euro(figures.remaining_budget), "amount": euro(amount)}
        ]
    return []


def approve_trajectory(
    actor: User,
    trajectory: Trajectory,
    *,
    granted_amount: Decimal | None = None,
    on: dt.date | None = None,
) -> Trajectory:
    """Approve an applied trajectory: it must have enough participants, each meeting the
    scheme's criteria, and the scheme must have a trajectory and the budget left. Grants
    ``granted_amount`` (the scheme's maximum when not given, never more) and issues the
    voucher. Refused with a ValidationError that says why."""
    require(can_approve(actor, trajectory.programme))
    day = _today(on)
    with transaction.atomic():
        scheme = lock_scheme(trajectory.scheme_id)
        locked = (
            Trajectory.objects.select_for_update(of=("self",))
            .select_related("programme", "company")
            .get(pk=trajectory.pk)
        )
        _refuse_status(locked, [Status.APPLIED], pgettext("trajectory action", "goedkeuren"))
        amount = scheme.max_granted if granted_amount is None else granted_amount
        if amount < 0:
            raise ValidationError({"granted_amount": _("Vul een bedrag van nul of meer in.")})
        if amount > scheme.max_granted:
            raise ValidationError(
                {
                    "granted_amount": _(
                        "Hoogstens %(max)s: het maximaal toegekende bedrag van de regeling."
                    )
                    % {"max": euro(scheme.max_granted)}
                }
            )
        _check_day(day, locked.applied_on, _("de aanvraag"))
        problems = approval_problems(locked, scheme, amount)
        if problems:
            raise ValidationError(problems)
        old = locked.status
        locked.status = Status.APPROVED
        locked.granted_amount = amount
        locked.approved_on = day
        locked.approved_by = actor
        locked.save()
        voucher = issue_voucher(locked, amount, day)
        _record_status(
            actor,
            locked,
            old,
            on=day.isoformat(),
            granted_amount=str(amount),
            voucher=voucher.code,
        )
    return locked


def start_trajectory(
    actor: User, trajectory: Trajectory, *, on: dt.date | None = None
) -> Trajectory:
    require(can_propose(actor, trajectory.programme))
    day = _today(on)
    with transaction.atomic():
        locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
        _refuse_status(locked, [Status.APPROVED], pgettext("trajectory action", "starten"))
        _check_day(day, locked.approved_on, _("de goedkeuring"))
        old, locked.status, locked.started_on = locked.status, Status.RUNNING, day
        locked.save()
        _record_status(actor, locked, old, on=day.isoformat())
    return locked


def complete_trajectory(
    actor: User,
    trajectory: Trajectory,
    *,
    on: dt.date | None = None,
    deliverable: str | None = None,
) -> Trajectory:
    """Completed: the deliverable is described (given here, or already)."""
    require(can_propose(actor, trajectory.programme))
    day = _today(on)
    with transaction.atomic():
        locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
        _refuse_status(locked, [Status.RUNNING], pgettext("trajectory action", "afronden"))
        _check_day(day, locked.started_on, _("de start"))
        if deliverable is not None and deliverable.strip():
            locked.deliverable = deliverable.strip()
        if not locked.deliverable:
            raise ValidationError({"deliverable": _("Beschrijf het opgeleverde resultaat.")})
        old, locked.status, locked.completed_on = locked.status, Status.COMPLETED, day
        locked.save()
        _record_status(actor, locked, old, on=day.isoformat())
        from loket.monitoring.services import survey

        survey.after_trajectory_completed(locked)  # the satisfaction survey, on commit
    return locked


def evaluate_trajectory(
    actor: User, trajectory: Trajectory, *, evaluation: str, on: dt.date | None = None
) -> Trajectory:
    require(can_propose(actor, trajectory.programme))
    day = _today(on)
    text = (evaluation or "").strip()
    with transaction.atomic():
        locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
        _refuse_status(locked, [Status.COMPLETED], pgettext("trajectory action", "evalueren"))
        _check_day(day, locked.completed_on, _("de afronding"))
        if not text:
            raise ValidationError({"evaluation": _("Schrijf de evaluatie op.")})
        old, locked.status = locked.status, Status.EVALUATED
        locked.evaluated_on, locked.evaluation = day, text
        locked.save()
        _record_status(actor, locked, old, on=day.isoformat())
    return locked


def withdraw_trajectory(
    actor: User, trajectory: Trajectory, *, reason: str, on: dt.date | None = None
) -> Trajectory:
    """Withdraw a trajectory before it is completed: its number and budget are free
    again and an unredeemed voucher lapses. A voucher already paid cannot be undone."""
    require(can_propose(actor, trajectory.programme))
    day = _today(on)
    text = (reason or "").strip()
    with transaction.atomic():
        locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
        _refuse_status(
            locked,
            [Status.APPLIED, Status.APPROVED, Status.RUNNING],
            pgettext("trajectory action", "intrekken"),
        )
        if not text:
            raise ValidationError({"reason": _("Geef de reden van het intrekken.")})
        _check_day(day, locked.applied_on, _("de aanvraag"))
        voucher = Voucher.objects.select_for_update().filter(trajectory=locked).first()
        if voucher is not None and voucher.status == Voucher.Status.REDEEMED:
            raise ValidationError(
                _(
                    "Op de voucher van dit traject is al betaald; een betaald traject kan niet "
                    "meer worden ingetrokken."
                )
            )
        old, locked.status = locked.status, Status.WITHDRAWN
        locked.withdrawn_on, locked.withdrawal_reason = day, text
        locked.save()
        details: dict[str, Any] = {"on": day.isoformat()}
        if voucher is not None and voucher.status == Voucher.Status.ISSUED:
            voucher.status = Voucher.Status.CANCELLED
            voucher.save(update_fields=["status"])
            details["voucher"] = [Voucher.Status.ISSUED.value, Voucher.Status.CANCELLED.value]
        _record_status(actor, locked, old, **details)
    return locked


def transition(actor: User, trajectory: Trajectory, to: str, **kwargs: Any) -> Trajectory:
    """One step in the life of a trajectory by the status it goes to."""
    if to == Status.APPROVED:
        return approve_trajectory(actor, trajectory, **kwargs)
    if to == Status.RUNNING:
        return start_trajectory(actor, trajectory, **kwargs)
    if to == Status.COMPLETED:
        return complete_trajectory(actor, trajectory, **kwargs)
    if to == Status.EVALUATED:
        return evaluate_trajectory(actor, trajectory, **kwargs)
    if to == Status.WITHDRAWN:
        return withdraw_trajectory(actor, trajectory, **kwargs)
    raise ValidationError({"status": _("Een traject kan niet terug naar 'aangevraagd'.")})


# --- the history of a trajectory -----------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime  # when it was recorded
    who: str
    text: str
    on: dt.date | None = None  # the day of the step, when one was given


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def history(trajectory: Trajectory) -> list[HistoryEntry]:
    """What happened to the trajectory, oldest first, from the audit trail (one query)."""
    labels = dict(Status.choices)
    events = AuditEvent.objects.filter(
        object_type=Trajectory._meta.label_lower, object_id=trajectory.pk
    ).order_by("at", "id")
    out: list[HistoryEntry] = []
    for event in events:
        changes = event.changes if isinstance(event.changes, dict) else {}
        status = changes.get("status")
        voucher = changes.get("voucher")
        if isinstance(status, list) and len(status) == 2:
            text = str(labels.get(status[1], status[1]))
            if isinstance(voucher, str):
                text = _("%(status)s; voucher %(code)s uitgegeven") % {
                    "status": text,
                    "code": voucher,
                }
            elif voucher:
                text = _("%(status)s; de voucher is vervallen") % {"status": text}
        elif "invoice_number" in changes:
            text = _("factuur geregistreerd; voucher verzilverd")
        elif event.action == AuditEvent.Action.CHANGE:
            text = _("gegevens gewijzigd")
        else:
            text = str(event.get_action_display())
        out.append(
            HistoryEntry(at=event.at, who=event.actor_label, text=text, on=_day(changes.get("on")))
        )
    return out


# --- the company page ------------------------------------------------------------------------


def trajectories_for_company(user: Any, company: Company) -> list[Trajectory] | None:
    """The trajectories a company takes part in (as applicant, lead or participant), for
    its page; None for a user who does not see the region's trajectories (one query)."""
    if company.region_id not in scope_of(user).programme_region_ids():
        return None
    return list(
        Trajectory.objects.filter(participations__company=company)
        .select_related("scheme", "programme", "voucher")
        .order_by("-applied_on", "-id")
        .distinct()
    )
