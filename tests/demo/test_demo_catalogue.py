"""The demo's instrument catalogue, its assignment rules and the labelled matching set."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Q
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
from loket.companies.models import SbiCode, SizeClass
from loket.core.models import Municipality, Theme
from loket.core.permissions import scope_of
from loket.demo import data
from loket.demo.catalogue import load_for_matching, shared_names
from loket.demo.generator import Scale, flush, generate

TINY = Scale(companies=30, contacts=60, cases=20, referrals=10)
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=timezone.get_default_timezone())
LOAD_DATE = NOW.date()
QUESTIONS = Path(settings.BASE_DIR) / "bench" / "matching" / "questions.json"
ENGLISH = re.compile(r"\b(the|our|are|to|a)\b", re.IGNORECASE)


@pytest.fixture
def allowed(settings):
    settings.LOKET_DEMO_ALLOWED = True
    return settings


@pytest.fixture
def demo(db, allowed):
    return generate(seed=7, scale=TINY, now=NOW, rebuild_index=False)


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


def test_the_catalogue_alone_loads_for_the_matching_bench(db):
    region = load_for_matching()
    assert Instrument.objects.filter(region=region).count() >= 80
    assert Instrument.objects.filter(region__isnull=True).count() >= 30
    total = Instrument.objects.count()
    assert load_for_matching() == region  # a second call adds nothing
    assert Instrument.objects.count() == total


# --- the labelled matching set ----------------------------------------------------------


def _meets(instrument: Instrument, profile: dict, sections: dict[str, str]) -> list[str]:
    """The criteria of ``instrument`` the profile does not meet (as the catalogue's
    editors state them; unknown values meet everything)."""
    failed = []
    employees = profile.get("employees")
    size = SizeClass.of(employees) if employees is not None else profile.get("size_class")
    if instrument.size_classes and size and size not in instrument.size_classes:
        failed.append("size_classes")
    if employees is not None:
        if instrument.employees_min is not None and employees < instrument.employees_min:
            failed.append("employees_min")
        if instrument.employees_max is not None and employees > instrument.employees_max:
            failed.append("employees_max")
    age = profile.get("company_age")
    if age is not None:
        if instrument.company_age_min is not None and age < instrument.company_age_min:
            failed.append("company_age_min")
        if instrument.company_age_max is not None and age > instrument.company_age_max:
            failed.append("company_age_max")
    codes = set(profile.get("sbi_codes") or [])
    codes |= {sections[c] for c in codes if c in sections}
    if codes:
        if instrument.sbi_included and not codes & set(instrument.sbi_included):
            failed.append("sbi_included")
        if codes & set(instrument.sbi_excluded):
            failed.append("sbi_excluded")
    municipalities = {m.name for m in instrument.municipalities.all()}
    place = profile.get("municipality")
    if municipalities and place and place not in municipalities:
        failed.append("municipalities")
    legal = profile.get("legal_form")
    if instrument.legal_forms and legal and legal not in instrument.legal_forms:
        failed.append("legal_forms")
    return failed


def test_the_labelled_set_names_current_instruments_the_profile_is_eligible_for(db):
    questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    assert len(questions) >= 45
    assert len({q["id"] for q in questions}) == len(questions)
    region = load_for_matching(today=LOAD_DATE)
    by_name = {
        i.name: i
        for i in Instrument.objects.filter(
            Q(region=region) | Q(region__isnull=True)
        ).prefetch_related("municipalities")
    }
    sections = dict(
        SbiCode.objects.filter(section__isnull=False).values_list("code", "section__code")
    )
    municipality_names = {m[0] for m in data.MUNICIPALITIES}
    allowed_keys = {
        "phases",
        "themes",
        "sbi_codes",
        "employees",
        "size_class",
        "company_age",
        "municipality",
        "legal_form",
    }
    problems = []
    for q in questions:
        profile = q["profile"]
        assert set(profile) <= allowed_keys, q["id"]
        assert q["question"].strip(), q["id"]
        assert 1 <= len(q["expected"]) <= 5, q["id"]
        assert len(set(q["expected"])) == len(q["expected"]), q["id"]
        if profile.get("municipality"):
            assert profile["municipality"] in municipality_names, q["id"]
        for name in q["expected"]:
            instrument = by_name.get(name)
            if instrument is None:
                problems.append(f"{q['id']}: {name!r} is not in the catalogue")
                continue
            for day in (LOAD_DATE, LOAD_DATE + dt.timedelta(days=180)):
                if not instrument.is_current(day):
                    problems.append(f"{q['id']}: {name!r} is not current on {day}")
            failed = _meets(instrument, profile, sections)
            if failed:
                problems.append(f"{q['id']}: the profile does not meet {name!r}: {failed}")
    assert problems == []
    # A few in English, a few colloquial, spread over every phase.
    english = [q for q in questions if ENGLISH.search(q["question"])]
    assert len(english) >= 4
    phases = Counter(p for q in questions for p in q["profile"]["phases"])
    assert set(phases) == {
        "start",
        "growth",
        "innovation",
        "export",
        "finance",
        "digitalisation",
        "greening",
    }
