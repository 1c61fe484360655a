"""The `haefen` command as a user runs it: exit codes and what it prints."""

from __future__ import annotations

from typer.testing import CliRunner

from haefen_analysis.cli import app

runner = CliRunner()
HEADER = (
    "pledge_id,member_id,land,announced_on,category,places,places_max,places_qualifier,"
    "credited,valid_until,description,source,note"
)


def test_data_summary_lists_tables_and_coverage():
    result = runner.invoke(app, ["data"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in ("members", "koenigsteiner_schluessel", "Abdeckung je Land", "Niedersachsen"):
        assert text in result.output
    # the coverage labels of the overview report, the status wording of the catalogue
    assert "zuletzt veröffentlicht" in result.output and "mit Beschlussdatum" in result.output
    assert "(erklärt oder Erklärung aufgehoben)" in result.output


def test_data_docs_are_up_to_date():
    result = runner.invoke(app, ["data", "docs", "--check"])
    assert result.exit_code == 0, result.output


def test_data_docs_detects_stale_readme(data_copy):
    readme = data_copy / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("Länder", "Laender"), "utf-8")
    result = runner.invoke(app, ["data", "docs", "--check"])
    assert result.exit_code == 1 and "nicht aktuell" in result.stderr


def test_validate_exit_codes(data_copy, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(
        HEADER + "\nkiel-2024-umf,Kiel,SH,2024,umf,4,,exact,no,,t,https://example.org,\n", "utf-8"
    )
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 übernommen" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "\nkiel-2024-x,Kiel,SH,2024,umf,-4,,exact,no,,t,https://example.org,\n", "utf-8"
    )
    result = runner.invoke(app, ["validate", str(bad)], env={"COLUMNS": "300"})
    assert result.exit_code == 1
    assert "Zeile 2, Spalte 'places', Wert '-4': muss ≥ 0 sein [Regel: minimum]" in result.output
    assert "Quarantäne" in result.output
    assert result.stderr.startswith("Fehler: ") and "1 Zeile(n) abgelehnt" in result.stderr


def test_validate_missing_file_is_one_clear_line(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1 and "Datei nicht gefunden" in result.output
    assert result.stderr.startswith("Fehler: ") and result.stdout == ""
    assert "Traceback" not in result.output


def test_import_genesis_is_registered():
    result = runner.invoke(app, ["import", "--help"])
    assert result.exit_code == 0 and "genesis" in result.output


def test_template_then_validate_workbook(data_copy, tmp_path):
    path = tmp_path / "bogen.xlsx"
    result = runner.invoke(app, ["template", str(path)])
    assert result.exit_code == 0 and path.exists()
    result = runner.invoke(app, ["validate", str(path)])  # empty template: nothing to reject
    assert result.exit_code == 0, result.output
    assert "0 Zeilen" in result.output


def test_any_domain_error_is_one_german_line_on_stderr(data_copy):
    path = data_copy / "population.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], "99" + lines[1][2:], *lines[2:]]) + "\n", "utf-8")
    result = runner.invoke(app, ["data"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Fehler: 2 Problem(e):")  # DataValidationError, uncaught
    assert "Zeile 2, Spalte 'land', Wert '99'" in result.stderr
    assert "Traceback" not in result.output


def test_user_text_is_never_read_as_markup(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "[bold]x[/bold].csv")])
    assert result.exit_code == 1
    assert "[bold]x[/bold].csv: Datei nicht gefunden" in result.stderr


def test_every_subcommand_fails_through_cli_common():
    import ast

    from haefen_analysis import config

    for path in (config.PACKAGE_DIR / "cli").glob("*.py"):
        if path.name == "common.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert '"[red]Fehler' not in source and "'Fehler:" not in source, path.name
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Exit":
                codes = [a.value for a in node.args if isinstance(a, ast.Constant)]
                assert codes != [1], f"{path.name}: exit 1 without fail()"
