"""The catalogue import page in a real browser: a broken file gives a readable report
(row, column, problem) that passes axe-core, and nothing is saved; a good file imports."""

from __future__ import annotations

from playwright.sync_api import expect

from loket.catalogue.models import Instrument
from tests.browser.helpers import login_as
from tests.catalogue.importfiles import csv_bytes, good_rows


def test_a_broken_file_gets_an_accessible_report_and_a_good_one_imports(
    page, live_server, world, axe, tmp_path
):
    rows = good_rows()
    rows[3]["bedrag_max"] = "een ton"
    rows[5]["naam"] = rows[4]["naam"]
    broken = tmp_path / "catalogus.csv"
    broken.write_bytes(csv_bytes(rows))
    login_as(page, live_server, world.alice)
    page.goto("/catalogus/importeren/")
    axe(page)
    page.get_by_label("Bestand").set_input_files(str(broken))
    page.get_by_role("button", name="Bestand inlezen").click()
    expect(page.get_by_role("heading", name="Het bestand is niet ingelezen")).to_be_visible()
    cells = [
        tuple(row.locator("td").all_inner_texts()[:2])
        for row in page.locator("table.loket-import-errors tbody tr").all()
    ]
    # WBSO and EIC are national/EU (not for an advisor), EIC's amount, a repeated name
    assert cells == [("4", "aanbieder"), ("5", "aanbieder"), ("5", "bedrag_max"), ("7", "naam")]
    axe(page)
    assert Instrument.objects.count() == 0

    good = tmp_path / "goed.csv"
    good.write_bytes(
        csv_bytes([r for r in good_rows() if r["aanbieder"] not in ("national", "eu")])
    )
    page.get_by_label("Bestand").set_input_files(str(good))
    page.get_by_role("button", name="Bestand inlezen").click()
    expect(page.get_by_role("heading", name="Het bestand is ingelezen")).to_be_visible()
    assert Instrument.objects.count() == 18
