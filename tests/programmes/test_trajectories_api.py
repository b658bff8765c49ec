"""The API of schemes and trajectories: money as strings, the figures, the steps of a
trajectory with the reasons of a refusal, filters with constant queries, and garbage in
every body answered 422 on its field."""

from __future__ import annotations

import pytest

from loket.programmes.models import Scheme, Trajectory, Voucher
from tests import factories as f
from tests.api.conftest import ApiClient
from tests.programmes.trajectory_factories import approved, setup, trajectory


@pytest.fixture
def data(world):
    return setup(world)


@pytest.fixture
def pam(world):
    return ApiClient(world.pam)


@pytest.fixture
def alice(world):
    return ApiClient(world.alice)


def test_schemes_come_with_their_figures_and_money_as_strings(data, pam):
    approved(data)
    response = pam.get(f"/programmes/{data.programme.pk}/schemes")
    assert response.status_code == 200
    body = {s["name"]: s for s in response.json()}
    scheme = body["Innovatietraject"]
    assert scheme["value"] == "5000.00"
    assert scheme["value_incl_vat"] == "6050.00"
    assert scheme["figures"]["remaining_count"] == 1
    assert scheme["figures"]["remaining_budget"] == "4250.00"
    assert scheme["figures"]["remaining_budget_incl_vat"] == "5142.50"
    assert pam.get(f"/schemes/{data.scheme.pk}").json()["figures"]["committed_count"] == 1


def test_a_manager_creates_and_changes_a_scheme(data, pam):
    response = pam.post(
        f"/programmes/{data.programme.pk}/schemes",
        {
            "name": "Exporttraject",
            "funder": data.province.pk,
            "instrument": data.instrument.pk,
            "value": "5000.00",
            "max_granted": "4000.00",
            "own_contribution": "1000.00",
            "available": 4,
        },
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["total_budget"] == "16000.00"
    response = pam.patch(f"/schemes/{pk}", {"budget": "12000.00", "name": "Export"})
    assert response.status_code == 200
    assert response.json()["figures"]["budget"] == "12000.00"
    assert Scheme.objects.get(pk=pk).name == "Export"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"funder": 0}, "funder"),
        ({"funder": 2**70}, "funder"),
        ({"funder": "OTHER"}, "funder"),
        ({"instrument": "TWENTE"}, "instrument"),
        ({"value": "-1"}, "value"),
        ({"value": "1e20"}, "value"),
        ({"value": "abc"}, "value"),
        ({"value": "1.234"}, "value"),
        ({"max_granted": "6000"}, "max_granted"),
        ({"vat_rate": "101"}, "vat_rate"),
        ({"available": -1}, "available"),
        ({"available": "many"}, "available"),
        ({"available": 2**40}, "available"),
        ({"min_participants": 0}, "min_participants"),
        ({"hours_norm": "-1"}, "hours_norm"),
        ({"colour": "red"}, "colour"),
        ({"name": "Innovatietraject"}, "name"),
    ],
)
def test_garbage_in_a_scheme_is_refused_on_its_field(data, world, pam, body, field):
    other = f.FunderFactory(programme=f.ProgrammeFactory(region=world.region))
    twente = f.InstrumentFactory(region=world.other_region)
    names = {"OTHER": other.pk, "TWENTE": twente.pk}
    payload = {
        "name": "Exporttraject",
        "funder": data.province.pk,
        "value": "5000.00",
        "max_granted": "4000.00",
        "available": 4,
        **{k: names.get(v, v) if isinstance(v, str) else v for k, v in body.items()},
    }
    response = pam.post(f"/programmes/{data.programme.pk}/schemes", payload)
    assert response.status_code == 422, response.json()
    assert any(e["loc"][-1] == field for e in response.json()["detail"]), response.json()
    assert Scheme.objects.count() == 2


def test_a_trajectory_goes_through_its_life(data, world, alice, pam):
    response = alice.post(
        f"/programmes/{data.programme.pk}/trajectories",
        {
            "scheme": data.cluster.pk,
            "company": data.bakker.pk,
            "participants": [data.smid.pk],
            "origin": "application",
            "title": "Kaasroute",
            "applied_on": "2025-03-01",
        },
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert [c["name"] for c in response.json()["participants"]] == [
        "Bakkerij De Brink",
        "Smederij Assen",
    ]
    refused = pam.post(f"/trajectories/{pk}/approve", {})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["msg"] == (
        "Deze regeling vraagt minstens 3 deelnemende bedrijven; dit traject heeft er 2."
    )
    Trajectory.objects.get(pk=pk).participations.create(company=data.kaas)
    response = pam.post(
        f"/trajectories/{pk}/approve", {"granted_amount": "14000.00", "on": "2025-03-10"}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "approved"
    assert body["granted_amount"] == "14000.00"
    assert body["voucher"]["amount"] == "14000.00"
    assert body["voucher"]["status"] == "issued"
    for step in (
        {"status": "running", "on": "2025-03-20"},
        {"status": "completed", "on": "2025-06-01", "deliverable": "Een route langs boerderijen."},
    ):
        response = alice.post(f"/trajectories/{pk}/transition", step)
        assert response.status_code == 200, response.json()
    response = pam.post(
        f"/trajectories/{pk}/invoice",
        {"invoice_number": "F-9", "invoice_date": "2025-06-02", "invoice_amount": "15000.00"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["voucher"]["paid_amount"] == "14000.00"
    response = alice.post(
        f"/trajectories/{pk}/transition", {"status": "evaluated", "evaluation": "Goed."}
    )
    assert response.json()["status"] == "evaluated"
    again = pam.post(
        f"/trajectories/{pk}/invoice",
        {"invoice_number": "F-10", "invoice_date": "2025-06-02", "invoice_amount": "1.00"},
    )
    assert again.status_code == 422
    assert again.json()["detail"][0]["msg"] == (
        "Op deze voucher is al een factuur geregistreerd (F-9)."
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scheme": "OTHER"}, "scheme"),
        ({"scheme": 2**70}, "scheme"),
        ({"company": "TWENTE"}, "company"),
        ({"company": None}, "company"),
        ({"company": "abc"}, "company"),
        ({"participants": ["SMID"]}, "participants"),
        ({"participants": [0]}, "participants"),
        ({"participants": list(range(1, 200))}, "participants"),
        ({"participants": "SMID"}, "participants"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"origin": "fax"}, "origin"),
        ({"applied_on": "2099-01-01"}, "applied_on"),
        ({"applied_on": 20250101}, "applied_on"),
        ({"applied_on": "01-03-2025"}, "applied_on"),
        ({"case": 999999}, "case"),
        ({"specialist": "BOB"}, "specialist"),
        ({"supplier_organisation": "TWENTE_ORG"}, "supplier_organisation"),
        ({"goal": "a\x00b"}, "goal"),
        ({"voucher": "IBDO-2222-2222"}, "voucher"),
    ],
)
def test_garbage_in_a_trajectory_is_refused_on_its_field(data, world, alice, body, field):
    names = {
        "OTHER": f.SchemeFactory(programme=f.ProgrammeFactory(region=world.region)).pk,
        "TWENTE": f.CompanyFactory(region=world.other_region).pk,
        "SMID": data.smid.pk,
        "BOB": world.bob.pk,
        "TWENTE_ORG": world.twente_bureau.pk,
    }

    def resolve(value):
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    payload = {
        "scheme": data.scheme.pk,
        "company": data.bakker.pk,
        "title": "Nieuw",
        **{k: resolve(v) for k, v in body.items()},
    }
    response = alice.post(f"/programmes/{data.programme.pk}/trajectories", payload)
    assert response.status_code == 422, response.json()
    assert any(field in e["loc"] for e in response.json()["detail"]), response.json()
    assert not Trajectory.objects.exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("approve", {"granted_amount": "-1"}, "granted_amount"),
        ("approve", {"granted_amount": "5000.00"}, "granted_amount"),
        ("approve", {"granted_amount": 10**15}, "granted_amount"),
        ("approve", {"on": "morgen"}, "on"),
        ("withdraw", {}, "reason"),
        ("withdraw", {"reason": ""}, "reason"),
        ("transition", {"status": "applied"}, "status"),
        ("transition", {"status": "running", "on": "1-1"}, "on"),
        ("invoice", {"invoice_number": "F", "invoice_date": "2025-05-01"}, "invoice_amount"),
        (
            "invoice",
            {"invoice_number": "F", "invoice_date": "2025-05-01", "invoice_amount": "0"},
            "invoice_amount",
        ),
        (
            "invoice",
            {"invoice_number": "F", "invoice_date": "2025-03-01", "invoice_amount": "9"},
            "invoice_date",
        ),
    ],
)
def test_garbage_in_the_steps_is_refused(data, pam, path, body, field):
    t = approved(data) if path == "invoice" else trajectory(data)
    before = (t.status, Voucher.objects.count())
    response = pam.post(f"/trajectories/{t.pk}/{path}", body)
    assert response.status_code == 422, response.json()
    assert any(field in e["loc"] for e in response.json()["detail"]), response.json()
    t.refresh_from_db()
    assert (t.status, Voucher.objects.count()) == before


def test_the_list_filters_and_runs_a_constant_number_of_queries(
    data, world, alice, django_assert_num_queries
):
    approved(data, data.bakker, title="Glutenvrij brood")
    trajectory(data, company=data.smid, title="Smeedwerk")
    url = f"/programmes/{data.programme.pk}/trajectories"
    titles = [t["title"] for t in alice.get(url, {"status": "approved"}).json()["items"]]
    assert titles == ["Glutenvrij brood"]
    assert alice.get(url, {"status": "kapot"}).status_code == 422
    assert alice.get(url, {"scheme": "x"}).status_code == 422
    alice.get(url)
    with django_assert_num_queries(5) as few:
        alice.get(url)
    for n in range(5):
        company = f.CompanyFactory(region=world.region, name=f"Bedrijf {n}")
        trajectory(data, scheme=data.cluster, company=company, participants=[data.kaas])
    with django_assert_num_queries(len(few.captured_queries)):
        response = alice.get(url)
    assert len(response.json()["items"]) == 7


def test_the_schemas_of_this_api_have_names_of_their_own():
    """OpenAPI names a schema by its class: two classes with one name would document (and
    garbage-test) one endpoint with the other's fields."""
    from ninja import Schema

    from loket.api import api  # every router, so every schema class is loaded
    from loket.programmes.api import trajectories as module

    assert api.urls

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    mine = {
        obj.__name__
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Schema) and obj.__module__ == module.__name__
    }
    others = [c.__name__ for c in subclasses(Schema) if c.__module__ != module.__name__]
    assert mine
    assert mine.isdisjoint(others)
