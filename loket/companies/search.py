"""Company search: fast, typo-tolerant, word-order-tolerant and ranked.

How a query is answered (docs/decisions/0002-search.md, PERFORMANCE.md):

1. An exact key goes to a B-tree index on ``Company``: an 8-digit KvK number, or a
   postcode ("9401AB", "9401 ab") optionally followed by a house number.
2. Free text goes to the search document of each company (``CompanySearchEntry``: name,
   trade names, contact persons, city, municipality, postcode, KvK number), indexed by
   trigrams: an FTS5 table with ``tokenize='trigram'`` on SQLite, a pg_trgm GIN index on
   PostgreSQL. The index gives a bounded set of candidates in up to three steps, each
   only when the one before found too little:

   a. every word appears as written (a substring, in any order);
   b. every word appears with about one typo (SQLite: one of each word's trigrams, or of
      its thirds, appears, ranked by bm25; PostgreSQL: ``word <% document`` for each word,
      pg_trgm's word similarity);
   c. only when (a) and (b) found nothing: any single word appears (SQLite), or the
      whole query is similar (PostgreSQL: ``query <% document``), which forgives one
      badly mistyped word.

3. rapidfuzz ranks the candidates in Python: every query word is compared with the words
   of the document (typos, prefixes, any order), and the name, trade name, person or
   place that explains the query best is reported as what matched.

Results are always limited to ``companies_visible_to(user)``, inside the SQL.

The index is maintained by ``reindex_companies(company_ids)``, which the services call
after a change to a company or its persons, and rebuilt in bulk by
``rebuild_search_index()`` (``manage.py rebuild_search_index``, the demo loader).
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from loket.companies.models import Company, CompanySearchEntry, Person
from loket.companies.queries import companies_visible_to, company_visibility_q
from loket.core.permissions import scope_of

__all__ = [
    "Hit",
    "InvalidSearch",
    "build_entry",
    "fold",
    "rebuild_search_index",
    "reindex_companies",
    "search_companies",
]

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
MIN_WORD_LENGTH = 3  # the trigram indexes cannot look up anything shorter
MAX_LIMIT = 200
CANDIDATE_CAP = 600  # candidates read from the index per step, at most
RANKED_POOL = 300  # best-ranked index matches a typo step reads (SQLite)
MAX_TYPO_MATCHES = 2000  # documents a typo step expects to rank, at most (SQLite)
ENOUGH = 20  # candidates after which no looser step is tried
KEY_ROWS = 500  # rows an exact key may find before the visibility filter
RANK_POOL = 100  # candidates scored in detail, after a quick prefilter
MIN_SCORE = 60.0  # below this a candidate is noise, not a result
PG_WORD_SIMILARITY = 0.5  # pg_trgm.word_similarity_threshold for the typo step

ENTRY_TABLE = CompanySearchEntry._meta.db_table
FTS_TABLE = "companies_search_fts"  # created by migration 0003 on SQLite
VOCAB_TABLE = "companies_search_vocab"  # its fts5vocab table, migration 0004
SECTION_SEPARATOR = "\n|\n"  # between names, persons and place in the document

# Words that say little about which company is meant; they do not count against a name.
FILLER = frozenset(
    {"b", "v", "bv", "nv", "vof", "cv", "de", "het", "van", "der", "den", "en", "t", "zn", "te"}
)

_LETTER_MAP = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ĳ": "ij", "þ": "th"}
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_KVK = re.compile(r"\d{8}")
_POSTCODE = re.compile(
    r"([1-9][0-9]{3})\s*([a-z]{2})(?:\s*[,\-]?\s*([0-9]{1,5})(?:\s*-?\s*([a-z0-9]{1,6}))?)?",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InvalidSearch(ValueError):
    """The query cannot be searched; ``message`` says why, for the user."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Hit:
    """One search result: the company, a score (0-100) and what matched."""

    company: Company
    score: float
    matched_field: str | Promise
    matched_value: str


LABEL_NAME = _("naam")
LABEL_TRADE_NAME = _("handelsnaam")
LABEL_PERSON = _("contactpersoon")
LABEL_CITY = _("plaats")
LABEL_MUNICIPALITY = _("gemeente")
LABEL_POSTCODE = _("postcode")
LABEL_ADDRESS = _("postcode en huisnummer")
LABEL_KVK = _("KvK-nummer")
_PLACE_LABELS = (LABEL_CITY, LABEL_MUNICIPALITY, LABEL_POSTCODE, LABEL_KVK)
_PLACE_WEIGHT = 0.9
_PERSON_WEIGHT = 0.97
_TRADE_NAME_WEIGHT = 0.98


# --- text ------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lowercase ASCII words separated by single spaces: 'Bäckerei  Müller-Lüdenscheidt B.V.'
    -> 'backerei muller ludenscheidt b v'. Documents and queries are folded alike."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LETTER_MAP))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", text).strip()


def _pad(folded: str) -> str:
    """A folded line with a space on both sides, so that ' de ' finds the whole word."""
    return f" {folded} " if folded else ""


def _clean_line(value: Any) -> str:
    return " ".join(str(value or "").split())


def build_entry(
    *,
    name: str,
    trade_names: Iterable[Any] = (),
    persons: Iterable[str] = (),
    city: str = "",
    municipality: str = "",
    postcode: str = "",
    kvk_number: str = "",
) -> tuple[str, str, str, str]:
    """(names, persons, place, document) of one company's search entry.

    The readable columns hold one value per line; the document holds the same lines
    folded, in the same order, with the three sections separated by a '|' line.
    """
    name_lines = [_clean_line(name)] + [
        line for line in (_clean_line(t) for t in trade_names or ()) if line
    ]
    person_lines = [line for line in (_clean_line(p) for p in persons) if line]
    place_lines = [
        _clean_line(city),
        _clean_line(municipality),
        _clean_line(postcode),
        _clean_line(kvk_number),
    ]
    folded_place = [fold(line) for line in place_lines]
    if folded_place[2]:
        folded_place[2] = f"{folded_place[2]} {folded_place[2].replace(' ', '')}"
    document = SECTION_SEPARATOR.join(
        "\n".join(_pad(line) for line in lines)
        for lines in (
            [fold(line) for line in name_lines],
            [fold(p) for p in person_lines],
            folded_place,
        )
    )
    return "\n".join(name_lines), "\n".join(person_lines), "\n".join(place_lines), document


# --- maintaining the index -------------------------------------------------------------


def _trade_names(value: Any) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return list(value) if isinstance(value, list | tuple) else []


# company_id, region_id, names, persons, place, document
EntryRow = tuple[int, int, str, str, str, str]


def _entry_rows(company_ids: Sequence[int]) -> list[EntryRow]:
    """Search entry rows for these companies (the ones that still exist)."""
    persons: dict[int, list[str]] = {}
    for company_id, person_name in (
        Person.objects.filter(company_id__in=company_ids)
        .order_by("company_id", "name", "id")
        .values_list("company_id", "name")
    ):
        persons.setdefault(company_id, []).append(person_name)
    rows = (
        Company.objects.filter(id__in=company_ids)
        .order_by("id")
        .values_list(
            "id",
            "region_id",
            "name",
            "trade_names",
            "city",
            "municipality__name",
            "postcode",
            "kvk_number",
        )
    )
    return [
        (
            company_id,
            region_id,
            *build_entry(
                name=name,
                trade_names=_trade_names(trade_names),
                persons=persons.get(company_id, ()),
                city=city,
                municipality=municipality or "",
                postcode=postcode,
                kvk_number=kvk,
            ),
        )
        for company_id, region_id, name, trade_names, city, municipality, postcode, kvk in rows
    ]


def _all_entry_rows(batch_size: int = 2000) -> Iterator[list[EntryRow]]:
    """Every company's entry row, in batches by id. Each batch is read completely before
    it is yielded, so the caller may write (COPY) between batches on the same connection."""
    last = 0
    while True:
        ids = list(
            Company.objects.filter(id__gt=last)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield _entry_rows(ids)
        last = ids[-1]


def _entry(row: EntryRow) -> CompanySearchEntry:
    pk, region_id, names, persons, place, document = row
    return CompanySearchEntry(
        company_id=pk,
        region_id=region_id,
        names=names,
        persons=persons,
        place=place,
        document=document,
    )


def reindex_companies(company_ids: Iterable[int]) -> None:
    """Bring the search entries of these companies up to date (and drop those of deleted
    companies). Services call this after creating, changing, merging or deleting a
    company or one of its persons; it costs a few queries and is safe to repeat."""
    ids = sorted({int(pk) for pk in company_ids})
    if not ids:
        return
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            entries = [_entry(row) for row in _entry_rows(chunk)]
            kept = {entry.company_id for entry in entries}
            CompanySearchEntry.objects.filter(company_id__in=chunk).exclude(
                company_id__in=kept
            ).delete()
            # An upsert, not delete-then-insert: two transactions reindexing the same
            # company at once (parallel registrations) would both insert the row.
            CompanySearchEntry.objects.bulk_create(
                entries,
                update_conflicts=True,
                unique_fields=["company"],
                update_fields=["region", "names", "persons", "place", "document"],
            )


def rebuild_search_index() -> int:
    """Rebuild every search entry in one transaction; returns the number of companies.

    Fast enough for the demo loader and register imports: raw ``executemany`` (SQLite,
    with the FTS5 index rebuilt once at the end) or ``COPY`` (PostgreSQL, with the GIN
    index built once at the end).
    """
    columns = "company_id, region_id, names, persons, place, document"
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [ENTRY_TABLE],
            )
            triggers = cursor.fetchall()
            for trigger_name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{trigger_name}"')
            cursor.execute(f"DELETE FROM {ENTRY_TABLE}")  # noqa: S608 - a constant name
            for batch in _all_entry_rows():
                cursor.executemany(
                    f"INSERT INTO {ENTRY_TABLE} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608
                    batch,
                )
                count += len(batch)
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
            for _name, sql in triggers:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
                " AND indexdef LIKE %s",
                [ENTRY_TABLE, "%gin_trgm_ops%"],
            )
            indexes = cursor.fetchall()
            for index_name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{index_name}"')
            cursor.execute(f"TRUNCATE {ENTRY_TABLE}")
            raw = cursor.cursor  # the psycopg cursor, for COPY
            for batch in _all_entry_rows():
                with raw.copy(f"COPY {ENTRY_TABLE} ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
                count += len(batch)
            # Check the deferred foreign keys now: an index cannot be built on a table
            # with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _name, sql in indexes:
                cursor.execute(sql)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to how Django declares them
            cursor.execute(f"ANALYZE {ENTRY_TABLE}")
        else:  # pragma: no cover - other databases have no index, only the entries
            CompanySearchEntry.objects.all().delete()
            for batch in _all_entry_rows():
                CompanySearchEntry.objects.bulk_create(_entry(row) for row in batch)
                count += len(batch)
    return count


# --- the query -------------------------------------------------------------------------


def _clean_query(query: Any) -> str:
    text = _CONTROL.sub(" ", str(query or "")).strip()
    if not text:
        raise InvalidSearch(_("Vul een zoekterm in."))
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidSearch(
            _("Een zoekterm is hoogstens %(max)d tekens lang.") % {"max": MAX_QUERY_LENGTH}
        )
    return text


def _words(text: str) -> list[str]:
    """Distinct folded words of the query, in order, at most MAX_WORDS."""
    out: list[str] = []
    for word in fold(text).split():
        if word not in out:
            out.append(word)
    return out[:MAX_WORDS]


def search_companies(user: Any, query: Any, limit: int = 50) -> list[Hit]:
    """The companies ``user`` may see that best match ``query``, best first.

    Raises ``InvalidSearch`` (with a message for the user) for an empty, too long or
    unsearchable query. Never shows a company outside ``companies_visible_to(user)``.
    """
    text = _clean_query(query)
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not scope_of(user).organisation_ids:
        return []

    compact = re.sub(r"[\s.\-]", "", text)
    if _KVK.fullmatch(compact):
        return _kvk_hits(user, compact, limit)
    postcode = _POSTCODE.fullmatch(text)
    if postcode:
        return _postcode_hits(user, postcode, limit)

    words = _words(text)
    if not words:
        raise InvalidSearch(_("Zoek op letters of cijfers, bijvoorbeeld een naam of postcode."))
    index_words = [w for w in words if len(w) >= MIN_WORD_LENGTH]
    if not index_words:
        raise InvalidSearch(_("Typ ten minste één woord van drie of meer tekens."))
    return _text_hits(user, words, limit)


def _by_key(user: Any, keyed: QuerySet[Company]) -> list[Company]:
    """Companies found by an exact key, among those ``user`` may see.

    Two steps: the ids through the key's B-tree index (a key is selective: a handful of
    rows), then the visible companies among them by primary key. In one query SQLite,
    without ANALYZE statistics, prefers the region index of the visibility condition and
    reads the whole region instead.
    """
    ids = list(keyed.values_list("pk", flat=True)[:KEY_ROWS])
    if not ids:
        return []
    return list(_visible_by_pk(user, ids))


def _visible_by_pk(user: Any, ids: Sequence[int]) -> QuerySet[Company]:
    # No ORDER BY (callers sort): with the default ordering by name SQLite walks the
    # (region, name) index through the whole region instead of looking up the ids.
    return companies_visible_to(user).filter(pk__in=ids).select_related("municipality").order_by()


def _kvk_hits(user: Any, kvk: str, limit: int) -> list[Hit]:
    found = _by_key(user, Company.objects.filter(kvk_number=kvk))
    found.sort(key=lambda c: (c.name, c.pk))
    return [Hit(c, 100.0, LABEL_KVK, c.kvk_number) for c in found[:limit]]


def _postcode_hits(user: Any, match: re.Match[str], limit: int) -> list[Hit]:
    code = f"{match.group(1)} {match.group(2).upper()}"
    number = int(match.group(3)) if match.group(3) else None
    addition = (match.group(4) or "").upper()
    keyed = Company.objects.filter(postcode__in=[code, code.replace(" ", "")])
    if number is not None:
        found = _by_key(user, keyed.filter(house_number=number))
        if found:
            found.sort(
                key=lambda c: (
                    c.house_number_addition.upper() != addition,
                    c.house_number_addition,
                    c.name,
                    c.pk,
                )
            )
            return [
                Hit(c, 100.0, LABEL_ADDRESS, f"{c.postcode} {number}{c.house_number_addition}")
                for c in found[:limit]
            ]
    found = _by_key(user, keyed)
    found.sort(key=lambda c: (c.house_number or 0, c.house_number_addition, c.name, c.pk))
    return [Hit(c, 95.0, LABEL_POSTCODE, c.postcode) for c in found[:limit]]


# --- candidates from the index ---------------------------------------------------------

Row = tuple[int, str, str, str, str]  # company_id, names, persons, place, document


def _fuzzy_pieces(word: str) -> list[str]:
    """Pieces of ``word`` of which at least one survives a single typo (SQLite's typo step).

    Words up to 8 letters give their trigrams, with the word boundary (documents are
    padded with spaces, so ' vi' means 'a word starting with vi'); the commonest are left
    out later (``_Pruner``). Longer words give their three thirds, so that even two
    swapped letters leave one piece whole."""
    n = len(word)
    if n <= MIN_WORD_LENGTH:
        return [word]
    if n <= 8:
        padded = f" {word} "
        return sorted({padded[i : i + 3] for i in range(len(padded) - 2)})
    third = n // 3
    return [word[:third], word[third : n - third], word[n - third :]]


def _phrase(piece: str) -> str:
    # Folded text holds only [a-z0-9 ], so a double-quoted FTS5 string needs no escaping.
    return f'"{piece}"'


class _Backend:
    """How one database turns query words into index conditions (see _text_hits)."""

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Settings for the queries of one search."""
        yield

    def exact(self, words: Sequence[str]) -> Q:
        """Every word appears as written."""
        raise NotImplementedError

    def typo(self, words: Sequence[str], ranked: int | None) -> Q:
        """Every word appears, allowing about one typo per word. With ``ranked``, only the
        best that many of the whole index, where the index can rank."""
        raise NotImplementedError

    def any_word(self, words: Sequence[str], ranked: int | None) -> Q:
        """Some word appears, allowing typos (``ranked`` as for ``typo``)."""
        raise NotImplementedError


class _SQLiteBackend(_Backend):
    """FTS5 with the trigram tokenizer: a double-quoted string matches as a substring."""

    @staticmethod
    def _in(subquery: str, params: list[Any]) -> Q:
        return Q(
            RawSQL(  # noqa: S611 - constant table names; the search text is a parameter
                f'"{ENTRY_TABLE}"."company_id" IN ({subquery})',
                params,
                output_field=BooleanField(),
            )
        )

    def _match(self, expression: str, ranked: int | None = None) -> Q:
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        if ranked is None:
            return self._in(sql, [expression])
        # bm25 puts the documents that contain the most (and rarest) pieces first.
        return self._in(f"{sql} ORDER BY rank LIMIT %s", [expression, ranked])

    def exact(self, words: Sequence[str]) -> Q:
        return self._match(" AND ".join(_phrase(w) for w in words))

    def __init__(self) -> None:
        self.frequencies: _Frequencies | None = None

    def _pruner(self, groups: Sequence[Sequence[str]]) -> _Pruner:
        if self.frequencies is None:
            # Once per search, for every trigram piece a typo step may use.
            self.frequencies = _Frequencies(
                {p[i : i + 3] for g in groups for p in g for i in range(len(p) - 2)}
            )
        return _Pruner(groups, self.frequencies)

    def typo(self, words: Sequence[str], ranked: int | None) -> Q:
        groups = self._pruner([_fuzzy_pieces(w) for w in words]).for_all()
        return self._match(
            " AND ".join(f"({' OR '.join(map(_phrase, g))})" for g in groups), ranked
        )

    def any_word(self, words: Sequence[str], ranked: int | None) -> Q:
        long_words = [w for w in words if len(w) >= MIN_WORD_LENGTH]
        groups = [
            _fuzzy_pieces(w) if len(w) >= MIN_WORD_LENGTH else [f" {w} "]  # short: whole word
            for w in long_words or words
        ]
        pieces = [p for g in self._pruner(groups).for_any() for p in g]
        return self._match(" OR ".join(_phrase(p) for p in dict.fromkeys(pieces)), ranked)


class _Frequencies:
    """The number of documents, and per trigram how many documents hold it (one query)."""

    def __init__(self, trigrams: Iterable[str]) -> None:
        terms = sorted(trigrams)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT '', count(*) FROM {ENTRY_TABLE} UNION ALL "  # noqa: S608
                f"SELECT term, doc FROM {VOCAB_TABLE} "
                f"WHERE term IN ({', '.join(['%s'] * len(terms)) or 'NULL'})",
                terms,
            )
            rows = dict(cursor.fetchall())
        self.total = max(int(rows.pop("", 0)), 1)
        self.df: dict[str, int] = {str(k): int(v) for k, v in rows.items()}


class _Pruner:
    """Leaves the commonest trigram pieces out of the typo steps' index queries (SQLite).

    A short word's pieces are its trigrams, and some (' de', 'er ') are in a third of all
    documents; ranking every document that holds one costs tens of milliseconds. With the
    document frequencies from the fts5vocab table (one query), the commonest pieces are
    dropped until the expected number of matching documents is about ``MAX_TYPO_MATCHES``,
    keeping at least one piece per word. Rare pieces carry the evidence anyway."""

    def __init__(self, groups: Sequence[Sequence[str]], frequencies: _Frequencies) -> None:
        self.groups = [list(dict.fromkeys(g)) for g in groups]
        self.total = frequencies.total
        self.df = frequencies.df

    def frequency(self, piece: str) -> int:
        if len(piece) == 3:
            return self.df.get(piece, 0)
        # A longer piece is at most as common as its rarest trigram.
        return min(self.df.get(piece[i : i + 3], 0) for i in range(len(piece) - 2))

    def _share(self, group: Sequence[str]) -> float:
        return min(1.0, sum(self.frequency(p) for p in group) / self.total)

    def _drop_commonest(self) -> bool:
        droppable = [
            (self.df.get(p, 0), i, p)
            for i, g in enumerate(self.groups)
            if len(g) > 1
            for p in g
            if len(p) == 3
        ]
        if not droppable:
            return False
        _df, i, piece = max(droppable)
        self.groups[i].remove(piece)
        return True

    def for_all(self) -> list[list[str]]:
        """Pieces for 'every word (one of its pieces)'."""
        while True:
            expected = float(self.total)
            for g in self.groups:
                expected *= self._share(g)
            if expected <= MAX_TYPO_MATCHES or not self._drop_commonest():
                return self.groups

    def for_any(self) -> list[list[str]]:
        """Pieces for 'any word (one of its pieces)'."""
        while True:
            expected = sum(self.frequency(p) for g in self.groups for p in g)
            if expected <= MAX_TYPO_MATCHES or not self._drop_commonest():
                return self.groups


class _PostgresBackend(_Backend):
    """pg_trgm: LIKE and the word-similarity operator ``<%`` both use the GIN index."""

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        # The similarity threshold is a session setting: set it for every search rather
        # than trust the default. And PostgreSQL costs a word similarity like any operator
        # (it takes ~10 us a row), so for a few thousand matches it preferred reading the
        # whole table and computing it 40,000 times (0.5 s) over the GIN index: no
        # sequential scans during a search.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false),"
                " set_config('enable_seqscan', 'off', false)",
                [str(PG_WORD_SIMILARITY)],
            )
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_seqscan")

    @staticmethod
    def _matching(where: str, params: list[Any], order: str = "") -> Q:
        # OFFSET 0 keeps PostgreSQL from merging the subquery into the outer query. Planned
        # alone, the condition goes to the GIN index (a bitmap scan); merged, with the outer
        # LIMIT, the planner walked the primary key and evaluated word_similarity on every
        # row (1.3 s at 40,000 companies instead of a few milliseconds).
        subquery = f"SELECT s.company_id FROM {ENTRY_TABLE} s WHERE {where} {order} OFFSET 0"  # noqa: S608
        return Q(
            RawSQL(  # noqa: S611 - constant table names; the search text is a parameter
                f'"{ENTRY_TABLE}"."company_id" IN ({subquery})',
                params,
                output_field=BooleanField(),
            )
        )

    @staticmethod
    def _similar() -> str:
        return "%s <%% s.document"

    def exact(self, words: Sequence[str]) -> Q:
        return self._matching(
            " AND ".join(["s.document LIKE %s"] * len(words)), [f"%{w}%" for w in words]
        )

    def typo(self, words: Sequence[str], ranked: int | None) -> Q:
        # Each word similar on its own (three-letter words as written): the GIN index
        # intersects the words' candidates before any similarity is computed, so this
        # stays cheap even for common words.
        conditions = [
            self._similar() if len(w) > MIN_WORD_LENGTH else "s.document LIKE %s" for w in words
        ]
        params = [w if len(w) > MIN_WORD_LENGTH else f"%{w}%" for w in words]
        return self._matching(" AND ".join(conditions), params)

    def any_word(self, words: Sequence[str], ranked: int | None) -> Q:
        # word_similarity of the whole query: the share of its trigrams found together in
        # the document, so one badly mistyped word ('vires' for 'vries') costs only its
        # own trigrams. Costlier (many candidates to check), hence the last step.
        long_words = [w for w in words if len(w) >= MIN_WORD_LENGTH]
        return self._matching(self._similar(), [" ".join(long_words or words)])


def _backend() -> _Backend:
    if connection.vendor == "postgresql":
        return _PostgresBackend()
    if connection.vendor == "sqlite":
        return _SQLiteBackend()
    raise NotImplementedError(f"Search has no index for {connection.vendor}.")


def _fetch(user: Any, condition: Q, cap: int) -> list[Row]:
    # Visibility through the company (regional=False), although the entry carries its
    # region too: with an index on the entry's region SQLite (without statistics) would
    # walk the whole region instead of the index matches; through the company it looks
    # each match up by (region, id).
    queryset = (
        CompanySearchEntry.objects.filter(
            company_visibility_q(user, field="company", regional=False)
        )
        .filter(condition)
        .values_list("company_id", "names", "persons", "place", "document")[:cap]
    )
    return list(queryset)


def _text_hits(user: Any, words: Sequence[str], limit: int) -> list[Hit]:
    """Candidates from the index in up to three steps, ranked after each: (a) every word
    as written; (b) when (a) gave fewer than ``min(limit, ENOUGH)`` hits, every word with
    about one typo; (c) when there is still no hit at all, the loosest step. The index
    looks up words of three or more characters; short ones ('de') count in the ranking."""
    backend = _backend()
    long_words = [w for w in words if len(w) >= MIN_WORD_LENGTH]
    ranker = _Ranker(words, limit)
    enough = min(limit, ENOUGH)
    # The typo steps match many documents. Where the index can rank them (FTS5's bm25),
    # read only the best RANKED_POOL - unless the user sees only some companies here and
    # there (a partner), whose few visible matches might all rank lower.
    ranked = RANKED_POOL if scope_of(user).programme_region_ids() else None
    with backend.session():
        ranker.add(_fetch(user, backend.exact(long_words), CANDIDATE_CAP))
        if ranker.count < enough and any(len(w) > MIN_WORD_LENGTH for w in long_words):
            ranker.add(_fetch(user, backend.typo(long_words, ranked), CANDIDATE_CAP))
        # The loosest step only when nothing was found: otherwise it adds only noise, and
        # it is the costliest (many documents to check).
        if ranker.count == 0 and len(words) > 1:
            ranker.add(_fetch(user, backend.any_word(words, ranked), CANDIDATE_CAP))
        return ranker.hits(user)


# --- ranking ---------------------------------------------------------------------------


class _Similarity:
    """Similarity (0-100) of a query word and a document word, cached per search."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], float] = {}

    def __call__(self, q: str, t: str) -> float:
        value = self.cache.get((q, t))
        if value is None:
            value = self.cache[(q, t)] = self._compute(q, t)
        return value

    @staticmethod
    def _compute(q: str, t: str) -> float:
        if q == t:
            return 100.0
        if len(q) >= MIN_WORD_LENGTH and t.startswith(q):
            return 80.0 + 20.0 * len(q) / len(t)  # 'bouw' in 'bouwbedrijf'
        if len(q) >= MIN_WORD_LENGTH and q in t:
            return 70.0 + 20.0 * len(q) / len(t)  # 'bouw' in 'woningbouw'
        if len(q) < 4 or len(t) < 3:
            return 0.0
        return fuzz.ratio(q, t, score_cutoff=70.0)  # 'jansn' ~ 'jansen': 91


def _weight(word: str) -> float:
    """Long words say more than short ones; filler ('de', 'bv') says little."""
    return 1.0 if word in FILLER else float(min(len(word), 8))


def _prefilter(words: Sequence[str], rows: Sequence[Row], keep: int) -> list[Row]:
    """The ``keep`` rows whose documents contain the query words best, in rapidfuzz's C
    loops: for each word the best partial match anywhere in the document."""
    if len(rows) <= keep:
        return list(rows)
    documents = [row[4] for row in rows]
    totals = [0.0] * len(rows)
    for word in words:
        needle = word if len(word) >= MIN_WORD_LENGTH else f" {word} "
        weight = _weight(word)
        for _doc, score, index in process.extract(
            needle, documents, scorer=fuzz.partial_ratio, limit=None, score_cutoff=60.0
        ):
            totals[index] += weight * score
    order = sorted(range(len(rows)), key=lambda i: (-totals[i], len(rows[i][1]), rows[i][0]))
    return [rows[i] for i in order[:keep]]


_Line = tuple["str | Promise", float, list[str], str]  # label, weight, tokens, readable value


def _lines(row: Row) -> list[_Line]:
    _pk, names, persons, place, document = row
    sections = document.split(SECTION_SEPARATOR)
    if len(sections) != 3:
        return []
    readable_names = names.split("\n")
    readable_persons = persons.split("\n")
    readable_place = place.split("\n")
    out: list[_Line] = []
    for i, folded in enumerate(sections[0].split("\n")):
        label, weight = (LABEL_NAME, 1.0) if i == 0 else (LABEL_TRADE_NAME, _TRADE_NAME_WEIGHT)
        out.append((label, weight, folded.split(), _at(readable_names, i)))
    if sections[1]:
        for i, folded in enumerate(sections[1].split("\n")):
            out.append((LABEL_PERSON, _PERSON_WEIGHT, folded.split(), _at(readable_persons, i)))
    for i, folded in enumerate(sections[2].split("\n")[: len(_PLACE_LABELS)]):
        out.append((_PLACE_LABELS[i], _PLACE_WEIGHT, folded.split(), _at(readable_place, i)))
    return [line for line in out if line[2]]


def _at(values: Sequence[str], index: int) -> str:
    return values[index] if index < len(values) else ""


def _score(
    words: Sequence[str], weights: Sequence[float], lines: Sequence[_Line], sim: _Similarity
) -> tuple[float, str | Promise, str] | None:
    """(score, label, value) of one company, or None.

    coverage: how well the query words are found anywhere in the company's document.
    The line (name, trade name, person, place) that explains the query best is what
    matched; the share of its own words that the query matched refines the score, so
    'Jansen Bouw' ranks above 'Jansen Bouw Installatietechniek' for 'jansen bouw'.
    """
    total = sum(weights)
    best_anywhere = [0.0] * len(words)
    top: tuple[float, float, str | Promise, str] | None = None
    for label, weight, tokens, value in lines:
        best = [0.0] * len(words)
        matched = meaningful = 0
        for token in tokens:
            token_best = 0.0
            for i, word in enumerate(words):
                s = sim(word, token)
                if s > best[i]:
                    best[i] = s
                if s > token_best:
                    token_best = s
            if len(token) > 1 and token not in FILLER:  # 'v o f', 'i o' say nothing
                meaningful += 1
                if token_best >= 75.0:
                    matched += 1
        for i, b in enumerate(best):
            if b > best_anywhere[i]:
                best_anywhere[i] = b
        own = sum(w * b for w, b in zip(weights, best, strict=True)) / total
        precision = matched / meaningful if meaningful else 1.0
        factor = (0.8 + 0.2 * precision) * weight
        if top is None or own * factor > top[0]:
            top = (own * factor, factor, label, value)
    if top is None:
        return None
    coverage = sum(w * b for w, b in zip(weights, best_anywhere, strict=True)) / total
    return round(min(100.0, coverage * top[1]), 1), top[2], top[3]


Scored = tuple[float, int, int, "str | Promise", str]  # score, name length, pk, label, value


class _Ranker:
    """Scores candidates as the steps bring them, each company once."""

    def __init__(self, words: Sequence[str], limit: int) -> None:
        self.words = list(words)
        self.weights = [_weight(w) for w in words]
        self.limit = limit
        self.sim = _Similarity()
        self.seen: set[int] = set()
        self.scored: list[Scored] = []

    @property
    def count(self) -> int:
        """Candidates so far that score as a hit."""
        return len(self.scored)

    def add(self, rows: Sequence[Row]) -> None:
        new = [row for row in rows if row[0] not in self.seen]
        self.seen.update(row[0] for row in new)
        for row in _prefilter(self.words, new, keep=max(2 * self.limit, RANK_POOL)):
            result = _score(self.words, self.weights, _lines(row), self.sim)
            if result is not None and result[0] >= MIN_SCORE:
                name_length = len(row[1].split("\n", 1)[0])
                self.scored.append((result[0], name_length, row[0], result[1], result[2]))

    def hits(self, user: Any) -> list[Hit]:
        # Best first; among equals the shortest name, the closest to what was typed.
        best = sorted(self.scored, key=lambda s: (-s[0], s[1], s[2]))[: self.limit]
        if not best:
            return []
        by_id = {c.pk: c for c in _visible_by_pk(user, [s[2] for s in best])}
        return [
            Hit(by_id[pk], score, label, value)
            for score, _length, pk, label, value in best
            if pk in by_id
        ]
