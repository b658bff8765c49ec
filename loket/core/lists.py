"""Shared list helpers: pagination that keeps the filters, a page size with a maximum, and
sorting from a whitelist. Every list page (companies, cases, referrals, contact moments)
uses these, so the query parameters mean the same everywhere:

- ``pagina``: the page number (garbage or out of range gives the first or last page);
- ``per_pagina``: rows per page, one of ``PAGE_SIZES`` (anything else: the default);
- ``sorteer``: a key of the page's ``Sorting``, with ``-`` in front for the reverse order
  (anything else: the default order).

A view::

    SORTING = Sorting(
        [
            SortOption("name", _("Naam"), ("name", "id")),
            SortOption("newest", _("Nieuwste eerst"), ("-created_at", "-id")),
        ],
        default="name",
    )

    def company_list(request):
        filterset = CompanyFilterSet(request.GET, queryset=..., request=request)
        listing = paginate(request, filterset.qs, sorting=SORTING)
        return render(request, "...", {"listing": listing, "page": listing.page,
                                       "query": listing.query})

and its template: ``{% include "includes/pagination.html" %}`` (reads ``page`` and
``query``), ``{% include "core/lists/page_size.html" %}``, and for a sortable column
header ``{% include "core/lists/sort_header.html" with option=listing.sort_options.name %}``.

Paginator counts the filtered rows (one ``COUNT(*)``); at 40,000 companies that costs well
under a millisecond. The page itself is one query plus whatever the caller prefetches, so
the number of queries does not depend on the page size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import F, Model, QuerySet
from django.db.models.expressions import OrderBy
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise

M = TypeVar("M", bound=Model)

PAGE_PARAM = "pagina"
PAGE_SIZE_PARAM = "per_pagina"
SORT_PARAM = "sorteer"
PAGE_SIZES = (10, 25, 50, 100)
MAX_PAGE_SIZE = max(PAGE_SIZES)


def default_page_size() -> int:
    size = int(getattr(settings, "LOKET_PAGE_SIZE", 25))
    return min(max(size, 1), MAX_PAGE_SIZE)


def page_size(params: Mapping[str, Any], default: int | None = None) -> int:
    """The requested page size if it is one of ``PAGE_SIZES``, else the default."""
    raw = params.get(PAGE_SIZE_PARAM)
    try:
        size = int(str(raw))
    except (TypeError, ValueError):
        size = 0
    if size in PAGE_SIZES:
        return size
    return default if default is not None else default_page_size()


def querystring(params: QueryDict, drop: Sequence[str] = (PAGE_PARAM,), **changes: Any) -> str:
    """``params`` urlencoded without the keys in ``drop``, with ``changes`` applied (a value
    of None removes the key). No leading '?'; keeps repeated keys (multiple choices)."""
    items: list[tuple[str, str]] = []
    for key, values in params.lists():
        if key in drop or key in changes:
            continue
        items.extend((key, value) for value in values)
    for key, value in changes.items():
        if value is not None:
            items.append((key, str(value)))
    return urlencode(items)


# --- sorting ---------------------------------------------------------------------------


def _as_order_by(item: str | OrderBy) -> OrderBy:
    if isinstance(item, OrderBy):
        return item
    if item.startswith("-"):
        return F(item[1:]).desc()
    return F(item).asc()


@dataclass(frozen=True)
class SortOption:
    """One way to sort a list: the key in the URL, its label, and the ORDER BY (names as in
    ``order_by``, ``'-field'`` descending, or expressions like ``F('x').desc(nulls_last=True)``).
    End with a unique field (``id``) so pages never overlap."""

    key: str
    label: str | Promise
    order_by: tuple[str | OrderBy, ...]

    def expressions(self, reverse: bool = False) -> list[OrderBy]:
        out = []
        for item in self.order_by:
            expression = _as_order_by(item).copy()
            if reverse:
                expression.reverse_ordering()
            out.append(expression)
        return out


@dataclass(frozen=True)
class ActiveSort:
    option: SortOption
    reverse: bool

    @property
    def value(self) -> str:
        return f"-{self.option.key}" if self.reverse else self.option.key


class Sorting:
    """The sort orders a list offers; anything else in ``sorteer`` gives the default."""

    def __init__(self, options: Sequence[SortOption], default: str) -> None:
        self.options = {option.key: option for option in options}
        parsed = self._parse(default)
        if parsed is None:
            raise ValueError(f"Unknown default sort {default!r}")
        self.default = default
        self._default = parsed

    def _parse(self, value: str) -> ActiveSort | None:
        reverse = value.startswith("-")
        option = self.options.get(value[1:] if reverse else value)
        return ActiveSort(option, reverse) if option is not None else None

    def active(self, params: Mapping[str, Any]) -> ActiveSort:
        parsed = self._parse(str(params.get(SORT_PARAM) or ""))
        return parsed or self._default

    def apply(self, queryset: QuerySet[M], params: Mapping[str, Any]) -> QuerySet[M]:
        active = self.active(params)
        return queryset.order_by(*active.option.expressions(active.reverse))


@dataclass(frozen=True)
class SortLink:
    """A column header link: sorts by ``option``, or reverses it when already active."""

    option: SortOption
    query: str
    active: bool
    reverse: bool

    @property
    def label(self) -> str | Promise:
        return self.option.label

    @property
    def aria_sort(self) -> str:
        if not self.active:
            return "none"
        return "descending" if self.reverse else "ascending"


# --- the page --------------------------------------------------------------------------


@dataclass
class ListPage:
    """One page of a filtered, sorted list, with what its template needs."""

    page: Page
    per_page: int
    params: QueryDict
    sorting: Sorting | None = None
    active_sort: ActiveSort | None = None
    page_sizes: tuple[int, ...] = PAGE_SIZES
    sort_options: dict[str, SortLink] = field(default_factory=dict)

    @property
    def object_list(self) -> Any:
        return self.page.object_list

    @property
    def query(self) -> str:
        """The querystring without the page number (what includes/pagination.html wants)."""
        return querystring(self.params)

    def export_query(self, fmt: str) -> str:
        """The querystring of an export of the whole filtered, sorted list."""
        return querystring(self.params, drop=(PAGE_PARAM, PAGE_SIZE_PARAM), export=fmt)

    @property
    def csv_query(self) -> str:
        return self.export_query("csv")

    @property
    def xlsx_query(self) -> str:
        return self.export_query("xlsx")

    @property
    def hidden_params(self) -> list[tuple[str, str]]:
        """Every current parameter but the page and page size, for the page-size form."""
        return [
            (key, value)
            for key, values in self.params.lists()
            if key not in (PAGE_PARAM, PAGE_SIZE_PARAM, "export")
            for value in values
        ]

    @property
    def sort_value(self) -> str:
        return self.active_sort.value if self.active_sort else ""


def paginate(
    request: HttpRequest,
    queryset: QuerySet[M],
    *,
    sorting: Sorting | None = None,
    per_page: int | None = None,
) -> ListPage:
    """Sort ``queryset`` (by the request's ``sorteer`` when ``sorting`` is given) and cut
    out the requested page. Garbage parameters fall back to their defaults, never a 500."""
    params = request.GET
    size = page_size(params, per_page)
    active = sorting.active(params) if sorting else None
    if active is not None:
        queryset = queryset.order_by(*active.option.expressions(active.reverse))
    elif not queryset.ordered:
        queryset = queryset.order_by("pk")
    paginator = Paginator(queryset, size)
    page = paginator.get_page(params.get(PAGE_PARAM))
    links: dict[str, SortLink] = {}
    if sorting is not None and active is not None:
        for key, option in sorting.options.items():
            is_active = key == active.option.key
            reverse = is_active and not active.reverse
            value = f"-{key}" if reverse else key
            links[key] = SortLink(
                option=option,
                query=querystring(params, **{SORT_PARAM: value}),
                active=is_active,
                reverse=is_active and active.reverse,
            )
    return ListPage(
        page=page,
        per_page=size,
        params=params,
        sorting=sorting,
        active_sort=active,
        sort_options=links,
    )
