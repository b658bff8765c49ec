"""An advisor brings in a case at a crisis table in a real browser and sees the deadline
two working days later, records a session that hears it with advice, and finds the
advice on the company's timeline. The session form and the table page pass axe-core."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from django.utils import timezone

from loket.collectives.models import TableCase, TableSession
from tests.browser.helpers import login_as
from tests.collectives.tables_setup import make_tables


def two_working_days_after(day: dt.date) -> dt.date:
    """Counted by hand: weekdays that are no Dutch public holiday."""
    dutch = holidays.country_holidays("NL", years=[day.year, day.year + 1])
    found = 0
    while found < 2:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in dutch:
            found += 1
    return day


@pytest.fixture
def data(world):
    t = make_tables(world)
    TableSession.objects.all().delete()  # the advisor records the session herself
    return t


def test_a_crisis_table_hears_a_case_and_the_advice_lands_on_the_timeline(
    page, live_server, data, world, axe
):
    login_as(page, live_server, world.alice)
    page.goto(f"/collectieven/tafels/{data.table.pk}/")
    assert "binnen 2 werkdagen" in page.locator("main").inner_text()
    axe(page)

    page.get_by_role("link", name="Casus inbrengen").click()
    page.get_by_label("Bedrijf", exact=True).fill(data.company.kvk_number)
    page.get_by_label("Ingebrachte vraag").fill("Onze grootste afnemer is failliet.")
    with page.expect_navigation():
        page.get_by_role("button", name="Casus inbrengen").click()
    table_case = TableCase.objects.get()
    expected = two_working_days_after(timezone.localdate())
    assert table_case.convene_by == expected
    assert page.locator("[data-convene-by]").inner_text() == expected.strftime("%d-%m-%Y")
    assert f"uiterlijk {expected:%d-%m-%Y}" in page.locator(".loket-messages").inner_text()

    # The session took place this morning (or yesterday, early in the day).
    now = timezone.localtime()
    held = (now - dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    page.goto(f"/collectieven/tafels/{data.table.pk}/")
    page.get_by_role("link", name="Sessie vastleggen").click()
    page.get_by_label("Datum en tijd").fill(held.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Locatie").fill("Provinciehuis Assen")
    page.get_by_label("Bob Gemeente").check()
    axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Sessie vastleggen").click()
    session = TableSession.objects.get()
    assert list(session.experts.all()) == [world.bob]
    assert "Bob Gemeente" in page.locator("main").inner_text()

    page.goto(f"/collectieven/tafels/{data.table.pk}/")
    page.get_by_role("link", name="Bakkerij De Brink").click()
    page.get_by_role("link", name="Bespreken in een sessie").click()
    page.get_by_label("Sessie", exact=True).select_option(str(session.pk))
    page.locator("textarea[name=advice]").fill("Vraag uitstel van betaling aan.")
    page.get_by_label("Afgesproken vervolgstappen").fill("Bel maandag de bank.")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()
    assert "staat op de tijdlijn" in page.locator(".loket-messages").inner_text()

    page.get_by_role("link", name="Bakkerij De Brink").click()
    timeline = page.locator(".loket-timeline").inner_text()
    assert "tafelsessie" in timeline
    assert "Vraag uitstel van betaling aan." in timeline
    assert "Bel maandag de bank." in timeline

    page.goto(f"/collectieven/tafels/{data.table.pk}/")
    assert "Geen casussen die op bespreking wachten." in page.locator("main").inner_text()
    axe(page)
