"""The user's query syntax: cleaning, the lexer, the parser and its tree. Knows nothing of
Whoosh (search.build turns the tree into Whoosh queries).

User syntax: words, "phrases", AND / OR / NOT, -word, (groups), field:value for speaker,
party, role, organisation, kind; word* (prefix) and word~ / word~2 (fuzzy). Adjacent clauses
are ANDed.

The parser is bounded, so any input parses without deep recursion: input is truncated and
control characters are dropped (`clean`), nesting deeper than MAX_DEPTH is flattened and at
most MAX_CLAUSES words are used; what was limited is added to `notes`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["MAX_QUERY_CHARS", "MAX_CLAUSES", "MAX_DEPTH", "USER_FIELDS", "Token", "Node", "clean",
           "lex", "parse", "short"]

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 32
MAX_DEPTH = 8
USER_FIELDS = ("speaker", "party", "role", "organisation", "kind")

_TOKEN_RE = re.compile(
    r"""
    (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<fieldphrase>(?P<fpname>[A-Za-z_]+):"(?P<fptext>[^"]*)"?)
  | (?P<phrase>"(?P<ptext>[^"]*)"?)
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)
_CONTROL = {c: " " for c in range(32)} | {127: " "}


@dataclass
class Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "phrase", "word"
    text: str = ""
    field: str | None = None
    negate: bool = False


def clean(q: str, notes: list[str]) -> str:
    q = unicodedata.normalize("NFC", q.translate(_CONTROL))
    # Other invisible formatting characters (Cf/Cs/Co) are dropped too.
    q = "".join(ch for ch in q if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"})
    if len(q) > MAX_QUERY_CHARS:
        notes.append(f"query truncated to {MAX_QUERY_CHARS} characters")
        q = q[:MAX_QUERY_CHARS]
    return q


def lex(q: str) -> list[Token]:
    toks: list[Token] = []
    for m in _TOKEN_RE.finditer(q):
        if m.group("lparen"):
            toks.append(Token("("))
        elif m.group("rparen"):
            toks.append(Token(")"))
        elif m.group("fieldphrase"):
            name = m.group("fpname").lower()
            if name in USER_FIELDS:
                toks.append(Token("phrase", m.group("fptext"), name))
            else:
                toks.append(Token("phrase", m.group("fptext")))
        elif m.group("phrase") is not None:
            toks.append(Token("phrase", m.group("ptext")))
        else:
            word = m.group("word")
            if word in ("AND", "&&"):
                toks.append(Token("AND"))
            elif word in ("OR", "||"):
                toks.append(Token("OR"))
            elif word == "NOT":
                toks.append(Token("NOT"))
            else:
                neg = False
                if word.startswith("-") and len(word) > 1:
                    neg, word = True, word[1:]
                fname: str | None = None
                if ":" in word:
                    head, _, rest = word.partition(":")
                    if head.lower() in USER_FIELDS and rest:
                        fname, word = head.lower(), rest
                toks.append(Token("word", word, fname, neg))
    return toks


# ---------------------------------------------------------------- AST


@dataclass
class Node:
    op: str  # "and", "or", "not", "clause"
    children: list[Node] = field(default_factory=list)
    tok: Token | None = None


class Parser:
    """Recursive descent with the recursion bounded by MAX_DEPTH.

    Parentheses nested deeper than MAX_DEPTH are ignored (their contents join
    the enclosing group), unmatched ")" are ignored and unclosed "(" are
    closed at the end, so any input parses.
    """

    def __init__(self, toks: list[Token], notes: list[str]) -> None:
        self.toks = toks
        self.i = 0
        self.notes = notes
        self.clauses = 0
        self._noted_depth = False
        self._noted_clauses = False

    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Node | None:
        node = self.parse_or(0)
        while self.peek() is not None:  # stray ")" at top level
            self.i += 1
            more = self.parse_or(0)
            node = merge("and", node, more)
        return node

    def parse_or(self, depth: int) -> Node | None:
        items: list[Node] = []
        node = self.parse_and(depth)
        if node is not None:
            items.append(node)
        while (t := self.peek()) is not None and t.kind == "OR":
            self.i += 1
            node = self.parse_and(depth)
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else Node("or", items)

    def parse_and(self, depth: int) -> Node | None:
        items: list[Node] = []
        while (t := self.peek()) is not None and t.kind not in ("OR", ")"):
            if t.kind == "AND":
                self.i += 1
                continue
            node = self.parse_unary(depth)
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else Node("and", items)

    def parse_unary(self, depth: int) -> Node | None:
        negate = False
        # Iterative, so "NOT NOT NOT ... x" cannot recurse.
        while (t := self.peek()) is not None and t.kind == "NOT":
            negate = not negate
            self.i += 1
        node = self.parse_atom(depth)
        if node is None:
            return None
        return Node("not", [node]) if negate else node

    def parse_atom(self, depth: int) -> Node | None:
        t = self.peek()
        if t is None or t.kind in ("OR", ")"):
            return None
        self.i += 1
        if t.kind == "(":
            if depth >= MAX_DEPTH:
                if not self._noted_depth:
                    self.notes.append(f"parentheses nested deeper than {MAX_DEPTH} were flattened")
                    self._noted_depth = True
                return None  # the contents continue in the enclosing group
            node = self.parse_or(depth + 1)
            if (c := self.peek()) is not None and c.kind == ")":
                self.i += 1
            return node
        if t.kind in ("AND", "NOT"):
            return None
        if self.clauses >= MAX_CLAUSES:
            if not self._noted_clauses:
                self.notes.append(f"only the first {MAX_CLAUSES} words were used")
                self._noted_clauses = True
            return None
        self.clauses += 1
        node = Node("clause", tok=t)
        return Node("not", [node]) if t.negate else node


def merge(op: str, a: Node | None, b: Node | None) -> Node | None:
    if a is None:
        return b
    if b is None:
        return a
    return Node(op, [a, b])


def parse(q: str, notes: list[str]) -> Node | None:
    """The tree of a raw query (None when nothing is left to search for); never raises."""
    return Parser(lex(clean(q, notes)), notes).parse()


def short(text: str, limit: int = 40) -> str:
    """A piece of the user's input, cut for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
