"""Analysts' own files: clear errors (file, row, column, value, rule), quarantine, idempotency."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from haefen_analysis import datasets
from haefen_analysis.ingest.intake import validate_file

HEADER = (
    "offer_id,member_id,land,offered_on,kind,group,places,places_max,places_qualifier,addressee,"
    "document,credited_as_offered,response,response_on,response_source,valid_until,description,"
    "source,note"
)
GOOD = (
    "luebeck-2024-umf,Hansestadt Lübeck,SH,12.03.2024,Zusage,umf,5,,exact,bmi,,no,none,,,,"
    "5 Plätze für UMF,https://example.org/a,"
)


def write(tmp_path, rows, name="p.csv", header=HEADER, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def test_good_row_is_normalised_and_merged(data_copy, tmp_path):
    path = write(tmp_path, [GOOD])
    result = validate_file(path, today=date(2026, 1, 1))
    assert (result.table, result.accepted, result.rejected) == ("offers", 1, 0)
    assert any("'Hansestadt Lübeck' → 'luebeck'" in c for c in result.corrections)
    assert any("'12.03.2024' → '2024-03-12'" in c for c in result.corrections)
    merged = datasets.offers().set_index("offer_id").loc["luebeck-2024-umf"]
    assert (merged["member_id"], merged["land"], merged["places"]) == ("luebeck", "01", 5)


def test_second_run_adds_nothing(data_copy, tmp_path):
    path = write(tmp_path, [GOOD])
    validate_file(path, today=date(2026, 1, 1))
    again = validate_file(path, today=date(2026, 1, 1))
    assert (again.accepted, again.already_present, again.rejected) == (0, 1, 0)
    assert (datasets.offers()["offer_id"] == "luebeck-2024-umf").sum() == 1


@pytest.mark.parametrize(
    ("row", "column", "rule", "value"),
    [
        (GOOD.replace(",5,", ",-3,"), "places", "minimum", "-3"),
        (GOOD.replace(",SH,", ",Atlantis,"), "land", "normalise", "Atlantis"),
        (GOOD.replace("12.03.2024", "12.03.2031"), "offered_on", "not_future", "2031-03-12"),
        (GOOD.replace(",umf,", ",boats,"), "group", "enum", "boats"),
        (GOOD.replace("5 Plätze für UMF", "for minors"), "description", "language", "for minors"),
        (
            GOOD.replace("Hansestadt Lübeck", "Blomberg").replace(",SH,", ",,"),
            "land",
            "required",
            "",
        ),
        (GOOD.replace("https://example.org/a", ""), "source", "required", ""),
    ],
)
def test_bad_rows_are_quarantined_with_reason(data_copy, tmp_path, row, column, rule, value):
    path = write(tmp_path, [GOOD.replace("luebeck-2024-umf", "other-id"), row])
    result = validate_file(path, today=date(2026, 1, 1))
    assert (result.accepted, result.rejected) == (1, 1)
    problem = next(p for p in result.problems if p.rule == rule)
    assert (problem.row, problem.column, problem.value) == (3, column, value)
    assert str(path) in str(problem)
    q = pd.read_csv(result.quarantine, dtype=str)
    assert q["_row"].tolist() == ["3"]
    assert problem.message in q["_problems"][0]


def test_ambiguous_member_name_is_rejected_with_candidates(data_copy, tmp_path):
    row = GOOD.replace("Hansestadt Lübeck", "Blomberg").replace(",SH,", ",DE,")
    result = validate_file(write(tmp_path, [row]), today=date(2026, 1, 1))
    assert result.rejected == 1
    assert "Niedersachsen" in result.problems[0].message


def test_a_gemeinde_that_is_no_member_gets_that_answer(data_copy, tmp_path):
    row = GOOD.replace("Hansestadt Lübeck", "Kampen (Sylt)")
    result = validate_file(write(tmp_path, [row]), today=date(2026, 1, 1))
    assert result.rejected == 1
    assert result.problems[0].message == (
        "'Kampen (Sylt)' ist Gemeinde Kampen (Sylt) (Nordfriesland, Kreis, Schleswig-Holstein, "
        "ARS 010545439061), aber kein Mitglied in den Daten"
    )


def test_missing_column_rejects_whole_file(data_copy, tmp_path):
    header = HEADER.replace(",note", "")
    path = write(tmp_path, [GOOD.rstrip(",")], header=header)
    with pytest.raises(ValueError, match="Tabelle nicht erkennbar"):
        validate_file(path)
    result = validate_file(path, table="offers")
    assert result.rejected == 1 and result.problems[0].rule == "missing_column"
    assert result.quarantine.exists()


def test_duplicate_member_is_rejected(data_copy, tmp_path):
    header = (data_copy / "members.csv").read_text(encoding="utf-8").splitlines()[0]
    lue = (data_copy / "members.csv").read_text(encoding="utf-8").splitlines()[2]
    changed = lue.replace("Bürgerschaft", "Rat", 1)
    path = write(tmp_path, [changed], header=header)
    result = validate_file(path, today=date(2026, 1, 1))
    assert result.rejected == 1 and result.problems[0].rule == "conflict"


def test_cp1252_file_is_read_and_reported(data_copy, tmp_path):
    path = write(tmp_path, [GOOD], encoding="cp1252")
    result = validate_file(path, today=date(2026, 1, 1))
    assert result.accepted == 1
    assert any("cp1252" in c for c in result.corrections)


def test_semicolon_file(data_copy, tmp_path):
    path = write(tmp_path, [GOOD.replace(",", ";")], header=HEADER.replace(",", ";"))
    assert validate_file(path, today=date(2026, 1, 1)).accepted == 1
