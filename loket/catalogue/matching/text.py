"""Words of a question and of an instrument: folded, stemmed, mapped to synonym
concepts, compounds split."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import snowballstemmer

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
_STEMMER_LOCK = threading.Lock()
_stemmer = snowballstemmer.stemmer("dutch")
_WORD = re.compile(r"[a-z0-9]+")
MIN_PART = 4  # the shortest part a compound is split into
MIN_TYPO = 5  # the shortest word of a question that is read past one typo


# --- text ----------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents: "coöperatie" -> "cooperatie"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    words = (DATA_DIR / "stopwords.txt").read_text(encoding="utf-8").split()
    return frozenset(_fold(w) for w in words if not w.startswith("#"))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    with _STEMMER_LOCK:
        return str(_stemmer.stemWord(word))


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, str]:
    """stem -> concept name (the group's first word), from ``data/synonyms.txt``: one group
    per line, words separated by commas; ``#`` starts a comment."""
    concepts: dict[str, str] = {}
    for line in (DATA_DIR / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = [_fold(w.strip()) for w in line.split(",") if w.strip()]
        name = words[0]
        for word in words:
            for token in _WORD.findall(word):
                concepts.setdefault(stem(token), name)
    return concepts


def words(text: str) -> list[str]:
    """The meaningful words of a text, folded, without stop words and numbers (an
    amount or a year says nothing about what is needed)."""
    stop = _stopwords()
    return [
        w
        for w in _WORD.findall(_fold(text or ""))
        if w not in stop and len(w) > 1 and not w.isdigit()
    ]


ENGLISH_SUFFIXES = ("ing", "ed", "es", "s")


@lru_cache(maxsize=50_000)
def concept_of(word: str) -> str:
    """The concept a word stands for: its synonym group, else its stem. An English word
    the Dutch stemmer leaves alone ("exporting", "loans") falls back to its root when
    that root is in the synonym list."""
    groups = synonym_groups()
    s = stem(word)
    if s in groups:
        return groups[s]
    for suffix in ENGLISH_SUFFIXES:
        root = word[: -len(suffix)]
        if word.endswith(suffix) and len(root) >= 3:
            for candidate in (root, root + "e"):
                if stem(candidate) in groups:
                    return groups[stem(candidate)]
    return s


def concepts(
    text: str, vocabulary: frozenset[str] = frozenset(), *, catalogue: bool = False
) -> dict[str, str]:
    """{concept: the word of the text it came from}. Compounds are split where both parts
    are known words (in ``vocabulary``, the synonym list or the stop words); in the
    catalogue's own texts (``catalogue``) a known last part is enough, so
    "zonnestroomvoucher" is also found by "zonnestroom"."""
    out: dict[str, str] = {}
    stop = _stopwords()
    for word in words(text):
        out.setdefault(concept_of(word), word)
        for part in _compound_parts(word, vocabulary, catalogue):
            if part not in stop:
                out.setdefault(concept_of(part), word)
    return out


def _compound_parts(word: str, vocabulary: frozenset[str], tail_only: bool = False) -> list[str]:
    if len(word) < 2 * MIN_PART:
        return []
    parts: list[str] = []
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:i], word[i:]
        if tail.startswith("s") and len(tail) - 1 >= MIN_PART and _known(tail[1:], vocabulary):
            tail = tail[1:]  # the linking s: "bedrijfsovername" -> "bedrijf" + "overname"
        if _known(tail, vocabulary) and (tail_only or _known(head, vocabulary)):
            parts.extend((head, tail))
    return parts


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    """A word of the catalogue, of the synonym list, or a common word (a stop word such
    as "bedrijf" is still a part of "bedrijfsovername")."""
    s = stem(word)
    return s in vocabulary or s in synonym_groups() or word in _stopwords()
