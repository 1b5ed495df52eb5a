"""CSV cells that a spreadsheet would evaluate are neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from archive.export.safe_csv import neutralise, write_csv


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # Formula triggers get a leading quote.
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+47 22 00 00 00", "'+47 22 00 00 00"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ('=HYPERLINK("http://evil","klikk")', "'=HYPERLINK(\"http://evil\",\"klikk\")"),
        # Leading tab, carriage return and other control characters too.
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\x1b[31m", "'\x1b[31m"),
        ("\x85neste linje", "'\x85neste linje"),
        # NULs are removed, also when they hide a trigger behind them.
        ("\x00=1+1", "'=1+1"),
        ("Roger\x00 Ryberg", "Roger Ryberg"),
        # Ordinary text, including æøå and triggers later in the cell, is left alone.
        ("Avtale om brøyting", "Avtale om brøyting"),
        ("Sak 12/16 - vedtak", "Sak 12/16 - vedtak"),
        ("a=b", "a=b"),
        ("", ""),
        # Non-text values are stringified first.
        (None, ""),
        (-5, "'-5"),
        (42, "42"),
        (True, "true"),
        (date(2016, 3, 8), "2016-03-08"),
    ],
)
def test_neutralise(cell: object, expected: str) -> None:
    assert neutralise(cell) == expected


def test_write_csv_streams_neutralised_rows_in_field_order() -> None:
    # Write rows from a generator, with a missing key and an extra key.
    rows = ({"tittel": t, "ref": r, "ignored": "x"} for t, r in
            [("=1+1", "2016/0007"), ("Skoleskyss, Ørland", None)])
    out = io.StringIO(newline="")
    assert write_csv(rows, ["ref", "tittel"], out) == 2
    # Read it back: the header, then the neutralised cells in the requested order.
    parsed = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert parsed == [["ref", "tittel"], ["2016/0007", "'=1+1"], ["", "Skoleskyss, Ørland"]]


def test_write_csv_neutralises_the_header_too() -> None:
    out = io.StringIO(newline="")
    write_csv([], ["=evil"], out)
    assert out.getvalue() == "'=evil\r\n"
