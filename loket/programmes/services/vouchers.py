"""Vouchers: issued to the lead company when a trajectory is approved, with a unique code
nobody can guess, and redeemed when the supplier's invoice is registered; from then on
the paid amount (the invoice's, at most the voucher's) is what counts."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.permissions import require
from loket.programmes.models import (
    Programme,
    Trajectory,
    Voucher,
)
from loket.programmes.queries import can_edit_plan

# Voucher codes: no 0/O, 1/I/L or U/V to misread or mistype.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def can_register_invoice(user: Any, programme: Programme) -> bool:
    """Invoices are money: programme managers and administrators."""
    return can_edit_plan(user, programme)


def new_code(programme: Programme, choice: Callable[[str], str] | None = None) -> str:
    """A voucher code like 'IBDO-7KQ4-M2XP': the initials of the programme's name (or the
    letters of its one word) and random groups from an alphabet without look-alikes.
    ``choice`` is ``secrets.choice``; the demo passes a seeded one."""
    draw = choice or secrets.choice
    words = [w for w in programme.name.upper().split() if "A" <= w[0] <= "Z"]
    if len(words) > 1:
        letters = "".join(w[0] for w in words)
    else:
        letters = "".join(ch for ch in (words[0] if words else "") if "A" <= ch <= "Z")
    prefix = letters[:4] or "VCH"
    groups = [
        "".join(draw(CODE_ALPHABET) for _i in range(CODE_GROUP_LENGTH)) for _g in range(CODE_GROUPS)
    ]
    return "-".join([prefix, *groups])


def issue_voucher(trajectory: Trajectory, amount: Decimal, on: dt.date) -> Voucher:
    """The voucher of the trajectory for its lead company, with a code nobody has yet
    (a clash with an existing code is tried again, inside a savepoint)."""
    for _attempt in range(20):
        code = new_code(trajectory.programme)
        try:
            with transaction.atomic():
                return Voucher.objects.create(
                    region_id=trajectory.region_id,
                    trajectory=trajectory,
                    company_id=trajectory.company_id,
                    code=code,
                    amount=amount,
                    issued_on=on,
                )
        except IntegrityError:
            if not Voucher.objects.filter(code=code).exists():
                raise
    raise RuntimeError("no free voucher code after 20 attempts")


def register_invoice(
    actor: User,
    trajectory: Trajectory,
    *,
    invoice_number: str,
    invoice_date: dt.date | None,
    invoice_amount: Decimal | None,
    paid_on: dt.date | None = None,
) -> Voucher:
    """The supplier's invoice redeems the voucher: the paid amount is the invoice's
    amount up to the voucher's, and from now on it is what counts for the budget."""
    require(can_register_invoice(actor, trajectory.programme))
    number = (invoice_number or "").strip()
    day = paid_on or timezone.localdate()
    errors: dict[str, str] = {}
    if not number:
        errors["invoice_number"] = _("Vul het factuurnummer in.")
    if invoice_amount is None or invoice_amount <= 0:
        errors["invoice_amount"] = _("Vul een bedrag groter dan nul in.")
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update().filter(trajectory_id=trajectory.pk).first()
        if voucher is None:
            raise ValidationError(_("Dit traject heeft geen voucher: het is niet goedgekeurd."))
        if voucher.status == Voucher.Status.CANCELLED:
            raise ValidationError(_("Deze voucher is vervallen; er kan geen factuur meer op."))
        if voucher.status == Voucher.Status.REDEEMED:
            raise ValidationError(
                _("Op deze voucher is al een factuur geregistreerd (%(number)s).")
                % {"number": voucher.invoice_number}
            )
        if invoice_date is not None:
            if invoice_date > timezone.localdate():
                errors["invoice_date"] = _("De factuurdatum ligt in de toekomst.")
            elif invoice_date < voucher.issued_on:
                errors["invoice_date"] = _(
                    "De factuurdatum ligt vóór de goedkeuring van het traject (%(date)s)."
                ) % {"date": _date(voucher.issued_on)}
        else:
            errors["invoice_date"] = _("Vul de factuurdatum in.")
        if day < voucher.issued_on or day > timezone.localdate():
            errors.setdefault("paid_on", _("Deze datum ligt buiten de looptijd van de voucher."))
        if errors:
            raise ValidationError(errors)
        voucher.invoice_number = number
        voucher.invoice_date = invoice_date
        voucher.invoice_amount = invoice_amount
        voucher.paid_amount = min(invoice_amount, voucher.amount)
        voucher.paid_on = day
        voucher.status = Voucher.Status.REDEEMED
        voucher.full_clean()
        voucher.save()
        audit.record(
            actor,
            AuditEvent.Action.CHANGE,
            trajectory,
            company_id=trajectory.company_id,
            changes={
                "voucher": [Voucher.Status.ISSUED.value, Voucher.Status.REDEEMED.value],
                "invoice_number": number,
                "invoice_amount": str(invoice_amount),
                "paid_amount": str(voucher.paid_amount),
                "on": day.isoformat(),
            },
        )
    return voucher
