"""CSV output that spreadsheet programs cannot turn into formulas (CSV/formula injection).

Excel, LibreOffice and Google Sheets evaluate a cell that starts with = + - @ (and, in some
versions, a leading tab or carriage return) as a formula. Record titles and statements come
from the public and from politicians' quotes, so any of them may start that way. Prefixing a
single quote makes the spreadsheet show the text literally; the quote is visible in plain
text tools, which is the accepted trade-off (OWASP "CSV Injection").
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TextIO

_FORMULA_START = frozenset("=+-@")


def _is_trigger(char: str) -> bool:
    # Tab, CR and any other C0/C1 control character can start a formula or hide one.
    return char in _FORMULA_START or ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, (datetime, date)):
        return cell.isoformat()
    return str(cell)


def neutralise(cell: object) -> str:
    """The cell as text that a spreadsheet shows verbatim.

    NULs are removed first (they truncate cells in many readers and could hide a trigger
    behind them); then a cell starting with = + - @ or a control character gets a leading '.
    Numbers are stringified as-is, so a negative number becomes "'-5": spreadsheets show it as
    text, which is the safe choice for an archive export.
    """
    text = _text(cell).replace("\x00", "")
    if text and _is_trigger(text[0]):
        return "'" + text
    return text


def write_csv(rows: Iterable[Mapping[str, object]], fields: Sequence[str], out: TextIO) -> int:
    """Write a header and one neutralised row per mapping; returns the number of rows.

    Missing keys become empty cells; keys outside ``fields`` are ignored. Rows are streamed,
    so any iterable (a generator over a read model) works. Open ``out`` with newline="".
    """
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in fields])
    count = 0
    for row in rows:
        writer.writerow([neutralise(row.get(name)) for name in fields])
        count += 1
    return count
