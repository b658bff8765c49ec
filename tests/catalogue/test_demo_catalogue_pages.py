"""Every internal catalogue page renders for every instrument of the demo catalogue
(expired, exhausted, shared and stale ones included), in Dutch and English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from loket.accounts.models import Membership
from loket.catalogue.models import Instrument
from loket.demo.catalogue import load_for_matching


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_internal_page_of_the_demo_catalogue_renders(client, login, db, language):
    region = load_for_matching()
    manager = (
        Membership.objects.filter(organisation__region=region, role="programme_manager")
        .select_related("user")
        .first()
        .user
    )
    client = login(manager)
    client.cookies["django_language"] = language
    instruments = list(Instrument.objects.all())
    assert len(instruments) >= 120
    for instrument in instruments:
        response = client.get(reverse("catalogue:detail", args=[instrument.pk]))
        assert response.status_code == 200, instrument.name
        if language == "nl":  # the form's labels are the same code in both languages
            edit = client.get(reverse("catalogue:edit", args=[instrument.pk]))
            assert edit.status_code == 200, instrument.name
    for status in ("current", "expired", "exhausted", "unpublished", "stale", "upcoming"):
        response = client.get(reverse("catalogue:list"), {"status": status})
        assert response.status_code == 200, status
    assert client.get(reverse("catalogue:list"), {"export": "xlsx"}).status_code == 200
