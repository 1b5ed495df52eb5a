"""Quote marks, dashes and sentence ends: what both the page layout and the speech finder read.

A line is told from speech, and a quote from its attribution clause, by the same marks and
the same test of a clause (`valid_clause`), so they live here, below both.
"""

from __future__ import annotations

import re

from archive.importers import attribution as attr

DASH = "-–—"
DASH_START = re.compile(rf"^[{DASH}]\s*(?=\S)")
OPEN_QUOTES = "«“„\""
CLOSE_QUOTES = "»”\""
TERMINAL = ".!?…:;"
# Marks that open a quote at the start of a paragraph; some CMSs print ”…” (both closing).
OPENERS = OPEN_QUOTES + "”"
CLOSER_OF = {"«": "»", "“": "”", "„": "“", '"': '"', "”": "”"}
SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÆØÅ«“\"–—-])")


def has_speech(text: str) -> bool:
    return text[:1] in OPEN_QUOTES or any(valid_clause(m) for m in attr.CLAUSE.finditer(text))


def valid_clause(match: re.Match[str], allow_plain_lead: bool = True) -> bool:
    """Reject clause look-alikes inside the quote ("hva han sa han ville")."""
    if not attr.particle_ok(match):
        return False
    lead = match.group("lead")
    punctuated = "," in lead or any(q in lead for q in CLOSE_QUOTES)
    if punctuated:
        return True
    if not allow_plain_lead or match.group("verb").lower() not in {"sier", "seier", "sa"}:
        return False
    # Without a comma only an unmistakable speaker counts: role + name, or a full name.
    name = match.group("name") or ""
    return bool(match.group("role_name")) or " " in name.strip()


def trim_quote(text: str) -> str:
    """Drop the comma and closing quote mark that separate a quote from its clause."""
    text = text.strip()
    while text and (text[-1] in "," or text[-1] in CLOSE_QUOTES and text.count(text[-1]) % 2):
        text = text[:-1].rstrip()
    return text


def sentence_end(body: str, start: int) -> int:
    match = re.compile(r"[.!?…](?:\s+|$)").search(body, start)
    return match.end() if match else len(body)
