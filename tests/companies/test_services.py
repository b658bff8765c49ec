"""The company services: create with the duplicate warning, KvK uniqueness, normalisation,
the audit diff, merge, consent, audited views of persons, and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from loket.casework.models import Case, ContactMoment, Referral
from loket.companies import services
from loket.companies.models import Company, Consent, Person
from loket.companies.timeline import audit_trail
from loket.core.models import AuditEvent
from tests import factories as f


def _create(world, user=None, **data):
    values = {"name": "Bakkerij Jansen", **data}
    return services.create_company(user or world.alice, world.region, values)


# --- create, normalisation, duplicates ---------------------------------------------------


def test_it_creates_a_company_normalised_and_audited(world):
    company = _create(
        world,
        kvk_number=" 1234.5678 ",
        postcode="9401ab",
        house_number=3,
        trade_names="Jansen Brood\n\n  Bakker Jansen  \n",
        name="  Bakkerij Jansen ",
    )
    assert company.kvk_number == "12345678"
    assert company.postcode == "9401 AB"
    assert company.trade_names == ["Jansen Brood", "Bakker Jansen"]
    assert company.name == "Bakkerij Jansen"
    event = AuditEvent.objects.get(object_type="companies.company", object_id=company.pk)
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == world.alice
    assert event.company_id == company.pk
    assert event.changes["name"] == [None, "Bakkerij Jansen"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kvk_number", "1234"),
        ("kvk_number", "ABCDEFGH"),
        ("postcode", "0123 AB"),
        ("postcode", "SW1A 1AA"),
        ("postcode", "9401 SS"),
        ("email", "geen-adres"),
        ("website", "geen url"),
    ],
)
def test_it_refuses_invalid_values_on_their_field(world, field, value):
    with pytest.raises(ValidationError) as exc:
        _create(world, **{field: value})
    assert field in exc.value.message_dict
    assert not Company.objects.exists()


def test_the_same_kvk_number_is_a_warning_that_cannot_be_overridden(world):
    first = _create(world, kvk_number="12345678")
    for confirm in (False, True):
        with pytest.raises(services.DuplicateCompanyWarning) as exc:
            services.create_company(
                world.alice,
                world.region,
                {"name": "Heel Ander Bedrijf", "kvk_number": "12345678"},
                confirm_duplicate=confirm,
            )
        assert exc.value.same_kvk
        assert exc.value.candidates == [first]
        assert "kvk_number" in exc.value.message_dict
    assert Company.objects.count() == 1


def test_the_same_kvk_number_is_fine_in_another_region(world):
    _create(world, kvk_number="12345678")
    other = services.create_company(
        world.olga, world.other_region, {"name": "Twentse Bakker", "kvk_number": "12345678"}
    )
    assert other.region == world.other_region


def test_same_address_and_similar_name_warns_until_confirmed(world):
    first = _create(world, postcode="9401 AB", house_number=10, name="Bakkerij Jansen")
    data = {"name": "Bakkerij Jansen B.V.", "postcode": "9401AB", "house_number": 10}
    with pytest.raises(services.DuplicateCompanyWarning) as exc:
        services.create_company(world.alice, world.region, data)
    assert not exc.value.same_kvk
    assert exc.value.candidates == [first]
    second = services.create_company(world.alice, world.region, data, confirm_duplicate=True)
    assert second.pk != first.pk


def test_same_address_with_another_name_is_no_duplicate(world):
    _create(world, postcode="9401 AB", house_number=10, name="Bakkerij Jansen")
    other = _create(world, postcode="9401 AB", house_number=10, name="Fietsenmaker Pietersen")
    assert other.pk


def test_kvk_number_is_unique_per_region_on_update_too(world):
    _create(world, kvk_number="12345678")
    second = _create(world, name="Ander Bedrijf", kvk_number="87654321")
    with pytest.raises(ValidationError) as exc:
        services.update_company(world.alice, second, {"kvk_number": "12345678"})
    assert "kvk_number" in exc.value.message_dict
    second.refresh_from_db()
    assert second.kvk_number == "87654321"


# --- update ------------------------------------------------------------------------------


def test_update_records_the_changed_fields_before_and_after(world):
    company = _create(world, employees=4, city="Assen")
    services.update_company(world.alice, company, {"employees": 12, "city": "Assen"})
    event = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).get()
    assert event.changes == {"employees": [4, 12]}
    assert event.actor == world.alice


def test_update_without_changes_records_nothing(world):
    company = _create(world, employees=4)
    services.update_company(world.alice, company, {"employees": 4})
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).exists()


def test_only_programme_staff_set_the_account_manager(world):
    company = _create(world)
    f.ContactMomentFactory(company=company, author=world.bob, organisation=world.gem_assen)
    with pytest.raises(PermissionDenied):
        services.update_company(world.bob, company, {"account_manager": world.alice})
    services.update_company(world.alice, company, {"account_manager": world.alice})
    company.refresh_from_db()
    assert company.account_manager == world.alice


def test_a_partner_cannot_be_account_manager(world):
    company = _create(world)
    with pytest.raises(ValidationError) as exc:
        services.update_company(world.alice, company, {"account_manager": world.bob})
    assert "account_manager" in exc.value.message_dict


def test_municipality_of_another_region_is_refused(world):
    twente = f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    with pytest.raises(ValidationError) as exc:
        _create(world, municipality=twente)
    assert "municipality" in exc.value.message_dict


# --- permissions -------------------------------------------------------------------------


def test_other_region_may_not_create_change_or_add_persons(world):
    with pytest.raises(PermissionDenied):
        _create(world, user=world.olga)
    company = _create(world)
    with pytest.raises(PermissionDenied):
        services.update_company(world.olga, company, {"name": "Gekaapt"})
    with pytest.raises(PermissionDenied):
        services.create_person(world.olga, company, {"name": "Iemand"})
    with pytest.raises(PermissionDenied):
        services.merge_companies(world.olga, company, _create(world, name="Tweede"))
    with pytest.raises(PermissionDenied):
        services.delete_company(world.olga, company)


def test_only_programme_managers_and_administrators_delete(world):
    company = _create(world)
    for user in (world.alice, world.bob):
        with pytest.raises(PermissionDenied):
            services.delete_company(user, company)
    company_id = company.pk
    services.delete_company(world.pam, company)
    assert not Company.objects.filter(pk=company_id).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
    assert event.company_id == company_id
    assert event.actor == world.pam


# --- merge -------------------------------------------------------------------------------


def test_merge_moves_every_record_and_leaves_an_audit_entry(world):
    keep = _create(world, name="Bakkerij Jansen", kvk_number="12345678")
    dup = _create(
        world, name="Bakkerij Jansen (dubbel)", postcode="9401 AB", house_number=5, city="Assen"
    )
    person = services.create_person(world.alice, dup, {"name": "Piet Jansen"})
    moment = f.ContactMomentFactory(company=dup, author=world.alice, organisation=world.bureau)
    case = f.CaseFactory(company=dup, owner=world.alice, organisation=world.bureau)
    referral = f.ReferralFactory(case=case, to_organisation=world.gem_assen)
    dup_id = dup.pk

    kept = services.merge_companies(world.alice, keep, dup)

    assert kept.pk == keep.pk
    assert not Company.objects.filter(pk=dup_id).exists()
    assert Person.objects.get(pk=person.pk).company_id == keep.pk
    assert ContactMoment.objects.get(pk=moment.pk).company_id == keep.pk
    assert Case.objects.get(pk=case.pk).company_id == keep.pk
    assert Referral.objects.get(pk=referral.pk).company_id == keep.pk
    kept.refresh_from_db()
    assert kept.postcode == "9401 AB"
    assert kept.city == "Assen"
    assert "Bakkerij Jansen (dubbel)" in kept.trade_names
    event = AuditEvent.objects.get(action=AuditEvent.Action.MERGE)
    assert event.company_id == keep.pk
    assert event.changes["merged_company"] == {"id": dup_id, "name": "Bakkerij Jansen (dubbel)"}
    assert event.changes["moved"] == {
        "persons": 1,
        "contact_moments": 1,
        "cases": 1,
        "referrals": 1,
        "trajectories": 0,
        "vouchers": 0,
        "hour_entries": 0,
        "event_registrations": 0,
        "events_hosted": 0,
        "table_cases": 0,
        "carousel_matches": 0,
        "collective_memberships": 0,
        "survey_invitations": 0,
        "business_cases": 0,
    }


def test_the_merged_companys_audit_trail_stays_reachable(world):
    keep = _create(world, name="Eerste")
    dup = _create(world, name="Tweede")
    person = services.create_person(world.alice, dup, {"name": "Piet"})
    services.view_person(world.alice, person)
    dup_events = set(AuditEvent.objects.filter(company_id=dup.pk).values_list("pk", flat=True))
    dup_id = dup.pk
    services.merge_companies(world.alice, keep, dup)

    ids = services.merged_company_ids(keep)
    assert set(ids) == {keep.pk, dup_id}
    trail = set(audit_trail(ids).values_list("pk", flat=True))
    assert dup_events <= trail


def test_merge_is_for_programme_staff_only(world):
    keep, dup = _create(world, name="Een"), _create(world, name="Twee")
    f.ContactMomentFactory(company=keep, author=world.bob, organisation=world.gem_assen)
    with pytest.raises(PermissionDenied):
        services.merge_companies(world.bob, keep, dup)
    assert Company.objects.count() == 2


def test_a_company_cannot_be_merged_with_itself(world):
    keep = _create(world)
    with pytest.raises(ValidationError):
        services.merge_companies(world.alice, keep, keep)


def test_merge_moves_trajectories_participations_and_vouchers(world):
    from loket.programmes.models import Trajectory, TrajectoryParticipant, Voucher
    from loket.programmes.services import trajectories

    keep = _create(world, name="Bakkerij Jansen", kvk_number="12345678")
    dup = _create(world, name="Bakkerij Jansen (dubbel)")
    other = _create(world, name="Smederij Smid")
    programme = f.ProgrammeFactory(region=world.region)
    own = trajectories.create_trajectory(
        world.alice,
        programme,
        {"scheme": f.SchemeFactory(programme=programme), "company": dup, "title": "Eigen"},
    )
    trajectories.approve_trajectory(world.pam, own)
    cluster = trajectories.create_trajectory(
        world.alice,
        programme,
        {
            "scheme": f.SchemeFactory(programme=programme, min_participants=2),
            "company": other,
            "participants": [dup],
            "title": "Cluster",
        },
    )
    dup_id = dup.pk

    services.merge_companies(world.alice, keep, dup)

    assert Trajectory.objects.get(pk=own.pk).company_id == keep.pk
    assert Voucher.objects.get(trajectory=own).company_id == keep.pk
    assert set(own.participations.values_list("company_id", flat=True)) == {keep.pk}
    assert set(cluster.participations.values_list("company_id", flat=True)) == {
        other.pk,
        keep.pk,
    }
    assert not TrajectoryParticipant.objects.filter(company_id=dup_id).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.MERGE)
    assert (event.changes["moved"]["trajectories"], event.changes["moved"]["vouchers"]) == (1, 1)


def test_a_company_in_a_trajectory_is_not_deleted(world):
    from loket.programmes.services import trajectories

    company = _create(world)
    programme = f.ProgrammeFactory(region=world.region)
    trajectories.create_trajectory(
        world.alice,
        programme,
        {"scheme": f.SchemeFactory(programme=programme), "company": company, "title": "Traject"},
    )
    with pytest.raises(ValidationError) as exc:
        services.delete_company(world.pam, company)
    assert exc.value.messages == [
        "Dit bedrijf neemt deel aan een traject van een programma; dat telt mee in de "
        "verantwoording aan de financiers. Voeg het samen met een ander bedrijf in plaats "
        "van het te verwijderen."
    ]
    assert Company.objects.filter(pk=company.pk).exists()


def test_a_company_registered_for_an_event_is_not_deleted_but_merged(world):
    company = _create(world)
    programme = f.ProgrammeFactory(region=world.region)
    event = f.EventFactory(programme=programme)
    f.RegistrationFactory(event=event, company=company)
    with pytest.raises(ValidationError) as exc:
        services.delete_company(world.pam, company)
    assert "aangemeld voor een evenement" in exc.value.messages[0]
    assert Company.objects.filter(pk=company.pk).exists()
    assert event.registrations.get().company_id == company.pk


# --- persons and consent -----------------------------------------------------------------


def test_view_person_is_audited_with_who_and_when(world):
    person = services.create_person(world.alice, _create(world), {"name": "Jan"})
    before = timezone.now()
    services.view_person(world.bob, person)
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.actor == world.bob
    assert event.object_type == "companies.person"
    assert event.object_id == person.pk
    assert event.company_id == person.company_id
    assert event.at >= before


def test_consent_is_recorded_and_withdrawn_with_audit(world):
    person = services.create_person(world.alice, _create(world), {"name": "Jan"})
    consent = services.record_consent(
        world.alice,
        person,
        services.ConsentInput(purpose="Gegevens delen met partners", method="verbal"),
    )
    assert consent.recorded_by == world.alice
    assert consent.given_on == timezone.localdate()
    on = timezone.localdate() - dt.timedelta(days=1)
    services.withdraw_consent(world.alice, consent, on=on)
    consent.refresh_from_db()
    assert consent.withdrawn_on == on
    with pytest.raises(ValidationError):
        services.withdraw_consent(world.alice, consent)
    changes = [
        e.changes for e in AuditEvent.objects.filter(object_type="companies.person").order_by("id")
    ]
    assert any("consent" in c for c in changes)
    assert any("consent_withdrawn" in c for c in changes)


def test_consent_with_an_unknown_method_is_refused(world):
    person = services.create_person(world.alice, _create(world), {"name": "Jan"})
    with pytest.raises(ValidationError) as exc:
        services.record_consent(
            world.alice, person, services.ConsentInput(purpose="Delen", method="telepathie")
        )
    assert "method" in exc.value.message_dict
    assert not Consent.objects.exists()


def test_person_changes_are_audited(world):
    person = services.create_person(world.alice, _create(world), {"name": "Jan"})
    services.update_person(world.alice, person, {"email": "jan@bakkerij.example"})
    event = AuditEvent.objects.get(object_type="companies.person", action="change")
    assert event.changes == {"email": ["", "jan@bakkerij.example"]}
    services.delete_person(world.alice, person)
    assert AuditEvent.objects.filter(object_type="companies.person", action="delete").exists()
