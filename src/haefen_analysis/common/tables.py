"""CSV files as tables of text cells, every physical line accounted for: the one reader of the
curated tables and of analysts' CSV files.

pandas' reader shifts every column when the data rows end with a delimiter (the first column
becomes the index: "invalid literal for int()" later, with no row), merges a line swallowed by
a stray quote into a cell, and reads a file cut off inside a quoted field as a shorter table.
Here every record must have exactly the header's fields (else the line and both counts are
named), must lie on one physical line (a line break in a cell is a quote without its partner;
both lines are named), and the file must not end inside a quoted field. Lines without any
value (blank, or only delimiters) are skipped.

Cells come back stripped of surrounding blanks ("luebeck " is "luebeck": the loaders compare
stripped values, so the intake must store them), with the quote ``write_csv`` put before a
formula character removed again. The frame's index is the physical line minus 2 (header =
line 1): a problem's row is the line an editor shows.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator

import pandas as pd

from haefen_analysis.common.files import FORMULA_TRIGGERS
from haefen_analysis.common.text import read_text
from haefen_analysis.errors import ParseError

_NEUTRALISED = "^'[" + re.escape("".join(FORMULA_TRIGGERS)) + "]"
#: csv's own (English) complaints in strict mode, as the German reason a user reads.
_CSV_ERRORS = {
    "unexpected end of data": (
        "ein Anführungszeichen öffnet hier ein Feld, das bis zum Dateiende nicht schließt "
        "(Anführungszeichen vergessen, oder die Datei ist abgeschnitten)"
    ),
    "expected after": (
        "Anführungszeichen mitten im Feld (ein Feld in Anführungszeichen endet mit dem "
        'Anführungszeichen; eines im Text wird verdoppelt: "")'
    ),
    "new-line character seen in unquoted field": "Zeilenende mitten im Feld (einzelnes \\r)",
}


def delimiter(header: str) -> str:
    """',' or ';', whichever the header line uses more (German Excel writes ';')."""
    return ";" if header.count(";") > header.count(",") else ","


def _physical_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` as ``csv`` wants them (line end kept), split at "\\n" only and
    one at a time (``io.StringIO`` would hold a second copy of the whole file)."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start : end + 1]
        start = end + 1
    if start < len(text):
        yield text[start:]


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    return next((r for key, r in _CSV_ERRORS.items() if key in text), f"keine CSV-Zeile ({text})")


def parse_csv(text: str, name: str | os.PathLike[str] = "<text>") -> pd.DataFrame:
    """All cells as stripped strings ("" = empty), indexed by physical line minus 2; any line
    that is not one record of the header's width is a ``ParseError`` naming ``name`` and it."""
    if not text.strip():
        raise ParseError(f"{name}: Datei ist leer")
    sep = delimiter(text.split("\n", 1)[0])
    reader = csv.reader(_physical_lines(text), delimiter=sep, strict=True)
    header: list[str] | None = None
    columns: list[list[str]] = []  # one list per column: no list per row (memory)
    shared: list[dict[str, str]] = []
    lines: list[int] = []
    last = 0  # physical line the previous record ended on
    try:
        for record in reader:
            first, last = last + 1, reader.line_num
            if header is None:
                header = [h.strip() for h in record]
                _check_header(header, name)
                columns = [[] for _ in header]
                shared = [{} for _ in header]
                continue
            if last > first:
                raise ParseError(
                    f"{name}, Zeilen {first}–{last}: Zeilenumbruch in einem Feld: ein "
                    "Anführungszeichen ohne Gegenstück verschluckt die folgende Zeile "
                    f"({last - first + 1} Zeilen in einem Datensatz)"
                )
            if len(record) != len(header):
                if not any(cell.strip() for cell in record):  # a blank line
                    continue
                raise ParseError(f"{name}, Zeile {first}: {_width(record, len(header))}")
            for column, seen, cell in zip(columns, shared, record, strict=True):
                column.append(seen.setdefault(cell, cell))  # repeated values: one object
            lines.append(first)
    except csv.Error as exc:
        raise ParseError(f"{name}, Zeile {last + 1}: {_csv_reason(exc)}") from None
    assert header is not None
    shared.clear()
    frame = pd.DataFrame(index=pd.Index(lines, dtype="int64") - 2)
    for title, column in zip(header, columns, strict=True):
        values = pd.Series(column, index=frame.index, dtype=str).str.strip()
        column.clear()  # the text now lives in the Series' own buffer
        restore = values.str.contains(_NEUTRALISED, regex=True)
        frame[title] = values.where(~restore, values.str[1:]) if restore.any() else values
    if len(frame.columns):  # lines of delimiters and blanks only carry no row
        frame = frame[frame.ne("").any(axis=1)]
    return frame


def _check_header(header: list[str], name: str | os.PathLike[str]) -> None:
    doubled = sorted({h for h in header if header.count(h) > 1})
    if doubled:
        shown = ", ".join(repr(h) for h in doubled)
        raise ParseError(f"{name}, Zeile 1: Spalte(n) doppelt in der Kopfzeile: {shown}")


def _width(record: list[str], expected: int) -> str:
    found = len(record)
    if found > expected and not any(cell.strip() for cell in record[expected:]):
        return (
            f"{found} Felder statt {expected} wie in der Kopfzeile: Trennzeichen am Zeilenende "
            "(leere Felder nach der letzten Spalte)"
        )
    return f"{found} Felder statt {expected} wie in der Kopfzeile"


def read_csv(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, str]:
    """A CSV file's cells (``parse_csv``) and the encoding that read it (``common.text``)."""
    text, encoding = read_text(path)
    return parse_csv(text, path), encoding
