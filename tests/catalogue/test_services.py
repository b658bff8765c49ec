"""The catalogue services: versions and audit events, sanitised rich text, the criteria
checks, and who may change which instrument."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from loket.accounts.models import Organisation
from loket.catalogue import services
from loket.catalogue.models import Instrument, InstrumentVersion
from loket.core.models import AuditEvent, Theme
from tests import factories as f


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def data(world, **kw):
    values = {
        "name": "Digitaliseringsvoucher",
        "summary": "Advies over de eerste stap naar digitaal werken.",
        "kind": "voucher",
        "provider_kind": "programme",
        "provider_organisation": world.bureau,
        "phases": ["digitalisation"],
        "amount_max": Decimal("2500.00"),
    }
    values.update(kw)
    return values


def create(world, actor=None, **kw):
    return services.create_instrument(actor or world.alice, data(world, **kw), region=world.region)


# --- versions and audit ----------------------------------------------------------------


def test_create_makes_version_1_and_an_audit_event(world):
    theme = Theme.objects.filter(active=True).first()
    instrument = create(world, themes=[theme.pk])
    assert instrument.version == 1
    assert instrument.slug == "digitaliseringsvoucher"
    assert instrument.last_verified == timezone.localdate()
    assert instrument.editor == world.alice
    assert list(instrument.themes.all()) == [theme]
    version = instrument.versions.get()
    assert version.number == 1
    assert version.changed_by == world.alice
    assert version.data["name"] == "Digitaliseringsvoucher"
    assert version.data["amount_max"] == "2500.00"
    assert version.data["themes"] == [theme.pk]
    event = AuditEvent.objects.get(object_type="catalogue.instrument", object_id=instrument.pk)
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == world.alice
    assert event.region == world.region


def test_update_makes_version_2_with_the_changed_fields(world):
    instrument = create(world)
    services.update_instrument(
        world.alice,
        instrument,
        {"amount_max": Decimal("3000"), "open_until": dt.date(2030, 12, 31)},
        note="bedragen 2027",
    )
    instrument.refresh_from_db()
    assert instrument.version == 2
    assert instrument.amount_max == Decimal("3000.00")
    latest = instrument.versions.get(number=2)
    assert latest.changed_fields == ["amount_max", "open_until"]
    assert latest.note == "bedragen 2027"
    assert latest.data["open_until"] == "2030-12-31"
    assert instrument.versions.get(number=1).data["amount_max"] == "2500.00"
    change = AuditEvent.objects.get(object_id=instrument.pk, action=AuditEvent.Action.CHANGE)
    assert change.changes == {"fields": ["amount_max", "open_until"], "version": 2}


def test_a_change_of_themes_is_a_changed_field(world):
    instrument = create(world)
    theme = Theme.objects.filter(active=True).first()
    services.update_instrument(world.alice, instrument, {"themes": [theme.pk]})
    assert instrument.versions.get(number=2).changed_fields == ["themes"]


def test_an_update_that_changes_nothing_makes_no_version(world):
    instrument = create(world)
    services.update_instrument(
        world.alice, instrument, {"name": "Digitaliseringsvoucher", "amount_max": "2500.00"}
    )
    instrument.refresh_from_db()
    assert instrument.version == 1
    assert instrument.versions.count() == 1
    assert not AuditEvent.objects.filter(object_id=instrument.pk, action="change").exists()


def test_verify_clears_the_stale_state_with_a_version(world):
    instrument = f.InstrumentFactory(region=world.region, last_verified=dt.date(2020, 1, 1))
    assert instrument.is_stale()
    services.verify_instrument(world.alice, instrument)
    instrument.refresh_from_db()
    assert not instrument.is_stale()
    assert instrument.versions.get(number=2).changed_fields == ["last_verified"]


def test_refused_input_saves_nothing(world):
    instrument = create(world)
    with pytest.raises(ValidationError):
        services.update_instrument(
            world.alice, instrument, {"name": "Nieuw", "amount_min": Decimal("9000")}
        )
    instrument.refresh_from_db()
    assert instrument.name == "Digitaliseringsvoucher"
    assert instrument.version == 1
    assert InstrumentVersion.objects.filter(instrument=instrument).count() == 1


def test_delete_refuses_an_instrument_with_referrals(world):
    instrument = create(world)
    f.ReferralFactory(
        case=f.CaseFactory(
            company=f.CompanyFactory(region=world.region),
            organisation=world.bureau,
            owner=world.alice,
        ),
        to_organisation=world.bureau,
        instrument=instrument,
    )
    with pytest.raises(ValidationError, match="niet gepubliceerd"):
        services.delete_instrument(world.alice, instrument)
    assert Instrument.objects.filter(pk=instrument.pk).exists()


def test_delete_records_who_deleted(world):
    instrument = create(world)
    pk = instrument.pk
    services.delete_instrument(world.pam, instrument)
    assert not Instrument.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_id=pk, action="delete", actor=world.pam).exists()


# --- sanitising ------------------------------------------------------------------------


def test_rich_text_keeps_emphasis_and_links_and_drops_scripts_and_handlers(world):
    instrument = create(
        world,
        description=(
            '<p onclick="steal()">Lees <strong>dit</strong> en '
            '<a href="https://www.rvo.nl/" onmouseover="x()">de regeling</a>.</p>'
            "<script>alert(1)</script><img src=x onerror=alert(2)>"
            '<a href="javascript:alert(3)">klik</a>'
        ),
        how_to_apply="<h3>Aanvragen</h3><iframe src='https://evil.example'></iframe>",
    )
    html = instrument.description
    assert "<strong>dit</strong>" in html
    assert 'href="https://www.rvo.nl/"' in html
    assert "<p>" in html
    for bad in ("<script", "alert(1)", "onclick", "onmouseover", "onerror", "<img", "javascript:"):
        assert bad not in html, bad
    assert instrument.how_to_apply == "<h3>Aanvragen</h3>"


# --- criteria --------------------------------------------------------------------------


def _errors(world, **kw):
    instrument = Instrument(region=world.region, **{**data(world), **kw})
    return services.validate_criteria(instrument)


def test_a_sound_instrument_has_no_criteria_errors(world):
    assert _errors(world) == {}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"phases": ["dreaming"]}, "phases", "Kies geldige fasen."),
        ({"size_classes": ["huge"]}, "size_classes", "Kies geldige grootteklassen."),
        ({"legal_forms": ["gmbh"]}, "legal_forms", "Kies geldige rechtsvormen."),
        ({"sbi_included": ["F", "00"]}, "sbi_included", "Onbekende SBI-code: 00."),
        (
            {"sbi_included": ["F"], "sbi_excluded": ["F"]},
            "sbi_excluded",
            "Een SBI-code staat zowel bij 'alleen' als bij 'niet'.",
        ),
        (
            {"employees_min": 50, "employees_max": 10},
            "employees_max",
            "Het minimum aantal werkzame personen is hoger dan het maximum.",
        ),
        (
            {"amount_min": Decimal("10"), "amount_max": Decimal("5")},
            "amount_max",
            "Het minimumbedrag is hoger dan het maximumbedrag.",
        ),
        (
            {"open_from": dt.date(2027, 1, 1), "open_until": dt.date(2026, 1, 1)},
            "open_until",
            "'Open vanaf' ligt na 'open tot en met'.",
        ),
        (
            {"open_from": dt.date(2027, 1, 1), "deadline": dt.date(2026, 12, 1)},
            "deadline",
            "De uiterste aanvraagdatum ligt vóór 'open vanaf'.",
        ),
        (
            {"own_contribution": Decimal("3000")},
            "own_contribution",
            "De eigen bijdrage is hoger dan het maximumbedrag.",
        ),
        (
            {"provider_kind": "national", "provider_organisation": None, "provider_name": "RVO"},
            "provider_kind",
            "Landelijke en Europese instrumenten horen bij geen regio: ze gelden overal.",
        ),
        (
            {"provider_organisation": None},
            "provider_organisation",
            "Kies de organisatie die dit aanbiedt.",
        ),
    ],
)
def test_validate_criteria_explains_each_problem_on_its_field(world, values, field, message):
    assert _errors(world, **values)[field] == message


def test_an_organisation_of_another_region_is_refused(world):
    errors = _errors(world, provider_organisation=world.twente_bureau)
    assert errors["provider_organisation"] == (
        "Deze organisatie werkt niet in de regio van het instrument."
    )


def test_a_programme_instrument_needs_the_programme_itself(world):
    errors = _errors(world, provider_organisation=world.gem_assen)
    assert errors["provider_organisation"] == "Kies de organisatie van het programma zelf."


def test_a_shared_instrument_needs_a_provider_name(world):
    instrument = Instrument(region=None, **{**data(world), "provider_kind": "eu"})
    instrument.provider_organisation = None
    assert services.validate_criteria(instrument)["provider_name"] == (
        "Noem de landelijke of Europese aanbieder."
    )


def test_the_service_refuses_the_whole_record_with_field_messages(world):
    with pytest.raises(ValidationError) as info:
        create(world, sbi_excluded=["ZZ"], employees_min=9, employees_max=2, name="")
    errors = info.value.message_dict
    assert "Onbekende SBI-code: ZZ." in errors["sbi_excluded"]
    assert "employees_max" in errors
    assert "name" in errors
    assert not Instrument.objects.exists()


# --- who may edit ----------------------------------------------------------------------


@pytest.fixture
def partner_instrument(world):
    return services.create_instrument(
        world.alice,
        data(
            world,
            name="Ondernemersloket Assen",
            provider_kind="partner",
            provider_organisation=world.gem_assen,
        ),
        region=world.region,
    )


def test_a_partner_of_the_providing_organisation_may_edit_it(world, partner_instrument):
    assert services.can_edit(world.bob, partner_instrument)
    services.update_instrument(world.bob, partner_instrument, {"contact_name": "Bob"})
    partner_instrument.refresh_from_db()
    assert partner_instrument.version == 2
    assert partner_instrument.versions.get(number=2).changed_by == world.bob


def test_another_partner_may_not_edit_it(world, partner_instrument):
    assert not services.can_edit(world.charlie, partner_instrument)
    with pytest.raises(PermissionDenied):
        services.update_instrument(world.charlie, partner_instrument, {"contact_name": "C"})
    with pytest.raises(PermissionDenied):
        services.delete_instrument(world.charlie, partner_instrument)
    partner_instrument.refresh_from_db()
    assert partner_instrument.contact_name == ""


def test_partners_do_not_add_instruments(world):
    with pytest.raises(PermissionDenied):
        create(world, actor=world.bob)
    assert not Instrument.objects.exists()


def test_programme_staff_of_another_region_may_not_edit(world, partner_instrument):
    assert not services.can_edit(world.olga, partner_instrument)
    with pytest.raises(PermissionDenied):
        services.verify_instrument(world.olga, partner_instrument)


def shared_data(world):
    return data(
        world,
        name="Innovatiekrediet",
        kind="loan",
        provider_kind="national",
        provider_organisation=None,
        provider_name="RVO",
    )


@pytest.mark.parametrize("role", ["pam", "adam"])
def test_managers_keep_the_shared_instruments(world, role):
    manager = getattr(world, role)
    instrument = services.create_instrument(manager, shared_data(world), region=None)
    assert instrument.is_shared
    services.update_instrument(manager, instrument, {"provider_name": "RVO.nl"})
    assert instrument.version == 2


@pytest.mark.parametrize("role", ["alice", "bob", "charlie"])
def test_others_may_not_add_or_change_a_shared_instrument(world, role):
    user = getattr(world, role)
    with pytest.raises(PermissionDenied):
        services.create_instrument(user, shared_data(world), region=None)
    shared = f.InstrumentFactory(region=None, provider_kind="national", provider_name="RVO")
    assert not services.can_edit(user, shared)
    with pytest.raises(PermissionDenied):
        services.update_instrument(user, shared, {"provider_name": "X"})


def test_the_organisation_kind_of_the_partner_does_not_matter(world):
    """Any member of the providing organisation edits, whatever kind it is."""
    bank = f.OrganisationFactory(region=world.region, name="Bank", kind=Organisation.Kind.BANK)
    member = f.UserFactory(email="banker@bank.example")
    f.MembershipFactory(user=member, organisation=bank, role="partner")
    instrument = services.create_instrument(
        world.alice,
        data(world, name="Microkrediet", provider_kind="partner", provider_organisation=bank),
        region=world.region,
    )
    assert services.can_edit(member, instrument)


def test_an_amount_given_without_cents_is_not_a_change(world):
    from decimal import Decimal

    from loket.catalogue import services
    from tests import factories as f

    instrument = f.InstrumentFactory(
        region=world.region, provider_organisation=world.bureau, amount_max=Decimal("500.00")
    )
    instrument.refresh_from_db()
    services.update_instrument(world.pam, instrument, {"amount_max": Decimal("500")})
    services.update_instrument(world.pam, instrument, {"amount_max": 500})
    assert instrument.versions.count() == 1
    services.update_instrument(world.pam, instrument, {"amount_max": "750,5".replace(",", ".")})
    instrument.refresh_from_db()
    assert instrument.amount_max == Decimal("750.50")
    assert instrument.versions.count() == 2
