"""The city reporting template: an Excel workbook a city fills in, and reading it back.

``write_template`` makes sheets "Angebote" (offers), "Aufnahmen" (admissions) and "Geld" (funding)
with German
headers, drop-down lists for every coded column and a German README sheet.
``validate_workbook`` reads each data sheet (found by its header even if renamed), turns
formulas into their computed values (or rejects the row when Excel never computed one) and
merged cells into one value per row, then validates and merges like ``haefen validate``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from haefen_analysis.catalogue.schema import Resource, resource
from haefen_analysis.common.files import atomic_write
from haefen_analysis.errors import WorkbookError
from haefen_analysis.ingest.intake import ID_COLUMNS, USER_TABLES, IntakeResult, validate_frame
from haefen_analysis.ingest.validate import Problem

#: Data sheets: sheet name → table. Id columns are left out (generated from the content).
SHEETS = {"Angebote": "offers", "Aufnahmen": "admissions", "Geld": "funding"}
LISTS_SHEET = "Listen"
README_SHEET = "README"
MAX_ROWS = 500  # rows with drop-downs

README_TEXT = [
    "Meldebogen Sichere Häfen: Angebote, Aufnahmen und Geld Ihrer Kommune",
    "",
    "So füllen Sie den Bogen aus:",
    "1. Blatt „Angebote“: jedes Angebot von Aufnahmeplätzen eine Zeile (Datum, Art, Gruppe, "
    "Plätze, an wen es ging, ob auf die Quote angerechnet, welche Antwort kam, Quelle).",
    "2. Blatt „Aufnahmen“: jede Zahl aufgenommener (oder zugesagter, verteilter …) Personen eine "
    "Zeile, mit Programm, Zeitraum, Land und Kommune.",
    "3. Blatt „Geld“: jede Patenschaft, Spende oder Ausgabe für Seenotrettung und Aufnahme eine "
    "Zeile (Empfänger, Art, Betrag in Euro, je Jahr oder einmalig, Jahre, Beschluss).",
    "4. Spalten mit Auswahlliste: bitte nur Werte aus der Liste verwenden.",
    "5. Datum: TT.MM.JJJJ, oder MM.JJJJ bzw. JJJJ, wenn nur Monat oder Jahr bekannt sind.",
    "6. Zahlen ohne Zusätze („ca.“, „bis zu“): die Art der Angabe gehört in die Spalte „Angabe“.",
    "7. Jede Zeile braucht eine Quelle (Link oder Drucksache), sonst wird sie abgelehnt.",
    "8. Unbekanntes leer lassen – nichts schätzen. Texte bitte auf Deutsch.",
    "",
    "Prüfen: haefen validate DATEI.xlsx – jede fehlerhafte Zeile wird mit Blatt, Zeile, Spalte, "
    "Wert und Regel gemeldet und in eine Quarantäne-Datei geschrieben; gültige Zeilen werden "
    "übernommen. Ein zweiter Lauf mit derselben Datei fügt nichts doppelt ein.",
    "Bitte Blätter nicht umbenennen, keine Zellen verbinden, keine Formeln verwenden.",
]


def _columns(res: Resource) -> list[str]:
    return [c for c in res.columns if c != ID_COLUMNS.get(res.name)]


def write_template(path: str | Path) -> Path:
    """Write the reporting template (atomically)."""
    path = Path(path)
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    for i, line in enumerate(README_TEXT, start=1):
        readme.cell(row=i, column=1, value=line)
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 110
    lists = wb.create_sheet(LISTS_SHEET)
    list_col = 0
    for sheet_name, table in SHEETS.items():
        res = resource(table)
        ws = wb.create_sheet(sheet_name)
        for col, name in enumerate(_columns(res), start=1):
            f = res.field(name)
            cell = ws.cell(row=1, column=col, value=f.title)
            cell.font = Font(bold=True)
            if f.required:
                cell.fill = PatternFill("solid", fgColor="FFF2CC")
            ws.column_dimensions[get_column_letter(col)].width = max(14, len(f.title) + 2)
            if f.enum:
                list_col += 1
                letter = get_column_letter(list_col)
                labels = [f.enum_labels.get(v, v) for v in f.enum]
                lists.cell(row=1, column=list_col, value=f"{table}.{name}")
                for r, label in enumerate(labels, start=2):
                    lists.cell(row=r, column=list_col, value=label)
                source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
                dv = DataValidation(type="list", formula1=source, allow_blank=not f.required)
                dv.error = f"Bitte einen Wert aus der Liste wählen ({f.title})."
                dv.errorTitle = "Ungültiger Wert"
                ws.add_data_validation(dv)
                dv.add(f"{get_column_letter(col)}2:{get_column_letter(col)}{MAX_ROWS + 1}")
        ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return atomic_write(path, buffer.getvalue())


@dataclass
class Sheet:
    """One data sheet read back: its rows as strings, what was corrected, what is wrong."""

    name: str
    table: str
    raw: pd.DataFrame
    corrections: list[str]
    problems: list[Problem]


def _text(value: object) -> str:
    """Cell value as the text a CSV would hold (dates as ISO, whole floats without .0)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_for(headers: list[str], sheet: str, table: str | None = None) -> str | None:
    """The table a sheet holds: the template's sheet names, else recognised by its header
    (German titles or column names) among every table an analyst may add rows to (a members
    sheet is read like the members CSV). ``table`` (``--table``) takes only its own sheets."""
    if sheet in SHEETS and table in (None, SHEETS[sheet]):
        return SHEETS[sheet]
    for name in [table] if table else [*SHEETS.values(), *USER_TABLES]:
        res = resource(name)
        titles = {res.field(c).title for c in _columns(res)}
        if titles <= set(headers) or set(_columns(res)) <= set(headers):
            return name
    return None


FORMULA_WITHOUT_VALUE = (
    "Formel ohne berechneten Wert: den Wert eintragen oder die Datei in Excel öffnen und speichern"
)


def _unmerge(grid: list[list[str]], ws: object, fixes: list[str]) -> None:
    """Merged cells: every cell of the range gets the top-left value (and it is reported)."""
    for merged in ws.merged_cells.ranges:
        top = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                grid[r - 1][c - 1] = top
        fixes.append(f"verbundene Zellen {merged.coord}: Wert {top!r} für jede Zelle übernommen")


def _formulas(ws: object, grid: list[list[str]], columns: list[str], label: str, fixes: list[str]):
    """Formulas: their computed value where Excel stored one, else a problem for the row."""
    problems = []
    for row in ws.iter_rows(min_row=2):
        for cell in (c for c in row if c.data_type == "f"):
            computed = grid[cell.row - 1][cell.column - 1]
            column = columns[cell.column - 1]
            if computed:
                fixes.append(f"Zeile {cell.row}, {column!r}: Formel {cell.value} → {computed!r}")
            else:
                problems.append(
                    Problem(
                        label, cell.row, column, str(cell.value), "formula", FORMULA_WITHOUT_VALUE
                    )
                )
    return problems


def read_workbook(path: str | Path, table: str | None = None) -> list[Sheet]:
    """Every data sheet of a workbook (only ``table``'s, if given), with formulas and merged
    cells resolved or reported."""
    path = Path(path)
    try:
        values = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a file that is not xlsx
        raise WorkbookError(f"{path}: keine lesbare Excel-Arbeitsmappe ({exc})") from exc
    sheets = []
    for ws in values.worksheets:
        headers = [_text(c.value) for c in ws[1]] if ws.max_row else []
        found = (
            _table_for(headers, ws.title, table)
            if ws.title not in (README_SHEET, LISTS_SHEET)
            else None
        )
        if found is None:
            continue
        label = f"{path} [Blatt {ws.title}]"
        fixes = [] if ws.title in SHEETS else [f"Blatt {ws.title!r} als Tabelle {found!r} erkannt"]
        grid = [[_text(c.value) for c in row] for row in ws.iter_rows(min_row=1)]
        _unmerge(grid, ws, fixes)
        res = resource(found)
        by_title = {res.field(c).title: c for c in res.columns}
        columns = [by_title.get(h, h) for h in headers]
        problems = _formulas(formulas[ws.title], grid, columns, label, fixes)
        kept = [i for i, r in enumerate(grid[1:]) if any(r)]  # index i = spreadsheet row i + 2
        frame = pd.DataFrame([grid[i + 1] for i in kept], columns=columns, index=kept, dtype=str)
        id_col = ID_COLUMNS.get(found)
        if id_col and id_col not in frame:
            frame.insert(0, id_col, "")
        sheets.append(Sheet(ws.title, found, frame.fillna(""), fixes, problems))
    if not sheets:
        wanted = (
            f"ein Blatt mit den Spalten der Tabelle {table!r}"
            if table
            else (f"{', '.join(SHEETS)} oder die Spaltenköpfe einer Tabelle")
        )
        raise WorkbookError(f"{path}: kein Datenblatt gefunden (erwartet {wanted})")
    return sheets


def validate_workbook(
    path: str | Path,
    data_dir: str | Path | None = None,
    *,
    table: str | None = None,
    today: date | None = None,
    dry_run: bool = False,
) -> list[IntakeResult]:
    """``haefen validate`` for a workbook (the filled-in template, or a sheet in any user
    table's columns): one result per data sheet (only ``table``'s, if given)."""
    dd = Path(data_dir) if data_dir is not None else None
    return [
        validate_frame(
            s.raw,
            s.table,
            f"{path} [Blatt {s.name}]",
            dd,
            today=today,
            dry_run=dry_run,
            fixes=s.corrections,
            problems=s.problems,
        )
        for s in read_workbook(path, table)
    ]
