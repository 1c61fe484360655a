"""``haefen import genesis``: the summary an analyst checks first, the export, one-line errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from haefen_analysis import config
from haefen_analysis.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "genesis"
TABLE_LAENDER = FIXTURES / "table_12411_laender.csv"
TABLE_NESTED = FIXTURES / "table_12531_transponiert.csv"
FLAT_12531 = FIXTURES / "ffcsv_12531_kreise.csv"
FLAT_REGIO = FIXTURES / "regionalstatistik_12411_kreise.csv"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # the user data folder also serves the Länder list that Land lookups need
    shutil.copy(config.data_dir() / "laender.csv", tmp_path / "laender.csv")
    monkeypatch.setenv("HAEFEN_DATA_DIR", str(tmp_path))
    return CliRunner()


def test_cli_summary_and_export(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "tidy.csv"
    result = runner.invoke(app, ["import", "genesis", str(TABLE_NESTED), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Format: GENESIS-Tabelle (CSV-Download)" in result.output
    assert "Zeilen: 32" in result.output
    assert "Kodierung: utf-8-sig" in result.output
    assert "Summenzeilen (Insgesamt): 16" in result.output
    assert "'-' 2" in result.output
    assert len(pd.read_csv(out, dtype=str)) == 32
    again = runner.invoke(app, ["import", "genesis", str(TABLE_NESTED)])
    assert "Zwischenspeicher" in again.output


def test_cli_summary_shows_the_levels_of_a_mixed_file(runner: CliRunner) -> None:
    zensus = FIXTURES.parent / "official" / "zensus_1000A-0000_gemeinden.csv"
    result = runner.invoke(app, ["import", "genesis", str(zensus), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "Merkmale: GEOGM4 (Gemeinden (Gebietsstand 15.05.2022))" in result.output
    assert "Ebenen GEOGM4: deutschland 1, gemeinde 15 (Summen und Details getrennt" in result.output
    assert "Summenzeilen (Insgesamt): 1" in result.output


def test_cli_error_is_one_line_with_exit_code_1(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "kaputt.csv"
    bad.write_text("Name;Wert\nKiel;1\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "genesis", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Fehler: kaputt.csv, Zeile 1: keine GENESIS-Datei: erwartet 'Tabelle: <Code>' "
        "(Tabellen-CSV) oder die Kopfzeile 'statistics_code;…' (Flatfile), gefunden 'Name;Wert'"
    )
    assert "Traceback" not in result.output


def test_cli_rejects_unknown_output_format(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["import", "genesis", str(FLAT_REGIO), "--out", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 1 and "nur .csv oder .parquet" in result.output
