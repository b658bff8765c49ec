"""Business cases: the rules and permissions of the services, the report's summary
(hand-counted), and what happens to them when a company is merged or deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from loket.companies import services as company_services
from loket.core.models import AuditEvent
from loket.monitoring.business_cases import summary
from loket.monitoring.models import BusinessCase
from loket.monitoring.services import business_cases as services
from tests.monitoring.business_data import bw_fixture, make_case  # noqa: F401

D = Decimal


def _data(bw, **changes):
    data = {
        "title": "Robotisering bakkerij",
        "organisation": bw.nom,
        "company": bw.brink,
        "started_on": dt.date(2026, 3, 1),
        "expected_turnover": D("400000"),
        "expected_value": D("150000"),
        "expected_fte": D("2.5"),
    }
    data.update(changes)
    return data


def test_nom_staff_add_a_business_case_and_it_is_audited(bw):
    case = services.create_business_case(bw.nina, bw.programme, _data(bw))
    case.refresh_from_db()
    assert case.organisation == bw.nom
    assert case.region_id == bw.programme.region_id
    assert case.expected_turnover == D("400000.00")
    event = AuditEvent.objects.get(object_type="monitoring.businesscase", object_id=case.pk)
    assert event.action == AuditEvent.Action.CREATE
    assert event.company_id == bw.brink.pk
    assert event.changes["expected_turnover"] == [None, "400000.00"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"realised_turnover": D("1000")}, "realised_on", "op welke datum"),
        (
            {"realised_fte": D("1"), "realised_on": dt.date(2026, 2, 1)},
            "realised_on",
            "niet vóór de start",
        ),
        ({"realised_on": dt.date(2026, 4, 1)}, "realised_on", "Vul ook de gerealiseerde"),
        ({"expected_turnover": D("-1")}, "expected_turnover", ""),
        ({"realised_value": D("-5"), "realised_on": dt.date(2026, 4, 1)}, "realised_value", ""),
        ({"expected_fte": D("12345678.9")}, "expected_fte", ""),
        ({"title": "   "}, "title", ""),
    ],
)
def test_the_rules_name_the_field_and_nothing_is_saved(bw, changes, field, message):
    with pytest.raises(ValidationError) as caught:
        services.create_business_case(bw.nina, bw.programme, _data(bw, **changes))
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert not BusinessCase.objects.exists()


def test_realised_figures_cannot_be_measured_in_the_future(bw):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.create_business_case(
            bw.nina,
            bw.programme,
            _data(bw, started_on=dt.date(2026, 1, 1), realised_value=D("1"), realised_on=tomorrow),
        )
    assert "toekomst" in caught.value.message_dict["realised_on"][0]


def test_the_company_must_be_one_the_user_sees_in_the_region(bw):
    for company in (bw.smid, bw.twente_co):  # nina never spoke to Smid; Twente is elsewhere
        with pytest.raises(ValidationError) as caught:
            services.create_business_case(bw.nina, bw.programme, _data(bw, company=company))
        assert "company" in caught.value.message_dict
    assert not BusinessCase.objects.exists()


def test_staff_keep_business_cases_only_for_their_own_organisation(bw):
    w = bw.w
    with pytest.raises(ValidationError) as caught:
        services.create_business_case(bw.nina, bw.programme, _data(bw, organisation=w.bureau))
    assert "organisation" in caught.value.message_dict
    # The programme manager keeps them for any executing organisation.
    case = services.create_business_case(w.pam, bw.programme, _data(bw, organisation=bw.nom))
    assert case.organisation == bw.nom
    # Gemeente Emmen does not execute the programme: charlie keeps none at all.
    with pytest.raises(PermissionDenied):
        services.create_business_case(w.charlie, bw.programme, _data(bw, organisation=w.gem_emmen))


def test_only_the_own_organisation_or_the_manager_change_or_delete(bw):
    w = bw.w
    case = make_case(bw)
    for outsider in (w.bob, w.alice):  # another executing organisation; bureau advisor
        with pytest.raises(PermissionDenied):
            services.update_business_case(outsider, case, {"title": "Anders"})
        with pytest.raises(PermissionDenied):
            services.delete_business_case(outsider, case)
    services.update_business_case(
        bw.nina,
        case,
        {"realised_turnover": D("120000"), "realised_on": dt.date(2026, 6, 30)},
    )
    case.refresh_from_db()
    assert case.realised_turnover == D("120000.00")
    change = AuditEvent.objects.get(object_id=case.pk, action=AuditEvent.Action.CHANGE)
    assert change.changes == {
        "realised_on": [None, "2026-06-30"],
        "realised_turnover": [None, "120000.00"],
    }
    services.delete_business_case(w.pam, case)
    assert not BusinessCase.objects.exists()


def test_an_unchanged_save_writes_no_audit_event(bw):
    case = make_case(bw)
    services.update_business_case(bw.nina, case, {"expected_turnover": D("250000")})
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).exists()


# --- the report's summary --------------------------------------------------------------


def test_summary_is_none_without_business_cases(bw):
    assert summary(bw.programme, dt.date(2026, 3, 31), None) is None
    make_case(bw, started_on=dt.date(2026, 5, 1))  # started after the period
    assert summary(bw.programme, dt.date(2026, 3, 31), None) is None
    assert summary(bw.programme, dt.date(2026, 6, 30), [bw.w.bureau.pk]) is None


def test_summary_totals_hand_counted(bw):
    w = bw.w
    make_case(
        bw,
        title="A: productielijn",
        started_on=dt.date(2025, 6, 1),
        expected_turnover=D("250000.00"),
        expected_value=D("100000.00"),
        expected_fte=D("3.0"),
        realised_turnover=D("90000.00"),
        realised_value=D("30000.50"),
        realised_fte=D("1.5"),
        realised_on=dt.date(2026, 1, 15),
    )
    make_case(  # measured after the period: its realised figures do not count yet
        bw,
        title="B: export Duitsland",
        started_on=dt.date(2026, 1, 10),
        expected_turnover=D("80000.00"),
        expected_value=D("20000.00"),
        expected_fte=D("0.5"),
        realised_turnover=D("5000.00"),
        realised_value=D("1000.00"),
        realised_fte=D("0.2"),
        realised_on=dt.date(2026, 5, 1),
    )
    make_case(  # the bureau's
        bw,
        organisation=w.bureau,
        title="C: bureau",
        started_on=dt.date(2026, 2, 1),
        expected_turnover=D("10000.00"),
        expected_value=D("0.00"),
        expected_fte=D("1.0"),
    )
    make_case(bw, title="D: later", started_on=dt.date(2026, 4, 1))  # after the period

    data = summary(bw.programme, dt.date(2026, 3, 31), None)
    assert data is not None
    assert data["count"] == 3
    assert data["expected_turnover"] == "340000.00"  # 250000 + 80000 + 10000
    assert data["expected_value"] == "120000.00"
    assert data["expected_fte"] == "4.5"
    assert data["realised_turnover"] == "90000.00"  # only A was measured by 31 March
    assert data["realised_value"] == "30000.50"
    assert data["realised_fte"] == "1.5"
    assert [row["title"] for row in data["rows"]] == [
        "A: productielijn",
        "B: export Duitsland",
        "C: bureau",
    ]
    first, second, _third = data["rows"]
    assert first == {
        "title": "A: productielijn",
        "company": "Bakkerij De Brink",
        "organisation": "NOM",
        "started_on": "2025-06-01",
        "realised_on": "2026-01-15",
        "expected_turnover": "250000.00",
        "expected_value": "100000.00",
        "expected_fte": "3.0",
        "realised_turnover": "90000.00",
        "realised_value": "30000.50",
        "realised_fte": "1.5",
    }
    assert second["realised_turnover"] is None
    assert second["realised_on"] is None

    # NOM's share only: A and B.
    share = summary(bw.programme, dt.date(2026, 3, 31), [bw.nom.pk])
    assert share["count"] == 2
    assert share["expected_turnover"] == "330000.00"
    # Later, B's measurement counts too.
    later = summary(bw.programme, dt.date(2026, 6, 30), [bw.nom.pk])
    assert later["count"] == 3
    assert later["realised_turnover"] == "95000.00"
    assert later["realised_fte"] == "1.7"


def test_summary_is_two_queries(bw, django_assert_num_queries):
    for n in range(5):
        make_case(bw, title=f"Project {n}")
    with django_assert_num_queries(2):
        data = summary(bw.programme, dt.date(2026, 12, 31), None)
    assert data["count"] == 5


# --- companies: merge and delete --------------------------------------------------------


def test_merging_a_company_moves_its_business_cases(bw):
    w = bw.w
    case = make_case(bw, company=bw.smid)
    company_services.merge_companies(w.pam, bw.brink, bw.smid)
    case.refresh_from_db()
    assert case.company == bw.brink
    merge = AuditEvent.objects.get(action=AuditEvent.Action.MERGE)
    assert merge.changes["moved"]["business_cases"] == 1


def test_a_company_with_a_business_case_is_not_deleted_but_told_why(bw, login):
    w = bw.w
    make_case(bw)
    with pytest.raises(ValidationError) as caught:
        company_services.delete_company(w.pam, bw.brink)
    assert "businesscase" in caught.value.messages[0]
    client = login(w.pam)
    response = client.post(f"/bedrijven/{bw.brink.pk}/verwijderen/", follow=True)
    assert response.status_code == 200
    assert "businesscase" in response.content.decode()
    assert type(bw.brink).objects.filter(pk=bw.brink.pk).exists()
