"""The plan as a document: export and import give the same plan back, an import
replaces the plan the way docs/plan-format.md says, and writes all or nothing."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from loket.core.models import AuditEvent
from loket.programmes.financing import overview
from loket.programmes.models import (
    ActivityType,
    Funder,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
)
from loket.programmes.services import plan_io
from tests import factories as f
from tests.programmes.plan_io_fixtures import build_plan, minimal_document


@pytest.fixture
def plan(world):
    return build_plan(world)


def _ids(programme):
    return {
        "funders": sorted(Funder.objects.filter(programme=programme).values_list("pk", flat=True)),
        "types": sorted(
            ActivityType.objects.filter(programme=programme).values_list("pk", flat=True)
        ),
        "rates": sorted(
            HourlyRate.objects.filter(programme=programme).values_list("pk", flat=True)
        ),
        "lines": sorted(PlanLine.objects.filter(programme=programme).values_list("pk", flat=True)),
    }


def _yaml(document):
    return plan_io.dump_yaml(document)


def test_yaml_export_imports_back_to_the_same_plan(world, plan):
    before = plan_io.to_document(plan.programme)
    ids = _ids(plan.programme)
    figures = overview(plan.programme).as_dict()["totals"]
    exported = plan_io.to_yaml(plan.programme)
    result = plan_io.replace_plan(world.pam, plan.programme, plan_io.parse_yaml(exported))
    assert result.ok
    assert result.written
    assert {part: counts["unchanged"] for part, counts in result.counts.items()} == {
        "funders": 3,
        "rates": 3,
        "activity_types": 3,
        "plan_lines": 4,
    }
    assert plan_io.to_document(plan.programme) == before
    assert plan_io.to_yaml(plan.programme) == exported
    assert _ids(plan.programme) == ids
    assert overview(plan.programme).as_dict()["totals"] == figures


def test_xlsx_export_imports_back_to_the_same_plan(world, plan):
    before = plan_io.to_document(plan.programme)
    ids = _ids(plan.programme)
    parsed = plan_io.parse_xlsx(plan_io.to_xlsx(plan.programme))
    assert parsed.problems == []
    result = plan_io.replace_plan(world.pam, plan.programme, parsed)
    assert result.ok
    assert result.written
    assert all(counts["unchanged"] for counts in result.counts.values())
    assert plan_io.to_document(plan.programme) == before
    assert _ids(plan.programme) == ids


def test_json_document_imports_back_to_the_same_plan(world, plan):
    before = plan_io.to_document(plan.programme)
    text = json.dumps(before, default=str).encode()
    result = plan_io.replace_plan(world.adam, plan.programme, plan_io.parse_json(text))
    assert result.ok
    assert result.written
    assert plan_io.to_document(plan.programme) == before


def test_the_xlsx_has_a_sheet_per_part_with_dutch_headers_and_numbers(plan):
    workbook = load_workbook(io.BytesIO(plan_io.to_xlsx(plan.programme)))
    assert workbook.sheetnames == [
        "Programma",
        "Financiers",
        "Tarieven",
        "Activiteiten",
        "Planregels",
        "Toelichting",
    ]
    lines = workbook["Planregels"]
    headers = [c.value for c in lines[1]]
    assert headers[:8] == [
        "Jaar",
        "Activiteit",
        "Organisatie",
        "Toelichting",
        "Aantal",
        "Uren per eenheid",
        "Vast aantal uren",
        "Regeling",
    ]
    assert headers[8:] == [
        "Provincie Drenthe aandeel %",
        "Provincie Drenthe out-of-pocket incl. btw",
        "KvK aandeel %",
        "KvK out-of-pocket incl. btw",
        "Ondernemers aandeel %",
        "Ondernemers out-of-pocket incl. btw",
    ]
    first = [c.value for c in lines[2]]
    assert first[:8] == [
        2025,
        "gesprekken",
        "Programmabureau IBDO",
        "Intakes bij ondernemers",
        150,
        2,
        None,
        None,
    ]
    assert first[8:] == [50, 1210, 50, 0, None, None]
    assert [c.value for c in workbook["Financiers"][2]] == ["Provincie Drenthe", "provincie", 1]
    assert [c.value for c in workbook["Tarieven"][4]] == ["Programmabureau IBDO", 2027, 98.5]


def test_an_import_replaces_the_plan(world, plan):
    """Funders and activity types upserted by name and code (what is left out and unused
    is deleted), rates and plan lines replaced."""
    unused = f.FunderFactory(programme=plan.programme, name="Rijk", kind=Funder.Kind.NATIONAL)
    document = plan_io.to_document(plan.programme)
    document["funders"] = [
        {"name": "provincie drenthe", "kind": "province", "position": 5},  # case-insensitive
        {"name": "KvK", "kind": "chamber", "position": 2},
        {"name": "Ondernemers", "kind": "companies", "position": 3},
        {"name": "Gemeente Assen (cofinanciering)", "kind": "municipality"},
    ]
    document["activity_types"][0]["name"] = "Gesprekken met ondernemers"
    document["activity_types"].append(
        {"code": "evaluatie", "name": "Evaluatie", "default_hours_per_unit": "4"}
    )
    document["rates"] = [
        {"organisation": "Programmabureau IBDO", "year": 2025, "rate": "99,95"},
        {"organisation": "gemeente assen", "year": 2026, "rate": "81"},
    ]
    document["plan_lines"] = [
        document["plan_lines"][0] | {"count": 160},
        {
            "year": 2026,
            "activity_type": "evaluatie",
            "organisation": "Programmabureau IBDO",
            "count": 10,
            "funders": [
                {"funder": "Gemeente Assen (cofinanciering)", "share": "50%"},
                {"funder": "Provincie Drenthe", "share": 50, "out_of_pocket_incl_vat": "121,00"},
            ],
        },
    ]
    del document["plan_lines"][0]["funders"][1]  # KvK leaves the first line ...
    document["plan_lines"][0]["funders"][0]["share"] = "100"  # ... the province pays all
    kept_line = plan.lines[0].pk
    result = plan_io.replace_plan(world.pam, plan.programme, plan_io.parse_yaml(_yaml(document)))
    assert result.ok, result.problems
    assert result.counts == {
        "funders": {"created": 1, "updated": 1, "deleted": 1, "unchanged": 2},
        "rates": {"created": 1, "updated": 1, "deleted": 2, "unchanged": 0},
        "activity_types": {"created": 1, "updated": 1, "deleted": 0, "unchanged": 2},
        "plan_lines": {"created": 1, "updated": 1, "deleted": 3, "unchanged": 0},
    }
    assert not Funder.objects.filter(pk=unused.pk).exists()
    province = Funder.objects.get(pk=plan.province.pk)
    assert (province.name, province.position) == ("provincie drenthe", 5)
    assert ActivityType.objects.get(pk=plan.talks.pk).name == "Gesprekken met ondernemers"
    assert sorted(
        HourlyRate.objects.filter(programme=plan.programme).values_list(
            "organisation__name", "year", "rate"
        )
    ) == [
        ("Gemeente Assen", 2026, Decimal("81.00")),
        ("Programmabureau IBDO", 2025, Decimal("99.95")),
    ]
    lines = list(PlanLine.objects.filter(programme=plan.programme).order_by("year"))
    assert [line.pk == kept_line for line in lines] == [True, False]
    assert lines[0].count == 160
    evaluation = lines[1]
    # No norm in the file: the activity type's standard norm, as on the plan screens.
    assert (evaluation.hours_per_unit, evaluation.hours) == (Decimal("4.00"), Decimal("40.00"))
    parts = {
        p.funder.name: (p.hours_share, p.out_of_pocket_incl_vat)
        for p in PlanLineFunding.objects.filter(line=evaluation).select_related("funder")
    }
    assert parts == {
        "Gemeente Assen (cofinanciering)": (Decimal("50.00"), Decimal("0.00")),
        "provincie drenthe": (Decimal("50.00"), Decimal("121.00")),
    }
    assert list(
        PlanLineFunding.objects.filter(line_id=kept_line).values_list("funder__name", "hours_share")
    ) == [("provincie drenthe", Decimal("100.00"))]


def test_one_audit_event_per_import_with_the_counts(world, plan):
    before = AuditEvent.objects.count()
    plan_io.replace_plan(
        world.pam, plan.programme, plan_io.parse_yaml(plan_io.to_yaml(plan.programme))
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_type, event.object_id) == (
        "change",
        "programmes.programme",
        plan.programme.pk,
    )
    assert event.changes["plan_import"]["format"] == "yaml"
    assert event.changes["plan_import"]["plan_lines"] == {
        "created": 0,
        "updated": 0,
        "deleted": 0,
        "unchanged": 4,
    }


def test_a_dry_run_counts_but_writes_nothing(world, plan):
    before = plan_io.to_document(plan.programme)
    events = AuditEvent.objects.count()
    document = minimal_document()
    result = plan_io.replace_plan(
        world.pam, plan.programme, plan_io.parse_yaml(_yaml(document)), dry_run=True
    )
    assert result.ok
    assert result.dry_run
    assert not result.written
    assert result.counts["plan_lines"] == {"created": 0, "updated": 1, "deleted": 3, "unchanged": 0}
    assert result.counts["rates"]["deleted"] == 2
    assert plan_io.to_document(plan.programme) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", ["alice", "bob", "charlie", "olga"])
def test_only_programme_managers_and_administrators_import(world, plan, role):
    with pytest.raises(PermissionDenied):
        plan_io.replace_plan(
            getattr(world, role), plan.programme, plan_io.parse_yaml(_yaml(minimal_document()))
        )


def test_a_funder_used_by_a_scheme_is_not_deleted_and_nothing_is_written(world, plan):
    before = plan_io.to_document(plan.programme)
    document = plan_io.to_document(plan.programme)
    document["funders"] = [fd for fd in document["funders"] if fd["name"] != "Provincie Drenthe"]
    for line in document["plan_lines"]:
        line["funders"] = [
            {"funder": "KvK", "share": "100"} if p["funder"] == "Provincie Drenthe" else p
            for p in line["funders"]
        ]
    document["plan_lines"][0]["funders"] = [{"funder": "KvK", "share": "100"}]
    document["plan_lines"][3]["funders"] = [{"funder": "KvK", "share": "100"}]
    result = plan_io.replace_plan(world.pam, plan.programme, plan_io.parse_yaml(_yaml(document)))
    assert not result.ok
    assert not result.written
    [problem] = result.problems
    assert problem.sheet == "funders"
    assert "Provincie Drenthe" in problem.message
    assert "regelingen (1)" in problem.message
    assert plan_io.to_document(plan.programme) == before


def test_an_activity_type_with_hours_is_not_deleted(world, plan):
    f.HourEntryFactory(
        programme=plan.programme,
        user=world.alice,
        organisation=world.bureau,
        activity_type=plan.events,
    )
    document = plan_io.to_document(plan.programme)
    document["activity_types"] = [
        t for t in document["activity_types"] if t["code"] != "evenementen"
    ]
    document["plan_lines"] = [
        ln for ln in document["plan_lines"] if ln["activity_type"] != "evenementen"
    ]
    result = plan_io.replace_plan(world.pam, plan.programme, plan_io.parse_yaml(_yaml(document)))
    assert [p.message for p in result.problems] == [
        "Activiteit „evenementen” (Fysieke evenementen) staat niet in het plan, maar urenregels "
        "(1) verwijzen er nog naar. Neem de activiteit op."
    ]
    assert ActivityType.objects.filter(pk=plan.events.pk).exists()


def test_activity_types_may_swap_names_and_funders_the_own_contributions_kind(world, plan):
    document = plan_io.to_document(plan.programme)
    talks, events = document["activity_types"][0], document["activity_types"][1]
    talks["name"], events["name"] = events["name"], talks["name"]
    document["funders"][1]["kind"] = "companies"  # KvK becomes the own-contributions funder
    document["funders"][2]["kind"] = "other"
    result = plan_io.replace_plan(world.pam, plan.programme, plan_io.parse_yaml(_yaml(document)))
    assert result.ok, result.problems
    assert ActivityType.objects.get(pk=plan.talks.pk).name == "Fysieke evenementen"
    assert ActivityType.objects.get(pk=plan.events.pk).name == "Gesprekken"
    assert Funder.objects.get(pk=plan.chamber.pk).kind == Funder.Kind.COMPANIES


def test_an_empty_plan_is_a_plan(world):
    programme = f.ProgrammeFactory(region=world.region, organisations=[world.bureau])
    empty = {"funders": [], "rates": [], "activity_types": [], "plan_lines": []}
    result = plan_io.replace_plan(world.pam, programme, plan_io.parse_yaml(_yaml(empty)))
    assert result.ok
    assert result.written
    document = plan_io.to_document(programme)
    assert (document["funders"], document["plan_lines"]) == ([], [])


def test_the_programme_block_is_informative(world, plan):
    document = minimal_document(
        programme={
            "name": "Een ander programma",
            "starts_on": "2020-01-01",
            "ends_on": "2030-12-31",
        }
    )
    result = plan_io.replace_plan(world.pam, plan.programme, plan_io.parse_yaml(_yaml(document)))
    assert result.ok
    plan.programme.refresh_from_db()
    assert plan.programme.name == "IBDO 2025-2028"
    assert plan.programme.starts_on.year == 2025


def test_numbers_with_a_decimal_comma_or_point_are_read_exactly(world, plan):
    document = minimal_document()
    document["rates"][0]["rate"] = "1.234,56"
    document["plan_lines"][0]["hours_per_unit"] = 0.1  # a float in YAML: read from its text
    document["plan_lines"][0]["funders"] = [
        {"funder": "Provincie Drenthe", "share": "33,33", "out_of_pocket_incl_vat": "€ 1.000,-"},
        {"funder": "KvK", "share": "33.33"},
        {"funder": "Ondernemers", "share": 33.34},
    ]
    result = plan_io.replace_plan(world.pam, plan.programme, plan_io.parse_yaml(_yaml(document)))
    assert result.ok, result.problems
    assert HourlyRate.objects.get(programme=plan.programme).rate == Decimal("1234.56")
    line = PlanLine.objects.get(programme=plan.programme)
    assert line.hours_per_unit == Decimal("0.10")
    assert sorted(
        PlanLineFunding.objects.filter(line=line).values_list(
            "hours_share", "out_of_pocket_incl_vat"
        )
    ) == [
        (Decimal("33.33"), Decimal("0.00")),
        (Decimal("33.33"), Decimal("1000.00")),
        (Decimal("33.34"), Decimal("0.00")),
    ]


def test_shares_typed_as_percentages_in_a_spreadsheet_are_read_as_percent(world, plan):
    from openpyxl import load_workbook as load

    workbook = load(io.BytesIO(plan_io.to_xlsx(plan.programme)))
    sheet = workbook["Planregels"]
    sheet["I2"], sheet["K2"] = 0.25, 0.75  # 25 % and 75 % as Excel stores them
    sheet["I2"].number_format = sheet["K2"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = plan_io.replace_plan(world.pam, plan.programme, plan_io.parse_xlsx(buffer.getvalue()))
    assert result.ok, result.problems
    shares = dict(
        PlanLineFunding.objects.filter(line=plan.lines[0]).values_list(
            "funder__name", "hours_share"
        )
    )
    assert shares == {"Provincie Drenthe": Decimal("25.00"), "KvK": Decimal("75.00")}


def test_validate_document_lists_the_problems_without_writing(world, plan):
    document = minimal_document()
    document["plan_lines"][0]["year"] = 2031
    problems = plan_io.validate_document(plan.programme, plan_io.parse_yaml(_yaml(document)))
    assert [(p.loc, p.message) for p in problems] == [
        (
            ("plan_lines", 0, "year"),
            "Het jaar valt buiten de looptijd van het programma.",
        )
    ]


def test_the_example_in_the_documentation_is_this_plans_export(world, plan):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "plan-format.md").read_text()
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0].encode()
    assert example == plan_io.to_yaml(plan.programme)
    assert plan_io.validate_document(plan.programme, plan_io.parse_yaml(example)) == []


@pytest.mark.parametrize("fmt", ["xlsx", "yaml"])
def test_text_that_looks_like_a_formula_a_number_or_a_word_of_yaml_survives(world, plan, fmt):
    for line, text in zip(
        plan.lines, ["=SOM(A1:A3)", "-1", "no", "1.500 bezoekers: ja/nee?"], strict=True
    ):
        line.description = text
        line.save()
    plan.chamber.name = "2025"
    plan.chamber.save()
    before = plan_io.to_document(plan.programme)
    if fmt == "xlsx":
        parsed = plan_io.parse_xlsx(plan_io.to_xlsx(plan.programme))
    else:
        parsed = plan_io.parse_yaml(plan_io.to_yaml(plan.programme))
    result = plan_io.replace_plan(world.pam, plan.programme, parsed)
    assert result.ok, result.problems
    assert plan_io.to_document(plan.programme) == before
