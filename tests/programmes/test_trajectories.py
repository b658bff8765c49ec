"""The life of a trajectory through its services: proposal or application, approval with
its checks (eligibility, participants, number and budget left), start, completion,
evaluation, withdrawal, and the audit trail and history of each step."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from loket.core.models import AuditEvent
from loket.programmes.models import Trajectory, TrajectoryParticipant, Voucher
from loket.programmes.services import schemes
from loket.programmes.services import trajectories as services
from tests import factories as f
from tests.programmes.trajectory_factories import approved, setup, trajectory

D = Decimal
Status = Trajectory.Status
DAY = dt.date(2025, 3, 10)


@pytest.fixture
def data(world):
    return setup(world)


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- proposal and application --------------------------------------------------------


def test_an_advisor_proposes_a_trajectory_and_the_audit_trail_records_it(data):
    t = trajectory(data, goal="Een nieuwe productlijn glutenvrij brood.")
    assert t.status == Status.APPLIED
    assert t.origin == Trajectory.Origin.PROPOSAL
    assert t.proposed_by == data.w.alice
    assert list(t.participants.all()) == [data.bakker]
    event = AuditEvent.objects.get(object_type="programmes.trajectory", object_id=t.pk)
    assert event.action == AuditEvent.Action.CREATE
    assert event.company_id == data.bakker.pk
    assert event.changes["status"] == [None, "applied"]


def test_an_application_of_a_company_is_registered_with_its_origin(data):
    t = trajectory(data, origin=Trajectory.Origin.APPLICATION)
    assert t.origin == Trajectory.Origin.APPLICATION


@pytest.mark.parametrize("role", ["adam", "bob", "charlie", "olga"])
def test_only_advisors_specialists_and_managers_propose(data, role):
    with pytest.raises(PermissionDenied):
        services.create_trajectory(
            getattr(data.w, role),
            data.programme,
            {"scheme": data.scheme, "company": data.bakker, "title": "Poging"},
        )
    assert not Trajectory.objects.exists()


def test_an_individual_scheme_takes_one_company(data):
    with pytest.raises(ValidationError) as exc:
        trajectory(data, participants=[data.smid])
    assert exc.value.message_dict["participants"] == [
        "Aan een traject van deze regeling neemt één bedrijf deel."
    ]
    assert not Trajectory.objects.exists()


def test_a_cluster_trajectory_has_a_lead_and_other_companies(data):
    t = trajectory(data, scheme=data.cluster, participants=[data.smid, data.kaas, data.smid])
    assert t.company == data.bakker
    assert {p.company_id for p in t.participations.all()} == {
        data.bakker.pk,
        data.smid.pk,
        data.kaas.pk,
    }


def test_companies_schemes_and_suppliers_of_elsewhere_are_refused(data, world):
    twente_co = f.CompanyFactory(region=world.other_region)
    other_scheme = f.SchemeFactory(programme=f.ProgrammeFactory(region=world.region))
    with pytest.raises(ValidationError) as exc:
        trajectory(data, company=twente_co)
    assert "Dit bedrijf hoort bij een andere regio." in exc.value.message_dict["company"]
    with pytest.raises(ValidationError) as exc:
        trajectory(data, scheme=other_scheme)
    assert exc.value.message_dict["scheme"] == ["Deze regeling hoort bij een ander programma."]
    with pytest.raises(ValidationError) as exc:
        trajectory(data, supplier_organisation=world.twente_bureau)
    assert "supplier_organisation" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        trajectory(data, specialist=world.bob)
    assert "specialist" in exc.value.message_dict
    assert not Trajectory.objects.exists()


def test_an_application_date_in_the_future_or_before_the_programme_is_refused(data):
    with pytest.raises(ValidationError) as exc:
        trajectory(data, applied_on=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.message_dict["applied_on"] == ["De aanvraagdatum ligt in de toekomst."]
    with pytest.raises(ValidationError) as exc:
        trajectory(data, applied_on=dt.date(2020, 1, 1))
    assert "applied_on" in exc.value.message_dict


def test_a_title_is_required(data):
    with pytest.raises(ValidationError) as exc:
        trajectory(data, title="   ")
    assert "title" in exc.value.message_dict


def test_the_supplier_and_deliverable_are_editable_and_audited(data, world):
    t = trajectory(data)
    services.update_trajectory(
        world.alice,
        t,
        {
            "supplier_name": "Ir. J. Jansen",
            "supplier_organisation": world.gem_assen,
            "deliverable": "Een businessplan.",
        },
    )
    t.refresh_from_db()
    assert t.supplier_name == "Ir. J. Jansen"
    assert t.supplier_organisation == world.gem_assen
    event = AuditEvent.objects.filter(object_id=t.pk, action=AuditEvent.Action.CHANGE).get()
    assert set(event.changes) == {"supplier_name", "supplier_organisation", "deliverable"}


def test_participants_are_fixed_once_approved(data, world):
    t = trajectory(data, scheme=data.cluster, participants=[data.smid, data.kaas])
    services.approve_trajectory(world.pam, t, on=DAY)
    with pytest.raises(ValidationError) as exc:
        services.update_trajectory(world.alice, t, {"participants": [data.smid]})
    assert exc.value.message_dict["participants"] == [
        "Na de goedkeuring liggen de deelnemers vast."
    ]
    assert t.participations.count() == 3


# --- approval ------------------------------------------------------------------------


def test_a_manager_approves_grants_the_maximum_and_issues_a_voucher(data, world):
    t = approved(data)
    assert t.status == Status.APPROVED
    assert t.granted_amount == D("4250.00")
    assert t.approved_on == DAY
    assert t.approved_by == world.pam
    voucher = Voucher.objects.get(trajectory=t)
    assert voucher.company == data.bakker
    assert voucher.amount == D("4250.00")
    assert voucher.status == Voucher.Status.ISSUED
    assert re.fullmatch(r"IBDO-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}", voucher.code)
    event = AuditEvent.objects.filter(object_id=t.pk, changes__status__1="approved").get()
    assert event.company_id == data.bakker.pk
    assert event.changes["voucher"] == voucher.code


def test_a_lower_amount_may_be_granted_but_never_more_than_the_maximum(data, world):
    t = trajectory(data)
    with pytest.raises(ValidationError) as exc:
        services.approve_trajectory(world.pam, t, granted_amount=D("4250.01"), on=DAY)
    assert exc.value.message_dict["granted_amount"] == [
        "Hoogstens € 4.250,00: het maximaal toegekende bedrag van de regeling."
    ]
    with pytest.raises(ValidationError):
        services.approve_trajectory(world.pam, t, granted_amount=D("-1"), on=DAY)
    services.approve_trajectory(world.pam, t, granted_amount=D("3000.00"), on=DAY)
    t.refresh_from_db()
    assert t.granted_amount == D("3000.00")
    assert t.voucher.amount == D("3000.00")


@pytest.mark.parametrize("role", ["alice", "adam", "bob"])
def test_only_programme_managers_approve(data, world, role):
    t = trajectory(data)
    with pytest.raises(PermissionDenied):
        services.approve_trajectory(getattr(world, role), t)
    t.refresh_from_db()
    assert t.status == Status.APPLIED
    assert not Voucher.objects.exists()


def test_approval_is_refused_for_want_of_participants(data, world):
    t = trajectory(data, scheme=data.cluster, participants=[data.smid])
    with pytest.raises(ValidationError) as exc:
        services.approve_trajectory(world.pam, t)
    assert _messages(exc) == (
        "Deze regeling vraagt minstens 3 deelnemende bedrijven; dit traject heeft er 2."
    )
    t.refresh_from_db()
    assert t.status == Status.APPLIED
    assert not Voucher.objects.exists()


def test_approval_is_refused_for_a_company_that_does_not_meet_the_criteria(data, world):
    t = trajectory(data, company=data.fabriek)
    with pytest.raises(ValidationError) as exc:
        services.approve_trajectory(world.pam, t)
    assert _messages(exc) == (
        "Fabriek Groot B.V. voldoet niet aan de voorwaarden van de regeling: Alleen voor "
        "bedrijven met hoogstens 249 werkzame personen."
    )


def test_each_participant_of_a_cluster_is_checked(data, world):
    instrument = f.InstrumentFactory(
        region=world.region, municipalities=[world.assen], provider_organisation=world.bureau
    )
    data.cluster.instrument = instrument
    data.cluster.save()
    emmen_co = f.CompanyFactory(region=world.region, name="Emmer Metaal", municipality=world.emmen)
    t = trajectory(data, scheme=data.cluster, participants=[data.smid, emmen_co])
    with pytest.raises(ValidationError) as exc:
        services.approve_trajectory(world.pam, t)
    assert exc.value.messages == [
        "Emmer Metaal voldoet niet aan de voorwaarden van de regeling: Alleen in de "
        "gemeente(n) Assen."
    ]


def test_approval_of_an_application_made_while_the_instrument_was_open_is_fine(data, world):
    """The instrument closed, was unpublished and its budget ran out since: the target
    criteria still hold, whether it is current does not matter any more."""
    instrument = data.instrument
    instrument.published = False
    instrument.budget_exhausted = True
    instrument.open_until = dt.date(2025, 3, 31)
    instrument.deadline = dt.date(2025, 3, 15)
    instrument.save()
    t = services.approve_trajectory(world.pam, trajectory(data), on=DAY)
    assert t.status == Status.APPROVED


def test_approval_is_refused_when_no_trajectory_is_left(data, world):
    approved(data, data.bakker)
    approved(data, data.smid)
    t = trajectory(data, company=data.kaas)
    with pytest.raises(ValidationError) as exc:
        services.approve_trajectory(world.pam, t, on=DAY)
    assert _messages(exc) == (
        "Er is geen traject van deze regeling meer beschikbaar: alle 2 zijn toegekend."
    )


def test_approval_is_refused_when_the_budget_is_not_enough(data, world):
    data.scheme.budget = D("6000.00")
    data.scheme.save()
    approved(data, data.bakker)
    t = trajectory(data, company=data.smid)
    with pytest.raises(ValidationError) as exc:
        services.approve_trajectory(world.pam, t, on=DAY)
    assert _messages(exc) == (
        "Het resterende budget van de regeling (€ 1.750,00) is kleiner dan het toe te kennen "
        "bedrag (€ 4.250,00)."
    )
    # What is left may still be granted.
    services.approve_trajectory(world.pam, t, granted_amount=D("1750.00"), on=DAY)
    assert schemes.scheme_figures(data.scheme).remaining_budget == D("0.00")


def test_withdrawal_releases_the_number_and_the_budget(data, world):
    first = approved(data, data.bakker)
    approved(data, data.smid)
    services.withdraw_trajectory(world.alice, first, reason="Het bedrijf ziet ervan af.")
    first.refresh_from_db()
    assert first.status == Status.WITHDRAWN
    assert first.voucher.status == Voucher.Status.CANCELLED
    figures = schemes.scheme_figures(data.scheme)
    assert (figures.committed_count, figures.remaining_count) == (1, 1)
    assert figures.remaining_budget == D("4250.00")
    services.approve_trajectory(world.pam, trajectory(data, company=data.kaas), on=DAY)


def test_a_trajectory_is_approved_once(data, world):
    t = approved(data)
    with pytest.raises(ValidationError) as exc:
        services.approve_trajectory(world.pam, t)
    assert _messages(exc) == "Dit traject is goedgekeurd; goedkeuren kan niet."
    assert Voucher.objects.count() == 1


def test_a_voucher_code_that_exists_already_is_drawn_again(data, world, monkeypatch):
    existing = approved(data, data.smid)
    existing.voucher.code = "IBDO-2222-2222"
    existing.voucher.save()
    draws = iter("2222222233333333")
    monkeypatch.setattr(secrets, "choice", lambda alphabet: next(draws))
    t = services.approve_trajectory(world.pam, trajectory(data), on=DAY)
    assert t.voucher.code == "IBDO-3333-3333"


# --- the rest of its life ------------------------------------------------------------


def test_a_trajectory_runs_is_completed_and_evaluated(data, world):
    t = approved(data)
    services.start_trajectory(world.alice, t, on=dt.date(2025, 3, 15))
    services.update_trajectory(world.alice, t, {"supplier_name": "Adviesbureau Noord"})
    with pytest.raises(ValidationError) as exc:
        services.complete_trajectory(world.alice, t, on=dt.date(2025, 6, 1))
    assert exc.value.message_dict["deliverable"] == ["Beschrijf het opgeleverde resultaat."]
    services.complete_trajectory(
        world.alice, t, on=dt.date(2025, 6, 1), deliverable="Een businessplan."
    )
    with pytest.raises(ValidationError) as exc:
        services.evaluate_trajectory(world.alice, t, evaluation="  ")
    assert exc.value.message_dict["evaluation"] == ["Schrijf de evaluatie op."]
    services.evaluate_trajectory(
        world.alice, t, on=dt.date(2025, 7, 1), evaluation="Waardevol; omzet gestegen."
    )
    t.refresh_from_db()
    assert t.status == Status.EVALUATED
    assert (t.started_on, t.completed_on, t.evaluated_on) == (
        dt.date(2025, 3, 15),
        dt.date(2025, 6, 1),
        dt.date(2025, 7, 1),
    )
    assert t.deliverable == "Een businessplan."
    steps = [e.text for e in services.history(t)]
    assert steps == [
        "aangevraagd",
        f"goedgekeurd; voucher {t.voucher.code} uitgegeven",
        "loopt",
        "gegevens gewijzigd",
        "afgerond",
        "geëvalueerd",
    ]
    assert all(
        e.company_id == data.bakker.pk
        for e in AuditEvent.objects.filter(object_type="programmes.trajectory", object_id=t.pk)
    )


def test_steps_out_of_order_or_dated_wrongly_are_refused(data, world):
    t = trajectory(data)
    with pytest.raises(ValidationError) as exc:
        services.start_trajectory(world.alice, t)
    assert _messages(exc) == "Dit traject is aangevraagd; starten kan niet."
    services.approve_trajectory(world.pam, t, on=DAY)
    with pytest.raises(ValidationError) as exc:
        services.start_trajectory(world.alice, t, on=dt.date(2025, 3, 9))
    assert exc.value.message_dict["on"] == ["Deze datum ligt vóór de goedkeuring (10-03-2025)."]
    with pytest.raises(ValidationError) as exc:
        services.start_trajectory(world.alice, t, on=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.message_dict["on"] == ["Deze datum ligt in de toekomst."]
    with pytest.raises(ValidationError):
        services.transition(world.alice, t, "applied")
    t.refresh_from_db()
    assert t.status == Status.APPROVED


def test_withdrawal_needs_a_reason_and_is_impossible_once_completed(data, world):
    t = approved(data)
    with pytest.raises(ValidationError) as exc:
        services.withdraw_trajectory(world.alice, t, reason=" ")
    assert exc.value.message_dict["reason"] == ["Geef de reden van het intrekken."]
    services.start_trajectory(world.alice, t, on=dt.date(2025, 3, 15))
    services.complete_trajectory(world.alice, t, on=dt.date(2025, 4, 1), deliverable="Plan.")
    with pytest.raises(ValidationError) as exc:
        services.withdraw_trajectory(world.alice, t, reason="Te laat.")
    assert _messages(exc) == "Dit traject is afgerond; intrekken kan niet."


def test_an_applied_trajectory_is_withdrawn_without_a_voucher(data, world):
    t = trajectory(data)
    services.withdraw_trajectory(world.alice, t, reason="Dubbel ingevoerd.")
    t.refresh_from_db()
    assert t.status == Status.WITHDRAWN
    assert t.withdrawal_reason == "Dubbel ingevoerd."
    event = AuditEvent.objects.filter(object_id=t.pk, changes__status__1="withdrawn").get()
    assert "voucher" not in event.changes
    with pytest.raises(ValidationError):
        services.update_trajectory(world.alice, t, {"title": "Anders"})


def test_supplier_staff_see_the_trajectory_but_do_not_run_it(data, world):
    from loket.programmes.queries import trajectories_visible_to

    t = trajectory(data, supplier_organisation=world.gem_assen)
    assert list(trajectories_visible_to(world.bob)) == [t]
    assert list(trajectories_visible_to(world.charlie)) == []
    services.approve_trajectory(world.pam, t, on=DAY)
    with pytest.raises(PermissionDenied):
        services.start_trajectory(world.bob, t)


def test_the_company_page_lists_the_trajectories_a_company_takes_part_in(data, world):
    lead = trajectory(data, scheme=data.cluster, participants=[data.smid, data.kaas])
    own = trajectory(data, company=data.smid, title="Eigen traject")
    assert services.trajectories_for_company(world.alice, data.smid) == [own, lead]
    assert services.trajectories_for_company(world.bob, data.smid) is None
    assert TrajectoryParticipant.objects.filter(company=data.smid).count() == 2


# --- the eligibility check on its own ------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "profile", "reason"),
    [
        ({"size_classes": ["small"]}, {"employees": 5}, "Alleen voor bedrijven van deze grootte"),
        ({"employees_min": 10}, {"employees": 5}, "minstens 10 werkzame personen"),
        ({"company_age_min": 3}, {"company_age": 1}, "minstens 3 jaar oud"),
        ({"company_age_max": 5}, {"company_age": 8}, "hoogstens 5 jaar oud"),
        ({"sbi_excluded": ["A"]}, {"sbi_codes": ("01", "A")}, "Niet voor uw sector (SBI A)."),
        ({"sbi_included": ["25"]}, {"sbi_codes": ("47", "G")}, "Alleen voor de sectoren SBI 25."),
        ({"legal_forms": ["bv"]}, {"legal_form": "stichting"}, "rechtsvorm(en) besloten"),
        ({"employees_max": 9}, {"employees": 9}, None),
        ({"sbi_included": ["25"]}, {}, None),  # unknown facts are not held against anyone
        ({"published": False, "budget_exhausted": True}, {}, None),  # only the target criteria
    ],
)
def test_ineligible_reason_checks_the_target_criteria_only(world, criteria, profile, reason):
    from loket.catalogue.matching import Profile, ineligible_reason

    instrument = f.InstrumentFactory(region=world.region, **criteria)
    found = ineligible_reason(instrument.pk, Profile(region_id=world.region.pk, **profile))
    if reason is None:
        assert found is None
    else:
        assert found is not None
        assert reason in found


def test_an_instrument_that_does_not_apply_in_the_region_is_a_reason(world):
    from loket.catalogue.matching import Profile, ineligible_reason

    twente = f.InstrumentFactory(region=world.other_region)
    narrowed = f.InstrumentFactory(region=None, provider_kind="national", provider_name="RVO")
    narrowed.regions.set([world.other_region])
    profile = Profile(region_id=world.region.pk)
    for instrument in (twente, narrowed):
        assert ineligible_reason(instrument.pk, profile) == (
            "Dit instrument geldt niet in de regio van het bedrijf."
        )
    shared = f.InstrumentFactory(region=None, provider_kind="national", provider_name="RVO")
    assert ineligible_reason(shared.pk, profile) is None
