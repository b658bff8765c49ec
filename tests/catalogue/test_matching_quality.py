"""Matching quality holds its floor on the labelled set (bench/matching/questions.json)
against the demo catalogue: the same measurement as ``make bench``
(bench/matching/evaluate.py), so a change to the engine, the synonyms or the demo
catalogue that makes the answers worse fails here."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from django.utils import translation

from loket.catalogue import matching

BENCH = Path(__file__).resolve().parents[2] / "bench" / "matching"

# Measured on 2026-11-24 with 55 questions and 169 demo instruments: precision@5 0.449,
# recall@5 0.780 (the first engine: 0.413 and 0.732). The floors sit 0.05 below.
# precision@5 is hits / instruments shown; with 3.3 expected instruments per question on
# average and five shown, about 0.66 is the most it can be.
PRECISION_FLOOR = 0.40
RECALL_FLOOR = 0.73


def _evaluate_module():
    spec = importlib.util.spec_from_file_location("bench_matching_evaluate", BENCH / "evaluate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def report(db):
    evaluate = _evaluate_module()
    questions = json.loads((BENCH / "questions.json").read_text(encoding="utf-8"))
    matching.clear_cache()
    with translation.override("nl"):
        region = evaluate.load_demo_catalogue()
        yield evaluate.evaluate(questions, region)
    matching.clear_cache()


def test_the_labelled_set_names_real_instruments(report):
    assert report["questions"] >= 40
    assert report["label_errors"] == []


def test_matching_quality_holds_its_floor(report):
    misses = [(r["id"], r["missed"], r["extra"]) for r in report["rows"] if r["missed"]]
    assert report["precision_at_5"] >= PRECISION_FLOOR, misses
    assert report["recall_at_5"] >= RECALL_FLOOR, misses
