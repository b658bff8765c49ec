"""Rebuild the company search index from scratch (after a bulk load or an import)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from loket.companies.search import rebuild_search_index


class Command(BaseCommand):
    help = "Rebuild the search entry of every company (FTS5 or pg_trgm index included)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        count = rebuild_search_index()
        seconds = time.monotonic() - started
        self.stdout.write(f"Search index rebuilt: {count} companies in {seconds:.1f} s.")
