"""The demo's instrument catalogue, its assignment rules and the labelled matching set."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from loket.casework.models import AssignmentRule
from loket.casework.routing import assign_owner
from loket.catalogue.models import (
    STALE_AFTER_DAYS,
    Instrument,
    InstrumentVersion,
    current_q,
    stale_q,
)
from loket.catalogue.services import snapshot, validate_criteria
from loket.core.models import Municipality, Theme
from loket.core.permissions import scope_of
from loket.demo.catalogue import shared_names
from loket.demo.generator import Scale, flush, generate

TINY = Scale(companies=30, contacts=60, cases=20, referrals=10)
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=timezone.get_default_timezone())
LOAD_DATE = NOW.date()
QUESTIONS = Path(settings.BASE_DIR) / "bench" / "matching" / "questions.json"
ENGLISH = re.compile(r"\b(the|our|are|to|a)\b", re.IGNORECASE)


# The demo of every test here, generated once for the module (tests/demo/conftest.py).
DEMO = {"seed": 7, "scale": TINY, "now": NOW, "rebuild_index": False}


def test_it_loads_more_than_120_instruments_of_every_kind_of_provider(demo):
    instruments = Instrument.objects.all()
    assert demo.counts["instruments"] == instruments.count() >= 120
    providers = Counter(instruments.values_list("provider_kind", flat=True))
    assert providers["programme"] >= 25
    assert providers["partner"] >= 60
    assert providers["national"] >= 20
    assert providers["eu"] >= 8
    kinds = set(instruments.values_list("kind", flat=True))
    assert len(kinds) == 12  # every kind of instrument occurs
    # The programme's own trajectories: a fixed amount with a small own contribution.
    export = Instrument.objects.get(region=demo.region, name="Exporttraject")
    assert export.amount_max == 10_000
    assert export.own_contribution == 1_000
    assert export.provider_organisation.kind == "programme"
    # Every instrument has its version 1, with the same record the service would keep.
    assert InstrumentVersion.objects.count() == instruments.count()
    for instrument in instruments.prefetch_related("versions"):
        (version,) = instrument.versions.all()
        assert version.number == instrument.version == 1
        assert version.data == snapshot(instrument)


def test_shared_instruments_have_no_region_and_regional_ones_name_their_organisations(demo):
    for instrument in Instrument.objects.select_related(
        "provider_organisation", "contact_organisation", "editor"
    ):
        if instrument.provider_kind in ("national", "eu"):
            assert instrument.region_id is None
            assert instrument.provider_name
            assert instrument.provider_organisation is None
            assert scope_of(instrument.editor).can_manage()
        else:
            assert instrument.region_id == demo.region.pk
            assert instrument.provider_organisation.region_id == demo.region.pk
            assert instrument.contact_organisation.region_id == demo.region.pk
            assert scope_of(instrument.editor).is_programme_staff(demo.region.pk)
        assert instrument.website.startswith("https://example.org/")
        assert instrument.contact_email.endswith(".example")
        assert instrument.themes.exists()
        assert instrument.phases
    # Regional schemes of the EU reach only this region (and Drenthe's municipalities).
    efro = Instrument.objects.get(name="EFRO Noord-Nederland")
    assert list(efro.regions.all()) == [demo.region]
    assert "Hardenberg" not in set(efro.municipalities.values_list("name", flat=True))


def test_every_instrument_passes_the_catalogue_validation(demo):
    for instrument in Instrument.objects.select_related(
        "provider_organisation", "contact_organisation"
    ):
        instrument.full_clean(exclude=["slug"])
        assert validate_criteria(instrument) == {}, instrument.name


def test_some_instruments_are_expired_exhausted_not_yet_open_or_stale(demo):
    today = LOAD_DATE
    reasons = Counter(
        reason
        for instrument in Instrument.objects.exclude(current_q(today))
        for reason in instrument.not_current_reasons(today)
    )
    assert reasons["verlopen"] >= 3
    assert reasons["budget uitgeput"] >= 3
    assert reasons["nog niet open"] >= 2
    assert Instrument.objects.filter(current_q(today)).count() >= 140
    stale = Instrument.objects.filter(stale_q(today), current_q(today))
    assert stale.count() >= 5
    for instrument in stale:
        assert (today - instrument.last_verified).days > STALE_AFTER_DAYS
        assert instrument.editor is not None
    # The rest was verified within the half year.
    fresh = Instrument.objects.exclude(stale_q(today))
    assert fresh.count() == Instrument.objects.count() - stale.count()


def test_every_municipality_has_a_team_and_themes_go_to_their_specialist(demo):
    region = demo.region
    municipalities = list(Municipality.objects.filter(region=region))
    assert len(municipalities) == 13
    rules = AssignmentRule.objects.filter(region=region, theme__isnull=True)
    for municipality in municipalities:
        (rule,) = rules.filter(municipality=municipality)
        team = list(rule.advisors.all())
        assert 1 <= len(team) <= 3
        assert all(scope_of(u).can_work_cases(region.pk) for u in team)
        assert assign_owner(region, municipality.pk, []) in team
    export = Theme.objects.get(slug="export")
    specialist = AssignmentRule.objects.get(municipality=None, theme=export).advisors.get()
    emmen = next(m for m in municipalities if m.name == "Emmen")
    assert assign_owner(region, emmen.pk, [export.pk]) == specialist
    assert assign_owner(region, None, [export.pk]) == specialist
    catch_all = AssignmentRule.objects.get(municipality=None, theme=None)
    assert assign_owner(region, None, []) in catch_all.advisors.all()


def test_two_loads_give_the_same_catalogue(demo):
    def state():
        return sorted(
            Instrument.objects.values_list(
                "name", "slug", "open_from", "open_until", "deadline", "last_verified"
            )
        )

    first = state()
    flush()
    assert not Instrument.objects.filter(name__in=shared_names()).exists()
    assert not Instrument.objects.filter(region=demo.region).exists()
    generate(seed=7, scale=TINY, now=NOW, rebuild_index=False)
    assert state() == first


# --- the labelled matching set ----------------------------------------------------------
