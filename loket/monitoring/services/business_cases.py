"""Business cases of a development agency: create, change, delete.

Who: the staff of the business case's organisation (an executing organisation of the
programme) or the programme manager (``queries.business_case_organisations``); on
change and delete the case's own organisation or the programme manager
(``queries.can_edit_business_case``).

The rules (``_check``):

- the organisation is one the actor keeps business cases for in the programme;
- the company is one the actor may see, of the programme's region (checked when it is
  chosen, not again on every change);
- numbers are not negative (and fit their columns: the model's validators);
- realised figures need the date they were measured (``realised_on``); that date is not
  in the future and not before the project started; a date without any realised figure
  is refused too (it would say something was measured that was not).

Every change is one transaction with one audit event (the figures before and after).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.companies.queries import companies_visible_to
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require
from loket.monitoring.models import BusinessCase
from loket.monitoring.queries import business_case_organisations, can_edit_business_case
from loket.programmes.models import Programme

FIELDS = (
    "organisation",
    "company",
    "title",
    "started_on",
    "expected_turnover",
    "expected_value",
    "expected_fte",
    "realised_turnover",
    "realised_value",
    "realised_fte",
    "realised_on",
    "note",
)
EXPECTED = ("expected_turnover", "expected_value", "expected_fte")
REALISED = ("realised_turnover", "realised_value", "realised_fte")
TEXT = ("title", "note")
PLACES = {"fte": Decimal("0.1")}
CENTS = Decimal("0.01")


def may_create(actor: User, programme: Programme) -> bool:
    return business_case_organisations(actor, programme).exists()


def _scaled(key: str, value: Decimal) -> Decimal:
    """The number with the column's places ('250000' -> '250000.00'), so an unchanged
    figure is no change; a number with more places is left for the model to refuse."""
    quantum = PLACES["fte"] if key.endswith("fte") else CENTS
    try:
        scaled = value.quantize(quantum)
    except InvalidOperation:
        return value
    return scaled if scaled == value else value


def _apply(case: BusinessCase, data: Mapping[str, Any]) -> None:
    for key in FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key in TEXT:
            value = (value or "").strip()
        elif key in EXPECTED and value is None:
            value = Decimal("0")
        if isinstance(value, Decimal) and value.is_finite():
            value = _scaled(key, value)
        setattr(case, key, value)


def _check(actor: User, case: BusinessCase, *, check_company: bool = True) -> None:
    errors: dict[str, list[str]] = {}
    try:
        case.full_clean(exclude=["programme", "organisation", "company", "created_by", "region"])
    except ValidationError as exc:
        errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    programme = case.programme
    if case.organisation_id is None:
        errors["organisation"] = [_("Kies de organisatie.")]
    elif not business_case_organisations(actor, programme).filter(pk=case.organisation_id).exists():
        errors["organisation"] = [
            _("Voor deze organisatie houdt u geen businesscases bij in dit programma.")
        ]
    if case.company_id is None:
        errors["company"] = [_("Kies het bedrijf.")]
    elif check_company and (
        not companies_visible_to(actor)
        .filter(pk=case.company_id, region_id=programme.region_id)
        .exists()
    ):
        errors["company"] = [_("Dit bedrijf is niet gevonden in de regio van het programma.")]
    has_realised = any(getattr(case, name) is not None for name in REALISED)
    if case.realised_on is None:
        if has_realised and "realised_on" not in errors:
            errors["realised_on"] = [
                _("Vul in op welke datum de gerealiseerde cijfers zijn vastgesteld.")
            ]
    elif "realised_on" not in errors:
        if not has_realised:
            errors["realised_on"] = [
                _("Vul ook de gerealiseerde cijfers in, of laat deze datum leeg.")
            ]
        elif case.realised_on > timezone.localdate():
            errors["realised_on"] = [_("De realisatie kan niet in de toekomst zijn vastgesteld.")]
        elif case.started_on and case.realised_on < case.started_on:
            errors["realised_on"] = [_("De realisatie ligt niet vóór de start van het project.")]
    if errors:
        raise ValidationError(errors)


def create_business_case(
    actor: User, programme: Programme, data: Mapping[str, Any]
) -> BusinessCase:
    """A new business case of ``programme``."""
    require(may_create(actor, programme))
    case = BusinessCase(region_id=programme.region_id, programme=programme, created_by=actor)
    _apply(case, data)
    _check(actor, case)
    with transaction.atomic():
        case.save()
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            case,
            company_id=case.company_id,
            changes=audit.diff({}, audit.snapshot(case, FIELDS)),
        )
    return case


def update_business_case(actor: User, case: BusinessCase, data: Mapping[str, Any]) -> BusinessCase:
    """Change the fields present in ``data``; the rules hold for the whole."""
    require(can_edit_business_case(actor, case))
    with transaction.atomic():
        locked = (
            BusinessCase.objects.select_for_update(of=("self",))
            .select_related("programme")
            .get(pk=case.pk)
        )
        before = audit.snapshot(locked, FIELDS)
        old_company_id = locked.company_id
        _apply(locked, data)
        # The company is checked when it changes: a partner keeps the business cases of
        # their organisation even with a company they no longer see.
        _check(actor, locked, check_company=locked.company_id != old_company_id)
        locked.save()
        changes = audit.diff(before, audit.snapshot(locked, FIELDS))
        if changes:
            audit.record(
                actor,
                AuditEvent.Action.CHANGE,
                locked,
                company_id=locked.company_id,
                changes=changes,
            )
            if old_company_id != locked.company_id:
                audit.record(
                    actor,
                    AuditEvent.Action.CHANGE,
                    locked,
                    company_id=old_company_id,
                    changes={"company": changes.get("company", [])},
                )
    return locked


def delete_business_case(actor: User, case: BusinessCase) -> None:
    require(can_edit_business_case(actor, case))
    with transaction.atomic():
        audit.record(
            actor,
            AuditEvent.Action.DELETE,
            case,
            company_id=case.company_id,
            changes=audit.diff(audit.snapshot(case, FIELDS), {}),
        )
        case.delete()
