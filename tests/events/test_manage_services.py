"""The rules of an event from the staff side (services/events.py): the programme never
organises alone, a masterclass has a host, a place, times in order, capacity; who may
create, change, publish and cancel; cancelling mails everyone registered once; every
change audited; merging two companies moves registrations and the host company."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from loket.companies import services as company_services
from loket.core.models import AuditEvent, Theme
from loket.events.models import Event, Registration
from loket.events.services import events as services
from loket.events.tasks_manage import notify_event_cancelled
from tests import factories as f
from tests.events.manage_helpers import fields, in_days, setup


@pytest.fixture
def data(world):
    return setup(world)


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return {k: [str(m) for m in v] for k, v in exc.value.message_dict.items()}


def _refused(world, data, **changes):
    with pytest.raises(ValidationError) as exc:
        services.create_event(world.alice, data.programme, fields(world, **changes))
    assert Event.objects.count() == 0  # nothing half-saved
    return _errors(exc)


def test_an_advisor_creates_a_draft_with_partners_and_themes_audited(world, data):
    themes = list(Theme.objects.filter(active=True)[:2])
    event = services.create_event(
        world.alice, data.programme, fields(world, plan_line=data.plan_line, themes=themes)
    )
    assert event.status == Event.Status.DRAFT
    assert event.region_id == world.region.pk
    assert list(event.partners.all()) == [world.gem_assen]
    assert event.plan_line == data.plan_line
    assert set(event.themes.all()) == set(themes)
    assert themes
    assert event.created_by == world.alice
    audit = AuditEvent.objects.get(object_type="events.event", object_id=event.pk)
    assert audit.action == AuditEvent.Action.CREATE
    assert audit.changes["partners"] == [None, [world.gem_assen.pk]]


def test_the_programme_never_organises_alone(world, data):
    message = (
        "Kies minstens één mede-organiserende partner naast de organisator en het "
        "programmabureau: het programma organiseert nooit alleen."
    )
    assert _refused(world, data, partners=[])["partners"] == [message]
    # the programme bureau itself and the organiser do not count as partners
    assert _refused(world, data, partners=[world.bureau])["partners"] == [message]
    assert _refused(world, data, organiser=world.gem_assen, partners=[world.gem_assen]) == {
        "partners": [message]
    }
    other = f.OrganisationFactory(
        region=world.region, name="Ander programmabureau", kind="programme"
    )
    assert _refused(world, data, partners=[other])["partners"] == [message]


def test_partners_organiser_host_and_municipality_come_from_the_region(world, data):
    twente_co = f.CompanyFactory(region=world.other_region)
    errors = _refused(
        world,
        data,
        partners=[world.twente_bureau],
        kind="masterclass",
        host_company=twente_co,
        municipality=f.MunicipalityFactory(region=world.other_region, name="Enschede"),
        organiser=world.twente_bureau,
    )
    assert errors["partners"] == [
        "Deze organisaties horen bij een andere regio: Programmabureau Twente."
    ]
    assert errors["host_company"] == ["Dit bedrijf hoort bij een andere regio."]
    assert errors["municipality"] == ["Deze gemeente hoort bij een andere regio."]
    assert "Deze organisatie hoort bij een andere regio." in errors["organiser"]


def test_a_masterclass_needs_a_host_company(world, data):
    assert _refused(world, data, kind="masterclass") == {
        "host_company": ["Een masterclass is bij een bedrijf: vul het gastbedrijf in."]
    }
    event = services.create_event(
        world.alice, data.programme, fields(world, kind="masterclass", host_company=data.host)
    )
    assert event.host_company == data.host


def test_the_plan_line_belongs_to_the_events_programme(world, data):
    assert _refused(world, data, plan_line=data.foreign_line) == {
        "plan_line": ["Deze planregel hoort bij een ander programma."]
    }


def test_a_place_is_an_address_or_online_with_a_link(world, data):
    assert _refused(world, data, address="  ", venue="") == {
        "address": ["Vul het adres in, of kies voor een online bijeenkomst."]
    }
    assert _refused(world, data, online=True, address="") == {
        "online_url": [
            "Vul de link naar de online bijeenkomst in; deelnemers krijgen hem na aanmelding."
        ]
    }
    assert _refused(world, data, online=True, online_url="javascript:alert(1)") == {
        "online_url": ["Vul een geldige link in, bijvoorbeeld https://..."]
    }
    event = services.create_event(
        world.alice,
        data.programme,
        fields(world, online=True, address="", online_url="https://meet.example/abc"),
    )
    assert event.online
    assert event.online_url == "https://meet.example/abc"


def test_times_in_order_and_registration_closes_before_the_start(world, data):
    start = in_days(21, 15)
    assert _refused(world, data, starts_at=start, ends_at=start) == {
        "ends_at": ["Het einde moet na het begin liggen."]
    }
    assert _refused(world, data, registration_deadline=in_days(21, 16)) == {
        "registration_deadline": ["Aanmelden moet sluiten vóór het evenement begint."]
    }
    event = services.create_event(
        world.alice, data.programme, fields(world, registration_deadline=in_days(20, 12))
    )
    assert event.registration_closes_at() == in_days(20, 12)


def test_capacity_is_at_least_one_and_not_below_the_confirmed(world, data):
    assert _refused(world, data, capacity=0) == {
        "capacity": ["Vul minstens 1 in, of laat het leeg voor geen maximum."]
    }
    event = services.create_event(world.alice, data.programme, fields(world, capacity=None))
    assert event.capacity is None
    f.RegistrationFactory.create_batch(3, event=event)
    f.RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        services.update_event(world.alice, event, {"capacity": 2})
    assert _errors(exc) == {
        "capacity": ["Er zijn al 3 bevestigde aanmeldingen; het maximum kan niet lager zijn."]
    }
    assert services.update_event(world.alice, event, {"capacity": 3}).capacity == 3


def test_a_partner_organises_only_for_his_own_organisation(world, data):
    with pytest.raises(ValidationError) as exc:
        services.create_event(world.bob, data.programme, fields(world, partners=[world.gem_emmen]))
    assert _errors(exc) == {
        "organiser": ["U kunt alleen een evenement van uw eigen organisatie organiseren."]
    }
    event = services.create_event(
        world.bob,
        data.programme,
        fields(world, organiser=None, partners=[world.gem_emmen, world.bureau]),
    )
    assert event.organiser == world.gem_assen  # his own organisation by default
    with pytest.raises(PermissionDenied):
        services.create_event(world.olga, data.programme, fields(world))


def test_who_may_change_publish_and_cancel(world, data):
    event = services.create_event(world.alice, data.programme, fields(world))
    for outsider in (world.bob, world.charlie, world.olga):  # bob co-organises: sees, no more
        with pytest.raises(PermissionDenied):
            services.update_event(outsider, event, {"title": "Anders"})
        with pytest.raises(PermissionDenied):
            services.publish_event(outsider, event)
        with pytest.raises(PermissionDenied):
            services.cancel_event(outsider, event)
    own = services.create_event(
        world.bob, data.programme, fields(world, organiser=None, partners=[world.gem_emmen])
    )
    assert services.update_event(world.bob, own, {"title": "Assen onderneemt"}).title == (
        "Assen onderneemt"
    )


def test_update_changes_only_what_is_given_and_audits_the_difference(world, data):
    event = services.create_event(world.alice, data.programme, fields(world))
    services.update_event(
        world.pam, event, {"title": "Nieuwe titel", "partners": [world.gem_emmen]}
    )
    event.refresh_from_db()
    assert event.title == "Nieuwe titel"
    assert event.address == "De Haar 1, Assen"
    assert list(event.partners.all()) == [world.gem_emmen]
    change = AuditEvent.objects.get(object_id=event.pk, action=AuditEvent.Action.CHANGE)
    assert change.changes == {
        "title": ["Ondernemerscafé Assen", "Nieuwe titel"],
        "partners": [[world.gem_assen.pk], [world.gem_emmen.pk]],
    }
    # a refused change leaves everything as it was
    with pytest.raises(ValidationError):
        services.update_event(world.pam, event, {"title": "Kapot", "partners": []})
    event.refresh_from_db()
    assert event.title == "Nieuwe titel"
    assert list(event.partners.all()) == [world.gem_emmen]


def test_publish_only_a_draft_that_keeps_the_rules(world, data):
    event = services.create_event(world.alice, data.programme, fields(world))
    Event.partners.through.objects.filter(event=event).delete()  # broken behind its back
    with pytest.raises(ValidationError) as exc:
        services.publish_event(world.alice, event)
    assert "partners" in _errors(exc)
    event.partners.set([world.gem_assen])
    assert services.publish_event(world.alice, event).status == Event.Status.PUBLISHED
    with pytest.raises(ValidationError) as exc:
        services.publish_event(world.alice, event)
    assert _errors(exc) == {
        "status": ["Alleen een concept kan worden gepubliceerd; dit evenement is gepubliceerd."]
    }


def test_cancelling_mails_everyone_registered_once(
    world, data, mailoutbox, django_capture_on_commit_callbacks
):
    event = f.EventFactory(programme=data.programme, organiser=world.bureau, title="Borrel")
    confirmed = f.RegistrationFactory(event=event, name="Anna", email="anna@bakker.example")
    f.RegistrationFactory(event=event, status=Registration.Status.WAITING, email="w@x.example")
    f.RegistrationFactory(event=event, status=Registration.Status.CANCELLED, email="c@x.example")
    f.RegistrationFactory(event=event, email="")  # a walk-in without an address
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(world.alice, event, reason="De spreker is ziek.")
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert sorted(m.to[0] for m in mailoutbox) == ["anna@bakker.example", "w@x.example"]
    mail = next(m for m in mailoutbox if m.to == ["anna@bakker.example"])
    assert mail.subject == "Afgelast: Borrel"
    assert "Beste Anna," in mail.body
    assert "De spreker is ziek." in mail.body
    assert "gaat niet door" in mail.body
    confirmed.refresh_from_db()
    assert confirmed.status == Registration.Status.CONFIRMED  # kept for the record
    # the task again sends nothing: each registrant is told once
    assert notify_event_cancelled.call(event.pk, "") == 0
    assert len(mailoutbox) == 2
    with pytest.raises(ValidationError):
        services.cancel_event(world.alice, event)
    with pytest.raises(ValidationError):
        services.update_event(world.alice, event, {"title": "Toch"})


def test_a_draft_is_cancelled_without_mail_and_a_past_event_not_at_all(
    world, data, mailoutbox, django_capture_on_commit_callbacks
):
    draft = f.EventFactory(programme=data.programme, status=Event.Status.DRAFT)
    f.RegistrationFactory(event=draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(world.alice, draft)
    assert mailoutbox == []
    past = f.EventFactory(programme=data.programme, starts_at=in_days(-3), ends_at=in_days(-3, 17))
    with pytest.raises(ValidationError) as exc:
        services.cancel_event(world.alice, past)
    assert _errors(exc) == {
        "status": ["Dit evenement heeft al plaatsgevonden en kan niet worden afgelast."]
    }


def test_merging_companies_moves_registrations_and_the_host_company(world, data):
    keep = f.CompanyFactory(region=world.region, name="Metaal BV")
    duplicate = f.CompanyFactory(region=world.region, name="Metaal B.V.")
    masterclass = f.EventFactory(
        programme=data.programme, kind=Event.Kind.MASTERCLASS, host_company=duplicate
    )
    registration = f.RegistrationFactory(event=masterclass, company=duplicate)
    company_services.merge_companies(world.alice, keep, duplicate)
    masterclass.refresh_from_db()
    registration.refresh_from_db()
    assert masterclass.host_company == keep
    assert registration.company == keep
