"""linking.py: a registration, walk-in or webinar viewer finds its company and person in
the client record (by KvK number, e-mail, name) or creates them, and never duplicates."""

from __future__ import annotations

import pytest

from loket.companies.models import Company, Person
from loket.events.services.linking import Contact, find, link, outcome_counts
from tests import factories as f


@pytest.fixture
def brink(world):
    company = f.CompanyFactory(
        region=world.region,
        name="Bakkerij De Brink",
        kvk_number="12345678",
        municipality=world.assen,
    )
    person = f.PersonFactory(company=company, name="Anna de Bakker", email="anna@brink.example")
    return company, person


def _counts():
    return Company.objects.count(), Person.objects.count()


def test_it_matches_by_kvk_number_and_finds_the_person_by_email(world, brink):
    company, person = brink
    before = _counts()
    found = link(
        world.region,
        Contact(
            name="Anna",
            email="ANNA@brink.example ",
            company_name="Iets anders",
            kvk_number="1234 5678",
        ),
    )
    assert (found.outcome, found.company, found.person) == ("matched", company, person)
    assert _counts() == before


def test_a_new_person_of_a_matched_company_is_added_once(world, brink):
    company, _person = brink
    contact = Contact(name="Bert Brood", email="bert@brink.example", kvk_number="12345678")
    first = link(world.region, contact)
    second = link(world.region, contact)
    assert first.outcome == second.outcome == "matched"
    assert first.person == second.person
    assert first.person.company == company
    assert Person.objects.filter(email="bert@brink.example").count() == 1


def test_it_matches_by_email_of_a_contact_person(world, brink):
    company, person = brink
    before = _counts()
    found = link(world.region, Contact(name="Anna", email="anna@brink.example"))
    assert (found.outcome, found.company, found.person) == ("matched", company, person)
    assert _counts() == before


def test_it_matches_by_company_name_or_trade_name(world, brink):
    company, _person = brink
    company.trade_names = ["Brinkbrood"]
    company.save()
    by_name = find(world.region, Contact(name="Kees", company_name="bakkerij de brink"))
    by_trade_name = find(world.region, Contact(name="Kees", company_name="Brinkbrood"))
    assert (by_name.outcome, by_name.company) == ("matched", company)
    assert (by_trade_name.outcome, by_trade_name.company) == ("matched", company)
    # a name that only contains the trade name is not the same company
    assert find(world.region, Contact(name="Kees", company_name="Brink")).outcome == "new"


def test_two_companies_of_the_same_name_are_ambiguous_and_nothing_is_written(world):
    one = f.CompanyFactory(region=world.region, name="Smederij Jansen", municipality=world.assen)
    two = f.CompanyFactory(region=world.region, name="Smederij Jansen", municipality=world.emmen)
    before = _counts()
    found = link(
        world.region, Contact(name="Jan", email="jan@example.nl", company_name="Smederij Jansen")
    )
    assert found.outcome == "ambiguous"
    assert found.company is None
    assert found.person is None
    assert found.candidates == [one, two]
    assert _counts() == before
    # the municipality picks one out
    local = link(
        world.region,
        Contact(
            name="Jan",
            email="jan@example.nl",
            company_name="Smederij Jansen",
            municipality=world.emmen,
        ),
    )
    assert (local.outcome, local.company) == ("matched", two)


def test_an_unknown_company_is_created_with_its_person_and_then_found(world):
    contact = Contact(
        name="Nina Nieuw",
        email="nina@nieuw.example",
        company_name="Nieuw & Co",
        kvk_number="87654321",
        municipality=world.emmen,
    )
    first = link(world.region, contact)
    assert first.outcome == "new"
    assert (first.company.name, first.company.kvk_number) == ("Nieuw & Co", "87654321")
    assert first.company.municipality == world.emmen
    assert (first.person.name, first.person.email) == ("Nina Nieuw", "nina@nieuw.example")
    again = link(world.region, contact)
    assert (again.outcome, again.company, again.person) == ("matched", first.company, first.person)
    assert Company.objects.filter(kvk_number="87654321").count() == 1
    assert Person.objects.filter(email="nina@nieuw.example").count() == 1


def test_without_a_kvk_number_the_new_company_is_found_again_by_email(world):
    contact = Contact(name="Piet", email="piet@zonder.example", company_name="Zonder KvK")
    first = link(world.region, contact)
    second = link(world.region, contact)
    assert first.outcome == "new"
    assert second.outcome == "matched"
    assert first.company == second.company
    assert Company.objects.filter(name="Zonder KvK").count() == 1


def test_without_a_company_name_there_is_no_company(world):
    before = _counts()
    found = link(world.region, Contact(name="Losse Bezoeker", email="los@example.nl"))
    assert found.outcome == "no_company"
    assert found.company is None
    assert found.person is None
    assert _counts() == before


def test_a_company_of_another_region_is_never_matched(world, brink):
    found = find(world.other_region, Contact(name="Anna", kvk_number="12345678"))
    assert found.outcome == "new"
    created = link(
        world.other_region, Contact(name="Anna", kvk_number="12345678", company_name="Brink Twente")
    )
    assert created.company.region == world.other_region
    assert Company.objects.filter(kvk_number="12345678").count() == 2


def test_find_writes_nothing_and_counts_outcomes(world, brink):
    before = _counts()
    links = [
        find(world.region, Contact(name="A", kvk_number="12345678")),
        find(world.region, Contact(name="B", company_name="Onbekend B.V.")),
        find(world.region, Contact(name="C")),
    ]
    assert _counts() == before
    assert outcome_counts(links) == {"matched": 1, "new": 1, "ambiguous": 0, "no_company": 1}
