"""The quoted stretches of one paragraph and the clause that attributes each, if any.

Dash paragraphs ("– Quote, sier X."), «…» speech, quotes opening mid-paragraph and first-person
sentences whose dash was lost; who the clause names is news.speakers' job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.importers import attribution as attr
from archive.importers.news.marks import (
    CLOSE_QUOTES,
    CLOSER_OF,
    DASH,
    DASH_START,
    OPEN_QUOTES,
    OPENERS,
    sentence_end,
    trim_quote,
    valid_clause,
)

# «Quote» opening a sentence mid-paragraph (after ". " or ": ").
_INNER_QUOTE = re.compile(r"(?:(?<=[.!?:])\s+)(?P<open>[«“])(?P<quote>[^«»“”]+)[»”]")


@dataclass(frozen=True)
class Segment:
    """A quoted stretch of one paragraph and the clause attributing it, if any."""

    text: str
    match: re.Match[str] | None
    after_colon: str | None = None  # narrative before "…: -Quote" introducing the speaker
    # "continues": an unclosed «… paragraph whose quote goes on in the next one (and whose
    # speaker is named there); "needs_attribution": a whole «…» paragraph that is speech only
    # if the next line says who said it (else it may be a quoted document or a pull quote);
    # "tail": the rest of a dash paragraph after its last clause, the same speaker going on;
    # "dashless": a first-person sentence ending in a clause, printed without its dash.
    kind: str = "plain"


def segments_of(text: str) -> list[Segment]:
    """The quoted stretches of a paragraph: dash paragraphs, «…» speech, mid-paragraph dashes."""
    dash = DASH_START.match(text)
    if dash:
        return _dash_segments(text[dash.end() :])
    if text[:1] in OPENERS:
        segment = _guillemet_segment(text) or _whole_quote_segment(text)
        return [segment] if segment else []
    inner = _inner_quote_segment(text)
    if inner is not None:
        return [inner]
    # A quote whose opening mark was lost, closed by ”/» right before the clause.
    for match in attr.CLAUSE.finditer(text):
        if valid_clause(match) and any(q in match.group("lead") for q in CLOSE_QUOTES):
            quote = trim_quote(text[: match.start()])
            opening = max(quote.rfind(q) for q in OPEN_QUOTES[:3])
            return [Segment(quote[opening + 1 :].strip() if opening >= 0 else quote, match)]
    # A quote that starts inside narrative: "… skole. - Fylkestinget vedtok …, sier X."
    dash = re.search(rf"(?P<punct>[.!?:])\s+[{DASH}]\s*(?=[A-ZÆØÅ«])", text)
    if dash:
        segments = _dash_segments(text[dash.end() :])
        if dash.group("punct") == ":":
            intro = text[: dash.start()]
            return [Segment(s.text, s.match, intro if s.match is None else None) for s in segments]
        return [s for s in segments if s.match is not None]
    dashless = _dashless_segment(text)
    return [dashless] if dashless is not None else []


# First-person words: what tells a quote printed without its dash from the journalist's paraphrase.
_FIRST_PERSON = re.compile(r"(?i)(?<![\w-])(?:jeg|eg|vi|meg|oss|min|mi|mitt|mine|vår|vårt|våre)(?![\w-])")


def _dashless_segment(text: str) -> Segment | None:
    """"Fordi vi må skape arbeidsplassar, svarer Olsen." — speech whose dash was lost.

    Only the sentence that ends in the clause, only when the clause ends the paragraph, and
    only in the first person: "Politiet fikk melding klokka 14, opplyser X." is a paraphrase.
    """
    for match in attr.CLAUSE.finditer(text):
        if "," not in match.group("lead") or not valid_clause(match):
            continue
        if text[sentence_end(text, match.end()) :].strip():
            continue
        opening = max((m.end() for m in re.finditer(r"[.!?…]\s+", text[: match.start()])), default=0)
        quote = trim_quote(text[opening : match.start()])
        if len(quote.split()) >= 4 and _FIRST_PERSON.search(quote):
            return Segment(quote, match, kind="dashless")
    return None


def _whole_quote_segment(text: str) -> Segment | None:
    """A paragraph that is one quote with no clause: «Quote.» or an unclosed «Quote … (continues)."""
    opener = text[0]
    closer = CLOSER_OF.get(opener, opener)
    inner = text[1:]
    if closer not in inner:
        # Norwegian style: each paragraph of a long quote opens with «, only the last closes.
        return Segment(inner.strip(), None, kind="continues") if len(inner.split()) >= 4 else None
    if inner.rstrip(" .").endswith(closer) and inner.count(closer) == 1:
        quote = inner.rstrip(" .")[:-1].strip()
        return Segment(quote, None, kind="needs_attribution") if len(quote.split()) >= 4 else None
    return None


def _inner_quote_segment(text: str) -> Segment | None:
    """«Quote.» opening a sentence inside narrative, then "Det sa X." or ", sier X"."""
    for quoted in _INNER_QUOTE.finditer(text):
        if len(quoted.group("quote").split()) < 4:
            continue  # a scare-quoted phrase, not speech
        rest = text[quoted.end() :]
        # The full stop sits inside the marks («… eldre.» Det sa X), so match from "Det".
        after = attr.ATTRIBUTION_SENTENCE.match(rest.lstrip()) if quoted.group("quote")[-1:] in ".!?" else None
        if after is not None and attr.particle_ok(after):
            return Segment(quoted.group("quote").strip(), after)
        clause = attr.CLAUSE.match(rest)
        if clause is not None and valid_clause(clause) and clause.start() == 0:
            return Segment(trim_quote(quoted.group("quote")), clause)
    return None


def _dash_segments(body: str) -> list[Segment]:
    """Split "Quote, sier X. Quote, sier Y. Narrative." into attributed segments."""
    segments: list[Segment] = []
    position = 0
    while True:
        match = _first_clause(body, position, allow_plain_lead=position == 0)
        if match is None:
            if position == 0:
                segments.append(Segment(body.strip(), None))
            return segments
        quote = trim_quote(body[position : match.start()])
        if quote:
            segments.append(Segment(quote, match))
        position = sentence_end(body, match.end())
        if position >= len(body):
            return segments
        if _first_clause(body, position, allow_plain_lead=False) is None:
            # "– A, sier X. – B." or "– A, sier X. B.": the quote goes on after the clause.
            tail = _quote_tail(body[position:], match)
            if tail is not None:
                segments.append(tail)
            return segments


# A sentence after the clause that opens like this is narrative about the speaker, not speech.
_NARRATIVE_TAIL = re.compile(
    r"(?:Han|Hun|Ho|Hen|De|Dei|Det\s+(?:sa|seier|sier|skriv|skriver)|Ifølge|Ifølgje|I\s+følge|Både|Også)\b"
    rf"|{attr.NAME_WORD}\s+{attr.SPEECH_VERB}\b"
)


def _quote_tail(text: str, clause: re.Match[str]) -> Segment | None:
    """What follows the last clause of a dash paragraph, when it is still the speaker's quote.

    A new dash ("– B.") always is; a plain sentence only in the first person and unless it
    reads as narrative ("Han mener …", "Ryberg sier …", the speaker's own name first).
    """
    text = text.strip()
    dashed = DASH_START.match(text)
    if dashed:
        text = text[dashed.end() :].strip()
    else:
        first = text.split(maxsplit=1)[0] if text else ""
        named = set((clause.groupdict().get("name") or "").split())
        if _NARRATIVE_TAIL.match(text) or not first[:1].isupper() or first in named:
            return None
        if not _FIRST_PERSON.search(text):
            return None  # "…, sa X. For da fylkesutvalget diskuterte …" is the journalist again
    text = trim_quote(text)
    if len(text.split()) < 3:
        return None
    return Segment(text, None, kind="plain" if dashed else "tail")


def _guillemet_segment(text: str) -> Segment | None:
    """«Quote», sier X. — speech in quote marks with an attribution clause."""
    for match in attr.CLAUSE.finditer(text):
        if not valid_clause(match):
            continue
        before = text[: match.start()].rstrip(" ,")
        if before[-1:] in CLOSE_QUOTES or any(q in match.group("lead") for q in CLOSE_QUOTES):
            quote = trim_quote(before[1:])
            # "«A», sier X, «b.»": the quote resumes after the clause.
            resumed = _RESUMED_QUOTE.match(text, match.end())
            if resumed is not None:
                quote = f"{quote.rstrip(',')} {resumed.group('more').strip()}"
            return Segment(quote, match)
        return None
    return None


_RESUMED_QUOTE = re.compile(rf"\s*[,.]?\s*[{OPEN_QUOTES}](?P<more>[^{CLOSE_QUOTES}]+)[{CLOSE_QUOTES}]\s*\.?\s*$")


def _first_clause(body: str, start: int, allow_plain_lead: bool) -> re.Match[str] | None:
    candidates = [m for m in attr.CLAUSE.finditer(body, start) if valid_clause(m, allow_plain_lead)]
    candidates += [
        m for m in attr.ATTRIBUTION_SENTENCE.finditer(body, start)
        if m.start() > start and attr.particle_ok(m)
    ]  # fmt: skip
    candidates = [m for m in candidates if trim_quote(body[start : m.start()])]
    return min(candidates, key=lambda m: m.start(), default=None)
