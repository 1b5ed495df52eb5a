"""Text helpers shared by the news and minutes parsers: decoding, validation, header, language."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from archive.importers.errors import ImportFormatError
from archive.importers.source import SourceDocument

# Control characters other than tab/newline/carriage return; a text full of them is a binary file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Share of control characters above which we call the input binary rather than damaged text.
_BINARY_SHARE = 0.10

# The corpus header: `source:`, `licence:`, `language:` lines closed by `---`.
_HEADER_KEY = re.compile(r"^(source|licence|license|language)\s*:\s*(.*)$", re.IGNORECASE)

_NN_MARKERS = frozenset(
    "ikkje seier frå eg kva dei vere ein eit ho korleis kven berre mykje noko heile vart vore "
    "òg meir sjå difor då kvar saman gjer sidan fekk vert ynskjer ønskjer tek gong gongen "
    "fylkesordførar ordførar leiar kommunane fylket "
    # Minutes vocabulary, where the short function words above may be scarce.
    "vedteke vedtekne samrøystes framlegg møtestad utval utvalet høyring halde røyster "
    "innstillinga handsaming frammøtte møtande varamedlemer sluttar".split()
)
_NB_MARKERS = frozenset(
    "ikke sier fra jeg hva de være en et hun hvordan hvem bare mye noe hele ble vært "
    "også mer se derfor hver sammen gjør siden fikk blir ønsker tar gang gangen "
    "fylkesordfører ordfører leder kommunene "
    "vedtatt enstemmig forslag møtested utvalg utvalget høring holde stemmer "
    "innstillingen behandling fremmøtte møtende varamedlemmer slutter".split()
)
_WORD = re.compile(r"[a-zæøåòéA-ZÆØÅ]+")


@dataclass(frozen=True)
class SourceHeader:
    """What a corpus-style header says about the text that follows it."""

    source_url: str | None
    language: str | None


def decode_source(data: bytes) -> str:
    """Decode an uploaded file: strict UTF-8, no BOM, `\\n` newlines, NFC, not binary."""
    if b"\x00" in data:
        raise ImportFormatError("binary content (NUL byte)", _line_of(data, data.index(b"\x00")))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"invalid UTF-8 at byte {exc.start}", _line_of(data, exc.start)
        ) from None
    return normalise_text(text.removeprefix("\ufeff"))


def extract_text(data: bytes) -> SourceDocument:
    """A plain-text file (optionally with a corpus-style header) as a `SourceDocument`.

    The header's `source:` and `language:` become the document's URL and language; the text
    handed on is the body after the header, so no parser reads the header twice.
    """
    text = decode_source(data)
    header, body = split_header(text)
    if not body.strip():
        raise ImportFormatError("no text after the header", text.count("\n") + 1)
    return SourceDocument(
        text=body,
        media_type="text/plain",
        sha256=hashlib.sha256(data).hexdigest(),
        url=header.source_url,
        language=header.language,
    )


def normalise_text(text: str) -> str:
    """NFC-normalise and unify newlines, then refuse empty or binary-looking text."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ImportFormatError("empty text", None)
    nul = text.find("\x00")
    if nul >= 0:
        raise ImportFormatError("binary content (NUL character)", text.count("\n", 0, nul) + 1)
    controls = _CONTROL.findall(text)
    if len(controls) > _BINARY_SHARE * len(text):
        first = _CONTROL.search(text)
        line = text.count("\n", 0, first.start()) + 1 if first else None
        raise ImportFormatError("binary content (control characters)", line)
    return text


def split_header(text: str) -> tuple[SourceHeader, str]:
    """Split off an optional `key: value` header closed by `---`; return it and the body."""
    lines = text.split("\n")
    values: dict[str, str] = {}
    for number, line in enumerate(lines[:8]):
        if line.strip() == "---" and values:
            body = "\n".join(lines[number + 1 :])
            return _header_from(values), body
        match = _HEADER_KEY.match(line.strip())
        if not match:
            break
        values[match.group(1).lower()] = match.group(2).strip()
    return SourceHeader(None, None), text


def guess_language(text: str) -> str:
    """Guess Bokmål ("nb") or Nynorsk ("nn") by counting marker words of each standard."""
    nn = nb = 0
    for word in _WORD.findall(text.lower()):
        nn += word in _NN_MARKERS
        nb += word in _NB_MARKERS
    return "nn" if nn > nb else "nb"


def collapse_spaces(text: str) -> str:
    """Whitespace-normalised form, for comparing texts that differ only in spacing."""
    return " ".join(text.split())


def _header_from(values: dict[str, str]) -> SourceHeader:
    language = values.get("language", "").lower() or None
    if language not in {"nb", "nn", None}:
        language = {"no": "nb", "nob": "nb", "nno": "nn"}.get(language)
    return SourceHeader(values.get("source") or None, language)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
