"""Fixtures of the portal tests: the small catalogue of tests/portal/catalogue_data.py."""

from __future__ import annotations

import pytest

from loket.catalogue import matching
from tests.portal.catalogue_data import build_catalogue


@pytest.fixture
def catalogue(world):
    matching.clear_cache()
    yield build_catalogue(world)
    matching.clear_cache()
