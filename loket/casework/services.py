"""Domain operations on contact moments, help requests (cases) and referrals.

The main path: ``open_case`` -> ``record_contact`` (intake, first response) -> ``refer``
-> the partner ``accept_referral`` / ``decline_referral`` -> ``complete_referral`` with
feedback -> ``change_status`` to closed. Each operation checks permission, validates,
writes the audit trail in its transaction and queues mail only after commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Organisation, User
from loket.casework.models import Case, ContactMoment, Referral
from loket.catalogue.models import Instrument
from loket.companies.models import Company, Person
from loket.core import audit
from loket.core.models import AuditEvent, Need, Theme
from loket.core.permissions import require, scope_of
from loket.core.workdays import add_working_days

S = Case.Status

# The status pipeline: which status may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.INTAKE, S.IN_PROGRESS, S.REFERRED, S.WAITING, S.CLOSED}),
    S.INTAKE: frozenset({S.IN_PROGRESS, S.REFERRED, S.WAITING, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.REFERRED, S.WAITING, S.CLOSED}),
    S.REFERRED: frozenset({S.IN_PROGRESS, S.WAITING, S.CLOSED}),
    S.WAITING: frozenset({S.IN_PROGRESS, S.REFERRED, S.CLOSED}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),
}

CONTACT_FIELDS = (
    "kind",
    "occurred_at",
    "duration_minutes",
    "summary",
    "follow_up_on",
    "confidential",
    "signal",
    "case",
)
CONTACT_M2M = ("persons", "themes", "needs")
CASE_AUDIT_FIELDS = (
    "channel",
    "question",
    "status",
    "owner",
    "organisation",
    "deadline",
    "first_response_at",
    "closed_at",
    "outcome",
    "outcome_note",
    "person",
)
MAX_CONTACT_MINUTES = 24 * 60


# --- helpers -------------------------------------------------------------------------


def acting_organisation(
    actor: User, region_id: int, organisation: Organisation | None = None
) -> Organisation:
    """The organisation the actor works for in this record: the one named if the actor
    belongs to it, else their programme organisation, else their first one."""
    scope = scope_of(actor)
    if organisation is not None:
        if not scope.is_member_of(organisation.pk) or organisation.region_id != region_id:
            raise ValidationError(
                {"organisation": _("U werkt niet voor deze organisatie in deze regio.")}
            )
        return organisation
    orgs = scope.organisations_in(region_id)
    require(bool(orgs))
    return Organisation.objects.get(pk=orgs[0])


def allowed_transitions(case: Case) -> list[str]:
    return [s for s in S.values if s in TRANSITIONS[case.status]]


def _case_snapshot(case: Case) -> dict[str, Any]:
    return audit.snapshot(case, (*CASE_AUDIT_FIELDS, "themes"))


def _on_commit_enqueue(task: Any, *args: Any) -> None:
    transaction.on_commit(lambda: task.enqueue(*args))


# --- cases ---------------------------------------------------------------------------


def compute_deadline(opened_at: dt.datetime, working_days: int) -> dt.datetime:
    """The first-response deadline: the region's service level in working days, with
    weekends and Dutch public holidays not counted, in Amsterdam time."""
    local = timezone.localtime(opened_at)
    return add_working_days(local, working_days)


def open_case(
    actor: User | None,
    company: Company,
    *,
    channel: str,
    question: str,
    themes: Iterable[Theme] = (),
    owner: User | None = None,
    person: Person | None = None,
    organisation: Organisation | None = None,
    opened_at: dt.datetime | None = None,
) -> Case:
    """Open a help request with an owner and a first-response deadline.

    The owner defaults to the actor when they work cases, else to the company's account
    manager. The owner must hold a case role (advisor, specialist, programme manager) in
    the company's region. ``actor`` None is the public portal: the owner must be given.
    """
    if actor is not None:
        scope = scope_of(actor)
        require(company.region_id in scope.region_ids)
        if owner is None:
            owner = actor if scope.can_work_cases(company.region_id) else company.account_manager
    errors: dict[str, str] = {}
    if owner is None:
        errors["owner"] = _("Kies wie deze hulpvraag oppakt.")
    elif not scope_of(owner).can_work_cases(company.region_id) or not owner.is_active:
        errors["owner"] = _("Deze persoon kan geen hulpvragen behandelen in deze regio.")
    if not (question or "").strip():
        errors["question"] = _("Beschrijf de vraag van de ondernemer.")
    if channel not in Case.Channel.values:
        errors["channel"] = _("Kies een geldig kanaal.")
    if person is not None and person.company_id != company.pk:
        errors["person"] = _("Deze persoon is geen contactpersoon van dit bedrijf.")
    if errors:
        raise ValidationError(errors)
    assert owner is not None
    opened_at = opened_at or timezone.now()
    owner_org = acting_organisation(owner, company.region_id, organisation)
    case = Case(
        region_id=company.region_id,
        reference=uuid.uuid4().hex[:20],
        company=company,
        person=person,
        channel=channel,
        question=question.strip(),
        owner=owner,
        organisation=owner_org,
        opened_at=opened_at,
        deadline=compute_deadline(opened_at, company.region.first_response_working_days),
        created_by=actor,
    )
    case.full_clean(exclude=["reference"])
    with transaction.atomic():
        case.save()
        case.reference = f"HV-{timezone.localtime(opened_at).year}-{case.pk:06d}"
        case.save(update_fields=["reference"])
        case.themes.set(list(themes))
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            case,
            company_id=company.pk,
            changes=audit.diff({}, _case_snapshot(case)),
        )
    return case


def can_work_case(actor: User, case: Case) -> bool:
    """The owner and every case worker of the region may change a case and refer it."""
    return case.owner_id == actor.pk or scope_of(actor).can_work_cases(case.region_id)


def can_change_contact_moment(actor: User, moment: ContactMoment) -> bool:
    """Only the author's organisation edits or deletes a contact moment."""
    return scope_of(actor).is_member_of(moment.organisation_id)


def can_answer_referral(actor: User, referral: Referral) -> bool:
    """Only the receiving organisation accepts, declines or completes a referral."""
    return scope_of(actor).is_member_of(referral.to_organisation_id)


def can_send_referral(actor: User, referral: Referral) -> bool:
    return referral.created_by_id == actor.pk or scope_of(actor).can_work_cases(referral.region_id)


def _require_case_worker(actor: User, case: Case) -> None:
    require(can_work_case(actor, case))


def change_status(
    actor: User,
    case: Case,
    status: str,
    *,
    outcome: str = "",
    outcome_note: str = "",
) -> Case:
    """Move a case along the pipeline; closing needs an outcome; reopening clears it."""
    _require_case_worker(actor, case)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if status not in S.values:
            raise ValidationError({"status": _("Onbekende status.")})
        if status not in TRANSITIONS[case.status]:
            raise ValidationError(
                {
                    "status": _("Van “%(from)s” kan een hulpvraag niet naar “%(to)s”.")
                    % {"from": S(case.status).label, "to": S(status).label}
                }
            )
        before = _case_snapshot(case)
        now = timezone.now()
        if status == S.CLOSED:
            if outcome not in Case.Outcome.values:
                raise ValidationError({"outcome": _("Kies de uitkomst om af te sluiten.")})
            case.outcome = outcome
            case.outcome_note = (outcome_note or "").strip()
            case.closed_at = now
        elif case.status == S.CLOSED:
            case.outcome = ""
            case.outcome_note = ""
            case.closed_at = None
        if case.first_response_at is None and status != S.NEW:
            case.first_response_at = now
        case.status = status
        case.save()
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            case,
            company_id=case.company_id,
            changes=audit.diff(before, _case_snapshot(case)),
        )
        if status == S.CLOSED:
            from loket.monitoring.services import survey

            survey.after_case_closed(case)  # the satisfaction survey, on commit
    return case


def update_case(actor: User, case: Case, data: Mapping[str, Any]) -> Case:
    """Change the question, themes, contact person or owner of a case."""
    _require_case_worker(actor, case)
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("company").get(pk=case.pk)
        before = _case_snapshot(case)
        if "owner" in data and data["owner"] != case.owner:
            owner = data["owner"]
            if (
                owner is None
                or not owner.is_active
                or not scope_of(owner).can_work_cases(case.region_id)
            ):
                raise ValidationError(
                    {"owner": _("Deze persoon kan geen hulpvragen behandelen in deze regio.")}
                )
            case.owner = owner
            case.organisation = acting_organisation(owner, case.region_id)
        if "question" in data:
            if not (data["question"] or "").strip():
                raise ValidationError({"question": _("Beschrijf de vraag van de ondernemer.")})
            case.question = data["question"].strip()
        if "person" in data:
            person = data["person"]
            if person is not None and person.company_id != case.company_id:
                raise ValidationError(
                    {"person": _("Deze persoon is geen contactpersoon van dit bedrijf.")}
                )
            case.person = person
        if "channel" in data:
            case.channel = data["channel"]
        case.full_clean()
        case.save()
        if "themes" in data:
            case.themes.set(list(data["themes"]))
        changes = audit.diff(before, _case_snapshot(case))
        if changes:
            audit.record(
                actor, AuditEvent.Action.CHANGE, case, company_id=case.company_id, changes=changes
            )
    return case


# --- contact moments -------------------------------------------------------------------


def record_contact(
    actor: User,
    company: Company,
    *,
    kind: str,
    summary: str,
    occurred_at: dt.datetime | None = None,
    duration_minutes: int | None = None,
    persons: Iterable[Person] = (),
    themes: Iterable[Theme] = (),
    needs: Iterable[Need] = (),
    follow_up_on: dt.date | None = None,
    confidential: bool = False,
    case: Case | None = None,
    organisation: Organisation | None = None,
    signal: str = "",
) -> ContactMoment:
    """Record a contact moment (an intake when ``kind`` is intake, with the needs heard).

    Linked to an open case, the first contact by the case's organisation counts as the
    first response, and an intake moves a new case to the intake status.
    """
    scope = scope_of(actor)
    require(company.region_id in scope.region_ids)
    org = acting_organisation(actor, company.region_id, organisation)
    persons, themes, needs = list(persons), list(themes), list(needs)
    occurred_at = occurred_at or timezone.now()
    _validate_contact(company, case, occurred_at, duration_minutes, follow_up_on, persons)
    moment = ContactMoment(
        region_id=company.region_id,
        company=company,
        case=case,
        kind=kind,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        author=actor,
        organisation=org,
        summary=(summary or "").strip(),
        follow_up_on=follow_up_on,
        confidential=confidential,
        signal=(signal or "").strip(),
    )
    moment.full_clean()
    with transaction.atomic():
        moment.save()
        moment.persons.set(persons)
        moment.themes.set(themes)
        moment.needs.set(needs)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            moment,
            company_id=company.pk,
            changes=audit.diff({}, audit.snapshot(moment, (*CONTACT_FIELDS, *CONTACT_M2M))),
        )
        if case is not None:
            _note_response(actor, case, moment)
    return moment


def _validate_contact(
    company: Company,
    case: Case | None,
    occurred_at: dt.datetime | None,
    duration_minutes: int | None,
    follow_up_on: dt.date | None,
    persons: Iterable[Person],
) -> None:
    """The rules a contact moment keeps, on record and on change alike."""
    errors: dict[str, str] = {}
    for person in persons:
        if person.company_id != company.pk:
            errors["persons"] = _("Deze persoon is geen contactpersoon van dit bedrijf.")
    if case is not None and case.company_id != company.pk:
        errors["case"] = _("Deze hulpvraag hoort bij een ander bedrijf.")
    if occurred_at is not None and occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = _("Een contactmoment kan niet in de toekomst liggen.")
    if duration_minutes is not None and not 0 < duration_minutes <= MAX_CONTACT_MINUTES:
        errors["duration_minutes"] = _("De duur ligt tussen 1 minuut en 24 uur.")
    if (
        follow_up_on is not None
        and occurred_at is not None
        and follow_up_on < timezone.localtime(occurred_at).date()
    ):
        errors["follow_up_on"] = _("De opvolgdatum ligt niet vóór het contactmoment.")
    if errors:
        raise ValidationError(errors)


def _note_response(actor: User, case: Case, moment: ContactMoment) -> None:
    """A contact on a case is its first response (never earlier than the case was opened,
    never later than now); an intake moves a new case to intake, any other contact to in
    progress."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = _case_snapshot(case)
    if case.first_response_at is None:
        case.first_response_at = max(min(moment.occurred_at, timezone.now()), case.opened_at)
    if case.status == S.NEW:
        case.status = S.INTAKE if moment.kind == ContactMoment.Kind.INTAKE else S.IN_PROGRESS
    changes = audit.diff(before, _case_snapshot(case))
    if changes:
        case.save()
        audit.record(
            actor, AuditEvent.Action.CHANGE, case, company_id=case.company_id, changes=changes
        )


def update_contact_moment(
    actor: User, moment: ContactMoment, data: Mapping[str, Any]
) -> ContactMoment:
    """Only the author's organisation changes a contact moment; the rules of
    ``record_contact`` hold, and newly linking a case counts as a response to it."""
    require(can_change_contact_moment(actor, moment))
    fields = (*CONTACT_FIELDS, *CONTACT_M2M)
    with transaction.atomic():
        moment = (
            ContactMoment.objects.select_for_update().select_related("company").get(pk=moment.pk)
        )
        before = audit.snapshot(moment, fields)
        old_case_id = moment.case_id
        for key in CONTACT_FIELDS:
            if key in data:
                setattr(moment, key, data[key])
        if isinstance(moment.summary, str):
            moment.summary = moment.summary.strip()
        moment.signal = (moment.signal or "").strip()
        persons = list(data["persons"]) if "persons" in data else []
        _validate_contact(
            moment.company,
            moment.case,
            moment.occurred_at,
            moment.duration_minutes,
            moment.follow_up_on,
            persons,
        )
        moment.full_clean()
        moment.save()
        for key in CONTACT_M2M:
            if key in data:
                getattr(moment, key).set(list(data[key]))
        if moment.case is not None and moment.case_id != old_case_id:
            _note_response(actor, moment.case, moment)
        changes = audit.diff(before, audit.snapshot(moment, fields))
        if changes:
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                moment,
                company_id=moment.company_id,
                changes=changes,
            )
    return moment


def delete_contact_moment(actor: User, moment: ContactMoment) -> None:
    require(can_change_contact_moment(actor, moment))
    with transaction.atomic():
        audit.record(
            actor,
            AuditEvent.Action.DELETE,
            moment,
            company_id=moment.company_id,
            changes=audit.diff(audit.snapshot(moment, CONTACT_FIELDS), {}),
        )
        moment.delete()


# --- referrals -----------------------------------------------------------------------


def _referral_snapshot(referral: Referral) -> dict[str, Any]:
    return audit.snapshot(
        referral,
        (
            "status",
            "to_organisation",
            "instrument",
            "message",
            "decline_reason",
            "feedback",
            "handled_by",
        ),
    )


def instrument_contact_in_region(instrument: Instrument, region_id: int) -> Organisation | None:
    """The organisation a referral to ``instrument`` goes to in this region: its contact
    organisation when that works in the region. None (a national scheme, or a contact
    organisation elsewhere): the advisor picks the partner who helps with it."""
    contact = instrument.contact_organisation
    if contact is not None and contact.region_id == region_id:
        return contact
    return None


def instrument_problems(case: Case, instrument: Instrument) -> dict[str, str]:
    """Why a case cannot be referred to this instrument: it does not apply in the case's
    region, or it is not current (unpublished, closed, past its deadline, budget gone)."""
    from loket.catalogue.queries import region_q

    applies = Instrument.objects.filter(region_q(case.region_id)).filter(pk=instrument.pk).exists()
    if not applies:
        return {"instrument": _("Dit instrument geldt niet in de regio van dit bedrijf.")}
    if not instrument.is_current():
        return {
            "instrument": _(
                "Dit instrument is niet open: niet gepubliceerd, gesloten, de termijn is "
                "verstreken of het budget is op."
            )
        }
    return {}


def _referral_target_problem(
    case: Case, to_organisation: Organisation, instrument: Instrument | None
) -> str:
    """Why the case cannot go to this organisation (empty: it can). The same case may be
    open at one organisation for several instruments, but not twice for the same one."""
    contact = instrument_contact_in_region(instrument, case.region_id) if instrument else None
    if instrument is not None and contact is not None and to_organisation.pk != contact.pk:
        return _(
            "Een verwijzing naar %(instrument)s gaat naar de contactorganisatie %(organisation)s."
        ) % {"instrument": instrument.name, "organisation": contact.name}
    if to_organisation.region_id != case.region_id:
        return _("Deze organisatie werkt niet in de regio van het bedrijf.")
    if to_organisation.pk == case.organisation_id:
        return _("Verwijs naar een andere organisatie dan de eigen.")
    if Referral.objects.filter(
        case=case,
        to_organisation=to_organisation,
        instrument=instrument,
        status__in=Referral.OPEN_STATUSES,
    ).exists():
        if instrument is not None:
            return _(
                "Deze hulpvraag staat al open bij deze organisatie voor dit instrument; wacht "
                "op hun reactie."
            )
        return _("Deze hulpvraag staat al open bij deze organisatie; wacht op hun reactie.")
    return ""


def refer(
    actor: User,
    case: Case,
    *,
    to_organisation: Organisation,
    message: str,
    send: bool = True,
    instrument: Instrument | None = None,
) -> Referral:
    """Refer a case to a partner organisation, optionally for an instrument of the
    catalogue. The case owner stays its owner; sending notifies the receiving
    organisation by e-mail (a background task).

    A referral for an instrument goes to the instrument's contact organisation when it
    has one in the case's region; the instrument must apply in that region and be
    current. Which instrument it was is kept on the referral and in the audit trail."""
    from loket.casework import tasks

    _require_case_worker(actor, case)
    errors: dict[str, str] = {}
    if instrument is not None:
        errors.update(instrument_problems(case, instrument))
    org_problem = _referral_target_problem(case, to_organisation, instrument)
    if org_problem:
        errors["to_organisation"] = org_problem
    if not (message or "").strip():
        errors["message"] = _("Schrijf de partner wat er van hen gevraagd wordt.")
    if not case.is_open:
        errors["__all__"] = _("Een afgesloten hulpvraag kan niet worden doorverwezen.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = Referral.objects.create(
            region_id=case.region_id,
            case=case,
            company_id=case.company_id,
            from_organisation=acting_organisation(actor, case.region_id),
            to_organisation=to_organisation,
            instrument=instrument,
            created_by=actor,
            message=message.strip(),
            status=Referral.Status.SENT if send else Referral.Status.PROPOSED,
            sent_at=timezone.now() if send else None,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            referral,
            company_id=case.company_id,
            changes=audit.diff({}, _referral_snapshot(referral)),
        )
        if send:
            _mark_case_referred(actor, case)
            _on_commit_enqueue(tasks.notify_referral_received, referral.pk)
    return referral


def _mark_case_referred(actor: User, case: Case) -> None:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != S.REFERRED and S.REFERRED in TRANSITIONS[case.status]:
        before = _case_snapshot(case)
        case.status = S.REFERRED
        if case.first_response_at is None:
            case.first_response_at = timezone.now()
        case.save()
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            case,
            company_id=case.company_id,
            changes=audit.diff(before, _case_snapshot(case)),
        )


def _transition_referral(
    actor: User,
    referral: Referral,
    *,
    allowed_from: tuple[str, ...],
    to: str,
    receiving_side: bool,
    **fields: Any,
) -> Referral:
    if receiving_side:
        require(can_answer_referral(actor, referral))
    else:
        require(can_send_referral(actor, referral))
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status not in allowed_from:
            raise ValidationError(
                {
                    "status": _("Deze verwijzing is al “%(status)s”.")
                    % {"status": Referral.Status(referral.status).label}
                }
            )
        before = _referral_snapshot(referral)
        referral.status = to
        for key, value in fields.items():
            setattr(referral, key, value)
        referral.save()
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            referral,
            company_id=referral.company_id,
            changes=audit.diff(before, _referral_snapshot(referral)),
        )
    return referral


def send_referral(actor: User, referral: Referral) -> Referral:
    """Send a proposed referral to the partner (not for an instrument that closed since)."""
    from loket.casework import tasks

    require(can_send_referral(actor, referral))
    instrument = referral.instrument
    if (
        referral.status == Referral.Status.PROPOSED
        and instrument is not None
        and not instrument.is_current()
    ):
        raise ValidationError(
            {
                "instrument": _(
                    "%(instrument)s is niet meer open; verwijs opnieuw, naar een ander instrument."
                )
                % {"instrument": instrument.name}
            }
        )
    with transaction.atomic():
        referral = _transition_referral(
            actor,
            referral,
            allowed_from=(Referral.Status.PROPOSED,),
            to=Referral.Status.SENT,
            receiving_side=False,
            sent_at=timezone.now(),
        )
        _mark_case_referred(actor, referral.case)
        _on_commit_enqueue(tasks.notify_referral_received, referral.pk)
    return referral


def accept_referral(actor: User, referral: Referral) -> Referral:
    from loket.casework import tasks

    with transaction.atomic():
        referral = _transition_referral(
            actor,
            referral,
            allowed_from=(Referral.Status.SENT,),
            to=Referral.Status.ACCEPTED,
            receiving_side=True,
            handled_by=actor,
            responded_at=timezone.now(),
        )
        _on_commit_enqueue(tasks.notify_referral_answered, referral.pk)
    return referral


def decline_referral(actor: User, referral: Referral, reason: str) -> Referral:
    from loket.casework import tasks

    if not (reason or "").strip():
        raise ValidationError({"decline_reason": _("Geef aan waarom u de verwijzing afwijst.")})
    with transaction.atomic():
        referral = _transition_referral(
            actor,
            referral,
            allowed_from=(Referral.Status.SENT, Referral.Status.ACCEPTED),
            to=Referral.Status.DECLINED,
            receiving_side=True,
            handled_by=actor,
            responded_at=timezone.now(),
            decline_reason=reason.strip(),
        )
        _return_case_to_owner(actor, referral)
        _on_commit_enqueue(tasks.notify_referral_answered, referral.pk)
    return referral


def complete_referral(actor: User, referral: Referral, feedback: str) -> Referral:
    """The partner reports back; the case returns to its owner to follow up or close."""
    from loket.casework import tasks

    if not (feedback or "").strip():
        raise ValidationError({"feedback": _("Schrijf kort wat u voor het bedrijf deed.")})
    with transaction.atomic():
        referral = _transition_referral(
            actor,
            referral,
            allowed_from=(Referral.Status.ACCEPTED,),
            to=Referral.Status.COMPLETED,
            receiving_side=True,
            handled_by=actor,
            completed_at=timezone.now(),
            feedback=feedback.strip(),
        )
        _return_case_to_owner(actor, referral)
        _on_commit_enqueue(tasks.notify_referral_answered, referral.pk)
    return referral


def _return_case_to_owner(actor: User, referral: Referral) -> None:
    """When no referral of the case is open any more, a referred case is back in progress."""
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    still_open = (
        Referral.objects.filter(case=case, status__in=Referral.OPEN_STATUSES)
        .exclude(pk=referral.pk)
        .exists()
    )
    if case.status == S.REFERRED and not still_open:
        before = _case_snapshot(case)
        case.status = S.IN_PROGRESS
        case.save()
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            case,
            company_id=case.company_id,
            changes=audit.diff(before, _case_snapshot(case)),
        )
