"""The webinar import in a real browser: a file with a broken row is reported at that row
and nothing is written; the corrected file shows the matching (matched, new, ambiguous,
no company), an ambiguous viewer gets a company chosen, and the import registers the
viewers. axe-core on the import page, the report and the preview."""

from __future__ import annotations

from playwright.sync_api import expect

from loket.events.models import Registration
from tests.browser.helpers import login_as
from tests.events.webinar_helpers import GOOD, setup


def test_upload_report_fix_preview_and_import(page, live_server, world, axe, tmp_path):
    s = setup(world)
    broken = tmp_path / "kijkers.csv"
    broken.write_text(GOOD.replace("bert@nieuwhout.example", "bert-at-nieuwhout"), "utf-8")
    login_as(page, live_server, world.alice)
    page.goto(f"/evenementen/{s.event.pk}/webinar-import/")
    axe(page)

    page.get_by_label("Export van het webinarplatform").set_input_files(str(broken))
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("heading", name="De kijkers zijn niet ingelezen")).to_be_visible()
    cells = [
        tuple(row.locator("td").all_inner_texts())
        for row in page.locator("table.loket-import-errors tbody tr").all()
    ]
    assert cells == [("3", "E-mail", "„bert-at-nieuwhout” is geen geldig e-mailadres.")]
    axe(page)
    assert not Registration.objects.exists()

    fixed = tmp_path / "kijkers-verbeterd.csv"
    fixed.write_text(GOOD, "utf-8")
    page.get_by_label("Export van het webinarplatform").set_input_files(str(fixed))
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("heading", name="Het bestand is in orde")).to_be_visible()
    counts = {
        row.locator("th").inner_text(): row.locator("td").inner_text()
        for row in page.locator("table.loket-webinar-counts tbody tr").all()
    }
    assert counts["Gekoppeld aan een bestaand bedrijf"] == "1"
    assert counts["Nieuw bedrijf"] == "1"
    assert counts["Meerdere bedrijven mogelijk"] == "1"
    assert counts["Geen bedrijf"] == "1"
    assert page.url.endswith(f"/evenementen/{s.event.pk}/webinar-import/")
    axe(page)
    assert not Registration.objects.exists()

    page.get_by_label("Bouwbedrijf Jansen (Emmen", exact=False).check()
    page.get_by_role("button", name="Kijkers inlezen").click()
    expect(page.get_by_text("4 kijkers ingelezen")).to_be_visible()
    assert Registration.objects.filter(source=Registration.Source.WEBINAR).count() == 4
    assert Registration.objects.get(email="carla@jansen.example").company == s.jansen_emmen
