"""The catalogue alone, as the matching bench loads it, and the labelled matching set."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from loket.catalogue.models import (
    Instrument,
)
from loket.companies.models import SbiCode, SizeClass
from loket.demo import data
from loket.demo.catalogue import load_for_matching
from loket.demo.generator import Scale

TINY = Scale(companies=30, contacts=60, cases=20, referrals=10)
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=timezone.get_default_timezone())
LOAD_DATE = NOW.date()
QUESTIONS = Path(settings.BASE_DIR) / "bench" / "matching" / "questions.json"
ENGLISH = re.compile(r"\b(the|our|are|to|a)\b", re.IGNORECASE)


def test_the_catalogue_alone_loads_for_the_matching_bench(db):
    region = load_for_matching()
    assert Instrument.objects.filter(region=region).count() >= 80
    assert Instrument.objects.filter(region__isnull=True).count() >= 30
    total = Instrument.objects.count()
    assert load_for_matching() == region  # a second call adds nothing
    assert Instrument.objects.count() == total


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
