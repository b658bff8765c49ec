"""The shared list helpers: page size with a maximum, querystrings that keep the filters,
and sorting from a whitelist."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.http import QueryDict
from django.test import RequestFactory

from loket.companies.models import Company
from loket.core.lists import (
    MAX_PAGE_SIZE,
    PAGE_SIZES,
    Sorting,
    SortOption,
    page_size,
    paginate,
    querystring,
)
from tests import factories as f

SORTING = Sorting(
    [
        SortOption("name", "Naam", ("name", "id")),
        SortOption("employees", "Werkzame personen", (F("employees").desc(nulls_last=True), "id")),
    ],
    default="name",
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("10", 10), ("100", 100), ("1000", 25), ("7", 25), ("-10", 25), ("x", 25), (None, 25)],
)
def test_page_size_is_one_of_the_offered_sizes(raw, expected, settings):
    settings.LOKET_PAGE_SIZE = 25
    params = QueryDict(mutable=True)
    if raw is not None:
        params["per_pagina"] = raw
    assert page_size(params) == expected
    assert max(PAGE_SIZES) == MAX_PAGE_SIZE == 100


def test_querystring_keeps_filters_and_repeated_keys_but_not_the_page():
    params = QueryDict("status=new&status=intake&pagina=3&owner=5")
    assert querystring(params) == "status=new&status=intake&owner=5"
    assert querystring(params, sorteer="-name") == "status=new&status=intake&owner=5&sorteer=-name"
    assert querystring(params, owner=None) == "status=new&status=intake"
    assert querystring(QueryDict("q=a%26b")) == "q=a%26b"


@pytest.mark.parametrize(
    ("raw", "key", "reverse"),
    [
        ("name", "name", False),
        ("-employees", "employees", True),
        ("bogus", "name", False),
        ("--name", "name", False),
        ("", "name", False),
    ],
)
def test_sorting_takes_only_whitelisted_keys(raw, key, reverse):
    active = SORTING.active({"sorteer": raw})
    assert (active.option.key, active.reverse) == (key, reverse)


def test_an_unknown_default_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown default"):
        Sorting([SortOption("name", "Naam", ("name",))], default="age")


@pytest.mark.django_db
def test_paginate_sorts_and_pages(world):
    for i, employees in enumerate([5, None, 50, 1]):
        f.CompanyFactory(region=world.region, name=f"Bedrijf {i}", employees=employees)
    request = RequestFactory().get("/", {"sorteer": "-employees", "per_pagina": "10"})
    listing = paginate(request, Company.objects.all(), sorting=SORTING)
    # reversed "most employees first, unknown last" is "unknown first, fewest first"
    assert [c.employees for c in listing.object_list] == [None, 1, 5, 50]
    assert listing.per_page == 10
    assert listing.sort_value == "-employees"
    assert listing.sort_options["employees"].aria_sort == "descending"
    assert listing.sort_options["employees"].query == "per_pagina=10&sorteer=employees"
    assert listing.sort_options["name"].query == "per_pagina=10&sorteer=name"
    assert listing.query == "sorteer=-employees&per_pagina=10"
    assert listing.csv_query == "sorteer=-employees&export=csv"
    assert listing.hidden_params == [("sorteer", "-employees")]


@pytest.mark.django_db
def test_paginate_without_sorting_still_orders(world):
    f.CompanyFactory(region=world.region)
    request = RequestFactory().get("/", {"pagina": "zzz"})
    listing = paginate(request, Company.objects.order_by(), per_page=10)
    assert listing.page.number == 1
    assert listing.page.paginator.object_list.ordered
