"""Tables: the service level (crisis table 2 working days, others 15, or the table's own;
weekends and holidays do not count), overdue cases, sessions with experts of the
region's partner organisations, and hearing a case: the advice lands on the company's
timeline as one contact moment of kind "tafelsessie" that later changes update."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from loket.casework.models import Case, ContactMoment
from loket.collectives.models import Collective, TableCase
from loket.collectives.services import tables as services
from loket.companies.timeline import company_timeline
from loket.core.models import AuditEvent
from tests import factories as f
from tests.collectives.tables_setup import held, make_tables

FRIDAY = dt.date(2025, 10, 3)
SATURDAY = dt.date(2025, 10, 4)
TUESDAY = dt.date(2025, 10, 7)
MONDAY = dt.date(2025, 10, 6)


@pytest.fixture
def t(world):
    return make_tables(world)


def _bring(world, t, **data):
    data.setdefault("company", t.company)
    data.setdefault("question", "Onze grootste afnemer is failliet; hoe overbruggen we?")
    return services.bring_in_case(world.alice, t.table, data)


# --- service level -------------------------------------------------------------------


def test_a_crisis_table_convenes_within_two_working_days_over_a_weekend(world, t):
    on_friday = _bring(world, t, requested_on=FRIDAY)
    on_saturday = _bring(world, t, requested_on=SATURDAY)
    assert on_friday.convene_by == TUESDAY  # Monday and Tuesday
    assert on_saturday.convene_by == TUESDAY  # counted from Monday


def test_christmas_does_not_count(world, t):
    assert services.convene_by(t.table, dt.date(2025, 12, 24)) == dt.date(2025, 12, 30)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (Collective.Kind.FINANCING_TABLE, dt.date(2025, 10, 27)),
        (Collective.Kind.ENTREPRENEUR_TABLE, dt.date(2025, 10, 27)),
        (Collective.Kind.THEME_TABLE, dt.date(2025, 10, 27)),
        (Collective.Kind.COUNTRY_TABLE, dt.date(2025, 10, 27)),
    ],
)
def test_other_tables_take_fifteen_working_days(world, kind, expected):
    t = make_tables(world, kind=kind)
    assert _bring(world, t, requested_on=MONDAY).convene_by == expected


def test_a_table_with_its_own_service_level(world):
    t = make_tables(world, kind=Collective.Kind.ENTREPRENEUR_TABLE, service_level_days=5)
    assert _bring(world, t, requested_on=MONDAY).convene_by == dt.date(2025, 10, 13)


def test_a_case_not_heard_in_time_is_overdue_until_heard(world, t):
    table_case = _bring(world, t, requested_on=FRIDAY)
    assert services.is_overdue(table_case)
    overview = services.table_overview(t.table)
    assert overview.overdue_count == 1
    assert overview.waiting == [table_case]
    assert overview.waiting[0].overdue
    services.hear_case(world.alice, table_case, session=t.past, advice="Praat met de bank.")
    table_case.refresh_from_db()
    assert not services.is_overdue(table_case)
    assert services.table_overview(t.table).waiting == []


def test_a_fresh_case_is_not_overdue(world, t):
    table_case = _bring(world, t)
    assert table_case.requested_on == timezone.localdate()
    assert not services.is_overdue(table_case)
    assert services.working_days_left(table_case) == 2


def test_the_overview_sorts_sessions_and_counts_in_constant_queries(
    world, t, django_assert_num_queries
):
    for days in (10, 20, 30):
        f.TableSessionFactory(collective=t.table, held_at=held(days))
    for _ in range(3):
        _bring(world, t)
    with django_assert_num_queries(6):
        overview = services.table_overview(t.table)
        for session in overview.past + overview.upcoming:
            list(session.experts.all())
        for table_case in overview.waiting:
            str(table_case.company.name)
    assert [s.pk for s in overview.upcoming] == [t.upcoming.pk]
    assert overview.past[0] == t.past
    assert len(overview.past) == 4
    assert len(overview.waiting) == 3


# --- bringing in ---------------------------------------------------------------------


def test_bringing_in_is_audited_and_refuses_what_does_not_fit(world, t):
    table_case = _bring(world, t)
    assert AuditEvent.objects.filter(
        object_type="collectives.tablecase", object_id=table_case.pk, action="create"
    ).exists()
    other = f.CompanyFactory(region=world.region)
    foreign_case = f.CaseFactory(company=other, owner=world.alice, organisation=world.bureau)
    twente = f.CompanyFactory(region=world.other_region)
    cases = [
        ({"company": None}, "company"),
        ({"company": twente}, "company"),
        ({"case": foreign_case}, "case"),
        ({"question": "   "}, "question"),
        ({"question": "x" * 10_001}, "question"),
        ({"requested_on": timezone.localdate() + dt.timedelta(days=1)}, "requested_on"),
        ({"requested_on": dt.date(1900, 1, 1)}, "requested_on"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as exc:
            _bring(world, t, **data)
        assert field in exc.value.message_dict, data
    assert TableCase.objects.count() == 1


def test_a_cluster_has_no_table_cases(world, t):
    cluster = f.CollectiveFactory(programme=t.programme, organisation=world.bureau)
    with pytest.raises(PermissionDenied):
        services.bring_in_case(world.alice, cluster, {"company": t.company, "question": "?"})


def test_only_who_manages_the_table_brings_in_or_records(world, t):
    for user in (world.bob, world.charlie, world.olga):
        with pytest.raises(PermissionDenied):
            services.bring_in_case(user, t.table, {"company": t.company, "question": "?"})
        with pytest.raises(PermissionDenied):
            services.create_session(user, t.table, {"held_at": held(1)})


def test_staff_of_the_tables_organisation_manage_it(world):
    bank = f.OrganisationFactory(region=world.region, name="Rabobank Drenthe", kind="bank")
    banker = f.UserFactory(full_name="Bea Bank")
    f.MembershipFactory(user=banker, organisation=bank, role="partner")
    t = make_tables(world, kind=Collective.Kind.FINANCING_TABLE)
    t.table.organisation = bank
    t.table.save()
    table_case = services.bring_in_case(
        banker, t.table, {"company": t.company, "question": "Krediet voor een machine?"}
    )
    heard = services.hear_case(banker, table_case, session=t.past, advice="Lease de machine.")
    assert heard.contact_moment.organisation == bank
    assert heard.contact_moment.author == banker


# --- sessions ------------------------------------------------------------------------


def test_experts_are_users_of_the_regions_partner_organisations(world, t):
    outsider_org = f.OrganisationFactory(
        region=world.region, name="Niet-partner", is_programme_partner=False
    )
    outsider = f.UserFactory(full_name="Olaf Buiten")
    f.MembershipFactory(user=outsider, organisation=outsider_org, role="partner")
    experts = set(services.experts_for(t.table))
    assert {world.alice, world.bob, world.charlie} <= experts
    assert world.olga not in experts
    assert outsider not in experts
    with pytest.raises(ValidationError) as exc:
        services.create_session(
            world.alice, t.table, {"held_at": held(1), "experts": [world.bob, world.olga]}
        )
    assert "Olga Overijssel" in exc.value.message_dict["experts"][0]
    session = services.create_session(
        world.alice,
        t.table,
        {"held_at": held(1), "location": " Assen ", "experts": [world.bob, world.charlie]},
    )
    assert session.location == "Assen"
    assert set(session.experts.all()) == {world.bob, world.charlie}
    assert AuditEvent.objects.filter(
        object_type="collectives.tablesession", object_id=session.pk
    ).exists()


def test_a_session_needs_a_sensible_date(world, t):
    for held_at in (None, timezone.now().replace(year=1950), timezone.now().replace(year=2100)):
        with pytest.raises(ValidationError) as exc:
            services.create_session(world.alice, t.table, {"held_at": held_at})
        assert "held_at" in exc.value.message_dict


# --- hearing -------------------------------------------------------------------------


def test_the_advice_lands_on_the_companys_timeline_once(world, t):
    case = f.CaseFactory(company=t.company, owner=world.alice, organisation=world.bureau)
    table_case = _bring(world, t, case=case)
    heard = services.hear_case(
        world.alice,
        table_case,
        session=t.past,
        advice="Vraag uitstel van betaling aan.",
        next_steps="Gesprek met de Belastingdienst plannen.",
    )
    moment = heard.contact_moment
    assert moment.kind == ContactMoment.Kind.TABLE
    assert moment.company == t.company
    assert moment.case == case
    assert moment.occurred_at == t.past.held_at
    assert moment.organisation == world.bureau
    assert "Vraag uitstel van betaling aan." in moment.summary
    assert "Gesprek met de Belastingdienst plannen." in moment.summary
    assert "Crisistafel Drenthe" in moment.summary
    case.refresh_from_db()
    assert case.first_response_at is not None
    assert case.status != Case.Status.NEW
    timeline = company_timeline(world.alice, t.company).entries
    assert [e.obj for e in timeline if e.kind == "contact"] == [moment]

    # Changing the advice later changes that contact moment, never adds a second one.
    services.hear_case(
        world.pam, heard, session=t.past, advice="Vraag uitstel aan en herzie de begroting."
    )
    assert ContactMoment.objects.filter(company=t.company).count() == 1
    moment.refresh_from_db()
    assert "herzie de begroting" in moment.summary
    assert "Belastingdienst" not in moment.summary
    assert AuditEvent.objects.filter(
        object_type="casework.contactmoment", object_id=moment.pk, action="change"
    ).exists()


def test_a_case_can_be_planned_before_the_session_and_advised_after(world, t):
    table_case = _bring(world, t)
    planned = services.hear_case(world.alice, table_case, session=t.upcoming)
    assert planned.session == t.upcoming
    assert planned.contact_moment is None
    with pytest.raises(ValidationError) as exc:
        services.hear_case(world.alice, planned, session=t.upcoming, advice="Te vroeg.")
    assert "session" in exc.value.message_dict
    assert not ContactMoment.objects.filter(company=t.company).exists()


def test_moving_a_heard_session_moves_its_contact_moments(world, t):
    table_case = _bring(world, t)
    heard = services.hear_case(world.alice, table_case, session=t.past, advice="Advies.")
    earlier = held(3, hour=10)
    services.update_session(world.alice, t.past, {"held_at": earlier})
    heard.contact_moment.refresh_from_db()
    assert heard.contact_moment.occurred_at == earlier
    with pytest.raises(ValidationError) as exc:
        services.update_session(
            world.alice, t.past, {"held_at": timezone.now() + dt.timedelta(days=3)}
        )
    assert "held_at" in exc.value.message_dict


def test_hearing_refuses_what_does_not_fit(world, t):
    other = make_tables(world)
    table_case = _bring(world, t)
    for kwargs, field in [
        ({"session": None}, "session"),
        ({"session": other.past}, "session"),
        ({"session": t.past, "next_steps": "Iets doen."}, "advice"),
        ({"session": t.past, "advice": "x" * 10_001}, "advice"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.hear_case(world.alice, table_case, **kwargs)
        assert field in exc.value.message_dict, kwargs
    heard = services.hear_case(world.alice, table_case, session=t.past, advice="Advies.")
    with pytest.raises(ValidationError) as exc:
        services.hear_case(world.alice, heard, session=t.past, advice="")
    assert "advice" in exc.value.message_dict
    table_case.refresh_from_db()
    assert table_case.advice == "Advies."
    assert ContactMoment.objects.filter(company=t.company).count() == 1
