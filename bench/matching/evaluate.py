#!/usr/bin/env python
"""Matching quality on the labelled set: precision@5 and recall@5.

    python bench/matching/evaluate.py                  # table of misses and the two numbers
    python bench/matching/evaluate.py --all            # every question, not only the misses
    python bench/matching/evaluate.py --json out.json  # the numbers (``bench/run.py`` uses it)
    python bench/matching/evaluate.py --questions other.json

What it does:
1. creates a throwaway test database (in-memory SQLite; with ``DATABASE_URL`` pointing at
   PostgreSQL, a ``test_<name>`` database that is dropped afterwards) and migrates it;
2. loads only what matching needs from the demo: the region with its municipalities,
   the organisations, the themes (a data migration) and the demo catalogue
   (``loket.demo.catalogue``); no companies, no history;
3. turns each labelled question into a ``matching.Profile`` and runs
   ``matching.match(profile, limit=5)``;
4. scores each question against the instruments a seasoned advisor named ("expected"):
   - precision@5 = hits / instruments shown (at most 5): how much of what the engine
     shows an advisor would also name. When the engine shows nothing for a question
     with expected instruments, the precision is 0;
   - recall@5 = hits / instruments expected: how much of what the advisor names is in
     the top five;
   both macro-averaged over the questions (every question weighs the same). The strict
   textbook precision (hits / 5) is reported as well.

The labelled set (``bench/matching/questions.json``) is a list of objects:
``{"id", "question", "profile": {...}, "expected": [instrument names]}``. The profile
takes the fields of ``POST /api/match``: phases, themes, sbi_codes, employees,
size_class, company_age, municipality (a name) or municipality_id, legal_form. An
expected name that is not in the catalogue is an error of the set, reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = Path(__file__).resolve().parent / "questions.json"
K = 5


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    os.environ.setdefault("LOKET_VAR_DIR", tempfile.mkdtemp(prefix="loket-eval-"))
    os.environ.setdefault("LOKET_DEMO_ALLOWED", "1")
    os.environ.setdefault("SECRET_KEY", "evaluate-" + "x" * 50)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


DEFAULT_LOADER = "loket.demo.catalogue:load_for_matching"


def load_demo_catalogue(loader: str = DEFAULT_LOADER) -> Any:
    """The demo region and its catalogue, nothing else (``module:function``, returning
    the region). Returns the region."""
    import importlib

    module, _sep, function = loader.partition(":")
    return getattr(importlib.import_module(module), function)()


# --- profiles ---------------------------------------------------------------------------


def profile_of(item: dict[str, Any], region: Any) -> Any:
    from loket.catalogue.matching import Profile
    from loket.companies.models import SbiCode
    from loket.core.models import Municipality

    given = dict(item.get("profile") or {})
    municipality_id = given.pop("municipality_id", None)
    name = given.pop("municipality", None)
    if name:
        municipality_id = Municipality.objects.get(region=region, name__iexact=name).pk
    codes = set(given.pop("sbi_codes", []) or [])
    sections = dict(
        SbiCode.objects.filter(code__in=codes, section__isnull=False).values_list(
            "code", "section__code"
        )
    )
    codes |= set(sections.values())
    question = item.get("question") or given.pop("question", "")
    given.pop("question", None)
    return Profile(
        region_id=region.pk,
        phases=tuple(given.pop("phases", []) or []),
        themes=tuple(given.pop("themes", []) or []),
        sbi_codes=tuple(sorted(codes)),
        municipality_id=municipality_id,
        question=question,
        **{k: v for k, v in given.items() if v not in (None, "")},
    )


# --- scoring ----------------------------------------------------------------------------


def evaluate(questions: list[dict[str, Any]], region: Any) -> dict[str, Any]:
    from loket.catalogue.matching import match
    from loket.catalogue.models import Instrument
    from loket.catalogue.queries import region_q

    known = set(Instrument.objects.filter(region_q(region.pk)).values_list("name", flat=True))
    rows: list[dict[str, Any]] = []
    label_errors: list[str] = []
    timings: list[float] = []
    for n, item in enumerate(questions, 1):
        expected = list(dict.fromkeys(item.get("expected") or []))
        for name in expected:
            if name not in known:
                label_errors.append(f"{item.get('id', n)}: {name!r} is not in the catalogue")
        profile = profile_of(item, region)
        started = time.perf_counter()
        result = match(profile, limit=K)
        timings.append((time.perf_counter() - started) * 1000)
        shown = [m.instrument.name for m in result.matches]
        hits = [name for name in shown if name in expected]
        precision = len(hits) / len(shown) if shown else (0.0 if expected else 1.0)
        recall = len(hits) / len(expected) if expected else 1.0
        rows.append(
            {
                "id": item.get("id", n),
                "question": profile.question,
                "expected": expected,
                "shown": shown,
                "missed": [name for name in expected if name not in shown],
                "extra": [name for name in shown if name not in expected],
                "precision": precision,
                "strict_precision": len(hits) / K,
                "recall": recall,
            }
        )
    return {
        "questions": len(rows),
        "precision_at_5": round(statistics.fmean(r["precision"] for r in rows), 3),
        "recall_at_5": round(statistics.fmean(r["recall"] for r in rows), 3),
        "strict_precision_at_5": round(statistics.fmean(r["strict_precision"] for r in rows), 3),
        "perfect": sum(1 for r in rows if not r["missed"] and not r["extra"]),
        "catalogue_size": len(known),
        "match_ms_p50": round(statistics.median(timings), 2),
        "label_errors": label_errors,
        "rows": rows,
    }


def print_report(report: dict[str, Any], show_all: bool) -> None:
    rows = report["rows"]
    shown_rows = rows if show_all else [r for r in rows if r["missed"] or r["extra"]]
    if shown_rows:
        print(
            f"{'id':<8} {'P@5':>5} {'R@5':>5}  question / missed (-) / shown but not expected (+)"
        )
        print("-" * 100)
    for r in shown_rows:
        print(f"{r['id']!s:<8} {r['precision']:>5.2f} {r['recall']:>5.2f}  {r['question'][:80]}")
        for name in r["missed"]:
            print(f"{'':<21}- {name}")
        for name in r["extra"]:
            print(f"{'':<21}+ {name}")
    for error in report["label_errors"]:
        print(f"label error: {error}")
    print()
    print(
        f"{report['questions']} questions, {report['catalogue_size']} instruments: "
        f"precision@5 {report['precision_at_5']:.3f}, recall@5 {report['recall_at_5']:.3f} "
        f"(strict precision hits/5 {report['strict_precision_at_5']:.3f}; "
        f"{report['perfect']} answered exactly; match p50 {report['match_ms_p50']} ms)"
    )


def run(questions_path: Path, loader: str = DEFAULT_LOADER) -> dict[str, Any]:
    """Set up a throwaway database, load the demo catalogue, evaluate, tear down."""
    setup_django()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    questions = json.loads(questions_path.read_text(encoding="utf-8"))
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        region = load_demo_catalogue(loader)
        load_s = time.perf_counter() - started
        report = evaluate(questions, region)
        report["load_s"] = round(load_s, 2)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--json", type=Path, default=None, help="write the numbers here")
    parser.add_argument("--all", action="store_true", help="list every question")
    parser.add_argument(
        "--loader", default=DEFAULT_LOADER, help="module:function that loads a catalogue"
    )
    args = parser.parse_args()
    report = run(args.questions, args.loader)
    print_report(report, args.all)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 1 if report["label_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
