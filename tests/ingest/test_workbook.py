"""The city reporting template: written with drop-downs, filled in, read back, validated."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from haefen_analysis import datasets
from haefen_analysis.ingest.workbook import WorkbookError, validate_workbook, write_template

TODAY = date(2026, 1, 1)
PLEDGE = {  # German headers as in the template, values as a city types them
    "Mitglied": "Kiel",
    "Gebiet": "Schleswig-Holstein",
    "Datum": "12.03.2024",
    "Art des Angebots": "Zusage",
    "Gruppe": "Unbegleitete Minderjährige (UMF)",
    "Plätze": 6,
    "Angabe": "genau",
    "Adressat": "Land",
    "Anrechnung (Angebot)": "nicht angerechnet",
    "Antwort": "unbekannt",
    "Beschreibung": "6 Plätze für UMF",
    "Quelle": "https://example.org/kiel-2024",
}
ADMISSION = {
    "Programm": "Test-Programm",
    "Programmart": "Landesaufnahmeprogramm",
    "Beginn": datetime(2024, 1, 1),
    "Gebiet": "SH",
    "Mitglied": "Kiel",
    "Personengruppe": "Personen",
    "Kennzahl": "eingereist/aufgenommen",
    "Anzahl": 4,
    "Angabe": "genau",
    "Anrechnung": "angerechnet",
    "Quelle": "https://example.org/kiel-aufnahme",
}


def fill(path, sheet, rows, rename=None):
    wb = load_workbook(path)
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    for r, row in enumerate(rows, start=2):
        for key, value in row.items():
            ws.cell(row=r, column=headers.index(key) + 1, value=value)
    if rename:
        ws.title = rename
    wb.save(path)
    return ws


@pytest.fixture
def template(tmp_path, data_copy):
    return write_template(tmp_path / "meldebogen.xlsx")


def test_template_has_dropdowns_and_german_readme(template):
    wb = load_workbook(template)
    assert wb.sheetnames[:3] == ["README", "Listen", "Angebote"] and "Aufnahmen" in wb.sheetnames
    assert "Geld" in wb.sheetnames
    assert "Meldebogen" in wb["README"]["A1"].value
    ws = wb["Angebote"]
    headers = [c.value for c in ws[1]]
    assert "Gruppe" in headers and "offer_id" not in headers
    dropdown_columns = {
        str(dv.sqref).split(":")[0].rstrip("0123456789")
        for dv in ws.data_validations.dataValidation
    }
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[headers.index("Gruppe")]
    assert letter in dropdown_columns
    lists = wb["Listen"]
    assert lists.sheet_state == "hidden"
    assert "Seenotrettung" in [c.value for col in lists.iter_cols() for c in col]


def test_round_trip_and_idempotent(template):
    fill(template, "Angebote", [PLEDGE])
    fill(template, "Aufnahmen", [ADMISSION])
    results = {r.table: r for r in validate_workbook(template, today=TODAY)}
    assert (results["offers"].accepted, results["admissions"].accepted) == (1, 1)
    pledge = datasets.offers().query("description == '6 Plätze für UMF'").iloc[0]
    assert (pledge["member_id"], pledge["land"], pledge["group"]) == ("kiel", "01", "umf")
    assert pledge["credited_as_offered"] == "no" and pledge["places"] == 6
    assert pledge["offered_on"] == datetime(2024, 3, 12)
    again = validate_workbook(template, today=TODAY)
    assert [(r.accepted, r.already_present) for r in again] == [(0, 1), (0, 1), (0, 0)]


def test_bad_rows_name_sheet_row_column_value_rule(template):
    bad = [
        PLEDGE,
        PLEDGE | {"Plätze": -2, "Beschreibung": "neg"},
        PLEDGE | {"Datum": "01.01.2030", "Beschreibung": "future"},
        PLEDGE | {"Gebiet": "Atlantis", "Beschreibung": "land"},
    ]
    fill(template, "Angebote", bad)
    result = next(r for r in validate_workbook(template, today=TODAY) if r.table == "offers")
    assert (result.accepted, result.rejected) == (1, 3)
    found = {(p.row, p.column, p.rule) for p in result.problems}
    assert {
        (3, "places", "minimum"),
        (4, "offered_on", "not_future"),
        (5, "land", "normalise"),
    } <= found
    assert all("[Blatt Angebote]" in p.file for p in result.problems)
    assert result.quarantine.exists()


def test_template_rows_name_a_gemeinde_that_is_no_member(template):
    fill(template, "Angebote", [PLEDGE | {"Mitglied": "List auf Sylt"}])
    result = next(r for r in validate_workbook(template, today=TODAY) if r.table == "offers")
    assert result.rejected == 1
    problem = next(p for p in result.problems if p.rule == "normalise")
    assert (problem.row, problem.column) == (2, "member_id")
    assert "ist Gemeinde List auf Sylt (Nordfriesland, Kreis" in problem.message
    assert problem.message.endswith("aber kein Mitglied in den Daten")


def test_renamed_sheet_is_recognised_by_header(template):
    fill(template, "Angebote", [PLEDGE], rename="Tabelle1")
    result = next(r for r in validate_workbook(template, today=TODAY) if r.table == "offers")
    assert result.accepted == 1
    assert any("Tabelle1" in c for c in result.corrections)


def test_formula_without_value_is_rejected(template):
    fill(template, "Angebote", [PLEDGE | {"Plätze": "=2+4"}])
    result = next(r for r in validate_workbook(template, today=TODAY) if r.table == "offers")
    assert result.rejected == 1
    problem = result.problems[0]
    assert (problem.row, problem.column, problem.rule, problem.value) == (
        2,
        "places",
        "formula",
        "=2+4",
    )


def test_merged_cells_fill_each_row(template):
    ws = fill(template, "Angebote", [PLEDGE, PLEDGE | {"Beschreibung": "zweite"}])
    wb = load_workbook(template)
    ws = wb["Angebote"]
    col = [c.value for c in ws[1]].index("Gruppe") + 1
    ws.cell(row=3, column=col, value=None)
    ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    wb.save(template)
    result = next(r for r in validate_workbook(template, today=TODAY) if r.table == "offers")
    assert result.accepted == 2
    assert any("verbundene Zellen" in c for c in result.corrections)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("not excel", encoding="utf-8")
    with pytest.raises(WorkbookError, match="keine lesbare Excel-Arbeitsmappe"):
        validate_workbook(path)
