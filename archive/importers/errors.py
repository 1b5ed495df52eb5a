"""The importers' one domain error: the input is not text we can parse."""

from __future__ import annotations

from archive.exceptions import ArchiveError


class ImportFormatError(ArchiveError):
    """The source is empty, binary or not valid UTF-8; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"{message} (line {line})" if line is not None else message)
