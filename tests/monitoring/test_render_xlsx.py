"""The report XLSX: read back with openpyxl, a sheet per section with typed numbers."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest
from django.utils import translation
from openpyxl import load_workbook

from loket.monitoring.report_render import to_xlsx
from tests.monitoring.report_data_example import (
    INJECTION,
    example,
    organisation_report,
    suppressed_satisfaction,
)

SHEETS = [
    "Indicatoren",
    "Reeksen",
    "Financiering",
    "Toelichting",
    "Behoeften en signalen",
    "Tevredenheid",
    "Businesscases",
]


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def workbook(data):
    return load_workbook(io.BytesIO(to_xlsx(data)))


def rows_of(sheet, first: int = 4):
    return [list(r) for r in sheet.iter_rows(min_row=first)]


def row_named(sheet, column: int, value: str):
    for row in sheet.iter_rows(min_row=5):
        if row[column].value == value:
            return row
    raise AssertionError(f"no row {value!r}")


def test_it_has_a_sheet_per_section_with_title_and_header():
    book = workbook(example())
    assert book.sheetnames == SHEETS
    sheet = book["Indicatoren"]
    assert sheet["A1"].value == "Kwartaalrapportage 2026 K1 - IBDO 2025-2028"
    assert sheet["A2"].value == "samengevoegd · 2026 K1 (01-01-2026 t/m 31-03-2026)"
    assert [c.value for c in sheet[4]] == [
        "Actielijn",
        "Indicator",
        "Eenheid",
        "Doel",
        "Doel minimum",
        "Doel maximum",
        "Doelperiode",
        "Dit kwartaal",
        "Cumulatief",
        "% van doel",
        "Status",
    ]
    assert sheet.freeze_panes == "A5"


def test_indicator_figures_are_numbers_with_formats():
    sheet = workbook(example())["Indicatoren"]
    intakes = row_named(sheet, 1, "Intakes digitalisering")
    assert [c.value for c in intakes[:4]] == [
        "Digitalisering",
        "Intakes digitalisering",
        "aantal",
        "150",
    ]
    assert intakes[4].value == 150
    assert intakes[5].value is None
    assert intakes[7].value == 38
    assert intakes[7].number_format == "#,##0"
    assert intakes[8].value == 90
    assert intakes[9].value == pytest.approx(0.6)
    assert intakes[9].number_format == "0.0%"
    assert intakes[10].value == "op koers"
    tables = row_named(sheet, 1, "Thematafels voor exporteurs")
    assert (tables[3].value, tables[4].value, tables[5].value) == ("5-10", 5, 10)
    assert tables[10].value == "behaald"
    vouchers = row_named(sheet, 1, "Vouchers export betaald")
    assert vouchers[7].value == pytest.approx(12500.5)
    assert vouchers[7].number_format == "€ #,##0.00"
    assert vouchers[6].value == "programmaperiode"
    hours = row_named(sheet, 1, "Uren advies digitalisering")
    assert hours[7].value == pytest.approx(1234.5)
    assert hours[7].number_format == "#,##0.00"
    assert hours[9].value is None
    assert hours[10].value is None
    mark = row_named(sheet, 1, "Gemiddeld cijfer export")
    assert mark[7].value is None
    assert mark[10].value == "minder dan 5 antwoorden"


def test_series_have_a_column_per_quarter():
    sheet = workbook(example())["Reeksen"]
    assert [c.value for c in sheet[4]] == [
        "Actielijn",
        "Indicator",
        "2025 K3",
        "2025 K4",
        "2026 K1",
    ]
    assert [c.value for c in row_named(sheet, 1, "Intakes digitalisering")[2:]] == [20, 31, 38]
    tables = [c.value for c in row_named(sheet, 1, "Thematafels voor exporteurs")[2:]]
    assert tables == [None, 2, 3]
    money = row_named(sheet, 1, "Vouchers export betaald")
    assert money[3].value == pytest.approx(35499.5)
    assert money[3].number_format == "€ #,##0.00"


def test_financing_keeps_money_hours_and_percentages_as_numbers():
    sheet = workbook(example())["Financiering"]
    assert sheet["A4"].value == "Financier"
    drenthe = row_named(sheet, 0, "Provincie Drenthe")
    assert drenthe[2].value == pytest.approx(950.5)
    assert drenthe[2].number_format == "#,##0.00"
    assert drenthe[3].value == pytest.approx(0.238)
    assert drenthe[3].number_format == "0.0%"
    assert drenthe[5].value == pytest.approx(98765.43)
    assert drenthe[5].number_format == "€ #,##0.00"
    total = row_named(sheet, 0, "Totaal")
    assert total[5].value == pytest.approx(139765.43)
    assert total[5].font.b


def test_narratives_are_plain_text_per_organisation():
    sheet = workbook(example())["Toelichting"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=5)]
    assert ["Digitalisering", "samengevoegd", "De intakes lopen volgens plan."] in rows
    kvk = next(r for r in rows if r[1] == "KvK")
    assert (
        kvk[2] == "KvK hield 38 intakes over digitalisering & AI.\n• Webinars: drie\n• Spreekuren"
    )
    nom = next(r for r in rows if r[1] == "NOM")
    assert "(https://www.nom.nl/digitaal)" in nom[2]
    assert "<" not in nom[2]
    rvo = next(r for r in rows if r[1] == "RVO")
    assert rvo[2].startswith("1. Exporttafel Duitsland\n2. Exporttafel België\n")


def test_formulas_in_the_data_are_shown_as_text():
    book = workbook(example())
    cells = [
        cell
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert cells  # the signal and the narrative
    for cell in cells:
        assert cell.data_type == "s"
        assert not cell.value.startswith("=")
    signal = row_named(book["Behoeften en signalen"], 2, "KvK")
    assert signal[3].value == "'" + INJECTION
    assert signal[0].value == dt.datetime(2026, 3, 12)
    assert signal[0].number_format == "dd-mm-yyyy"


def test_needs_satisfaction_and_business_cases():
    book = workbook(example())
    assert row_named(book["Behoeften en signalen"], 0, "Innovatie")[1].value == 152
    satisfaction = book["Tevredenheid"]
    average = row_named(satisfaction, 0, "Gemiddeld cijfer")[1]
    assert average.value == pytest.approx(8.1)
    assert average.number_format == "0.0"
    rate = row_named(satisfaction, 0, "Respons")[1]
    assert rate.value == pytest.approx(0.4)
    assert rate.number_format == "0.0%"
    assert row_named(satisfaction, 0, "Ja")[1].value == 9
    assert row_named(satisfaction, 1, "Minder formulieren graag.")[0].value == "Wat kan beter"
    cases = book["Businesscases"]
    turnover = row_named(cases, 0, "Extra omzet")
    assert turnover[1].value == 1500000
    assert turnover[2].value == 320000
    assert turnover[1].number_format == "€ #,##0.00"
    assert row_named(cases, 0, "Banen (fte)")[1].value == pytest.approx(12.5)
    robot = row_named(cases, 0, "Robotisering")
    assert robot[2].value == dt.datetime(2025, 11, 15)
    assert robot[4].value is None


def test_fewer_than_five_answers_hide_the_results():
    sheet = workbook(suppressed_satisfaction())["Tevredenheid"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Minder dan 5 antwoorden: de resultaten worden niet getoond." in values
    assert "Gemiddeld cijfer" not in values
    assert "Ja" not in values
    assert row_named(sheet, 0, "Antwoorden")[1].value == 3


def test_without_business_cases_the_sheet_says_so():
    sheet = workbook(organisation_report())["Businesscases"]
    assert sheet["A2"].value.startswith("KvK · ")
    assert sheet["A4"].value == "Geen businesscases in deze rapportage."


def test_the_same_data_gives_the_same_bytes():
    first = to_xlsx(example())
    time.sleep(1.1)
    assert to_xlsx(example()) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(2026, 4, 2, 8, 0, 0)}
    book = load_workbook(io.BytesIO(first))
    assert book.properties.created == dt.datetime(2026, 4, 2, 8, 0)
    assert book.properties.modified == dt.datetime(2026, 4, 2, 8, 0)
    changed = example()
    changed["indicators"][0]["quarter"] = "39"
    assert to_xlsx(changed) != first


GARBAGE = [
    {},
    {"title": "=1+1", "indicators": None, "series": "x", "financing": [], "narratives": {}},
    {
        "generated_at": "gisteren",
        "organisation": {"name": "@SUM(A1)"},
        "indicators": [
            "x",
            {"unit": "money", "quarter": "abc", "percent": "1e999999", "target": 5},
        ],
        "series": [{"indicator_id": None, "points": [{"label": None, "value": "12"}]}],
        "financing": {"columns": ["A", "B"], "rows": [["x"], ["y", "1", "2"], None], "totals": 3},
        "narratives": [{"html": "<script>alert(1)</script><p>\x00\x1b<b>x</i>", "parts": [None]}],
        "antenna": {"needs": [{"need": None, "count": "veel"}], "signals": [{"date": "x"}]},
        "satisfaction": {"answers": 2, "suppressed": False, "distribution": {"11": 4}},
        "business_cases": {"rows": [{"started_on": "ooit"}], "count": None},
    },
]


@pytest.mark.parametrize("data", GARBAGE)
def test_garbage_and_missing_parts_render(data):
    book = workbook(data)
    assert book.sheetnames == SHEETS
    values = [c.value for s in book for row in s.iter_rows() for c in row if c.value is not None]
    assert not any(isinstance(v, str) and v.startswith(("=", "@", "+")) for v in values)
    assert not any("alert(1)" in str(v) for v in values)


def test_a_text_longer_than_a_cell_holds_is_cut():
    data = example()
    data["narratives"][0]["html"] = "<p>" + "a" * 40000 + "</p>"
    sheet = workbook(data)["Toelichting"]
    assert len(row_named(sheet, 0, "Digitalisering")[2].value) == 32767
