"""Vouchers: the supplier's invoice redeems the voucher, the paid amount (at most the
voucher's) is what counts; a second invoice, an invoice on a lapsed voucher and dates
before the approval are refused; and the invoice form on the trajectory page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from loket.core.models import AuditEvent
from loket.programmes.models import Voucher
from loket.programmes.services import schemes
from loket.programmes.services import trajectories as services
from loket.programmes.services.vouchers import register_invoice
from tests.programmes.trajectory_factories import approved, setup, trajectory

D = Decimal


@pytest.fixture
def data(world):
    return setup(world)


def _invoice(user, t, **changes):
    values = {
        "invoice_number": "F-2025-001",
        "invoice_date": dt.date(2025, 5, 1),
        "invoice_amount": D("4000.00"),
        "paid_on": dt.date(2025, 5, 15),
        **changes,
    }
    return register_invoice(user, t, **values)


def test_the_invoice_redeems_the_voucher_and_the_paid_amount_counts(data, world):
    t = approved(data)
    voucher = _invoice(world.pam, t)
    assert voucher.status == Voucher.Status.REDEEMED
    assert (voucher.invoice_amount, voucher.paid_amount) == (D("4000.00"), D("4000.00"))
    assert voucher.paid_on == dt.date(2025, 5, 15)
    assert schemes.scheme_figures(data.scheme).committed_amount == D("4000.00")
    event = AuditEvent.objects.filter(object_id=t.pk, changes__has_key="invoice_number").get()
    assert event.company_id == data.bakker.pk
    assert event.changes["paid_amount"] == "4000.00"
    assert services.history(t)[-1].text == "factuur geregistreerd; voucher verzilverd"


def test_no_more_than_the_voucher_is_paid(data, world):
    voucher = _invoice(world.pam, approved(data), invoice_amount=D("5000.00"))
    assert voucher.paid_amount == D("4250.00")
    assert voucher.invoice_amount == D("5000.00")


def test_an_administrator_registers_invoices_too_but_an_advisor_does_not(data, world):
    t = approved(data)
    with pytest.raises(PermissionDenied):
        _invoice(world.alice, t)
    with pytest.raises(PermissionDenied):
        _invoice(world.bob, t)
    _invoice(world.adam, t)


def test_a_second_invoice_is_refused(data, world):
    t = approved(data)
    _invoice(world.pam, t)
    with pytest.raises(ValidationError) as exc:
        _invoice(world.pam, t, invoice_number="F-2025-002")
    assert exc.value.messages == ["Op deze voucher is al een factuur geregistreerd (F-2025-001)."]
    assert Voucher.objects.get().invoice_number == "F-2025-001"


def test_an_invoice_on_a_lapsed_voucher_or_without_a_voucher_is_refused(data, world):
    t = approved(data)
    services.withdraw_trajectory(world.alice, t, reason="Stopt.")
    with pytest.raises(ValidationError) as exc:
        _invoice(world.pam, t)
    assert exc.value.messages == ["Deze voucher is vervallen; er kan geen factuur meer op."]
    with pytest.raises(ValidationError) as exc:
        _invoice(world.pam, trajectory(data, company=data.smid))
    assert exc.value.messages == ["Dit traject heeft geen voucher: het is niet goedgekeurd."]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"invoice_date": dt.date(2025, 3, 9)},
            "invoice_date",
            "De factuurdatum ligt vóór de goedkeuring van het traject (10-03-2025).",
        ),
        (
            {"invoice_date": timezone.localdate() + dt.timedelta(days=3)},
            "invoice_date",
            "De factuurdatum ligt in de toekomst.",
        ),
        ({"invoice_date": None}, "invoice_date", "Vul de factuurdatum in."),
        ({"invoice_amount": D("0.00")}, "invoice_amount", "Vul een bedrag groter dan nul in."),
        ({"invoice_amount": D("-10.00")}, "invoice_amount", "Vul een bedrag groter dan nul in."),
        ({"invoice_number": "  "}, "invoice_number", "Vul het factuurnummer in."),
        (
            {"paid_on": dt.date(2025, 1, 1)},
            "paid_on",
            "Deze datum ligt buiten de looptijd van de voucher.",
        ),
    ],
)
def test_bad_invoices_are_refused_on_their_field(data, world, changes, field, message):
    t = approved(data)
    with pytest.raises(ValidationError) as exc:
        _invoice(world.pam, t, **changes)
    assert exc.value.message_dict[field] == [message]
    assert Voucher.objects.get().status == Voucher.Status.ISSUED


def test_a_paid_trajectory_is_not_withdrawn(data, world):
    t = approved(data)
    _invoice(world.pam, t)
    with pytest.raises(ValidationError) as exc:
        services.withdraw_trajectory(world.alice, t, reason="Toch niet.")
    assert "al betaald" in exc.value.messages[0]


# --- the invoice form on the trajectory page --------------------------------------------


def test_a_manager_registers_the_invoice_on_the_trajectory_page(data, world, login):
    t = approved(data)
    client = login(world.pam)
    page = client.get(reverse("programmes:trajectory_detail", args=[t.pk])).content.decode()
    assert "Factuur registreren" in page
    response = client.post(
        reverse("programmes:trajectory_invoice", args=[t.pk]),
        {
            "factuur-invoice_number": "2025-17",
            "factuur-invoice_date": "2025-05-01",
            "factuur-invoice_amount": "3.500,00",
        },
        follow=True,
    )
    html = response.content.decode()
    assert f"De factuur is geregistreerd; voucher {t.voucher.code} is verzilverd." in html
    assert "€ 3.500,00" in html
    assert Voucher.objects.get().paid_amount == D("3500.00")
    assert "Factuur registreren" not in html  # once only


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"factuur-invoice_amount": "0"}, "invoice_amount"),
        ({"factuur-invoice_amount": "-5"}, "invoice_amount"),
        ({"factuur-invoice_amount": "veel"}, "invoice_amount"),
        ({"factuur-invoice_amount": "1" * 20}, "invoice_amount"),
        ({"factuur-invoice_date": "2025-03-01"}, "invoice_date"),
        ({"factuur-invoice_date": "31-02-2025"}, "invoice_date"),
        ({"factuur-invoice_date": "9999-01-01"}, "invoice_date"),
        ({"factuur-invoice_date": ""}, "invoice_date"),
        ({"factuur-invoice_number": ""}, "invoice_number"),
        ({"factuur-invoice_number": "x" * 51}, "invoice_number"),
    ],
)
def test_garbage_in_the_invoice_form_is_shown_at_its_field(data, world, login, values, field):
    t = approved(data)
    posted = {
        "factuur-invoice_number": "2025-17",
        "factuur-invoice_date": "2025-05-01",
        "factuur-invoice_amount": "3500",
        **values,
    }
    response = login(world.pam).post(reverse("programmes:trajectory_invoice", args=[t.pk]), posted)
    assert response.status_code == 422
    assert f'id="id_factuur-{field}_error"' in response.content.decode()
    assert Voucher.objects.get().status == Voucher.Status.ISSUED


def test_an_advisor_cannot_post_an_invoice(data, world, login):
    t = approved(data)
    response = login(world.alice).post(
        reverse("programmes:trajectory_invoice", args=[t.pk]),
        {
            "factuur-invoice_number": "1",
            "factuur-invoice_date": "2025-05-01",
            "factuur-invoice_amount": "1",
        },
    )
    assert response.status_code == 403
    assert Voucher.objects.get().status == Voucher.Status.ISSUED
