"""The matching engine: which instruments fit a company, and why.

One function, ``match``, serves the portal's guide, the company and case pages and
``POST /api/match``. Input is a ``Profile`` (from the client record with
``Profile.from_company``, or the answers of an anonymous visitor) with optional question
text; output is a ranked list of instruments with the reasons each one fits and, on
request, the instruments that were excluded with the criterion that excluded them.

Deterministic and explainable, no black box:

1. Eligibility. An instrument must be current (published, open, before its deadline,
   budget left) and meet every target criterion the profile can be checked against
   (size class, employees, company age, SBI sector, municipality, legal form). A
   criterion the visitor did not answer is not held against an instrument.
2. Relevance, summed from these sources, each named in the reasons:
   - phases the entrepreneur wants (start, grow, innovate, export, ...) that the
     instrument serves: ``PHASE_WEIGHT`` each;
   - themes of the company or case that the instrument has: ``THEME_WEIGHT`` each;
   - words of the question: each word is normalised (lower case, accents off), stemmed
     with the Dutch Snowball stemmer (with an English fallback for words such as
     "exporting") and mapped to its synonym group (``data/synonyms.txt``: "export",
     "buitenland", "internationaal" and "abroad" are one concept). A concept found in
     the instrument scores its rarity (idf) times the weight of the field it was found
     in (name, keywords, summary, themes/phases/kind in Dutch and English,
     description, provider). Dutch compounds are split ("exportkrediet" counts as
     "export" and "krediet"; "zonnestroomvoucher" is found by "zonnestroom"); a word
     the catalogue does not know is read past one typo ("machiens"); numbers, stop
     words and the names of the region's places (the municipality criterion handles
     those) do not count. When the entrepreneur names phases, words found in an
     instrument that serves none of them count ``OFF_PHASE_FACTOR``;
   - an instrument made for exactly this kind of company (a criterion it restricts and
     the profile meets) gets ``TARGETED_WEIGHT`` per criterion;
   - the region's own offer (programme and partners) gets ``REGIONAL_WEIGHT`` over the
     shared national and EU schemes, as the programme's advisors name it first.
   When the profile says what it wants (phases, themes or a question), an instrument
   without any relevance is not listed. Ties are broken by name.

The weights were set on the labelled set (``bench/matching``), by general changes only.

The package: ``text`` (words to concepts), ``profile`` (input and results), ``index``
(the catalogue of a region in memory), ``rules`` (eligibility and its explanations),
``engine`` (``match``).

The catalogue is read once per region into an in-process index and rebuilt when any
instrument changes (a cheap revision query per call), so a match costs a few
milliseconds with thousands of instruments.
"""

from loket.catalogue.matching.eligibility import ineligible_reason
from loket.catalogue.matching.engine import (
    OFF_PHASE_FACTOR,
    PHASE_WEIGHT,
    REGIONAL_WEIGHT,
    TARGETED_WEIGHT,
    THEME_WEIGHT,
    match,
)
from loket.catalogue.matching.index import FIELD_WEIGHTS, clear_cache
from loket.catalogue.matching.profile import (
    PHASE_THEMES,
    Exclusion,
    Match,
    MatchResult,
    Profile,
    Reason,
)
from loket.catalogue.matching.text import concepts, stem, synonym_groups, words

__all__ = [
    "FIELD_WEIGHTS",
    "OFF_PHASE_FACTOR",
    "PHASE_THEMES",
    "PHASE_WEIGHT",
    "REGIONAL_WEIGHT",
    "TARGETED_WEIGHT",
    "THEME_WEIGHT",
    "Exclusion",
    "Match",
    "MatchResult",
    "Profile",
    "Reason",
    "clear_cache",
    "concepts",
    "ineligible_reason",
    "match",
    "stem",
    "synonym_groups",
    "words",
]
