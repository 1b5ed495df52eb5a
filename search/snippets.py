"""Snippets that show why a hit matched.

A document is found through its lemma/stem ("avtalen" for avtale) or through a compound part
("partnerskapsavtaler" for avtale, via the parts field). Whoosh's highlighter only compares
whole-word terms, so a hit found through a compound part came back with the first lines of
the text and nothing marked. Here the words that may match are analysed like the index does
(search.analysis: the word's own term and its compound parts), the passages with the most
distinct matching terms are chosen, and the matching words are wrapped in <mark>.

Which words may match: a word whose term or compound part is a query term contains that term's
first ANCHOR_CHARS letters in every case but irregular inflections (an index term is the stem
of the word's lemma, and a compound part's stem is a piece of the word). One regular
expression of those anchors finds the candidates at C speed, and only the words around its
hits are analysed: texts run to thousands of words and a hit's snippet used to analyse every
one of them (61% of a search's time). Irregular forms whose lemma starts differently ("bøker"
for bok) are not marked; the hit is still found, its snippet then shows other matches or the
start of the text.

The result is HTML: every character of the text is escaped; only our <mark> tags are markup.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from search.analysis import DEFAULT_LANGS, TOKEN_PATTERN, compound_parts, normalise_word

__all__ = ["make_snippet", "SNIPPET_CHARS", "HIGHLIGHT_CHAR_LIMIT"]

SNIPPET_CHARS = 240
FRAGMENT_CHARS = 160  # up to two passages of about this length
MAX_FRAGMENTS = 2
HIGHLIGHT_CHAR_LIMIT = 20_000  # the part of a long text that is searched for passages
LEAD_CHARS = 50  # context kept before the first match of a passage
ANCHOR_CHARS = 3  # letters of a term a matching word contains at least (see the module docstring)
ANCHOR_SLACK = 3  # letters at the end of a long term an inflected or compound form may change (_anchor)
MAX_MATCHES = 200  # matches enough to choose passages from; the rest of a long text is not read
MAX_PER_TERM = 20  # matches of one term enough to choose its passage (see _matches)
TOKEN_REACH = 64  # a word longer than this is noise (search.analysis.MAX_WORD_LENGTH is 60)

_WORD = re.compile(TOKEN_PATTERN)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: str


@lru_cache(maxsize=256)
def _anchors(terms: frozenset[str], ignore_case: bool) -> re.Pattern[str] | None:
    """One pattern finding every place a word matching one of `terms` may stand (in a text
    lowercased already, unless `ignore_case`: a case-blind pattern scans at half the speed)."""
    anchors = sorted({_anchor(t) for t in terms if t}, key=lambda a: (-len(a), a))
    if not anchors:
        return None
    return re.compile("|".join(map(re.escape, anchors)), re.IGNORECASE if ignore_case else 0)


def _anchor(term: str) -> str:
    """The start of `term` every regular form of it contains: all but its last ANCHOR_SLACK letters,
    at least ANCHOR_CHARS. Strong verbs change a vowel inside short stems ("kom" for komm, "skrev"
    for skriv), which the ANCHOR_CHARS floor keeps; a long term's short prefix ("kom" of
    kommunestyr) would stand in front of half the words of a council's minutes, each then analysed."""
    return term[: max(ANCHOR_CHARS, len(term) - ANCHOR_SLACK)].lower()


def _matches(text: str, terms: frozenset[str], langs: tuple[str, ...]) -> list[_Match]:
    """The words of `text` that match `terms`, left to right: MAX_PER_TERM of each term at most.

    A term that has them all is no longer looked for (its anchor leaves the pattern), so a long
    text that repeats one word hundreds of times costs a few dozen analysed words, while the scan
    goes on for the terms not yet seen. Around a match found after that, the dropped terms are
    looked for again, so a passage holding several terms is still seen as one.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lowercase is longer: positions would move
        return _scan(text, text, terms, 0, len(text), langs, MAX_PER_TERM)[:MAX_MATCHES]
    return _scan(text, lowered, terms, 0, len(text), langs, MAX_PER_TERM)[:MAX_MATCHES]


def _scan(text: str, haystack: str, terms: frozenset[str], lo: int, hi: int, langs: tuple[str, ...],
          per_term_limit: int) -> list[_Match]:
    """Matches in text[lo:hi], whose anchors are looked for in `haystack`: the text lowercased
    (same positions), or the text itself (then with a case-blind pattern)."""
    out: list[_Match] = []
    wanted = terms
    ignore_case = haystack is text
    pattern = _anchors(wanted, ignore_case)
    dropped: frozenset[str] = frozenset()
    per_term: dict[str, int] = {}
    seen: set[int] = set()  # starts of the matches in `out`
    pos = lo
    while pattern is not None and len(out) < MAX_MATCHES and (hit := pattern.search(haystack, pos, hi)) is not None:
        at = hit.start()
        word_match = _word_at(text, at, max(pos, at - TOKEN_REACH))
        if word_match is None:
            pos = at + 1
            continue
        pos = word_match.end()
        found = _term_of(word_match.group(0), wanted, langs)
        if found is None:
            continue
        match = _Match(word_match.start(), word_match.end(), found)
        seen.add(match.start)
        if dropped:  # the dropped terms near this match, for the passages around it
            near = _scan(text, haystack, dropped, max(lo, match.start - SNIPPET_CHARS),
                         min(hi, match.end + SNIPPET_CHARS), langs, MAX_MATCHES)
            out.extend(m for m in near if m.start not in seen)
            seen.update(m.start for m in near)
        out.append(match)
        per_term[found] = per_term.get(found, 0) + 1
        if per_term[found] >= per_term_limit:
            wanted, dropped = wanted - {found}, dropped | {found}
            pattern = _anchors(wanted, ignore_case)
    out.sort(key=lambda m: m.start)
    return out


def _word_at(text: str, at: int, lo: int) -> re.Match[str] | None:
    """The word holding position `at`, found like search.analysis tokenises: from the last space
    or line break before it (no word spans one), else from `lo`."""
    after_space = max(text.rfind(" ", lo, at), text.rfind("\n", lo, at)) + 1
    for m in _WORD.finditer(text, after_space or lo, at + TOKEN_REACH):
        if m.end() > at:
            return m if m.start() <= at else None
    return None


def _term_of(word: str, terms: frozenset[str], langs: tuple[str, ...]) -> str | None:
    """The query term `word` matches: its own term, else one of its compound parts."""
    term = normalise_word(word, langs)
    if term is None:
        return None
    if term in terms:
        return term
    return next((part for part in compound_parts(word, langs) if part in terms), None)


def _window(text: str, first: _Match, width: int) -> tuple[int, int]:
    """A passage starting a little before `first`, cut at spaces."""
    start = max(0, first.start - LEAD_CHARS)
    if start > 0:
        space = text.find(" ", start, first.start)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", max(first.end, start + width // 2), end)
        end = space if space != -1 else end
    return start, max(end, first.end)


def _best_windows(text: str, matches: list[_Match], width: int) -> list[tuple[int, int]]:
    # Matches are words found left to right, so starts and ends both increase: the matches
    # inside a passage are one slice, found by bisection (a scan of all of them per passage
    # made choosing passages quadratic in the matches, up to MAX_MATCHES).
    starts = [m.start for m in matches]
    ends = [m.end for m in matches]
    one_term = all(m.term == matches[0].term for m in matches)  # most queries: count, no sets
    candidates = []
    for i, m in enumerate(matches):
        start, end = _window(text, m, width)
        last = bisect_right(ends, end, lo=i)
        # Most distinct terms first, then most matches, then earliest.
        distinct = 1 if one_term else len({x.term for x in matches[i:last]})
        candidates.append((-distinct, i - last, start, end))
    candidates.sort()
    chosen: list[tuple[int, int]] = []
    covered: set[str] = set()
    for _, _, start, end in candidates:
        if len(chosen) >= MAX_FRAGMENTS:
            break
        if any(start < e and s < end for s, e in chosen):
            continue
        terms = {x.term for x in matches[bisect_left(starts, start) : bisect_right(ends, end)]}
        if chosen and terms <= covered:
            continue  # a second passage only if it shows another reason for the hit
        chosen.append((start, end))
        covered |= terms
    return sorted(chosen)


def _render(text: str, start: int, end: int, matches: list[_Match]) -> str:
    pieces: list[str] = []
    at = start
    for m in matches:
        if m.start < start or m.end > end:
            continue
        pieces.append(html.escape(_SPACE.sub(" ", text[at : m.start]), quote=False))
        pieces.append("<mark>" + html.escape(text[m.start : m.end], quote=False) + "</mark>")
        at = m.end
    pieces.append(html.escape(_SPACE.sub(" ", text[at:end]), quote=False))
    body = "".join(pieces).strip()
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def make_snippet(
    text: str | None, terms: set[str] | frozenset[str], langs: tuple[str, ...] = DEFAULT_LANGS
) -> str:
    """Escaped HTML: the passages that contain the query's terms, with the words marked.

    `terms` are index terms (as search.query builds them). Without a match in the text (the
    hit matched on its title or a field), the start of the text, escaped and unmarked.
    """
    text = text or ""
    searched = text[:HIGHLIGHT_CHAR_LIMIT]
    matches = _matches(searched, frozenset(terms), langs) if terms else []
    if not matches:
        plain = _SPACE.sub(" ", text[:SNIPPET_CHARS]).strip()
        return html.escape(plain, quote=False) + ("…" if len(text) > SNIPPET_CHARS else "")
    width = SNIPPET_CHARS if len({m.term for m in matches}) == 1 else FRAGMENT_CHARS
    windows = _best_windows(searched, matches, width)
    return " ".join(_render(searched, s, e, matches) for s, e in windows)
