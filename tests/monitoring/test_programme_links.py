"""The programme page leads to its monitoring; the survey's results only for programme
staff (a partner executing the programme would get a 403 there)."""

from __future__ import annotations

from django.urls import reverse

from tests import factories as f


def test_the_programme_page_links_the_monitoring_pages(world, login):
    programme = f.ProgrammeFactory(
        region=world.region, organisations=[world.bureau, world.gem_assen]
    )
    page = login(world.pam).get(reverse("programmes:programme_detail", args=[programme.pk]))
    html = page.content.decode()
    for name in (
        "dashboard",
        "indicator_list",
        "report_list",
        "business_case_list",
        "satisfaction",
    ):
        assert reverse(f"monitoring:{name}", args=[programme.pk]) in html
    assert reverse("monitoring:municipality_list") in html

    page = login(world.bob).get(reverse("programmes:programme_detail", args=[programme.pk]))
    html = page.content.decode()
    assert reverse("monitoring:dashboard", args=[programme.pk]) in html
    assert reverse("monitoring:satisfaction", args=[programme.pk]) not in html
