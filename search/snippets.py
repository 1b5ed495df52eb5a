"""Snippets that show why a hit matched.

A document is found through its lemma/stem ("avtalen" for avtale) or through a compound part
("partnerskapsavtaler" for avtale, via the parts field). Whoosh's highlighter only compares
whole-word terms, so a hit found through a compound part came back with the first lines of
the text and nothing marked. Here every word of the text is analysed like the index does
(search.analysis: the word's own term and its compound parts), the passages with the most
distinct matching terms are chosen, and the matching words are wrapped in <mark>.

The result is HTML: every character of the text is escaped; only our <mark> tags are markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from search.analysis import DEFAULT_LANGS, TOKEN_PATTERN, compound_parts, normalise_word

__all__ = ["make_snippet", "SNIPPET_CHARS", "HIGHLIGHT_CHAR_LIMIT"]

SNIPPET_CHARS = 240
FRAGMENT_CHARS = 160  # up to two passages of about this length
MAX_FRAGMENTS = 2
HIGHLIGHT_CHAR_LIMIT = 20_000  # the part of a long text that is searched for passages
LEAD_CHARS = 50  # context kept before the first match of a passage

_WORD = re.compile(TOKEN_PATTERN)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: str


def _matches(text: str, terms: frozenset[str], langs: tuple[str, ...]) -> list[_Match]:
    out: list[_Match] = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        term = normalise_word(word, langs)
        if term is None:
            continue
        if term in terms:
            out.append(_Match(m.start(), m.end(), term))
            continue
        for part in compound_parts(word, langs):
            if part in terms:
                out.append(_Match(m.start(), m.end(), part))
                break
    return out


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
    candidates = []
    for i, m in enumerate(matches):
        start, end = _window(text, m, width)
        inside = [x for x in matches[i:] if x.end <= end]
        # Most distinct terms first, then most matches, then earliest.
        candidates.append((-len({x.term for x in inside}), -len(inside), start, end))
    candidates.sort()
    chosen: list[tuple[int, int]] = []
    covered: set[str] = set()
    for _, _, start, end in candidates:
        if len(chosen) >= MAX_FRAGMENTS:
            break
        if any(start < e and s < end for s, e in chosen):
            continue
        terms = {x.term for x in matches if start <= x.start and x.end <= end}
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
