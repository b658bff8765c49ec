"""The collective pages: the list (filters, export, constant queries), create and edit
with the fields of each kind, the page with its members and what the rule lacks, adding
and leaving, the phase, marked formed, the company page's "Collectief" section; garbage in
every form answered at the field (422) with nothing saved; outsiders get a 404."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from loket.collectives.models import Collective, Member
from loket.core.models import Theme
from tests import factories as f
from tests.collectives.groups_setup import inside, members, outside, setup


@pytest.fixture
def data(world):
    return setup(world)


def _url(name, *args):
    return reverse(f"collectives:{name}", args=args or None)


def _text(response) -> str:
    return response.content.decode()


def test_the_list_filters_by_kind_phase_and_theme(data, world, login):
    theme = Theme.objects.create(slug="energie-test", name_nl="Energie", name_en="Energy")
    data.cluster.themes.add(theme)
    data.cooperation.phase = ""
    data.cooperation.save()
    client = login(world.alice)
    body = _text(client.get(_url("collective_list")))
    assert "Cluster Waterstof" in body
    assert "Samen Sterk" in body
    body = _text(client.get(_url("collective_list"), {"kind": "cooperation"}))
    assert "Samen Sterk" in body
    assert "Cluster Waterstof" not in body
    body = _text(client.get(_url("collective_list"), {"phase": "develop"}))
    assert "Cluster Waterstof" not in body
    body = _text(client.get(_url("collective_list"), {"theme": theme.pk}))
    assert "Cluster Waterstof" in body
    assert "Samen Sterk" not in body


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "nonsense"},
        {"phase": "<script>"},
        {"theme": "9999999999999999999999"},
        {"theme": "abc"},
        {"q": "x" * 500},
        {"sorteer": "drop table"},
        {"pagina": "-1", "per_pagina": "1000000"},
    ],
)
def test_garbage_in_the_list_filters_never_fails(data, world, login, params):
    response = login(world.alice).get(_url("collective_list"), params)
    assert response.status_code == 200


def test_the_list_runs_a_constant_number_of_queries(data, world, login, django_assert_num_queries):
    client = login(world.alice)
    url = _url("collective_list")
    members(data.cluster, [inside(world)])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        cluster = f.CollectiveFactory(
            programme=data.programme, organisation=world.bureau, name=f"Cluster {n}"
        )
        members(cluster, [inside(world), outside(world, data)])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Cluster 7" in _text(response)


def test_the_list_exports_csv_and_xlsx(data, world, login):
    members(data.cluster, [inside(world), inside(world), outside(world, data)])
    client = login(world.pam)
    url = _url("collective_list")
    csv = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    header, *rows = csv.splitlines()
    assert header.startswith("Naam;Soort;Programma;Verantwoordelijke organisatie;Fase")
    row = next(r for r in rows if r.startswith("Cluster Waterstof"))
    assert ";cluster;" in row
    assert ";3;1;" in row
    workbook = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
    sheet = workbook.active
    assert sheet.cell(1, 1).value == "Naam"


def test_outsiders_do_not_see_the_bureaus_cluster(data, world, login):
    for user in (world.bob, world.charlie, world.olga):
        client = login(user)
        assert "Cluster Waterstof" not in _text(client.get(_url("collective_list")))
        assert client.get(_url("collective_detail", data.cluster.pk)).status_code == 404
        assert client.post(_url("formed", data.cluster.pk)).status_code == 404


def test_an_advisor_creates_a_cluster(data, world, login):
    client = login(world.alice)
    assert client.get(_url("collective_create")).status_code == 200
    response = client.post(
        _url("collective_create"),
        {
            "kind": "cluster",
            "name": "Cluster Zorgtech",
            "programme": data.programme.pk,
            "organisation": world.bureau.pk,
            "coordinator": world.alice.pk,
            "opportunity": "Samen zorgtechnologie naar de markt brengen.",
            "phase": "develop",
            "country": "wordt niet bewaard",
        },
    )
    made = Collective.objects.get(name="Cluster Zorgtech")
    assert response.status_code == 302
    assert response["Location"] == _url("collective_detail", made.pk)
    assert (made.phase, made.country, made.created_by) == ("develop", "", world.alice)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": ""}, "kind", "Kies de soort."),
        ({"kind": "planet"}, "kind", "Kies een soort."),
        ({"name": ""}, "name", "Vul de naam in."),
        ({"name": "x" * 201}, "name", None),
        ({"programme": ""}, "programme", "Kies het programma."),
        ({"programme": "99999999999999999999999"}, "programme", None),
        ({"programme": "OTHER_REGION"}, "programme", None),
        ({"organisation": "abc"}, "organisation", None),
        ({"organisation": "TWENTE_ORG"}, "organisation", None),
        ({"coordinator": "OLGA"}, "coordinator", None),
        ({"opportunity": ""}, "opportunity", "Beschrijf de gezamenlijke kans van het cluster."),
        ({"phase": "later"}, "phase", None),
        (
            {"kind": "country_table", "country": ""},
            "country",
            "Vul het land van de landentafel in.",
        ),
        ({"kind": "crisis_table", "service_level_days": "0"}, "service_level_days", None),
        ({"kind": "crisis_table", "service_level_days": "veel"}, "service_level_days", None),
        ({"ended_on": "31-02-2025"}, "ended_on", None),
        ({"ended_on": "0001-01-01"}, "ended_on", None),
        ({"themes": ["abc"]}, "themes", None),
        ({"description": "x" * 20_001}, "description", None),
    ],
)
def test_garbage_in_the_collective_form_is_refused_at_the_field(
    data, world, login, changes, field, message
):
    names = {
        "OTHER_REGION": f.ProgrammeFactory(region=world.other_region).pk,
        "TWENTE_ORG": world.twente_bureau.pk,
        "OLGA": world.olga.pk,
    }
    body = {
        "kind": "cluster",
        "name": "Cluster Nieuw",
        "programme": data.programme.pk,
        "organisation": world.bureau.pk,
        "opportunity": "Samen.",
        **{k: names.get(v, v) if isinstance(v, str) else v for k, v in changes.items()},
    }
    before = Collective.objects.count()
    response = login(world.alice).post(_url("collective_create"), body)
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors, form.errors
    if message:
        assert message in form.errors[field]
    assert Collective.objects.count() == before


def test_a_partner_may_only_choose_his_own_organisation(data, world, login):
    client = login(world.bob)
    response = client.post(
        _url("collective_create"),
        {
            "kind": "cooperation",
            "name": "Assen Samen",
            "programme": data.programme.pk,
            "organisation": world.bureau.pk,
        },
    )
    assert response.status_code == 422
    assert "organisation" in response.context["form"].errors
    response = client.post(
        _url("collective_create"),
        {
            "kind": "cooperation",
            "name": "Assen Samen",
            "programme": data.programme.pk,
            "organisation": world.gem_assen.pk,
        },
    )
    assert response.status_code == 302
    made = Collective.objects.get(name="Assen Samen")
    assert login(world.bob).get(_url("collective_detail", made.pk)).status_code == 200
    assert login(world.charlie).get(_url("collective_detail", made.pk)).status_code == 404


def test_editing_shows_only_the_fields_of_the_kind_and_refuses_garbage(data, world, login):
    client = login(world.alice)
    form = client.get(_url("collective_edit", data.cluster.pk)).context["form"]
    assert "phase" in form.fields
    assert "country" not in form.fields
    assert "kind" not in form.fields
    response = client.post(
        _url("collective_edit", data.cluster.pk),
        {
            "name": "",
            "programme": data.programme.pk,
            "organisation": world.bureau.pk,
            "opportunity": "",
        },
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"name"}
    response = client.post(
        _url("collective_edit", data.cluster.pk),
        {
            "name": "Cluster H2",
            "programme": data.programme.pk,
            "organisation": world.bureau.pk,
            "opportunity": " ",
        },
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"opportunity"}
    data.cluster.refresh_from_db()
    assert data.cluster.name == "Cluster Waterstof"
    response = client.post(
        _url("collective_edit", data.cluster.pk),
        {
            "name": "Cluster H2",
            "programme": data.programme.pk,
            "organisation": world.bureau.pk,
            "opportunity": "Waterstof.",
            "phase": "develop",
        },
    )
    assert response.status_code == 302
    data.cluster.refresh_from_db()
    assert (data.cluster.name, data.cluster.phase) == ("Cluster H2", "develop")


def test_the_page_says_what_a_cluster_of_two_lacks_and_refuses_formed(data, world, login):
    members(data.cluster, [inside(world, "Bakkerij Assen"), outside(world, data)])
    client = login(world.alice)
    body = _text(client.get(_url("collective_detail", data.cluster.pk)))
    assert "Een cluster heeft minstens 3 bedrijven; er zijn er 2." in body
    assert "Hoogstens de helft" not in body  # 1 of 2 from outside is half: allowed
    assert "van buiten de regio" in body
    assert "Bakkerij Assen" in body
    response = client.post(_url("formed", data.cluster.pk), {"formed_on": ""})
    assert response.status_code == 422
    assert "Een cluster heeft minstens 3 bedrijven; er zijn er 2." in _text(response)
    data.cluster.refresh_from_db()
    assert data.cluster.formed_on is None


def test_adding_a_third_company_and_marking_formed(data, world, login):
    members(data.cluster, [inside(world), inside(world)])
    third = inside(world, "Smederij Emmen", kvk_number="12345678")
    client = login(world.alice)
    response = client.post(
        _url("member_add", data.cluster.pk),
        {"company": "1234 5678", "role": "lead", "interests": "Duits"},
    )
    assert response.status_code == 302
    assert Member.objects.get(collective=data.cluster, company=third).role == "lead"
    response = client.post(_url("formed", data.cluster.pk), {"formed_on": "2025-04-01"})
    assert response.status_code == 302
    data.cluster.refresh_from_db()
    assert data.cluster.formed_on == dt.date(2025, 4, 1)
    body = _text(client.get(_url("collective_detail", data.cluster.pk)))
    assert "gevormd op" in body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"company": "", "role": "member"}, "company"),
        ({"company": "99999999", "role": "member"}, "company"),
        ({"company": "TWENTE", "role": "member"}, "company"),
        ({"company": "x" * 40, "role": "member"}, "company"),
        ({"company": "ASSEN", "role": "boss"}, "role"),
        ({"company": "ASSEN", "role": "member", "interests": "x" * 301}, "interests"),
        ({"company": "MEMBER", "role": "member"}, "company"),
    ],
)
def test_garbage_in_adding_a_company_is_refused_at_the_field(data, world, login, body, field):
    (member,) = members(data.cluster, [inside(world)])
    names = {
        "TWENTE": str(f.CompanyFactory(region=world.other_region).pk),
        "ASSEN": str(inside(world).pk),
        "MEMBER": str(member.company.pk),
    }
    payload = {k: names.get(v, v) for k, v in body.items()}
    response = login(world.alice).post(_url("member_add", data.cluster.pk), payload)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert data.cluster.members.count() == 1


def test_a_formed_cluster_refuses_a_leaving_member_with_the_reason(data, world, login):
    first, *_ = members(data.cluster, [inside(world), inside(world), inside(world)])
    data.cluster.formed_on = dt.date(2025, 1, 1)
    data.cluster.save()
    client = login(world.alice)
    assert client.get(_url("member_leave", first.pk)).status_code == 200
    response = client.post(_url("member_leave", first.pk), {"left_on": ""})
    assert response.status_code == 422
    assert "Een cluster heeft minstens 3 bedrijven; er zijn er 2." in _text(response)
    first.refresh_from_db()
    assert first.left_on is None
    response = client.post(_url("member_leave", first.pk), {"left_on": "morgen"})
    assert response.status_code == 422
    assert "left_on" in response.context["form"].errors


def test_a_member_leaves_a_cluster_not_yet_formed(data, world, login):
    (member,) = members(data.cluster, [inside(world, "Weverij Assen")])
    client = login(world.alice)
    response = client.post(_url("member_leave", member.pk), {"left_on": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == dt.date.today()
    body = _text(client.get(_url("collective_detail", data.cluster.pk)))
    assert "Eerder deelnemende bedrijven" in body


def test_changing_a_member_and_its_garbage(data, world, login):
    (member,) = members(data.cluster, [inside(world)])
    client = login(world.alice)
    response = client.post(_url("member_edit", member.pk), {"role": "chef", "interests": ""})
    assert response.status_code == 422
    assert "role" in response.context["form"].errors
    response = client.post(
        _url("member_edit", member.pk), {"role": "supplier", "interests": "Engels, VK"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.interests) == ("supplier", "Engels, VK")


def test_the_phase_and_its_garbage(data, world, login):
    client = login(world.alice)
    response = client.post(_url("phase", data.cluster.pk), {"phase": "zomer"})
    assert response.status_code == 422
    assert "phase" in response.context["form"].errors
    assert client.post(_url("phase", data.cluster.pk), {"phase": "organise"}).status_code == 302
    data.cluster.refresh_from_db()
    assert data.cluster.phase == "organise"
    response = client.post(_url("phase", data.cooperation.pk), {"phase": "develop"})
    assert response.status_code == 422
    assert "Alleen een cluster heeft een fase." in _text(response)


def test_garbage_in_marking_formed(data, world, login):
    members(data.cluster, [inside(world), inside(world), inside(world)])
    client = login(world.alice)
    for value in ("gisteren", "2025-13-01", "0001-01-01"):
        response = client.post(_url("formed", data.cluster.pk), {"formed_on": value})
        assert response.status_code == 422
        assert "formed_on" in response.context["form"].errors
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(_url("formed", data.cluster.pk), {"formed_on": future})
    assert response.status_code == 422
    data.cluster.refresh_from_db()
    assert data.cluster.formed_on is None


def test_a_table_page_renders_with_its_section(data, world, login):
    table = f.CollectiveFactory(
        programme=data.programme,
        organisation=world.bureau,
        kind="country_table",
        phase="",
        country="Duitsland",
        name="Landentafel Duitsland",
    )
    body = _text(login(world.alice).get(_url("collective_detail", table.pk)))
    assert "Landentafel Duitsland" in body
    assert "Duitsland" in body
    assert "De regel" not in body


def test_the_company_page_shows_its_collectives(data, world, login):
    company = inside(world, "Kaasmakerij Assen")
    members(data.cluster, [company])
    members(data.cooperation, [company])
    client = login(world.alice)
    body = _text(client.get(reverse("companies:detail", args=[company.pk])))
    assert 'id="collectief"' in body
    assert "Cluster Waterstof" in body
    assert "Samen Sterk" in body
    lonely = inside(world, "Eenmanszaak")
    body = _text(client.get(reverse("companies:detail", args=[lonely.pk])))
    assert 'id="collectief"' not in body
