"""Defining action lines, indicators and targets: who may, which filters fit a measure and
the programme, targets inside the programme period, ranges in order, audit records, and
the brief's example plans expressed as data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from loket.core.models import AuditEvent, Need, Theme
from loket.monitoring.models import ActionLine, Indicator, Measure, Target
from loket.monitoring.services import indicators as services
from tests import factories as f


@pytest.fixture
def programme(world):
    return f.ProgrammeFactory(region=world.region, organisations=[world.bureau, world.gem_assen])


@pytest.fixture
def line(programme):
    return f.ActionLineFactory(programme=programme, name="Digitalisering")


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_a_programme_manager_defines_the_brief_s_example_plans(world, programme):
    digital = Theme.objects.get(slug="digitalisation")
    export = Theme.objects.get(slug="export")
    scheme = f.SchemeFactory(programme=programme, name="Maatwerktraject digitalisering")
    line = services.create_action_line(world.pam, programme, {"name": "Digitalisering"})
    intakes = services.create_indicator(
        world.pam,
        programme,
        {
            "action_line": line,
            "name": "Intakes op digitalisering",
            "measure": Measure.INTAKES,
            "theme": digital,
        },
    )
    services.create_target(
        world.pam, intakes, {"period": "year", "year": 2026, "minimum": Decimal("150")}
    )
    tailored = services.create_indicator(
        world.adam,
        programme,
        {
            "action_line": line,
            "name": "Maatwerktrajecten digitalisering",
            "measure": Measure.TRAJECTORIES_STARTED,
            "scheme": scheme,
            "theme": digital,
        },
    )
    services.create_target(world.adam, tailored, {"period": "programme", "minimum": Decimal("50")})
    export_line = services.create_action_line(world.pam, programme, {"name": "Export"})
    tables = services.create_indicator(
        world.pam,
        programme,
        {
            "action_line": export_line,
            "name": "Thematafels voor exporteurs",
            "measure": Measure.TABLE_SESSIONS,
            "theme": export,
        },
    )
    target = services.create_target(
        world.pam,
        tables,
        {"period": "year", "year": 2026, "minimum": Decimal("5"), "maximum": Decimal("10")},
    )
    assert (target.minimum, target.maximum) == (Decimal("5"), Decimal("10"))
    assert Indicator.objects.filter(programme=programme).count() == 3
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE)
    assert created.filter(object_type="monitoring.indicator").count() == 3
    assert created.filter(object_type="monitoring.target").count() == 3
    event = created.get(object_type="monitoring.indicator", object_id=intakes.pk)
    assert event.changes["measure"] == "intakes"
    assert event.changes["theme"] == digital.pk


@pytest.mark.parametrize("role", ["alice", "bob", "charlie", "olga"])
def test_only_programme_managers_and_administrators_define(world, programme, line, role):
    user = getattr(world, role)
    with pytest.raises(PermissionDenied):
        services.create_action_line(user, programme, {"name": "Export"})
    with pytest.raises(PermissionDenied):
        services.create_indicator(
            user, programme, {"action_line": line, "name": "X", "measure": Measure.INTAKES}
        )
    indicator = f.IndicatorFactory(action_line=line)
    with pytest.raises(PermissionDenied):
        services.create_target(user, indicator, {"period": "programme", "minimum": 1})
    with pytest.raises(PermissionDenied):
        services.delete_indicator(user, indicator)
    assert ActionLine.objects.count() == 1
    assert Target.objects.count() == 0


def test_a_filter_that_does_not_fit_the_measure_is_refused_at_the_field(world, programme, line):
    with pytest.raises(ValidationError) as exc:
        services.create_indicator(
            world.pam,
            programme,
            {
                "action_line": line,
                "name": "Evenementen klein",
                "measure": Measure.EVENTS_HELD,
                "size_class": "small",
                "need": Need.objects.first(),
            },
        )
    errors = _errors(exc)
    assert errors["size_class"] == ["Dit filter past niet bij wat de indicator meet."]
    assert errors["need"] == ["Dit filter past niet bij wat de indicator meet."]
    assert not Indicator.objects.exists()


def test_filters_must_belong_to_the_programme_and_its_region(world, programme, line):
    other_programme = f.ProgrammeFactory(region=world.region)
    foreign_scheme = f.SchemeFactory(programme=other_programme)
    twente_town = f.MunicipalityFactory(region=world.other_region, name="Enschede")
    other_line = f.ActionLineFactory(programme=other_programme)
    with pytest.raises(ValidationError) as exc:
        services.create_indicator(
            world.pam,
            programme,
            {
                "action_line": other_line,
                "name": "Trajecten",
                "measure": Measure.TRAJECTORIES_STARTED,
                "scheme": foreign_scheme,
                "organisation": world.twente_bureau,
            },
        )
    errors = _errors(exc)
    assert errors["action_line"] == ["Kies een actielijn van dit programma."]
    assert errors["scheme"] == ["Kies een regeling van dit programma."]
    assert errors["organisation"] == ["Kies een organisatie uit de regio."]
    with pytest.raises(ValidationError) as exc:
        services.create_indicator(
            world.pam,
            programme,
            {
                "action_line": line,
                "name": "Intakes",
                "measure": Measure.INTAKES,
                "municipality": twente_town,
            },
        )
    assert _errors(exc)["municipality"] == ["Kies een gemeente uit de regio."]
    with pytest.raises(ValidationError) as exc:
        services.create_indicator(
            world.pam,
            programme,
            {
                "action_line": line,
                "name": "Events",
                "measure": Measure.EVENTS_HELD,
                "event_kind": "rave",
            },
        )
    assert "event_kind" in _errors(exc)
    assert not Indicator.objects.exists()


def test_names_are_unique_per_programme_with_the_message_on_the_name(world, programme, line):
    f.IndicatorFactory(action_line=line, name="Intakes")
    with pytest.raises(ValidationError) as exc:
        services.create_indicator(
            world.pam,
            programme,
            {"action_line": line, "name": "Intakes", "measure": Measure.CASES},
        )
    assert _errors(exc)["name"] == ["Deze indicator bestaat al in het programma."]
    with pytest.raises(ValidationError) as exc:
        services.create_action_line(world.pam, programme, {"name": "Digitalisering"})
    assert _errors(exc)["name"] == ["Deze actielijn bestaat al in het programma."]


def test_a_target_lies_in_the_programme_period(world, line):
    indicator = f.IndicatorFactory(action_line=line)  # programme 2025-2028
    with pytest.raises(ValidationError) as exc:
        services.create_target(
            world.pam, indicator, {"period": "year", "year": 2031, "minimum": Decimal("3")}
        )
    assert "2025-2028" in _errors(exc)["year"][0]
    with pytest.raises(ValidationError) as exc:
        services.create_target(
            world.pam, indicator, {"period": "quarter", "year": 2026, "minimum": Decimal("3")}
        )
    assert _errors(exc)["quarter"] == ["Kies het kwartaal."]
    with pytest.raises(ValidationError) as exc:
        services.create_target(world.pam, indicator, {"period": "year", "minimum": Decimal("3")})
    assert _errors(exc)["year"] == ["Kies het jaar."]
    assert not Target.objects.exists()


def test_a_quarter_outside_a_programme_that_starts_mid_year_is_refused(world):
    programme = f.ProgrammeFactory(
        region=world.region, starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2026, 6, 30)
    )
    indicator = f.IndicatorFactory(action_line=f.ActionLineFactory(programme=programme))
    with pytest.raises(ValidationError) as exc:
        services.create_target(
            world.pam,
            indicator,
            {"period": "quarter", "year": 2025, "quarter": 1, "minimum": Decimal("3")},
        )
    assert _errors(exc)["quarter"] == ["Dit kwartaal valt buiten de looptijd van het programma."]
    target = services.create_target(
        world.pam, indicator, {"period": "quarter", "year": 2025, "quarter": 3, "minimum": 3}
    )
    assert target.quarter == 3


def test_a_range_has_its_minimum_below_its_maximum(world, line):
    indicator = f.IndicatorFactory(action_line=line)
    with pytest.raises(ValidationError) as exc:
        services.create_target(
            world.pam,
            indicator,
            {"period": "year", "year": 2026, "minimum": Decimal("10"), "maximum": Decimal("5")},
        )
    assert _errors(exc)["maximum"] == ["Het maximum is lager dan het minimum."]
    target = services.create_target(
        world.pam, indicator, {"period": "year", "year": 2026, "minimum": Decimal("5")}
    )
    with pytest.raises(ValidationError):
        services.update_target(world.pam, target, {"maximum": Decimal("1")})
    target.refresh_from_db()
    assert target.maximum is None


def test_one_target_per_period_with_the_message_on_its_field(world, line):
    indicator = f.IndicatorFactory(action_line=line)
    services.create_target(world.pam, indicator, {"period": "year", "year": 2026, "minimum": 1})
    services.create_target(world.pam, indicator, {"period": "programme", "minimum": 9})
    with pytest.raises(ValidationError) as exc:
        services.create_target(world.pam, indicator, {"period": "year", "year": 2026, "minimum": 2})
    assert _errors(exc)["year"] == ["Deze indicator heeft al een doel voor dat jaar."]
    with pytest.raises(ValidationError) as exc:
        services.create_target(world.pam, indicator, {"period": "programme", "minimum": 2})
    assert _errors(exc)["period"] == [
        "Deze indicator heeft al een doel voor de hele programmaperiode."
    ]


def test_a_programme_target_drops_a_stray_year_and_quarter(world, line):
    indicator = f.IndicatorFactory(action_line=line)
    target = services.create_target(
        world.pam,
        indicator,
        {"period": "programme", "year": 2026, "quarter": 2, "minimum": Decimal("40")},
    )
    assert (target.year, target.quarter) == (None, None)


def test_an_action_line_with_indicators_is_not_deleted(world, line):
    f.IndicatorFactory(action_line=line, name="Intakes digitalisering")
    with pytest.raises(ValidationError) as exc:
        services.delete_action_line(world.pam, line)
    assert "Intakes digitalisering" in exc.value.messages[0]
    assert ActionLine.objects.filter(pk=line.pk).exists()


def test_deleting_an_indicator_deletes_its_targets_and_is_audited(world, line):
    indicator = f.IndicatorFactory(action_line=line)
    f.TargetFactory(indicator=indicator)
    services.delete_indicator(world.pam, indicator)
    assert not Target.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE)
    assert event.changes["targets"] == 1
    services.delete_action_line(world.pam, line)
    assert not ActionLine.objects.exists()


def test_changes_are_audited_field_by_field(world, line):
    indicator = f.IndicatorFactory(action_line=line, name="Intakes")
    services.update_indicator(world.pam, indicator, {"name": "Intakes digitaal"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE)
    assert event.changes == {"name": ["Intakes", "Intakes digitaal"]}
    services.update_indicator(world.pam, indicator, {"name": "Intakes digitaal"})
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).count() == 1


def test_a_refused_update_leaves_the_object_as_it_was(world, line):
    indicator = f.IndicatorFactory(action_line=line, measure=Measure.INTAKES)
    with pytest.raises(ValidationError):
        services.update_indicator(
            world.pam, indicator, {"measure": Measure.CLUSTERS_FORMED, "municipality": world.assen}
        )
    indicator.refresh_from_db()
    assert indicator.measure == Measure.INTAKES
    assert indicator.municipality_id is None
