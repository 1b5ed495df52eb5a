"""Proper names that analysis must leave alone, and the shipped word lists.

Place names, party abbreviations and surnames are kept verbatim (lowercased)
instead of being lemmatised and stemmed: otherwise "Ap" becomes "ape", "Lier"
becomes "li" and "Hansen" becomes "hans", and searches for them go wrong.

A few names are also frequent common words ("Time", "Ski", "Berg"); those are
protected only when written with a capital letter, so "timen" (the hour)
still stems like any other noun. Users search for names with a capital.

All lists are loaded lazily and cached per process; nothing here is ever
pickled into an index (analyzers keep only their configuration).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = [
    "load_word_list",
    "always_protected",
    "capitalised_protected",
    "protected_form",
]


@cache
def load_word_list(name: str) -> frozenset[str]:
    """Read search/data/<name>: one lowercase word a line, '#' starts a comment."""
    text = resources.files("search.data").joinpath(name).read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip().lower()
        if word:
            words.add(word)
    return frozenset(words)


def _with_hyphen_parts(names: frozenset[str]) -> set[str]:
    # The tokenizer splits on hyphens, so "Aurskog-Høland" arrives as two
    # tokens; protect each component too.
    out = set(names)
    for name in names:
        if "-" in name:
            out.update(part for part in name.split("-") if len(part) >= 3)
    return out


@cache
def capitalised_protected() -> frozenset[str]:
    """Names that are also common words: protected only when capitalised."""
    return load_word_list("common_word_names.txt")


@cache
def always_protected() -> frozenset[str]:
    """Names protected in any casing (places, parties, surnames)."""
    names = _with_hyphen_parts(
        load_word_list("places.txt")
        | load_word_list("parties.txt")
        | load_word_list("surnames.txt")
    )
    return frozenset(names - capitalised_protected())


def protected_form(surface: str) -> str | None:
    """The indexed form of a protected name, or None if `surface` is not one.

    Handles the genitive -s ("Buskeruds", "Hansens") by mapping it to the name.
    """
    lower = surface.lower()
    capitalised = surface[:1].isupper()
    for candidate in (lower, lower[:-1] if len(lower) > 3 and lower.endswith("s") else ""):
        if not candidate:
            continue
        if candidate in always_protected():
            return candidate
        if capitalised and candidate in capitalised_protected():
            return candidate
    return None
