"""A saved page's bytes as text and then as a tree: the declared or sniffed charset, or a clear refusal."""

from __future__ import annotations

import codecs
import contextlib
import re

import lxml.etree as etree
import lxml.html

from archive.importers.errors import ImportFormatError

# How far into the bytes a charset declaration counts (browsers look at the first 1024).
_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
# ISO-8859-1 is decoded as windows-1252 by every browser (WHATWG encoding standard).
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}
_LOOKS_LIKE_HTML = re.compile(rb"<\s*(?:!doctype|html|head|body|p|div|article|main|h1|table)\b", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    """Decode by BOM, then the declared charset, then UTF-8, then windows-1252."""
    if not data.strip():
        raise ImportFormatError("empty file", 1)
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _decode_or_fail(data[len(bom) :], codec)
    if b"\x00" in data:
        raise ImportFormatError(
            "binary content (NUL byte): not a web page", data.count(b"\n", 0, data.index(b"\x00")) + 1
        )
    if not _LOOKS_LIKE_HTML.search(data[:_SNIFF_BYTES * 4]):
        raise ImportFormatError("no HTML markup found: not a web page")
    candidates: list[str] = []
    if not data.isascii() and _is_utf8(data):
        # Valid multi-byte UTF-8 is practically never windows-1252 text, and "Save page as"
        # often re-encodes a page to UTF-8 while leaving its old charset declaration in place.
        candidates.append("utf-8")
    declared = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        name = _CHARSET_ALIASES.get(name, name)
        with contextlib.suppress(LookupError):  # an unknown charset name: fall through to the usual guesses
            candidates.append(codecs.lookup(name).name)
    candidates += ["utf-8", "cp1252"]
    for codec in candidates:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")  # unreachable in practice: cp1252 maps almost every byte


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_or_fail(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"invalid {codec} at byte {exc.start}") from None


def parse_tree(markup: str) -> lxml.html.HtmlElement:
    # lxml refuses str input that carries an encoding declaration in an XML prolog.
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise ImportFormatError(f"cannot parse the HTML: {exc}") from None
    return root
