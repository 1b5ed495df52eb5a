"""Norwegian (Bokmål and Nynorsk) analysis for the search index.

Main fields: tokenise, lowercase, drop stop words, lemmatise with simplemma
(nb, then nn) and only then Snowball-stem ("no"). Lemmatising first matters:
the stemmer alone leaves ordfører/ordføreren/ordførerne as three terms; with
the lemma in front they all become "ordfør".

Never folds accents: "får" and "far", "møte" and "mote" stay different.
Proper names (places, parties, surnames; see search.names) skip both steps.

The compound-parts field splits compounds against a shipped lexicon
(search/data/compound_lexicon.txt), handling the linking -s-/-e-, and
normalises each part like the main field, so "avtale" finds
"partnerskapsavtaler" through the parts field.

Whoosh pickles analyzers into the index, so the filters live at this stable
module path and keep only their configuration (the language tuple) in
instance state; word lists and caches are module-level and lazy.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, Final, Generic, TypeVar

import simplemma
from whoosh.analysis import Analyzer, Filter, RegexTokenizer
from whoosh.analysis.acore import Token
from whoosh.lang import stemmer_for_language

from search.names import load_word_list, protected_form

__all__ = [
    "DEFAULT_LANGS",
    "NorwegianNormalizer",
    "CompoundPartsFilter",
    "norwegian_analyzer",
    "compound_parts_analyzer",
    "normalise_word",
    "split_compound",
    "compound_parts",
    "stop_words",
]

DEFAULT_LANGS: tuple[str, ...] = ("nb", "nn")
# Same as Whoosh's default: words, with internal dots kept ("t.o.m", "1.5").
TOKEN_PATTERN = r"\w+(\.?\w+)*"
# Longer "words" are noise (hashes, base64); skipping them bounds the work.
MAX_WORD_LENGTH = 60
MIN_PART_LENGTH = 3
_CACHE_LIMIT = 250_000  # per generation (see Memo)


@cache
def stop_words() -> frozenset[str]:
    return load_word_list("stopwords.txt")


@cache
def compound_lexicon() -> frozenset[str]:
    return load_word_list("compound_lexicon.txt")


@cache
def _stemmer() -> Callable[[str], str]:
    stem: Callable[[str], str] = stemmer_for_language("no")  # Whoosh is untyped: a str -> str stemming function
    return stem


class _Missing(enum.Enum):
    """Memo's "not remembered" marker: an enum member, so `is _MISSING` narrows the value's type."""

    TOKEN = 0


_MISSING: Final = _Missing.TOKEN
K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A bounded memo that keeps the working vocabulary: two generations of `limit` entries.

    When the young generation is full it becomes the old one (the previous old one is
    dropped), and a hit in the old generation is promoted. Unlike clearing everything at the
    limit, a big rebuild never falls back to cold lookups for the words it keeps meeting.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.young: dict[K, V] = {}
        self.old: dict[K, V] = {}

    def get(self, key: K) -> V | _Missing:
        """The remembered value, or _MISSING."""
        try:
            return self.young[key]
        except KeyError:
            pass
        value = self.old.get(key, _MISSING)
        if value is not _MISSING:
            self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        if len(self.young) >= self.limit:
            self.old, self.young = self.young, {}
        self.young[key] = value

    def clear(self) -> None:
        self.young, self.old = {}, {}


# Keyed by (langs, surface form *with* its case): case decides name protection.
_Key = tuple[tuple[str, ...], str]  # (langs, word)
_TERMS: Memo[_Key, str | None] = Memo(_CACHE_LIMIT)  # surface -> indexed term (None for a stop word)
_PARTS: Memo[_Key, tuple[str, ...]] = Memo(_CACHE_LIMIT)  # surface -> normalised compound parts
# simplemma's own cache is small; compound splitting asks for the lemma of the same word
# tails over and over ("...avtalene"), so lemmas are remembered here too.
_LEMMAS: Memo[_Key, str] = Memo(_CACHE_LIMIT)


def _lemma(lower: str, langs: tuple[str, ...]) -> str:
    key = (langs, lower)
    lemma = _LEMMAS.get(key)
    if lemma is _MISSING:
        lemma = _lemma_uncached(lower, langs)
        _LEMMAS.put(key, lemma)
    return lemma


def _lemma_uncached(lower: str, langs: tuple[str, ...]) -> str:
    try:
        lemma = simplemma.lemmatize(lower, lang=langs).lower()
    except Exception:  # simplemma on odd input: fall back to the word itself
        return lower
    # Abbreviation entries ("ca" -> "ca.") would change the token shape.
    return lemma if lemma.isalpha() else lower


def _normalise_uncached(surface: str, langs: tuple[str, ...]) -> str | None:
    protected = protected_form(surface)
    if protected is not None:
        return protected
    lower = surface.lower()
    if lower in stop_words() or len(lower) < 2:
        return None
    if len(lower) > MAX_WORD_LENGTH or not lower.isalpha():
        # Numbers, codes, mixed tokens: keep as typed (lowercased).
        return lower[:MAX_WORD_LENGTH]
    return _stemmer()(_lemma(lower, langs))


def normalise_word(surface: str, langs: tuple[str, ...] = DEFAULT_LANGS) -> str | None:
    """The term a word is indexed and searched under; None for stop words."""
    key = (langs, surface)
    try:
        return _TERMS.young[key]  # the hot path: one dict lookup
    except KeyError:
        pass
    term = _TERMS.get(key)
    if term is _MISSING:
        term = _normalise_uncached(surface, langs)
        _TERMS.put(key, term)
    return term


def _final_part(rest: str, langs: tuple[str, ...]) -> str | None:
    # The last part carries the inflection ("...regionene", "...avtaler").
    lexicon = compound_lexicon()
    if rest in lexicon:
        return rest
    if len(rest) >= MIN_PART_LENGTH:
        lemma = _lemma(rest, langs)
        if lemma in lexicon:
            return lemma
    return None


def split_compound(word: str, langs: tuple[str, ...] = DEFAULT_LANGS) -> tuple[str, ...]:
    """Split a lowercase word into lexicon parts (lemmas); () if not a compound.

    Prefers the split with the fewest parts; a linking "s" or "e" may follow
    any non-final part (fylke|s|ordfører, partnerskap|s|avtale).
    """
    lexicon = compound_lexicon()
    n = len(word)
    if n < 2 * MIN_PART_LENGTH or n > MAX_WORD_LENGTH:
        return ()
    memo: dict[int, tuple[str, ...] | None] = {}

    def best_from(i: int) -> tuple[str, ...] | None:
        if i in memo:
            return memo[i]
        best: tuple[str, ...] | None = None
        last = _final_part(word[i:], langs) if i > 0 else None
        if last is not None:
            best = (last,)
        for j in range(n - MIN_PART_LENGTH, i + MIN_PART_LENGTH - 1, -1):
            head = word[i:j]
            if head not in lexicon:
                continue
            starts = [j]
            if word[j] in "se" and n - (j + 1) >= MIN_PART_LENGTH:
                starts.append(j + 1)
            for k in starts:
                rest = best_from(k)
                if rest is not None and (best is None or len(rest) + 1 < len(best)):
                    best = (head, *rest)
        memo[i] = best
        return best

    parts = best_from(0)
    return parts if parts is not None and len(parts) >= 2 else ()


def compound_parts(surface: str, langs: tuple[str, ...] = DEFAULT_LANGS) -> tuple[str, ...]:
    """Normalised terms of a word's compound parts; () for non-compounds."""
    key = (langs, surface)
    cached = _PARTS.get(key)
    if cached is not _MISSING:
        return cached
    lower = surface.lower()
    parts: tuple[str, ...] = ()
    if (
        lower.isalpha()
        and lower not in stop_words()
        and protected_form(surface) is None
    ):
        # Try the lemma first (it strips the inflection), then the surface.
        lemma = _lemma(lower, langs)
        pieces = split_compound(lemma, langs) or split_compound(lower, langs)
        terms = (normalise_word(p, langs) for p in pieces)
        parts = tuple(dict.fromkeys(t for t in terms if t))
    _PARTS.put(key, parts)
    return parts


class _ConfiguredFilter(Filter):
    """Keeps only the language tuple in pickled state (never caches or lists)."""

    def __init__(self, langs: tuple[str, ...] = DEFAULT_LANGS) -> None:
        self.langs = tuple(langs)

    def __getstate__(self) -> dict[str, Any]:
        return {"langs": self.langs}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.langs = tuple(state.get("langs", DEFAULT_LANGS))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ConfiguredFilter) and type(self) is type(other) and self.langs == other.langs

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.langs))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(langs={self.langs!r})"


class NorwegianNormalizer(_ConfiguredFilter):
    """Lowercase + stop words + name protection + lemma + stem, in one pass.

    One filter rather than a chain because name protection needs the original
    capitalisation, which a LowercaseFilter in front would throw away.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        langs = self.langs
        for t in tokens:
            term = normalise_word(t.text, langs)
            if term is None:
                # Same contract as whoosh's StopFilter (highlighting passes
                # removestops=False and expects stopped tokens back).
                if t.removestops:
                    continue
                t.stopped = True
                t.text = t.text.lower()
                yield t
                continue
            t.stopped = False
            t.text = term
            yield t


class CompoundPartsFilter(_ConfiguredFilter):
    """Replaces each compound with its normalised parts; drops other words."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        langs = self.langs
        for t in tokens:
            for part in compound_parts(t.text, langs):
                t.text = part
                t.stopped = False
                yield t


def norwegian_analyzer(langs: tuple[str, ...] = DEFAULT_LANGS) -> Analyzer:
    """Analyzer for title/body/speaker text (Bokmål and Nynorsk by default)."""
    return RegexTokenizer(TOKEN_PATTERN) | NorwegianNormalizer(langs)


def compound_parts_analyzer(langs: tuple[str, ...] = DEFAULT_LANGS) -> Analyzer:
    """Analyzer for the compound-parts field."""
    return RegexTokenizer(TOKEN_PATTERN) | CompoundPartsFilter(langs)


def analyse(text: str, langs: tuple[str, ...] = DEFAULT_LANGS) -> list[str]:
    """Terms of `text` under the main analyzer (handy in tests and debugging)."""
    return [t.text for t in norwegian_analyzer(langs)(text)]


def analyse_parts(text: str, langs: tuple[str, ...] = DEFAULT_LANGS) -> list[str]:
    return [t.text for t in compound_parts_analyzer(langs)(text)]
