"""The records behind a figure: scoped to the viewer's share and to what the viewer may
see, "N records; you see M", exports read back, garbage parameters, constant queries; and
the API's figure and records."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from loket.casework.models import ContactMoment
from loket.core.models import Theme
from loket.monitoring.links import records_url, records_url_for_period, spec_records_url
from loket.monitoring.measures import Spec
from loket.monitoring.models import Measure
from tests import factories as f
from tests.api.conftest import ApiClient

WHEN = dt.datetime(2026, 2, 3, 10, tzinfo=dt.UTC)


@pytest.fixture
def api_as(db):
    return lambda user: ApiClient(user)


@pytest.fixture
def setup(world):
    programme = f.ProgrammeFactory(
        region=world.region, name="IBDO", organisations=[world.bureau, world.gem_assen]
    )
    digital = Theme.objects.get(slug="digitalisation")
    line = f.ActionLineFactory(programme=programme, name="Digitalisering")
    intakes = f.IndicatorFactory(
        action_line=line, name="Intakes digitalisering", measure=Measure.INTAKES, theme=digital
    )
    brink = f.CompanyFactory(
        region=world.region, name="Bakkerij De Brink", municipality=world.assen
    )
    smit = f.CompanyFactory(region=world.region, name="Smederij Smit", municipality=world.emmen)
    moments = []
    for company, org, author in [
        (brink, world.bureau, world.alice),
        (smit, world.bureau, world.alice),
        (brink, world.gem_assen, world.bob),
    ]:
        moment = f.ContactMomentFactory(
            company=company,
            organisation=org,
            author=author,
            kind=ContactMoment.Kind.INTAKE,
            occurred_at=WHEN,
        )
        moment.themes.add(digital)
        moments.append(moment)
    return programme, intakes, brink, smit, moments


def test_a_programme_manager_sees_every_record_of_the_quarter(world, login, setup):
    _programme, intakes, brink, _smit, _ = setup
    page = login(world.pam).get(records_url_for_period(intakes, 2026, 1))
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 records." in html
    assert "Bakkerij De Brink" in html
    assert "Smederij Smit" in html
    assert reverse("companies:detail", args=[brink.pk]) in html
    assert "Gerealiseerd (intakes): <strong>3</strong>" in html
    # The next quarter has none.
    assert (
        "0 records."
        in login(world.pam).get(records_url_for_period(intakes, 2026, 2)).content.decode()
    )


def test_a_partner_sees_only_his_organisation_s_share(world, login, setup):
    _programme, intakes, _brink, _smit, _moments = setup
    page = login(world.bob).get(records_url_for_period(intakes, 2026))
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 record." in html
    assert "Bakkerij De Brink" in html
    assert "Smederij Smit" not in html
    assert "aandeel van uw organisatie (Gemeente Assen)" in html


@pytest.mark.parametrize("role", ["charlie", "olga"])
def test_outsiders_get_404(world, login, setup, role):
    programme, intakes, *_ = setup
    client = login(getattr(world, role))
    assert client.get(records_url_for_period(intakes, 2026)).status_code == 404
    spec = Spec(Measure.INTAKES)
    url = spec_records_url(programme, spec, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert client.get(url).status_code == 404


def test_the_line_says_how_many_records_the_viewer_cannot_see(world, login, setup):
    """Survey invitations are for programme staff only: bob's share of the response rate
    rests on two invitations he may not open; he is told, and sees no answers."""
    programme, intakes, brink, smit, _ = setup
    rate = f.IndicatorFactory(action_line=intakes.action_line, measure=Measure.RESPONSE_RATE)
    for company in (brink, smit):
        f.SurveyInvitationFactory(
            company=company,
            programme=programme,
            organisation=world.gem_assen,
            owner=world.bob,
            sent_at=WHEN,
            mark=9,
            answered_at=WHEN,
            helped="De adviseur was snel.",
        )
    html = login(world.bob).get(records_url_for_period(rate, 2026)).content.decode()
    assert "2 records; u ziet er 0 van." in html
    html = login(world.pam).get(records_url_for_period(rate, 2026)).content.decode()
    assert "2 records." in html
    assert "Bob Gemeente" in html  # the advisor
    assert "De adviseur was snel." not in html  # never an answer
    assert "antwoorden en cijfers van afzonderlijke ondernemers worden nooit getoond" in html


def test_hours_list_only_what_the_viewer_may_see(world, login, setup):
    programme, intakes, *_ = setup
    hours = f.IndicatorFactory(action_line=intakes.action_line, measure=Measure.HOURS)
    activity = f.ActivityTypeFactory(programme=programme)
    for user in (world.alice, world.pam):
        f.HourEntryFactory(
            programme=programme,
            user=user,
            organisation=world.bureau,
            activity_type=activity,
            date=dt.date(2026, 2, 2),
            hours=Decimal("2.5"),
        )
    html = login(world.alice).get(records_url_for_period(hours, 2026)).content.decode()
    assert "2 records; u ziet er 1 van." in html
    assert "2,50" in html


def test_companies_reached_lists_companies(world, login, setup):
    _programme, intakes, _brink, _smit, _ = setup
    reached = f.IndicatorFactory(action_line=intakes.action_line, measure=Measure.COMPANIES_REACHED)
    page = login(world.pam).get(records_url(reached, dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    assert page.context["result"].companies
    assert "2 records." in page.content.decode()
    assert [row[0]["value"] for row in page.context["cells"]] == [
        "Bakkerij De Brink",
        "Smederij Smit",
    ]


def test_exports_read_back(world, login, setup):
    _programme, intakes, *_ = setup
    client = login(world.pam)
    url = records_url_for_period(intakes, 2026, 1)
    response = client.get(url + "&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Datum", "Bedrijf", "Soort", "Organisatie")
    assert len(rows) == 4
    assert {r[1] for r in rows[1:]} == {"Bakkerij De Brink", "Smederij Smit"}
    assert all(r[2] == "intake" for r in rows[1:])
    response = client.get(url + "&export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == ["Datum", "Bedrijf", "Soort", "Organisatie"]
    assert lines[1][0] == "03-02-2026 11:00"
    # bob's export holds his share only.
    response = login(world.bob).get(url + "&export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Smederij Smit" not in text
    assert "Bakkerij De Brink" in text


def test_the_records_list_runs_a_constant_number_of_queries(world, login, setup):
    _programme, intakes, _brink, *_ = setup
    client = login(world.pam)
    url = records_url_for_period(intakes, 2026)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    digital = Theme.objects.get(slug="digitalisation")
    for n in range(8):
        company = f.CompanyFactory(region=world.region, name=f"Bedrijf {n}")
        moment = f.ContactMomentFactory(
            company=company,
            organisation=world.bureau,
            author=world.alice,
            kind=ContactMoment.Kind.INTAKE,
            occurred_at=WHEN,
        )
        moment.themes.add(digital)
    assert count() == before


@pytest.mark.parametrize(
    "query",
    [
        "jaar=abc",
        "jaar=2040",
        "kwartaal=2",
        "jaar=2026&kwartaal=7",
        "van=garbage&tot=2026-01-01",
        "van=2026-05-01&tot=2026-01-01",
        "van=2026-05-01",
        "van=0001-01-01&tot=9999-12-31",
        "jaar=99999999999999999999999",
    ],
)
def test_garbage_periods_answer_400_with_the_message(world, login, setup, query):
    _programme, intakes, *_ = setup
    url = reverse("monitoring:indicator_records", args=[intakes.pk]) + "?" + query
    response = login(world.pam).get(url)
    assert response.status_code == 400
    assert response.context["form"].errors


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("meting=nonsense", "meting"),
        ("meting=intakes&gemeente=99999999999999999999999", "gemeente"),
        ("meting=intakes&gemeente=abc", "gemeente"),
        ("meting=intakes&thema=-1", "thema"),
        ("meting=clusters_formed&gemeente=@assen", "gemeente"),
        ("meting=events_held&grootte=small", "grootte"),
        ("meting=intakes&grootte=huge", "grootte"),
        ("meting=intakes&van=2026-13-45&tot=2026-03-31", "van"),
        ("meting=intakes&soort=rave", "soort"),
    ],
)
def test_garbage_in_the_ad_hoc_figure_answers_400_at_the_parameter(
    world, login, setup, query, field
):
    programme, *_ = setup
    query = query.replace("@assen", str(world.assen.pk))
    url = reverse("monitoring:spec_records", args=[programme.pk]) + "?" + query
    response = login(world.pam).get(url)
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_the_ad_hoc_figure_reach_per_municipality(world, login, setup):
    programme, _intakes, *_ = setup
    spec = Spec(Measure.INTAKES, municipality_id=world.assen.pk)
    url = spec_records_url(programme, spec, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert "gemeente=" in url
    page = login(world.pam).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 records." in html
    assert "Smederij Smit" not in html
    # Without parameters: the form, no error.
    page = login(world.pam).get(reverse("monitoring:spec_records", args=[programme.pk]))
    assert page.status_code == 200
    assert "result" not in page.context


# --- the API ---------------------------------------------------------------------------


def test_api_value_and_records_per_share(world, api_as, setup):
    _programme, intakes, _brink, _smit, moments = setup
    path = f"/indicators/{intakes.pk}"
    body = api_as(world.pam).get(f"{path}/value", {"year": 2026, "quarter": 1}).json()
    assert body["value"] == "3"
    assert body["share"] is None
    assert (body["start"], body["end"]) == ("2026-01-01", "2026-03-31")
    body = api_as(world.bob).get(f"{path}/value", {"year": 2026}).json()
    assert body["value"] == "1"
    assert body["share"] == [world.gem_assen.pk]
    records = api_as(world.bob).get(f"{path}/records", {"year": 2026}).json()
    assert [item["id"] for item in records["items"]] == [moments[2].pk]
    assert records["items"][0]["kind"] == "contactmoment"
    records = api_as(world.pam).get(f"{path}/records", {"limit": 2}).json()
    assert len(records["items"]) == 2
    assert records["next_offset"] == 2


@pytest.mark.parametrize(
    "params",
    [{"quarter": 1}, {"year": 2040}, {"year": 2026, "quarter": 9}, {"year": "x"}],
)
def test_api_garbage_periods_answer_422(world, api_as, setup, params):
    _programme, intakes, *_ = setup
    for endpoint in ("value", "records"):
        response = api_as(world.pam).get(f"/indicators/{intakes.pk}/{endpoint}", params)
        assert response.status_code == 422, (endpoint, params)
        assert response.json()["detail"][0]["loc"][0] == "query"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"measure": "events_held", "size_class": "small"}, "size_class"),
        ({"theme": "no-such-theme"}, "theme"),
        ({"scheme": 99999999}, "scheme"),
        ({"action_line": 0}, "action_line"),
        ({"measure": "everything"}, "measure"),
        ({"name": "Intakes digitalisering"}, "name"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_api_garbage_indicators_answer_422_on_the_field(world, api_as, setup, body, field):
    programme, intakes, *_ = setup
    payload = {"action_line": intakes.action_line_id, "name": "Nieuw", "measure": "intakes"}
    payload.update(body)
    response = api_as(world.pam).post(f"/programmes/{programme.pk}/indicators", payload)
    assert response.status_code == 422
    assert any(d["loc"][-1] == field for d in response.json()["detail"]), response.json()


def test_api_creates_the_brief_s_range_target(world, api_as, setup):
    programme, *_ = setup
    client = api_as(world.pam)
    line = client.post(f"/programmes/{programme.pk}/action-lines", {"name": "Export"}).json()
    indicator = client.post(
        f"/programmes/{programme.pk}/indicators",
        {
            "action_line": line["id"],
            "name": "Thematafels voor exporteurs",
            "measure": "table_sessions",
            "theme": "export",
        },
    ).json()
    target = client.post(
        f"/indicators/{indicator['id']}/targets",
        {"period": "year", "year": 2026, "minimum": "5", "maximum": "10"},
    )
    assert target.status_code == 201
    assert target.json()["text"] == "5-10"
    refused = client.post(
        f"/indicators/{indicator['id']}/targets",
        {"period": "year", "year": 2026, "minimum": "5"},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "year"
    listed = client.get(f"/programmes/{programme.pk}/indicators").json()
    export = next(i for i in listed if i["name"] == "Thematafels voor exporteurs")
    assert export["theme"] == "export"
    assert export["targets"][0]["text"] == "5-10"
