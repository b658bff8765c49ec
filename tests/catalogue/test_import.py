"""Importing the catalogue from CSV and XLSX: a good file creates or updates instruments
through the services; a bad file of any kind is refused whole with a report naming the
row (as the spreadsheet numbers it) and the column, and nothing is written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from loket.catalogue import importing
from loket.catalogue.importing import import_catalogue, parse_date, parse_money
from loket.catalogue.models import Instrument, InstrumentVersion
from tests import factories as f
from tests.catalogue.importfiles import counts, csv_bytes, good_rows, xlsx_bytes

BASE = {
    "naam": "Groeiversneller",
    "korte_omschrijving": "Begeleiding bij groei.",
    "soort": "advice",
    "aanbieder": "programme",
    "aanbiedende_organisatie": "Programmabureau IBDO",
}


def run(world, content, filename="catalogus.csv", user=None, dry_run=False):
    return import_catalogue(user or world.pam, world.region, filename, content, dry_run=dry_run)


def refused(world, content, filename="catalogus.csv", user=None):
    """Import a bad file: it must be refused and leave everything as it was."""
    before = counts()
    report = run(world, content, filename, user)
    assert not report.ok
    assert not report.written
    assert counts() == before
    return [(e.row, e.column) for e in report.errors], report


# --- good files ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_good_file_of_twenty_rows_creates_them(world, fmt):
    rows = good_rows()
    content = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    report = run(world, content, f"catalogus.{fmt}")

    assert report.errors == []
    assert report.written
    assert report.created == 20
    assert Instrument.objects.count() == 20
    assert InstrumentVersion.objects.count() == 20  # version 1 of each
    voucher = Instrument.objects.get(name="Innovatievoucher Drenthe")
    assert voucher.region == world.region
    assert voucher.provider_organisation == world.bureau
    assert voucher.contact_organisation == world.bureau
    assert voucher.description == "<p>Voor <strong>mkb</strong> in Drenthe.</p>"  # sanitised
    assert sorted(t.slug for t in voucher.themes.all()) == ["digitalisation", "innovation"]
    assert voucher.phases == ["innovation", "growth"]  # the label "innoveren" read as code
    assert voucher.size_classes == ["micro", "small"]
    assert voucher.sbi_included == ["C", "62"]
    assert set(voucher.municipalities.all()) == {world.assen, world.emmen}
    assert voucher.legal_forms == ["bv", "eenmanszaak"]
    assert voucher.amount_min == Decimal("1000.00")
    assert voucher.amount_max == Decimal("5000.00")  # Dutch thousands separator
    assert voucher.own_contribution == Decimal("1234.56")  # plain decimal point
    assert voucher.open_from == dt.date(2026, 1, 1)
    assert voucher.open_until == dt.date(2026, 12, 31)
    assert voucher.deadline == dt.date(2026, 11, 30)
    assert voucher.last_verified == dt.date(2026, 11, 1)
    assert voucher.website == "https://www.ibdo.example/voucher"
    assert voucher.editor == world.pam
    assert voucher.published
    assert not voucher.budget_exhausted
    loan = Instrument.objects.get(name="Starterslening Assen")
    assert (loan.kind, loan.provider_kind) == ("loan", "partner")
    assert loan.amount_max == Decimal("50000.00")
    wbso = Instrument.objects.get(name="WBSO")
    assert wbso.region is None
    assert wbso.provider_name == "RVO"
    assert wbso.last_verified is not None  # blank: verified today, as on the form
    assert InstrumentVersion.objects.filter(instrument=wbso, changed_by=world.pam).count() == 1


def test_a_row_with_the_name_of_an_instrument_updates_it_with_a_new_version(world):
    run(world, csv_bytes(good_rows()))
    voucher = Instrument.objects.get(name="Innovatievoucher Drenthe")
    rows = [{**good_rows()[0], "naam": "innovatievoucher drenthe", "bedrag_max": "7.500,00"}]

    report = run(world, csv_bytes(rows))

    assert report.ok
    assert report.updated == 1
    assert report.created == 0
    voucher.refresh_from_db()
    assert voucher.amount_max == Decimal("7500.00")
    assert voucher.name == "innovatievoucher drenthe"
    assert voucher.version == 2
    assert Instrument.objects.count() == 20
    latest = voucher.versions.get(number=2)
    assert "amount_max" in latest.changed_fields
    assert "name" in latest.changed_fields


def test_the_same_row_again_changes_nothing(world):
    run(world, csv_bytes(good_rows()))
    before = counts()

    report = run(world, csv_bytes(good_rows()))

    assert report.ok
    assert report.unchanged == 20
    assert report.updated == 0
    assert counts() == before


def test_columns_left_out_are_left_as_they_are(world):
    run(world, csv_bytes(good_rows()))
    headers = ["naam", "korte_omschrijving", "soort", "aanbieder", "aanbiedende_organisatie"]
    row = {**good_rows()[0], "korte_omschrijving": "Nieuwe korte tekst."}

    report = run(world, csv_bytes([row], headers=headers))

    assert report.ok
    assert report.updated == 1
    voucher = Instrument.objects.get(name="Innovatievoucher Drenthe")
    assert voucher.summary == "Nieuwe korte tekst."
    assert voucher.amount_max == Decimal("5000.00")
    assert voucher.themes.count() == 2


def test_a_dry_run_checks_and_writes_nothing(world):
    before = counts()
    report = run(world, csv_bytes(good_rows()), dry_run=True)
    assert report.ok
    assert report.dry_run
    assert not report.written
    assert report.created == 20
    assert counts() == before


def test_dutch_excel_files_are_read(world):
    """Excel on Windows writes "CSV" as cp1252 with ';'; "CSV UTF-8" adds a BOM; others
    use ','."""
    row = {**BASE, "naam": "Coöperatieve ondernemerstafel Één", "soort": "ondernemerstafel"}
    for n, (encoding, delimiter) in enumerate(
        [("cp1252", ";"), ("utf-8-sig", ","), ("utf-8", "\t")]
    ):
        named = {**row, "naam": f"{row['naam']} {n}"}
        report = run(world, csv_bytes([named], delimiter=delimiter, encoding=encoding))
        assert report.ok, (encoding, report.errors)
    names = sorted(Instrument.objects.values_list("name", flat=True))
    assert names[0] == "Coöperatieve ondernemerstafel Één 0"
    assert len(names) == 3


def test_headers_are_read_leniently(world):
    content = csv_bytes(
        [
            {
                "Naam": "Een",
                "Korte omschrijving": "Kort.",
                "SOORT": "advice",
                "aanbieder": "programma",
                "aanbiedende-organisatie": "Programmabureau IBDO",
            }
        ],
        headers=["Naam", "Korte omschrijving", "SOORT", "aanbieder", "aanbiedende-organisatie"],
    )
    report = run(world, content)
    assert report.ok, report.errors


def test_cells_exported_with_a_formula_guard_are_read_back(world):
    row = {**BASE, "contact_telefoon": "'+31 592 123 456", "korte_omschrijving": "'-korting"}
    assert run(world, csv_bytes([row])).ok
    instrument = Instrument.objects.get()
    assert instrument.contact_phone == "+31 592 123 456"
    assert instrument.summary == "-korting"


# --- refused files: the file as a whole -------------------------------------------------


def test_an_empty_file_is_refused(world):
    assert refused(world, b"")[0] == [(None, "")]
    assert refused(world, b"\r\n \r\n;;;\r\n")[0] == [(None, "")]
    errors, report = refused(world, csv_bytes([]))
    assert errors == [(None, "")]
    assert "alleen de kopjes" in report.errors[0].message


def test_missing_and_unknown_columns_are_refused(world):
    headers = ["naam", "korte_omschrijving", "aanbieder", "prijs", "naam"]
    content = csv_bytes([{**BASE, "prijs": "10"}], headers=headers)
    errors, report = refused(world, content)
    assert (1, "prijs") in errors  # unknown
    assert (1, "naam") in errors  # twice
    assert (1, "soort") in errors  # required, missing
    messages = {e.column: e.message for e in report.errors}
    assert messages["soort"] == "Deze kolom ontbreekt; hij is verplicht."


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("plaatje.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20),
        ("random.csv", bytes(range(256)) * 8),
        ("catalogus.pdf", b"%PDF-1.4 naam;korte_omschrijving"),
        ("catalogus.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("catalogus", b"naam;korte_omschrijving;soort;aanbieder\r\nA;B;advice;programme"),
        ("catalogus.xlsx", b"naam;korte_omschrijving;soort;aanbieder\r\nA;B;advice;programme"),
        ("catalogus.xlsx", b"PK\x03\x04 this is no zip at all"),
    ],
    ids=["png", "binary", "pdf", "old-excel", "no-extension", "csv-named-xlsx", "bad-zip"],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused(world, filename, content):
    errors, report = refused(world, content, filename)
    assert errors == [(None, "")]
    assert report.errors[0].message


def test_a_zip_that_is_not_a_workbook_is_refused(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "naam;soort")
    errors, _report = refused(world, buffer.getvalue(), "catalogus.xlsx")
    assert errors == [(None, "")]


def test_a_file_in_an_unreadable_encoding_is_refused(world):
    # 0x81 and 0x8d are neither UTF-8 nor cp1252.
    content = csv_bytes([{**BASE, "naam": "x"}]).replace(b"x", b"\x81\x8d")
    errors, report = refused(world, content)
    assert errors == [(None, "")]
    assert "UTF-8" in report.errors[0].message


def test_too_large_a_file_is_refused(world, monkeypatch):
    errors, report = refused(world, b"a" * (importing.MAX_FILE_BYTES + 1))
    assert errors == [(None, "")]
    assert "5 MB" in report.errors[0].message
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    rows = [{**BASE, "naam": f"Instrument {n}"} for n in range(4)]
    errors, report = refused(world, csv_bytes(rows))
    assert "meer dan 3 rijen" in report.errors[0].message


def test_a_row_with_more_cells_than_columns_is_refused(world):
    content = csv_bytes([BASE]) + b"Extra;Kort;advice;programme;Programmabureau IBDO;x;y\r\n"
    content = csv_bytes([BASE], headers=list(BASE)) + b"A;B;advice;programme;IBDO;teveel\r\n"
    errors, _report = refused(world, content)
    assert errors == [(3, "")]


# --- refused files: rows ----------------------------------------------------------------


def test_bad_numbers_are_reported_by_row_and_column(world):
    rows = [
        {**BASE, "naam": "Een", "bedrag_max": "veel"},
        {**BASE, "naam": "Twee", "min_werkzame_personen": "tien", "eigen_bijdrage": "1,2,3"},
        {**BASE, "naam": "Drie", "max_leeftijd": "99999", "bedrag_min": "-5"},
        {**BASE, "naam": "Vier", "bedrag_max": "12,345"},  # three decimals
        {**BASE, "naam": "Vijf"},  # fine, but not written either
    ]
    errors, report = refused(world, csv_bytes(rows))
    assert errors == [
        (2, "bedrag_max"),
        (3, "min_werkzame_personen"),
        (3, "eigen_bijdrage"),
        (4, "max_leeftijd"),
        (4, "bedrag_min"),
        (5, "bedrag_max"),
    ]
    assert report.errors[0].message.startswith("Vul een bedrag in euro in")


def test_bad_and_out_of_order_dates_are_reported(world):
    rows = [
        {**BASE, "naam": "Een", "open_vanaf": "31-02-2026"},
        {**BASE, "naam": "Twee", "open_vanaf": "01-06-2026", "open_tot": "01-01-2026"},
        {**BASE, "naam": "Drie", "open_vanaf": "01-06-2026", "deadline": "2026-05-01"},
        {**BASE, "naam": "Vier", "laatst_gecontroleerd": "gisteren"},
    ]
    errors, report = refused(world, csv_bytes(rows))
    assert errors == [
        (2, "open_vanaf"),
        (3, "open_tot"),
        (4, "deadline"),
        (5, "laatst_gecontroleerd"),
    ]
    by_row = {e.row: e.message for e in report.errors}
    assert by_row[3] == "'Open vanaf' ligt na 'open tot en met'."  # the service's own rule
    assert by_row[4] == "De uiterste aanvraagdatum ligt vóór 'open vanaf'."


def test_unknown_codes_and_names_are_reported(world):
    rows = [
        {**BASE, "naam": "Een", "sbi_alleen": "C; ZZ"},
        {**BASE, "naam": "Twee", "themas": "innovation; toerisme"},
        {**BASE, "naam": "Drie", "gemeenten": "Assen; Hoogeveen"},
        {**BASE, "naam": "Vier", "aanbiedende_organisatie": "Gemeente Groningen"},
        {**BASE, "naam": "Vijf", "soort": "cadeaubon", "fasen": "starten; vliegen"},
        {**BASE, "naam": "Zes", "budget_uitgeput": "misschien"},
        {**BASE, "naam": "Zeven", "sbi_alleen": "62", "sbi_niet": "62"},
    ]
    errors, report = refused(world, csv_bytes(rows))
    assert errors == [
        (2, "sbi_alleen"),
        (3, "themas"),
        (4, "gemeenten"),
        (5, "aanbiedende_organisatie"),
        (6, "soort"),
        (6, "fasen"),
        (7, "budget_uitgeput"),
        (8, "sbi_niet"),
    ]
    messages = [e.message for e in report.errors]
    assert messages[0] == "Onbekende SBI-code: ZZ."
    assert messages[1] == "Onbekend thema: toerisme."
    assert messages[2] == "Onbekende gemeente: Hoogeveen."


def test_municipalities_of_another_region_are_unknown_to_a_regional_instrument(world):
    f.MunicipalityFactory(region=world.other_region, name="Enschede", cbs_code="GM0153")
    errors, _report = refused(world, csv_bytes([{**BASE, "gemeenten": "Enschede"}]))
    assert errors == [(2, "gemeenten")]


def test_duplicate_names_in_the_file_are_reported(world):
    rows = [
        {**BASE, "naam": "Groeiversneller"},
        {**BASE, "naam": "Andere"},
        {**BASE, "naam": "groeiversneller "},
    ]
    errors, report = refused(world, csv_bytes(rows))
    assert errors == [(4, "naam")]
    assert report.errors[0].message == "Deze naam staat ook in rij 2; elk instrument één rij."


def test_required_cells_and_service_rules_are_reported(world):
    rows = [
        {**BASE, "naam": ""},
        {**BASE, "naam": "Twee", "korte_omschrijving": ""},
        {**BASE, "naam": "Drie", "aanbieder": "national"},  # no provider name, has an org
        {**BASE, "naam": "Vier", "aanbiedende_organisatie": ""},
        {**BASE, "naam": "Vijf", "contact_email": "geen-adres", "website": "niet zo"},
        {**BASE, "naam": "Zes", "aanbieder": "buurman"},
        {**BASE, "naam": "x" * 201},
    ]
    errors, _report = refused(world, csv_bytes(rows))
    assert errors == [
        (2, "naam"),
        (3, "korte_omschrijving"),
        (4, "aanbiedende_organisatie"),
        (4, "naam_aanbieder"),
        (5, "aanbiedende_organisatie"),
        (6, "contact_email"),
        (6, "website"),
        (7, "aanbieder"),
        (8, "naam"),
    ]


def test_one_bad_row_among_good_ones_writes_nothing(world):
    rows = good_rows()
    rows[17]["bedrag_max"] = "een ton"
    errors, _report = refused(world, csv_bytes(rows))
    assert errors == [(19, "bedrag_max")]


def test_rows_are_numbered_as_the_spreadsheet_shows_them(world):
    """Blank rows and line breaks inside a cell do not shift the numbers in the report."""
    content = (
        "\ufeffnaam;korte_omschrijving;soort;aanbieder;aanbiedende_organisatie\r\n"
        "\r\n"
        'Een;"Twee\r\nregels";advice;programme;Programmabureau IBDO\r\n'
        "Twee;Kort;advies;programme;Programmabureau IBDO\r\n"
        "Drie;Kort;fout;programme;Programmabureau IBDO\r\n"
    ).encode()
    errors, _report = refused(world, content)
    assert errors == [(5, "soort")]


def test_xlsx_errors_name_the_row_and_column_too(world):
    rows = [{**BASE, "naam": "Een"}, {**BASE, "naam": "Twee", "open_tot": "morgen"}]
    errors, _report = refused(world, xlsx_bytes(rows), "catalogus.xlsx")
    assert errors == [(3, "open_tot")]


def test_an_xlsx_with_typed_cells_is_read(world):
    row = {
        **BASE,
        "bedrag_max": 2500.5,
        "min_werkzame_personen": 3,
        "open_vanaf": dt.datetime(2026, 3, 1),
        "deadline": dt.date(2026, 9, 1),
        "gepubliceerd": False,
        "sbi_alleen": 1,  # Excel dropped the leading zero of "01"
    }
    report = run(world, xlsx_bytes([row]), "catalogus.xlsx")
    assert report.ok, report.errors
    instrument = Instrument.objects.get()
    assert instrument.amount_max == Decimal("2500.50")
    assert instrument.employees_min == 3
    assert instrument.open_from == dt.date(2026, 3, 1)
    assert instrument.deadline == dt.date(2026, 9, 1)
    assert instrument.published is False
    assert instrument.sbi_included == ["01"]


# --- who may import what ------------------------------------------------------------------


def test_an_advisor_may_not_import_national_instruments(world):
    rows = [BASE, {**good_rows()[2]}]
    errors, _report = refused(world, csv_bytes(rows), user=world.alice)
    assert errors == [(3, "aanbieder")]
    assert run(world, csv_bytes(rows), user=world.pam).ok


def test_a_partner_may_not_import(world):
    with pytest.raises(PermissionDenied):
        run(world, csv_bytes([BASE]), user=world.bob)
    with pytest.raises(PermissionDenied):
        run(world, csv_bytes([BASE]), user=world.olga)  # another region
    assert counts() == (0, 0)


def test_an_instrument_of_another_region_with_the_same_name_is_not_touched(world):
    twente = f.InstrumentFactory(region=world.other_region, name="Groeiversneller")
    report = run(world, csv_bytes([BASE]))
    assert report.ok
    assert report.created == 1
    twente.refresh_from_db()
    assert twente.region == world.other_region
    assert twente.version == 1
    assert Instrument.objects.filter(name="Groeiversneller").count() == 2


# --- reading values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234", "1234.00"),
        ("1.234.567", "1234567.00"),
        ("€ 1.000,-", "1000.00"),
        ("12", "12.00"),
        ("", None),
    ],
)
def test_amounts_are_read_the_dutch_and_the_plain_way(text, amount):
    assert parse_money(text) == (Decimal(amount) if amount else None)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "NaN", "1e5", "--1", "12 euro"])
def test_garbage_amounts_are_errors(text):
    with pytest.raises(importing.CellError):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("22-11-2026", dt.date(2026, 11, 22)),
        ("2026-11-22", dt.date(2026, 11, 22)),
        ("2-1-2026", dt.date(2026, 1, 2)),
        ("22/11/2026", dt.date(2026, 11, 22)),
    ],
)
def test_dates_are_read_in_both_formats(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["2026-13-01", "31-02-2026", "morgen", "22-11-26x", "01-01-0001"])
def test_garbage_dates_are_errors(text):
    with pytest.raises(importing.CellError):
        parse_date(text)


# --- the import page ------------------------------------------------------------------------


def page_upload(client, content, name="catalogus.csv", **extra):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post("/catalogus/importeren/", {"bestand": upload, **extra})


def test_the_page_imports_a_good_file(world, login):
    client = login(world.pam)
    page = client.get("/catalogus/importeren/")
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    response = page_upload(client, csv_bytes(good_rows()), regio=world.region.pk)
    assert response.status_code == 200
    assert "Het bestand is ingelezen" in response.content.decode()
    assert Instrument.objects.count() == 20


def test_the_page_reports_every_problem_by_row_and_column(world, login):
    client = login(world.alice)
    rows = [{**BASE, "naam": "Een", "bedrag_max": "veel"}, {**BASE, "naam": "Een"}]
    response = page_upload(client, csv_bytes(rows), regio=world.region.pk)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Het bestand is niet ingelezen" in html
    assert "<code>bedrag_max</code>" in html
    assert "Deze naam staat ook in rij 2" in html
    assert counts() == (0, 0)


def test_the_page_checks_without_saving(world, login):
    client = login(world.alice)
    response = page_upload(
        client, csv_bytes([BASE]), regio=world.region.pk, alleen_controleren="on"
    )
    assert response.status_code == 200
    assert "Het bestand is in orde" in response.content.decode()
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    "data",
    [{}, {"regio": "999999"}, {"regio": "abc"}],
)
def test_the_page_refuses_garbage(world, login, data):
    client = login(world.alice)
    response = client.post("/catalogus/importeren/", data)
    assert response.status_code == 422
    assert b"utrecht-form-field--invalid" in response.content
    # a region the user does not keep is not a choice either
    twente = page_upload(client, csv_bytes([BASE]), regio=world.other_region.pk)
    assert twente.status_code == 422
    assert counts() == (0, 0)


def test_partners_get_no_import_page(world, login):
    for user in (world.bob, world.charlie):
        client = login(user)
        assert client.get("/catalogus/importeren/").status_code == 403
        assert page_upload(client, csv_bytes([BASE])).status_code == 403
    assert counts() == (0, 0)


def test_the_export_page_downloads_the_import_columns(world, login):
    f.InstrumentFactory(region=world.region, name="Drentse voucher")
    f.InstrumentFactory(region=world.other_region, name="Twentse voucher")
    client = login(world.alice)
    response = client.get("/catalogus/exporteren/", {"formaat": "csv", "regio": world.region.pk})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert content.startswith(";".join(importing.HEADERS[:3]))
    assert "Drentse voucher" in content
    assert "Twentse voucher" not in content
    assert client.get("/catalogus/exporteren/", {"formaat": "xlsx"}).status_code == 200
    for params in ({"formaat": "pdf"}, {"regio": world.other_region.pk}, {"regio": "x"}):
        assert client.get("/catalogus/exporteren/", params).status_code == 404
