"""Schemes: create, change and delete through the service and the pages, the figures
(available, committed, remaining; budget excluding and including VAT), the funder for
own contributions, and garbage in the form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from loket.core.models import AuditEvent
from loket.programmes.models import Funder, Scheme
from loket.programmes.services import schemes as services
from loket.programmes.services import trajectories, vouchers
from tests import factories as f
from tests.programmes.trajectory_factories import approved, setup, trajectory

D = Decimal
DAY = dt.date(2025, 3, 10)


@pytest.fixture
def data(world):
    return setup(world)


def _values(data, **changes):
    return {
        "name": "Exporttraject",
        "funder": data.province,
        "value": D("5000.00"),
        "max_granted": D("4000.00"),
        "own_contribution": D("1000.00"),
        "available": 5,
        **changes,
    }


# --- the service -----------------------------------------------------------------------


def test_a_manager_creates_a_scheme_and_the_own_contributions_funder_comes_with_it(data):
    scheme = services.create_scheme(data.w.pam, data.programme, _values(data))
    assert scheme.vat_rate == D("21.00")
    assert scheme.total_budget == D("20000.00")
    funder = Funder.objects.get(programme=data.programme, kind=Funder.Kind.COMPANIES)
    assert funder.name == "Ondernemers (eigen bijdragen)"
    services.create_scheme(data.w.pam, data.programme, _values(data, name="Groeitraject"))
    assert Funder.objects.filter(programme=data.programme, kind=Funder.Kind.COMPANIES).count() == 1
    event = AuditEvent.objects.get(object_type="programmes.scheme", object_id=scheme.pk)
    assert event.action == AuditEvent.Action.CREATE
    assert event.changes["max_granted"] == [None, "4000.00"]


def test_a_scheme_without_own_contribution_needs_no_such_funder(data):
    services.create_scheme(data.w.pam, data.programme, _values(data, own_contribution=D("0")))
    assert not Funder.objects.filter(kind=Funder.Kind.COMPANIES).exists()


@pytest.mark.parametrize("role", ["alice", "bob", "charlie", "olga"])
def test_only_managers_and_administrators_keep_schemes(data, role):
    with pytest.raises(PermissionDenied):
        services.create_scheme(getattr(data.w, role), data.programme, _values(data))
    with pytest.raises(PermissionDenied):
        services.update_scheme(getattr(data.w, role), data.scheme, {"available": 9})
    with pytest.raises(PermissionDenied):
        services.delete_scheme(getattr(data.w, role), data.cluster)
    services.create_scheme(data.w.adam, data.programme, _values(data))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"max_granted": D("6000.00")}, "max_granted", "hoger dan de waarde"),
        ({"own_contribution": D("6000.00")}, "own_contribution", "hoger dan de waarde"),
        ({"name": "Innovatietraject"}, "name", "bestaat al"),
        ({"name": ""}, "name", ""),
        ({"value": D("-1.00")}, "value", ""),
        ({"vat_rate": D("101")}, "vat_rate", ""),
        ({"min_participants": 0}, "min_participants", ""),
    ],
)
def test_invalid_schemes_are_refused_on_their_field(data, changes, field, message):
    with pytest.raises(ValidationError) as exc:
        services.create_scheme(data.w.pam, data.programme, _values(data, **changes))
    assert field in exc.value.message_dict
    assert message in " ".join(exc.value.message_dict[field])
    assert Scheme.objects.count() == 2


def test_funders_and_instruments_of_elsewhere_are_refused(data, world):
    other = f.FunderFactory(programme=f.ProgrammeFactory(region=world.region))
    with pytest.raises(ValidationError) as exc:
        services.create_scheme(world.pam, data.programme, _values(data, funder=other))
    assert exc.value.message_dict["funder"] == ["Deze financier hoort bij een ander programma."]
    own = f.FunderFactory(programme=data.programme, kind=Funder.Kind.COMPANIES, name="Eigen")
    with pytest.raises(ValidationError) as exc:
        services.create_scheme(world.pam, data.programme, _values(data, funder=own))
    assert "eigen bijdragen" in exc.value.message_dict["funder"][0]
    twente = f.InstrumentFactory(region=world.other_region)
    with pytest.raises(ValidationError) as exc:
        services.create_scheme(world.pam, data.programme, _values(data, instrument=twente))
    assert exc.value.message_dict["instrument"] == ["Dit instrument hoort bij een andere regio."]


def test_the_number_and_budget_cannot_drop_below_what_is_committed(data, world):
    approved(data, data.bakker)
    approved(data, data.smid)
    with pytest.raises(ValidationError) as exc:
        services.update_scheme(world.pam, data.scheme, {"available": 1})
    assert exc.value.message_dict["available"] == [
        "Er zijn al 2 trajecten toegekend; minder beschikbaar kan niet."
    ]
    with pytest.raises(ValidationError) as exc:
        services.update_scheme(world.pam, data.scheme, {"budget": D("8000.00")})
    assert exc.value.message_dict["budget"] == [
        "Er is al € 8.500,00 toegekend; het budget kan niet lager zijn."
    ]
    scheme = services.update_scheme(world.pam, data.scheme, {"available": 3})
    assert scheme.available == 3
    event = AuditEvent.objects.filter(object_type="programmes.scheme", object_id=scheme.pk).get()
    assert event.changes == {"available": [2, 3]}


def test_a_scheme_with_trajectories_or_in_the_plan_is_not_deleted(data, world):
    trajectory(data)
    with pytest.raises(ValidationError):
        services.delete_scheme(world.pam, data.scheme)
    f.PlanLineFactory(programme=data.programme, organisation=world.bureau, scheme=data.cluster)
    with pytest.raises(ValidationError) as exc:
        services.delete_scheme(world.pam, data.cluster)
    assert "programmaplan" in exc.value.messages[0]
    spare = services.create_scheme(world.pam, data.programme, _values(data))
    pk = spare.pk
    services.delete_scheme(world.pam, spare)
    assert not Scheme.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(
        object_type="programmes.scheme", object_id=pk, action=AuditEvent.Action.DELETE
    ).exists()


# --- the figures -----------------------------------------------------------------------


def test_figures_count_committed_trajectories_and_the_paid_amount_once_paid(data, world):
    paid = approved(data, data.bakker)
    approved(data, data.smid)
    trajectory(data, company=data.kaas)  # applied: not committed
    vouchers.register_invoice(
        world.pam,
        paid,
        invoice_number="F-2025-001",
        invoice_date=dt.date(2025, 5, 1),
        invoice_amount=D("3999.99"),
        paid_on=dt.date(2025, 5, 15),
    )
    figures = services.scheme_figures(data.scheme)
    assert figures.available == 2
    assert figures.committed_count == 2
    assert figures.remaining_count == 0
    assert figures.budget == D("8500.00")
    assert figures.committed_amount == D("8249.99")  # 3,999.99 paid + 4,250.00 granted
    assert figures.remaining_budget == D("250.01")
    assert figures.budget_incl_vat == D("10285.00")
    assert figures.committed_amount_incl_vat == D("9982.49")  # 8,249.99 x 1.21 = 9,982.4879
    assert figures.remaining_budget_incl_vat == D("302.51")  # the difference: adds up
    assert (figures.paid_count, figures.paid_amount) == (1, D("3999.99"))


def test_a_withdrawn_trajectory_counts_for_nothing(data, world):
    t = approved(data)
    trajectories.withdraw_trajectory(world.alice, t, reason="Geen tijd.")
    figures = services.scheme_figures(data.scheme)
    assert (figures.committed_count, figures.committed_amount) == (0, D("0.00"))


def test_totals_add_up_over_schemes_with_their_own_vat(data, world):
    data.cluster.vat_rate = D("9.00")
    data.cluster.save()
    figures = services.figures_for([data.scheme, data.cluster])
    totals = services.totals_of(figures.values())
    assert totals.budget == D("8500.00") + D("15000.00")
    assert totals.budget_incl_vat == D("10285.00") + D("16350.00")
    assert totals.remaining_count == 3


# --- the pages -------------------------------------------------------------------------


def test_the_scheme_list_shows_the_figures_and_totals(data, world, login):
    approved(data, data.bakker)
    page = login(world.alice).get(reverse("programmes:scheme_list", args=[data.programme.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Innovatietraject" in html
    assert "€ 4.250,00" in html  # remaining budget of the innovation scheme
    assert "€ 5.142,50" in html  # the same incl. VAT
    assert "Nieuwe regeling" not in html  # alice does not keep schemes
    assert "Nieuwe regeling" in login(world.pam).get(page.request["PATH_INFO"]).content.decode()


def test_the_scheme_list_runs_a_constant_number_of_queries(
    data, world, login, django_assert_num_queries
):
    client = login(world.pam)
    url = reverse("programmes:scheme_list", args=[data.programme.pk])
    client.get(url)
    with django_assert_num_queries(6) as few:
        client.get(url)
    for n in range(5):
        f.SchemeFactory(programme=data.programme, funder=data.province, name=f"Regeling {n}")
    approved(data)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_scheme_page_shows_figures_and_trajectories(data, world, login):
    t = approved(data, data.bakker)
    trajectory(data, company=data.smid)
    client = login(world.pam)
    html = client.get(reverse("programmes:scheme_detail", args=[data.scheme.pk])).content.decode()
    assert 'data-figure="remaining_count"><strong>1</strong>' in html
    assert 'data-figure="remaining_budget"><strong>€ 4.250,00</strong>' in html
    assert t.voucher.code in html
    assert html.count(">Goedkeuren</button>") == 1  # the applied one
    bob = login(world.bob).get(reverse("programmes:scheme_detail", args=[data.scheme.pk]))
    assert bob.status_code == 200  # Gemeente Assen executes the programme: sees the scheme
    assert "Bakkerij De Brink" not in bob.content.decode()  # but not its trajectories
    charlie = login(world.charlie).get(reverse("programmes:scheme_detail", args=[data.scheme.pk]))
    assert charlie.status_code == 404


def test_a_manager_creates_edits_and_deletes_a_scheme_through_the_pages(data, world, login):
    client = login(world.pam)
    url = reverse("programmes:scheme_create", args=[data.programme.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Exporttraject",
            "instrument": str(data.instrument.pk),
            "funder": str(data.province.pk),
            "value": "€ 5.000,00",
            "max_granted": "4.000",
            "own_contribution": "1000,00",
            "vat_rate": "21",
            "available": "5",
            "budget": "",
            "min_participants": "1",
            "hours_norm": "12",
            "hours_cap_per_company": "24,5",
        },
    )
    scheme = Scheme.objects.get(name="Exporttraject")
    assert response["Location"] == reverse("programmes:scheme_detail", args=[scheme.pk])
    assert (scheme.max_granted, scheme.hours_cap_per_company) == (D("4000.00"), D("24.50"))
    edit = reverse("programmes:scheme_edit", args=[scheme.pk])
    form = client.get(edit).content.decode()
    assert 'value="4000,00"' in form
    response = client.post(
        edit,
        {
            "name": "Exporttraject 2",
            "funder": str(data.province.pk),
            "value": "5000",
            "max_granted": "4000",
            "vat_rate": "21",
            "available": "6",
            "min_participants": "1",
        },
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.name, scheme.available, scheme.own_contribution) == (
        "Exporttraject 2",
        6,
        D("0.00"),
    )
    response = client.post(reverse("programmes:scheme_delete", args=[scheme.pk]))
    assert response["Location"] == reverse("programmes:scheme_list", args=[data.programme.pk])
    assert not Scheme.objects.filter(pk=scheme.pk).exists()


def test_deleting_a_scheme_with_trajectories_is_refused_with_the_reason(data, world, login):
    trajectory(data)
    client = login(world.pam)
    url = reverse("programmes:scheme_delete", args=[data.scheme.pk])
    assert "Verwijderen kan dan niet" in client.get(url).content.decode()
    page = client.post(url, follow=True).content.decode()
    assert "tellen mee in de verantwoording" in page
    assert Scheme.objects.filter(pk=data.scheme.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"funder": ""}, "funder"),
        ({"funder": "abc"}, "funder"),
        ({"funder": "99999999999999999999999"}, "funder"),
        ({"funder": "OTHER"}, "funder"),
        ({"funder": "COMPANIES"}, "funder"),
        ({"instrument": "TWENTE"}, "instrument"),
        ({"value": "vijfduizend"}, "value"),
        ({"value": "-5"}, "value"),
        ({"value": "99999999999999"}, "value"),
        ({"max_granted": "6000"}, "max_granted"),
        ({"vat_rate": "121"}, "vat_rate"),
        ({"available": "-1"}, "available"),
        ({"available": "1e9"}, "available"),
        ({"available": "99999999999"}, "available"),
        ({"min_participants": "0"}, "min_participants"),
        ({"min_participants": "1000"}, "min_participants"),
        ({"hours_norm": "-2"}, "hours_norm"),
        ({"hours_cap_per_company": "veel"}, "hours_cap_per_company"),
        ({"budget": "1,2,3"}, "budget"),
        ({"name": "Innovatietraject"}, "name"),
    ],
)
def test_garbage_in_the_scheme_form_is_refused_at_its_field(data, world, login, changes, field):
    other = f.FunderFactory(programme=f.ProgrammeFactory(region=world.region))
    own = f.FunderFactory(programme=data.programme, kind=Funder.Kind.COMPANIES, name="Eigen")
    twente = f.InstrumentFactory(region=world.other_region)
    names = {"OTHER": str(other.pk), "COMPANIES": str(own.pk), "TWENTE": str(twente.pk)}
    values = {
        "name": "Exporttraject",
        "funder": str(data.province.pk),
        "value": "5000",
        "max_granted": "4000",
        "vat_rate": "21",
        "available": "5",
        "min_participants": "1",
    }
    values.update({k: names.get(v, v) for k, v in changes.items()})
    response = login(world.pam).post(
        reverse("programmes:scheme_create", args=[data.programme.pk]), values
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert Scheme.objects.count() == 2


def test_scheme_pages_are_for_those_who_may(data, world, login):
    create = reverse("programmes:scheme_create", args=[data.programme.pk])
    edit = reverse("programmes:scheme_edit", args=[data.scheme.pk])
    assert login(world.alice).get(create).status_code == 403
    assert login(world.alice).post(edit, {}).status_code == 403
    assert login(world.olga).get(edit).status_code == 404
    assert login(world.charlie).get(create).status_code == 404
