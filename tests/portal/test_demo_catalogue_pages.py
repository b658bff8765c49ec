"""Every public page renders for every instrument of the demo catalogue: real data has
the combinations (national schemes without a contact organisation, instruments without
amounts, partners without a website) that hand-made fixtures miss."""

from __future__ import annotations

import pytest
from django.urls import reverse

from loket.catalogue.models import Phase
from loket.catalogue.queries import public_instruments
from loket.demo.catalogue import load_for_matching


@pytest.fixture
def region(db):
    return load_for_matching()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_public_page_of_the_demo_catalogue_renders(client, region, language):
    client.cookies["django_language"] = language
    current = list(public_instruments(region))
    assert len(current) > 100
    for instrument in current:
        response = client.get(reverse("portal:instrument", args=[instrument.slug]))
        assert response.status_code == 200, instrument.name
    for phase in Phase.values:
        response = client.get(reverse("portal:guide_result"), {"doel": phase})
        assert response.status_code == 200, phase
        assert response.content.decode().count('class="portal-result') >= 1, phase
    everything = client.get(reverse("portal:guide_result"), {"leeftijd": "0-2"})
    assert everything.status_code == 200
    for words in ("export naar Duitsland", "lening voor een machine", "zonnepanelen"):
        assert client.get(reverse("portal:search"), {"q": words}).status_code == 200
    assert client.get(reverse("portal:partners")).status_code == 200
