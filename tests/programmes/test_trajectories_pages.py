"""The trajectory pages: the list (filters, pagination, constant queries, CSV and XLSX),
create and edit with garbage refused at the field, the trajectory page per role, the
steps as POST actions, approval from the scheme page, and the company page's section."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from loket.programmes.models import Trajectory, Voucher
from loket.programmes.services import trajectories as services
from tests import factories as f
from tests.programmes.trajectory_factories import approved, setup, trajectory

D = Decimal
Status = Trajectory.Status


@pytest.fixture
def data(world):
    return setup(world)


def _url(name, *args):
    return reverse(f"programmes:{name}", args=args)


# --- the list --------------------------------------------------------------------------


def test_the_list_filters_by_status_scheme_and_text(data, world, login):
    t = approved(data, data.bakker, title="Glutenvrij brood")
    trajectory(data, company=data.smid, title="Smeedwerk online")
    trajectory(data, scheme=data.cluster, company=data.kaas, title="Kaasroute")
    client = login(world.alice)
    url = _url("trajectory_list", data.programme.pk)

    def titles(params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [row.title for row in response.context["page"].object_list]

    assert sorted(titles({})) == ["Glutenvrij brood", "Kaasroute", "Smeedwerk online"]
    assert titles({"status": "approved"}) == ["Glutenvrij brood"]
    assert titles({"scheme": data.cluster.pk}) == ["Kaasroute"]
    assert titles({"q": "smederij"}) == ["Smeedwerk online"]  # the company's name
    assert titles({"q": t.voucher.code}) == ["Glutenvrij brood"]
    assert titles({"sorteer": "title"}) == ["Glutenvrij brood", "Kaasroute", "Smeedwerk online"]
    # Garbage filters: shown on the field, no 500.
    for params in (
        {"status": "kapot"},
        {"scheme": "abc"},
        {"scheme": "99999999999999999999999"},
        {"q": "x" * 500},
        {"pagina": "-1", "per_pagina": "x", "sorteer": "nonsense"},
    ):
        assert client.get(url, params).status_code == 200, params


def test_the_list_runs_a_constant_number_of_queries(data, world, login, django_assert_num_queries):
    client = login(world.alice)
    url = _url("trajectory_list", data.programme.pk)
    trajectory(data)
    client.get(url)
    with django_assert_num_queries(7) as few:
        client.get(url)
    for n in range(6):
        company = f.CompanyFactory(region=world.region, name=f"Bedrijf {n}")
        trajectory(data, scheme=data.cluster, company=company, participants=[data.smid])
    approved(data, data.kaas)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_list_exports_csv_and_xlsx(data, world, login):
    t = approved(data, data.bakker, title="=Glutenvrij brood")
    client = login(world.pam)
    url = _url("trajectory_list", data.programme.pk)
    csv = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    header, row = csv.splitlines()[:2]
    assert header.startswith("Titel;Bedrijf (aanvrager of penvoerder);KvK-nummer")
    assert row.startswith("'=Glutenvrij brood;Bakkerij De Brink;")
    assert "4250,00" in row
    assert t.voucher.code in row
    workbook = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "'=Glutenvrij brood"
    assert rows[1][13] == D("4250.00") or rows[1][13] == 4250


def test_the_list_shows_only_what_the_user_may_see(data, world, login):
    trajectory(data, title="Voor Assen", supplier_organisation=world.gem_assen)
    trajectory(data, company=data.smid, title="Van het bureau")
    url = _url("trajectory_list", data.programme.pk)
    bob = login(world.bob).get(url)
    assert [t.title for t in bob.context["page"].object_list] == ["Voor Assen"]
    assert login(world.charlie).get(url).status_code == 404
    assert login(world.olga).get(url).status_code == 404


# --- create and edit ---------------------------------------------------------------------


def _form(data, **changes):
    return {
        "scheme": str(data.scheme.pk),
        "origin": "application",
        "company": data.bakker.kvk_number,
        "participants": "",
        "title": "Nieuwe productlijn",
        "goal": "Glutenvrij brood.",
        "applied_on": "2025-03-01",
        "specialist": "",
        "supplier_name": "",
        "supplier_organisation": "",
        "deliverable": "",
        **changes,
    }


def test_an_advisor_registers_an_application_through_the_page(data, world, login):
    client = login(world.alice)
    url = _url("trajectory_create", data.programme.pk)
    page = client.get(url, {"regeling": data.cluster.pk, "bedrijf": data.bakker.pk})
    assert page.status_code == 200
    assert page.context["form"]["scheme"].value() == data.cluster.pk
    response = client.post(
        url,
        _form(
            data,
            scheme=str(data.cluster.pk),
            company=str(data.bakker.pk),  # the Loket number works too
            participants=f"{data.smid.kvk_number}\n{data.kaas.pk}",
            specialist=str(world.alice.pk),
        ),
    )
    t = Trajectory.objects.get()
    assert response["Location"] == _url("trajectory_detail", t.pk)
    assert t.origin == Trajectory.Origin.APPLICATION
    assert t.specialist == world.alice
    assert t.participations.count() == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"company": ""}, "company"),
        ({"company": "00000000"}, "company"),
        ({"company": "abc"}, "company"),
        ({"company": "99999999999999999999999"}, "company"),
        ({"company": "TWENTE"}, "company"),
        ({"participants": "SMID"}, "participants"),  # an individual scheme
        ({"participants": "12, nonsense"}, "participants"),
        ({"participants": ",".join(["1"] * 101)}, "participants"),
        ({"scheme": ""}, "scheme"),
        ({"scheme": "OTHER"}, "scheme"),
        ({"scheme": "-1"}, "scheme"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"origin": "fax"}, "origin"),
        ({"applied_on": "2099-01-01"}, "applied_on"),
        ({"applied_on": "gisteren"}, "applied_on"),
        ({"specialist": str(10**20)}, "specialist"),
        ({"specialist": "BOB"}, "specialist"),
        ({"supplier_organisation": "TWENTE_ORG"}, "supplier_organisation"),
    ],
)
def test_garbage_in_the_trajectory_form_is_refused_at_its_field(data, world, login, changes, field):
    twente_co = f.CompanyFactory(region=world.other_region, kvk_number="87654321")
    other = f.SchemeFactory(programme=f.ProgrammeFactory(region=world.region))
    names = {
        "TWENTE": twente_co.kvk_number,
        "SMID": data.smid.kvk_number,
        "OTHER": str(other.pk),
        "BOB": str(world.bob.pk),
        "TWENTE_ORG": str(world.twente_bureau.pk),
    }
    values = _form(data, **{k: names.get(v, v) for k, v in changes.items()})
    response = login(world.alice).post(_url("trajectory_create", data.programme.pk), values)
    assert response.status_code == 422
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Trajectory.objects.exists()


def test_editing_a_trajectory_keeps_the_participants_of_an_individual_one(data, world, login):
    t = trajectory(data)
    client = login(world.alice)
    url = _url("trajectory_edit", t.pk)
    page = client.get(url)
    assert "participants" not in page.context["form"].fields
    response = client.post(
        url,
        {
            "title": "Nieuwe titel",
            "supplier_name": "Adviesbureau Noord",
            "supplier_organisation": str(world.gem_assen.pk),
            "deliverable": "Een plan.",
        },
    )
    assert response.status_code == 302
    t.refresh_from_db()
    assert (t.title, t.supplier_name, t.supplier_organisation) == (
        "Nieuwe titel",
        "Adviesbureau Noord",
        world.gem_assen,
    )
    assert list(t.participants.all()) == [data.bakker]
    response = client.post(url, {"title": ""})
    assert response.status_code == 422
    assert login(world.bob).get(url).status_code == 403  # sees it now: Assen supplies it
    assert login(world.charlie).get(url).status_code == 404
    assert login(world.adam).get(url).status_code == 403


def test_the_participants_of_an_applied_cluster_can_be_changed(data, world, login):
    t = trajectory(data, scheme=data.cluster, participants=[data.smid])
    response = login(world.alice).post(
        _url("trajectory_edit", t.pk),
        {"title": t.title, "participants": f"{data.smid.pk}, {data.kaas.pk}"},
    )
    assert response.status_code == 302
    assert {p.company_id for p in t.participations.all()} == {
        data.bakker.pk,
        data.smid.pk,
        data.kaas.pk,
    }


# --- the trajectory page -------------------------------------------------------------------


def test_the_trajectory_page_shows_participants_voucher_history_and_budget(data, world, login):
    t = trajectory(data, scheme=data.cluster, participants=[data.smid, data.kaas])
    services.approve_trajectory(world.pam, t, on=dt.date(2025, 3, 10))
    response = login(world.alice).get(_url("trajectory_detail", t.pk))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Bakkerij De Brink", "Smederij Assen", "Kaasmakerij Drenthe"):
        assert name in html
    assert "(penvoerder)" in html
    t.refresh_from_db()
    assert t.voucher.code in html
    assert "€ 15.000,00" in html
    assert 'data-figure="remaining_count">0 van 1' in html
    assert f"10-03-2025</time>: goedgekeurd; voucher {t.voucher.code} uitgegeven" in html
    assert "01-03-2025</time>: aangevraagd" in html  # the history shows the days of the steps
    assert "Traject starten" in html  # alice runs it
    assert "Goedkeuren en voucher uitgeven" not in html
    assert "Factuur registreren" not in html  # alice does not handle money


def test_the_page_offers_each_role_what_it_may_do(data, world, login):
    t = trajectory(data)
    url = _url("trajectory_detail", t.pk)
    pam = login(world.pam).get(url).content.decode()
    assert "Goedkeuren en voucher uitgeven" in pam
    assert "Traject intrekken" in pam
    adam = login(world.adam).get(url).content.decode()
    assert "Goedkeuren en voucher uitgeven" not in adam
    assert "Traject intrekken" not in adam
    assert login(world.bob).get(url).status_code == 404
    assert login(world.olga).get(url).status_code == 404


def test_a_manager_approves_a_lower_amount_on_the_page(data, world, login):
    t = trajectory(data)
    response = login(world.pam).post(
        _url("trajectory_approve", t.pk), {"goedkeuren-granted_amount": "3.000,00"}, follow=True
    )
    t.refresh_from_db()
    assert t.granted_amount == D("3000.00")
    assert f"voucher {t.voucher.code} is uitgegeven" in response.content.decode()


def test_a_refused_approval_shows_the_reason_at_the_form(data, world, login):
    t = trajectory(data, scheme=data.cluster, participants=[data.smid])
    response = login(world.pam).post(_url("trajectory_approve", t.pk), {})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Deze regeling vraagt minstens 3 deelnemende bedrijven; dit traject heeft er 2." in html
    response = login(world.pam).post(
        _url("trajectory_approve", t.pk), {"goedkeuren-granted_amount": "16000"}
    )
    assert 'id="id_goedkeuren-granted_amount_error"' in response.content.decode()
    t.refresh_from_db()
    assert t.status == Status.APPLIED


def test_the_steps_of_a_trajectory_through_the_page(data, world, login):
    t = approved(data)
    client = login(world.alice)
    client.post(_url("trajectory_start", t.pk), {"starten-on": "2025-03-20"})
    response = client.post(_url("trajectory_complete", t.pk), {"afronden-on": "2025-06-01"})
    assert response.status_code == 422
    assert 'id="id_afronden-deliverable_error"' in response.content.decode()
    client.post(
        _url("trajectory_complete", t.pk),
        {"afronden-on": "2025-06-01", "afronden-deliverable": "Een groeiplan."},
    )
    response = client.post(_url("trajectory_evaluate", t.pk), {"evalueren-evaluation": ""})
    assert response.status_code == 422
    client.post(_url("trajectory_evaluate", t.pk), {"evalueren-evaluation": "Zeer nuttig."})
    t.refresh_from_db()
    assert t.status == Status.EVALUATED
    assert (t.started_on, t.completed_on) == (dt.date(2025, 3, 20), dt.date(2025, 6, 1))
    # A step that no longer fits: a message, no error page.
    response = client.post(_url("trajectory_start", t.pk), {}, follow=True)
    assert "Dat kan niet (meer): het traject is geëvalueerd." in response.content.decode()


@pytest.mark.parametrize(
    ("action", "values", "field"),
    [
        ("trajectory_start", {"starten-on": "2025-03-01"}, "starten-on"),
        ("trajectory_start", {"starten-on": "1-1-1"}, "starten-on"),
        ("trajectory_withdraw", {"intrekken-reason": ""}, "intrekken-reason"),
        ("trajectory_withdraw", {"intrekken-reason": "x" * 5001}, "intrekken-reason"),
        ("trajectory_approve", {"goedkeuren-granted_amount": "-1"}, "goedkeuren-granted_amount"),
        ("trajectory_approve", {"goedkeuren-granted_amount": "abc"}, "goedkeuren-granted_amount"),
    ],
)
def test_garbage_in_the_action_forms_is_refused(data, world, login, action, values, field):
    t = approved(data) if action == "trajectory_start" else trajectory(data)
    before = Trajectory.objects.get(pk=t.pk).status
    response = login(world.pam).post(_url(action, t.pk), values)
    assert response.status_code == 422
    html = response.content.decode()
    if field != "starten-on" or "1-1-1" in values.get("starten-on", ""):
        assert f'id="id_{field}_error"' in html
    else:  # the date before the approval: the service's message at the form
        assert "Deze datum ligt vóór de goedkeuring (10-03-2025)." in html
    assert Trajectory.objects.get(pk=t.pk).status == before


def test_withdrawing_on_the_page_cancels_the_voucher(data, world, login):
    t = approved(data)
    login(world.alice).post(_url("trajectory_withdraw", t.pk), {"intrekken-reason": "Stopt."})
    t.refresh_from_db()
    assert t.status == Status.WITHDRAWN
    assert t.voucher.status == Voucher.Status.CANCELLED


@pytest.mark.parametrize("action", ["approve", "start", "complete", "evaluate", "withdraw"])
def test_who_may_not_act_gets_403_and_who_may_not_see_404(data, world, login, action):
    t = trajectory(data, supplier_organisation=world.gem_assen)
    url = _url(f"trajectory_{action}", t.pk)
    assert login(world.bob).post(url, {}).status_code == 403  # the supplier only looks
    assert login(world.charlie).post(url, {}).status_code == 404
    assert login(world.adam).post(url, {}).status_code == 403
    t.refresh_from_db()
    assert t.status == Status.APPLIED


# --- approval from the scheme page ---------------------------------------------------------


def test_approving_on_the_scheme_page_returns_there_with_the_outcome(data, world, login):
    t = trajectory(data)
    client = login(world.pam)
    response = client.post(_url("trajectory_approve", t.pk), {"next": "regeling"}, follow=True)
    assert response.redirect_chain[-1][0] == _url("scheme_detail", data.scheme.pk)
    t.refresh_from_db()
    html = response.content.decode()
    assert f"Nieuwe productlijn is goedgekeurd; voucher {t.voucher.code} is uitgegeven." in html
    assert 'data-figure="remaining_count"><strong>1</strong>' in html
    big = trajectory(data, company=data.fabriek, title="Te groot")
    response = client.post(_url("trajectory_approve", big.pk), {"next": "regeling"}, follow=True)
    assert (
        "Te groot is niet goedgekeurd: Fabriek Groot B.V. voldoet niet aan de voorwaarden "
        "van de regeling: Alleen voor bedrijven met hoogstens 249 werkzame personen."
    ) in response.content.decode()


# --- the company page ----------------------------------------------------------------------


def test_the_company_page_lists_its_trajectories_for_programme_staff(data, world, login):
    t = approved(data, data.smid, title="Smeedwerk online")
    trajectory(data, scheme=data.cluster, participants=[data.smid, data.kaas], title="Cluster")
    f.ContactMomentFactory(company=data.smid, author=world.bob, organisation=world.gem_assen)
    url = reverse("companies:detail", args=[data.smid.pk])
    html = login(world.alice).get(url).content.decode()
    assert 'id="trajecten"' in html
    assert "Smeedwerk online" in html
    assert t.voucher.code in html
    assert "deelnemer (penvoerder is een ander bedrijf)" in html
    bob = login(world.bob).get(url)
    assert bob.status_code == 200
    assert 'id="trajecten"' not in bob.content.decode()
    none = login(world.alice).get(reverse("companies:detail", args=[data.fabriek.pk]))
    assert 'id="trajecten"' not in none.content.decode()  # nothing to list, no section


def test_the_company_page_costs_the_same_queries_with_more_trajectories(
    data, world, login, django_assert_num_queries, django_assert_max_num_queries
):
    client = login(world.alice)
    url = reverse("companies:detail", args=[data.smid.pk])
    approved(data, data.smid)
    client.get(url)
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    trajectory(data, scheme=data.cluster, participants=[data.smid, data.kaas])
    trajectory(data, scheme=data.cluster, company=data.kaas, participants=[data.smid])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_trajectory_page_links_to_booking_hours_and_to_allowing_more(data, world, login):
    t = approved(data, data.bakker, title="Glutenvrij brood")
    page = _url("trajectory_detail", t.pk)
    week = f"{reverse('programmes:hours_week')}?traject={t.pk}"
    allow = (
        f"{_url('cap_override_create', data.programme.pk)}"
        f"?bedrijf={t.company_id}&amp;regeling={t.scheme_id}"
    )
    alice = login(world.alice).get(page).content.decode()
    assert f'href="{week}"' in alice
    assert "Meer uren toestaan" not in alice  # only a programme manager allows more
    pam = login(world.pam).get(page).content.decode()
    assert f'href="{allow}"' in pam
    # The links lead somewhere useful: the week with the trajectory, the permission page.
    booked = login(world.alice).get(week)
    assert booked.status_code == 200
    assert "Glutenvrij brood" in booked.content.decode()
    allowed = login(world.pam).get(allow.replace("&amp;", "&"))
    assert allowed.status_code == 200
    assert data.bakker.name in allowed.content.decode()
    # No hours on a trajectory that has not been approved.
    applied = trajectory(data, company=data.smid, title="Smeedwerk online")
    assert (
        "?traject="
        not in login(world.alice).get(_url("trajectory_detail", applied.pk)).content.decode()
    )
