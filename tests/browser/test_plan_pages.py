"""The programme and its plan in a real browser: a programme manager adds a plan line whose
shares add up to 110 %, sees the message at the split and nothing saved, corrects it and
sees the line in the plan; axe-core finds no serious violation on the list, the programme
page, the plan line form (with its errors) and the import page."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from loket.programmes.models import PlanLine
from tests.browser.helpers import login_as
from tests.programmes.plan_factories import small_plan


def test_a_manager_adds_a_plan_line_and_is_told_when_the_split_is_wrong(
    page, live_server, world, axe
):
    plan = small_plan(world)
    login_as(page, live_server, world.pam)
    page.goto(reverse("programmes:programme_list"))
    expect(page.get_by_role("link", name=plan.programme.name)).to_be_visible()
    axe(page)
    page.get_by_role("link", name=plan.programme.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.programme.name)
    axe(page)

    page.goto(reverse("programmes:plan_line_create", args=[plan.programme.pk]))
    page.get_by_label("Jaar").select_option("2025")
    page.get_by_label("Activiteit", exact=True).select_option(label="Gesprekken")
    page.get_by_label("Uitvoerende organisatie").select_option(label=world.bureau.name)
    page.get_by_label("Aantal", exact=True).fill("10")
    page.get_by_label("Urennorm per eenheid").fill("2")
    shares = page.locator("input[name$='-hours_share']")
    shares.nth(0).fill("50")
    shares.nth(1).fill("60")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_text("110,00 % in plaats van 100 %").first).to_be_visible()
    assert not PlanLine.objects.filter(programme=plan.programme).exists()
    axe(page)

    page.locator("input[name$='-hours_share']").nth(1).fill("50")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.programme.name)
    line = PlanLine.objects.get(programme=plan.programme)
    assert line.hours == 20
    assert sorted(f.hours_share for f in line.fundings.all()) == [50, 50]

    page.goto(reverse("programmes:plan_import", args=[plan.programme.pk]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe(page)
