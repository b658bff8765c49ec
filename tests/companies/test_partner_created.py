"""A partner who records a new company keeps seeing it; other partners do not."""

from django.urls import reverse

from loket.companies import services
from loket.companies.queries import companies_visible_to


def test_it_shows_a_partner_the_company_his_organisation_recorded(world, login):
    company = services.create_company(
        world.bob, world.region, {"name": "Fietsenmaker Bakker", "kvk_number": "87654321"}
    )
    assert company.created_by_organisation == world.gem_assen
    assert list(companies_visible_to(world.bob)) == [company]
    assert list(companies_visible_to(world.charlie)) == []
    assert login(world.bob).get(reverse("companies:detail", args=[company.pk])).status_code == 200
    charlie = login(world.charlie)
    assert charlie.get(reverse("companies:detail", args=[company.pk])).status_code == 404
