"""Exporting the catalogue: one row per instrument in the columns of the import, so an
export re-imports without a single change; a constant number of queries."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from loket.catalogue.exporting import export_catalogue
from loket.catalogue.importing import HEADERS, import_catalogue
from loket.catalogue.models import Instrument
from loket.catalogue.queries import instruments_visible_to
from tests import factories as f
from tests.catalogue.importfiles import counts, csv_bytes, good_rows


def download(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def export(user, fmt):
    return download(export_catalogue(fmt, instruments_visible_to(user)))


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def catalogue(world):
    report = import_catalogue(world.pam, world.region, "c.csv", csv_bytes(good_rows()))
    assert report.ok, report.errors
    return world


def test_the_csv_has_the_import_columns_and_dutch_values(catalogue):
    content = export(catalogue.pam, "csv")
    assert content.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    rows = csv_rows(content)
    assert list(rows[0]) == list(HEADERS)
    assert len(rows) == 20
    voucher = next(r for r in rows if r["naam"] == "Innovatievoucher Drenthe")
    assert voucher["soort"] == "voucher"
    assert voucher["aanbieder"] == "programme"
    assert voucher["aanbiedende_organisatie"] == "Programmabureau IBDO"
    assert voucher["themas"] in ("innovation; digitalisation", "digitalisation; innovation")
    assert voucher["gemeenten"] == "Assen; Emmen"
    assert voucher["bedrag_max"] == "5000,00"
    assert voucher["open_vanaf"] == "01-01-2026"
    assert voucher["budget_uitgeput"] == "nee"
    assert voucher["contact_telefoon"] == "'+31 592 123 456"  # never run as a formula


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_an_export_changes_nothing(catalogue, fmt):
    before = counts()
    versions = dict(Instrument.objects.values_list("pk", "version"))

    report = import_catalogue(
        catalogue.pam, catalogue.region, f"export.{fmt}", export(catalogue.pam, fmt)
    )

    assert report.ok, report.errors
    assert report.unchanged == 20
    assert report.created == report.updated == 0
    assert counts() == before
    assert dict(Instrument.objects.values_list("pk", "version")) == versions


def test_an_edited_export_changes_only_what_was_edited(catalogue):
    rows = csv_rows(export(catalogue.pam, "csv"))
    for row in rows:
        if row["naam"] == "WBSO":
            row["bedrag_max"] = "1.000.000,00"
    content = csv_bytes(rows)

    report = import_catalogue(catalogue.pam, catalogue.region, "export.csv", content)

    assert report.ok, report.errors
    assert (report.updated, report.unchanged) == (1, 19)
    assert Instrument.objects.get(name="WBSO").version == 2


def test_the_xlsx_keeps_numbers_and_dates_typed(catalogue):
    workbook = load_workbook(io.BytesIO(export(catalogue.pam, "xlsx")))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    assert header == list(HEADERS)
    row = next(
        r
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[0] == "Innovatievoucher Drenthe"
    )
    values = dict(zip(header, row, strict=True))
    assert values["bedrag_max"] == 5000
    assert values["open_vanaf"].year == 2026
    assert values["min_werkzame_personen"] == 1


def test_the_export_runs_a_constant_number_of_queries(catalogue, django_assert_num_queries):
    user = catalogue.pam
    instruments_visible_to(user)  # the user's scope is read once and cached
    # the instruments, then their themes, municipalities and regions
    with django_assert_num_queries(4):
        export(user, "csv")
    for n in range(15):
        f.InstrumentFactory(
            region=catalogue.region,
            name=f"Extra {n}",
            themes=[],
            provider_organisation=catalogue.bureau,
        )
    with django_assert_num_queries(4):
        export(user, "csv")
    with django_assert_num_queries(4):
        export(user, "xlsx")


def test_the_documented_columns_are_the_columns():
    """docs/catalogue-columns.md names every column, in order, with whether it is required."""
    from pathlib import Path

    from loket.catalogue.importing import COLUMNS

    doc = Path(__file__).resolve().parents[2] / "docs" / "catalogue-columns.md"
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in doc.read_text().splitlines()
        if line.startswith("| `")
    ]
    assert [row[0].strip("`") for row in rows] == [c.header for c in COLUMNS]
    required = [row[0].strip("`") for row in rows if row[-1] == "ja"]
    assert required == [c.header for c in COLUMNS if c.required]
