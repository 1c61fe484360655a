"""CSV and XLSX for Excel: BOM, ";", decimal comma, formula cells neutralised, sheet names."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from haefen_analysis.common import spreadsheets


def test_excel_csv_has_bom_semicolons_commas_and_no_formulas():
    frame = pd.DataFrame({"Name": ['=HYPERLINK("x")', "Kiel"], "Wert": [5.7, None]})
    raw = spreadsheets.excel_csv(frame)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    header, formula, kiel = text.split("\r\n")[:3]
    assert header == "Name;Wert" and kiel == "Kiel;"  # unknown stays empty
    assert formula == '"\'=HYPERLINK(""x"")";5,7'  # quoted, and a text, not a formula


def test_excel_csv_keeps_negative_numbers_as_numbers():
    frame = pd.DataFrame({"Name": ["-Kiel", "Lübeck"], "Saldo": [-2.5, -3.0], "n": [-4, 2]})
    lines = spreadsheets.excel_csv(frame)[3:].decode("utf-8").split("\r\n")
    assert lines[1:3] == ["'-Kiel;-2,5;-4", "Lübeck;-3;2"]  # a German number is no formula


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    first = spreadsheets.sheet_name("Abbildung 1: Karte „Kreise“ [SH] / 2024?", taken)
    assert len(first) <= 31 and not set("[]:*?/\\") & set(first)
    second = spreadsheets.sheet_name("Abbildung 1: Karte „Kreise“ [SH] / 2024?", taken)
    assert second != first and len(second) <= 31 and second.endswith("(2)")


def test_xlsx_numbers_stay_numbers_codes_stay_text_formulas_are_neutralised():
    frame = pd.DataFrame({"Land": ["01", "=1+1"], "Anzahl": ["1.234", "5,7"], "x": [None, 3]})
    book = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes({"Tabelle 1": frame})))
    rows = list(book["Tabelle 1"].iter_rows(values_only=True))
    assert rows[0] == ("Land", "Anzahl", "x")
    assert rows[1][:2] == ("01", 1234) and rows[2][:2] == ("'=1+1", 5.7)
    assert rows[1][2] is None  # unknown stays empty, never 0
