"""CSV and XLSX exports: Dutch formats, formula-injection safety, typed XLSX cells."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
from types import SimpleNamespace

import pytest
from django.utils import translation
from openpyxl import load_workbook

from loket.core.export import (
    csv_response,
    export_format,
    export_response,
    resolve,
    safe_text,
    xlsx_response,
)


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


ROWS = [
    SimpleNamespace(
        name="=cmd|' /C calc'!A0",
        founded=dt.date(2026, 11, 22),
        seen=dt.datetime(2026, 11, 22, 8, 5, tzinfo=dt.UTC),
        active=True,
        amount=decimal.Decimal("1234.56"),
        count=-3,
        tags=["+a", "b"],
        owner=None,
        status=lambda: "open",
    ),
    SimpleNamespace(
        name="Jansen Bouw",
        founded=None,
        seen=None,
        active=False,
        amount=None,
        count=0,
        tags=[],
        owner=SimpleNamespace(name="@Alice"),
        status=lambda: "dicht",
    ),
]
COLUMNS = [
    ("Naam", "name"),
    ("Opgericht op", "founded"),
    ("Gezien", "seen"),
    ("Actief", "active"),
    ("Bedrag", "amount"),
    ("Aantal", "count"),
    ("Labels", "tags"),
    ("Eigenaar", "owner.name"),
    ("Status", "status"),
    ("Lengte", lambda row: len(row.name)),
]


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6 1234", "'+31 6 1234"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Jansen", "Jansen"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_text_disarms_formulas(text, safe):
    assert safe_text(text) == safe


def test_resolve_follows_paths_and_calls_methods():
    assert resolve(ROWS[1], "owner.name") == "@Alice"
    assert resolve(ROWS[0], "owner.name") is None
    assert resolve(ROWS[0], "status") == "open"
    assert resolve(ROWS[0], lambda r: r.count * 2) == -6


def test_csv_is_dutch_and_safe():
    response = csv_response(ROWS, COLUMNS, "lijst")
    assert response["Content-Disposition"].startswith('attachment; filename="lijst-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffNaam;Opgericht op;")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[1] == [
        "'=cmd|' /C calc'!A0",
        "22-11-2026",
        "22-11-2026 09:05",  # Europe/Amsterdam
        "ja",
        "1234,56",
        "-3",
        "'+a, b",
        "",
        "open",
        "18",
    ]
    assert rows[2] == ["Jansen Bouw", "", "", "nee", "", "0", "", "'@Alice", "dicht", "11"]


def test_xlsx_keeps_types_and_is_safe():
    response = xlsx_response(ROWS, COLUMNS, "lijst")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "lijst"
    header, first, second = list(sheet.iter_rows())
    assert [c.value for c in header][:3] == ["Naam", "Opgericht op", "Gezien"]
    assert first[0].value == "'=cmd|' /C calc'!A0"
    assert first[0].data_type == "s"
    assert first[1].value == dt.datetime(2026, 11, 22)
    assert first[1].number_format == "DD-MM-YYYY"
    assert first[2].value == dt.datetime(2026, 11, 22, 9, 5)
    assert first[2].number_format == "DD-MM-YYYY HH:MM"
    assert first[3].value == "ja"
    assert first[4].value == pytest.approx(1234.56)
    assert first[5].value == -3  # a number stays a number, not "'-3"
    assert second[7].value == "'@Alice"
    assert second[1].value is None


def test_export_format_and_response():
    from django.test import RequestFactory

    factory = RequestFactory()
    assert export_format(factory.get("/", {"export": "csv"})) == "csv"
    assert export_format(factory.get("/", {"export": "xlsx"})) == "xlsx"
    assert export_format(factory.get("/", {"export": "pdf"})) is None
    assert export_format(factory.get("/")) is None
    assert export_response("xlsx", [], COLUMNS, "x")["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    with pytest.raises(ValueError, match="Unknown export format"):
        export_response("pdf", [], COLUMNS, "x")
