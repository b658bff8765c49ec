"""Hour registration rules (services/hours.py) and the cap per company
(services/hour_caps.py): who registers, what is accepted, the cap math at 80 % and
100 %, permission for more hours, all or nothing, and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from loket.core.models import AuditEvent
from loket.programmes.models import CapOverride, HourEntry
from loket.programmes.services import hours as services
from loket.programmes.services.hour_caps import cap_usage, grant_cap_override
from loket.programmes.services.hours import Change, Draft, HoursRefused
from tests import factories as f
from tests.programmes.hours_factories import entry, fill, setup, week_ago

D = Decimal


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def h(world):
    return setup(world)


def draft(h, hours, **kw):
    values = {"date": week_ago(0), "activity_type": h.talk, "hours": D(hours)}
    values.update(kw)
    return Draft(**values)


# --- the cap outside trajectories: the programme's 100 hours -----------------------------


def test_it_saves_without_warning_below_80_percent(h):
    fill(h, h.bakker, "76")
    result = services.register_hours(h.w.alice, h.programme, draft(h, "3.75", company=h.bakker))
    assert len(result.created) == 1
    assert result.warnings == []


def test_it_warns_at_exactly_80_percent_and_saves(h):
    fill(h, h.bakker, "76")
    result = services.register_hours(h.w.alice, h.programme, draft(h, "4", company=h.bakker))
    assert len(result.created) == 1
    [warning] = result.warnings
    assert warning.total == D("80")
    assert warning.cap == D("100")
    assert warning.message == (
        "Let op: voor Bakkerij De Brink is nu 80 van de 100 uur buiten trajecten in het "
        "programma IBDO 2025-2028 gebruikt (80 %)."
    )


def test_exactly_100_percent_is_allowed(h):
    fill(h, h.bakker, "96")
    result = services.register_hours(h.w.alice, h.programme, draft(h, "4", company=h.bakker))
    assert result.created[0].pk
    assert result.warnings[0].share == D("100")


def test_a_quarter_over_the_cap_is_blocked_and_nothing_is_saved(h):
    fill(h, h.bakker, "96")
    before = HourEntry.objects.count()
    with pytest.raises(HoursRefused) as refused:
        services.register_hours(h.w.alice, h.programme, draft(h, "4.25", company=h.bakker))
    assert HourEntry.objects.count() == before
    [block] = refused.value.blocked
    assert block.check.total == D("100.25")
    assert block.check.share == D("100.25")
    message = refused.value.message_dict["hours"][0]
    assert message == (
        "Niet opgeslagen: voor Bakkerij De Brink geldt een maximum van 100 uur buiten "
        "trajecten in het programma IBDO 2025-2028. Er is al 96 uur geregistreerd; met deze "
        "uren komt het totaal op 100,25 uur. Een programmamanager kan meer uren toestaan: "
        "vraag toestemming aan Pam Programma."
    )


def test_hours_without_a_company_are_never_capped(h):
    fill(h, h.bakker, "100")
    result = services.register_hours(h.w.alice, h.programme, draft(h, "8"))
    assert result.created[0].company is None
    assert result.warnings == []


def test_a_programme_without_a_cap_checks_nothing(h):
    h.programme.hours_cap_per_company = None
    h.programme.save()
    fill(h, h.bakker, "500")
    assert services.register_hours(h.w.alice, h.programme, draft(h, "8", company=h.bakker))


# --- the scheme's cap: 24 hours per company on its trajectories --------------------------


def test_the_scheme_cap_counts_everyones_hours_on_the_schemes_trajectories(h):
    fill(h, h.bakker, "12", trajectory=h.running)
    other = f.TrajectoryFactory(scheme=h.scheme, company=h.bakker, status="completed")
    fill(h, h.bakker, "8", trajectory=other)
    # outside trajectories and in another scheme: not counted
    fill(h, h.bakker, "50")
    second = f.SchemeFactory(programme=h.programme, funder=h.funder, name="Exporttraject")
    fill(h, h.bakker, "30", trajectory=f.TrajectoryFactory(scheme=second, company=h.bakker))
    assert services.register_hours(h.sam, h.programme, draft(h, "4", trajectory=h.running))
    with pytest.raises(HoursRefused) as refused:
        services.register_hours(h.w.alice, h.programme, draft(h, "0.25", trajectory=h.running))
    check = refused.value.blocked[0].check
    assert (check.cap, check.used, check.total) == (D("24"), D("24"), D("24.25"))
    assert "op trajecten van de regeling Innovatietraject" in check.message


def test_a_trajectory_books_on_its_lead_company_by_default(h):
    result = services.register_hours(h.w.alice, h.programme, draft(h, "2", trajectory=h.running))
    assert result.created[0].company == h.bakker


def test_a_participant_has_its_own_count(h):
    fill(h, h.bakker, "24", trajectory=h.running)
    result = services.register_hours(
        h.w.alice, h.programme, draft(h, "20", trajectory=h.running, company=h.smid)
    )
    assert result.created[0].company == h.smid
    assert result.warnings[0].company == h.smid


# --- permission for more hours --------------------------------------------------------------


def test_an_override_raises_the_cap_for_that_company_and_scheme_only(h):
    fill(h, h.bakker, "20", trajectory=h.running)
    override = grant_cap_override(
        h.w.pam,
        h.programme,
        company=h.bakker,
        scheme=h.scheme,
        extra_hours=D("8"),
        reason="Extra begeleiding bij de ingebruikname.",
    )
    assert override.granted_by == h.w.pam
    usage = cap_usage(h.programme, h.bakker, h.scheme)
    assert (usage.base_cap, usage.extra, usage.cap, usage.used) == (
        D("24"),
        D("8"),
        D("32"),
        D("20"),
    )
    result = services.register_hours(h.w.alice, h.programme, draft(h, "12", trajectory=h.running))
    assert "Daarin zit 8 uur extra" in result.warnings[0].message
    with pytest.raises(HoursRefused):
        services.register_hours(
            h.w.alice, h.programme, draft(h, "0.25", date=week_ago(1), trajectory=h.running)
        )
    # the programme's cap outside trajectories did not move
    assert cap_usage(h.programme, h.bakker, None).cap == D("100")
    event = AuditEvent.objects.get(object_type="programmes.capoverride", object_id=override.pk)
    assert event.company_id == h.bakker.pk
    assert event.actor == h.w.pam
    assert event.changes["extra_hours"] == "8.00"


@pytest.mark.parametrize("who", ["alice", "adam", "bob", "sam"])
def test_only_a_programme_manager_allows_more_hours(h, who):
    with pytest.raises(PermissionDenied):
        grant_cap_override(
            getattr(h.w, who) if who != "sam" else h.sam,
            h.programme,
            company=h.bakker,
            scheme=h.scheme,
            extra_hours=D("4"),
            reason="Meer nodig.",
        )
    assert not CapOverride.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"extra_hours": D("0")}, "extra_hours"),
        ({"extra_hours": D("-4")}, "extra_hours"),
        ({"extra_hours": D("0.1")}, "extra_hours"),
        ({"extra_hours": D("1000.25")}, "extra_hours"),
        ({"extra_hours": D("NaN")}, "extra_hours"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({"reason": "nul\x00"}, "reason"),
        ({"company": "twente_co"}, "company"),
        ({"scheme": "foreign"}, "scheme"),
        ({"scheme": "uncapped"}, "scheme"),
    ],
)
def test_garbage_permission_is_refused_on_its_field(h, changes, field):
    foreign = f.SchemeFactory(programme=h.other, name="Elders")
    uncapped = f.SchemeFactory(
        programme=h.programme, funder=h.funder, name="Zonder maximum", hours_cap_per_company=None
    )
    values = {
        "company": h.bakker,
        "scheme": h.scheme,
        "extra_hours": D("4"),
        "reason": "Meer nodig.",
    }
    named = {"twente_co": h.twente_co, "foreign": foreign, "uncapped": uncapped}
    values.update({k: named.get(v, v) if isinstance(v, str) else v for k, v in changes.items()})
    with pytest.raises(ValidationError) as refused:
        grant_cap_override(h.w.pam, h.programme, **values)
    assert field in refused.value.message_dict
    assert not CapOverride.objects.exists()


# --- changes re-check the cap ---------------------------------------------------------------


def test_raising_an_entry_over_the_cap_is_blocked_lowering_is_not(h):
    fill(h, h.bakker, "18", trajectory=h.running)
    mine = entry(h, h.w.alice, "4", company=h.bakker, trajectory=h.running)
    with pytest.raises(HoursRefused) as refused:
        services.change_hours(h.w.alice, mine, draft(h, "6.25", trajectory=h.running))
    assert refused.value.blocked[0].check.used == D("18")
    mine.refresh_from_db()
    assert mine.hours == D("4")
    # the cap is lowered below what is registered: taking hours off is still fine
    h.scheme.hours_cap_per_company = D("10")
    h.scheme.save()
    result = services.change_hours(h.w.alice, mine, draft(h, "2", trajectory=h.running))
    assert result.updated[0].hours == D("2")
    assert result.warnings == []


def test_moving_hours_between_caps_counts_them_once(h):
    fill(h, h.bakker, "96")
    mine = entry(h, h.w.alice, "4", company=h.bakker, trajectory=h.running)
    result = services.change_hours(h.w.alice, mine, draft(h, "4", company=h.bakker))
    assert result.warnings[0].total == D("100")
    with pytest.raises(HoursRefused):
        services.change_hours(h.w.alice, mine, draft(h, "4.25", company=h.bakker))


# --- one day, one person, one programme -----------------------------------------------------


def test_today_is_allowed_and_tomorrow_is_not(h):
    today = timezone.localdate()
    assert services.register_hours(h.w.alice, h.programme, draft(h, "1", date=today))
    with pytest.raises(HoursRefused) as refused:
        services.register_hours(
            h.w.alice, h.programme, draft(h, "1", date=today + dt.timedelta(days=1))
        )
    assert "ligt in de toekomst" in refused.value.message_dict["date"][0]


@pytest.mark.parametrize("day", [dt.date(2024, 12, 31), dt.date(2029, 1, 1)])
def test_a_day_outside_the_programme_is_refused(h, day):
    with pytest.raises(HoursRefused) as refused:
        services.register_hours(h.w.alice, h.programme, draft(h, "1", date=day))
    assert "date" in refused.value.message_dict


def test_no_more_than_24_hours_on_one_day_over_all_programmes(h):
    entry(h, h.w.alice, "16", programme=h.other, activity_type=h.other_talk)
    with pytest.raises(HoursRefused) as refused:
        services.register_hours(h.w.alice, h.programme, draft(h, "8.25"))
    assert "meer dan 24 uur op één dag" in refused.value.message_dict["hours"][0]
    assert services.register_hours(h.w.alice, h.programme, draft(h, "8"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": D("0")}, "hours"),
        ({"hours": D("0.1")}, "hours"),
        ({"hours": D("-2")}, "hours"),
        ({"hours": D("24.25")}, "hours"),
        ({"hours": D("1.3")}, "hours"),
        ({"hours": D("Infinity")}, "hours"),
        ({"note": "x" * 501}, "note"),
        ({"note": "nul\x00"}, "note"),
        ({"activity_type": "other_talk"}, "activity_type"),
        ({"company": "twente_co"}, "company"),
        ({"trajectory": "withdrawn"}, "trajectory"),
        ({"trajectory": "applied"}, "trajectory"),
        ({"trajectory": "foreign"}, "trajectory"),
        ({"trajectory": "running", "company": "stranger"}, "company"),
        ({"organisation": "gem_emmen"}, "organisation"),
    ],
)
def test_garbage_is_refused_on_its_field_and_nothing_is_saved(h, changes, field):
    foreign = f.TrajectoryFactory(
        scheme=f.SchemeFactory(programme=h.other), status="running", company=h.bakker
    )
    stranger = f.CompanyFactory(region=h.w.region, name="Niet deelnemend")
    named = {
        "other_talk": h.other_talk,
        "twente_co": h.twente_co,
        "withdrawn": h.withdrawn,
        "applied": h.applied,
        "foreign": foreign,
        "running": h.running,
        "stranger": stranger,
        "gem_emmen": h.w.gem_emmen,
    }
    values = {
        k: named.get(v, v) if isinstance(v, str) and k != "note" else v for k, v in changes.items()
    }
    with pytest.raises(HoursRefused) as refused:
        services.register_hours(
            h.w.alice, h.programme, draft(h, values.pop("hours", "2"), **values)
        )
    assert field in refused.value.message_dict, refused.value.message_dict
    assert not HourEntry.objects.exists()


# --- who --------------------------------------------------------------------------------------


def test_a_partner_of_an_executing_organisation_registers_for_it(h):
    result = services.register_hours(h.w.bob, h.programme, draft(h, "2", company=h.bakker))
    assert result.created[0].organisation == h.w.gem_assen
    # bob does not see smid, nor any trajectory
    with pytest.raises(HoursRefused) as refused:
        services.register_hours(h.w.bob, h.programme, draft(h, "2", company=h.smid))
    assert "company" in refused.value.message_dict
    with pytest.raises(HoursRefused) as refused:
        services.register_hours(h.w.bob, h.programme, draft(h, "2", trajectory=h.running))
    assert "trajectory" in refused.value.message_dict


@pytest.mark.parametrize("who", ["charlie", "olga"])
def test_outsiders_register_nothing(h, who):
    with pytest.raises(PermissionDenied):
        services.register_hours(getattr(h.w, who), h.programme, draft(h, "2"))


def test_one_changes_only_ones_own_hours(h):
    theirs = entry(h, h.w.alice, "2")
    for who in (h.w.pam, h.sam):
        with pytest.raises(PermissionDenied):
            services.change_hours(who, theirs, draft(h, "3"))
        with pytest.raises(PermissionDenied):
            services.delete_hours(who, theirs)
        with pytest.raises(PermissionDenied):
            services.save_hours(who, h.programme, [Change(key=0, entry=theirs, draft=None)])
    assert HourEntry.objects.get(pk=theirs.pk).hours == D("2")


# --- a week: all or nothing, audited ----------------------------------------------------------


def test_a_week_is_saved_whole_or_not_at_all(h):
    kept = entry(h, h.w.alice, "2", company=h.bakker)
    changes = [
        Change(key=(0, 1), entry=None, draft=draft(h, "3", date=week_ago(1), company=h.bakker)),
        Change(key=(0, 0), entry=kept, draft=None),
        Change(key=(1, 6), entry=None, draft=draft(h, "25", date=week_ago(6))),
    ]
    with pytest.raises(HoursRefused) as refused:
        services.save_hours(h.w.alice, h.programme, changes)
    assert list(refused.value.lines) == [(1, 6)]
    assert list(HourEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    result = services.save_hours(h.w.alice, h.programme, changes[:2])
    assert (len(result.created), result.deleted) == (1, 1)


def test_writes_about_a_company_are_audited_with_its_id(h):
    result = services.register_hours(h.w.alice, h.programme, draft(h, "2", company=h.bakker))
    created = result.created[0]
    services.change_hours(h.w.alice, created, draft(h, "3", company=h.smid))
    services.delete_hours(h.w.alice, created)
    services.register_hours(h.w.alice, h.programme, draft(h, "1"))  # no company: no event
    events = AuditEvent.objects.filter(object_type="programmes.hourentry").order_by("pk")
    assert [(e.action, e.company_id) for e in events] == [
        ("create", h.bakker.pk),
        ("change", h.smid.pk),
        ("change", h.bakker.pk),
        ("delete", h.smid.pk),
    ]
    assert events[1].changes["hours"] == ["2.00", "3.00"]
    assert events[1].changes["company"] == [h.bakker.pk, h.smid.pk]
