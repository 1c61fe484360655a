"""Tables for people who open them in Excel or LibreOffice: CSV that German Excel reads as
it is (UTF-8 with BOM, ";" between fields, decimal comma) and XLSX workbooks, both with
formula cells neutralised (``common.files.neutralise``, OWASP): a cell from data can never run
as a formula.

The package's own data files stay plain UTF-8 CSV with "," (``common.files.csv_text``); these
are the files a report hands out beside its pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import pandas as pd

from haefen_analysis.common.files import csv_text, neutralise

BOM = "\ufeff"
#: Excel's limit for sheet names, and the characters it refuses in them.
SHEET_NAME_MAX = 31
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
#: A German number as the reports write it ("1.234", "5,7", "-3"): a number in the workbook.
_GERMAN_NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?|-?\d+(?:,\d+)?")


def _german_cell(value: object) -> object:
    if isinstance(value, float) and value != value:  # NaN: unknown stays empty
        return ""
    if isinstance(value, float):
        return f"{value:.10g}".replace(".", ",")
    return value


def excel_csv(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV for German Excel: BOM, ";", decimal comma, formulas neutralised
    (by ``csv_text``, after the numbers are German text: "-1,5" is a number, not a formula)."""
    text = csv_text(frame.astype(object).map(_german_cell), sep=";", lineterminator="\r\n")
    return (BOM + text).encode("utf-8")


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name from ``text`` (Excel: ≤ 31 characters, no ``[]:*?/\\``)."""
    base = _SHEET_BAD.sub(" ", text).strip()[:SHEET_NAME_MAX] or "Tabelle"
    name, n = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        name, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _xlsx_cell(value: object) -> object:
    """Numbers as numbers (also German number text), text neutralised, empty as empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    if _GERMAN_NUMBER.fullmatch(text) and not re.match(r"-?0\d", text):  # "01" is a code
        number = float(text.replace(".", "").replace(",", "."))
        return int(number) if "," not in text else number
    return neutralise(text)


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per entry (name → table), bold header row, widths set."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for title, frame in sheets.items():
        sheet = book.create_sheet(sheet_name(title, taken))
        sheet.append([neutralise(str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([_xlsx_cell(v) for v in row])
        for i, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column)), *(len(str(v)) for v in frame.iloc[:, i - 1])])
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(60, longest + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
