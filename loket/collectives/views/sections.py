"""What the collective's page shows below its common part, per kind: the tables'
sessions and cases (``tables.table_section``), the carousels' rounds and matches
(``carousels.carousel_section``). Each returns the template to include and its context."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from loket.collectives.models import Collective


def section(request: HttpRequest, collective: Collective) -> tuple[str, dict[str, Any]] | None:
    if collective.is_table:
        from loket.collectives.views.tables import table_section

        return table_section(request, collective)
    if collective.is_carousel:
        from loket.collectives.views.carousels import carousel_section

        return carousel_section(request, collective)
    return None
