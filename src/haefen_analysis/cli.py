"""The ``haefen`` command: data summaries, validation of analysts' files, reports.

Errors are one clear line (file, row, column, value, rule) and a non-zero exit code, never a
bare traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from haefen_analysis import deck_cli, genesis_cli, reports_cli

app = typer.Typer(help="Sichere Häfen: Daten, Prüfung und Berichte.", no_args_is_help=True)
data_app = typer.Typer(help="Was geladen ist: Tabellen, Stand, Abdeckung.")
app.add_typer(data_app, name="data")
app.add_typer(genesis_cli.app, name="import")
app.add_typer(reports_cli.app, name="report")
app.command("deck")(deck_cli.deck)
console = Console()

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Eigener data/-Ordner (sonst $HAEFEN_DATA_DIR).")
]


def _table(title: str, frame, columns: dict[str, str]) -> Table:
    table = Table(title=title)
    for label in columns.values():
        table.add_column(label)
    for row in frame[list(columns)].itertuples(index=False):
        table.add_row(*["" if v is None or v != v else str(v) for v in row])
    return table


def _fail(message: str) -> None:
    console.print(f"[red]Fehler:[/red] {message}", soft_wrap=True)
    raise typer.Exit(1)


@data_app.callback(invoke_without_command=True)
def data_summary(ctx: typer.Context, data_dir: DataDir = None) -> None:
    """Tabellen, Zeilen, Stand und Quellen der geladenen Daten."""
    if ctx.invoked_subcommand:
        return
    from haefen_analysis.summary import data_summary as summarise
    from haefen_analysis.validate import DataValidationError

    try:
        frame = summarise(data_dir)
    except (DataValidationError, FileNotFoundError) as exc:
        _fail(str(exc))
    cols = {"table": "Tabelle", "title": "Titel", "rows": "Zeilen", "as_of": "Stand"}
    console.print(_table("Geladene Daten", frame, cols | {"sources": "Quellen"}))
    console.print(_coverage_table(data_dir))


def _coverage_table(data_dir: Path | None) -> Table:
    from haefen_analysis.summary import member_coverage

    cov = member_coverage(data_dir)
    cols = {
        "name": "Land",
        "in_data": "in den Daten",
        "dated": "mit Datum (≥ Monat)",
        "published": "veröffentlicht",
        "published_as_of": "Stand",
        "difference": "Differenz",
        "explanation": "Erklärung",
    }
    table = _table("Sichere Häfen: Abdeckung je Land", cov, cols)
    table.caption = (
        f"Gesamt: {cov['in_data'].sum()} in den Daten (erklärt oder aufgehoben), "
        f"{cov['dated'].sum()} mit Beschlussdatum."
    )
    return table


@data_app.command("coverage")
def data_coverage(data_dir: DataDir = None) -> None:
    """Abdeckung je Land: Mitglieder in den Daten vs. zuletzt veröffentlichte Zahl."""
    console.print(_coverage_table(data_dir))


@data_app.command("docs")
def data_docs(
    check: Annotated[bool, typer.Option(help="Nur prüfen, ob data/README.md aktuell ist.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Schreibt die Tabellen-Dokumentation in data/README.md (aus datapackage.json)."""
    from haefen_analysis.docs import update_data_readme

    changed = update_data_readme(data_dir, write=not check)
    if check and changed:
        _fail("data/README.md is out of date: run `haefen data docs`")
    console.print("data/README.md " + ("aktualisiert" if changed else "ist aktuell"))


@app.command("validate")
def validate(
    path: Annotated[Path, typer.Argument(help="CSV- oder Excel-Datei im Schema einer Tabelle.")],
    table: Annotated[
        str | None, typer.Option(help="Tabelle (sonst an den Spalten erkannt).")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Nur prüfen, nichts schreiben.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Prüft eine eigene Datei; gültige Zeilen nach data/user/, ungültige in Quarantäne."""
    from haefen_analysis.intake import validate_file
    from haefen_analysis.workbook import validate_workbook

    if not path.exists():
        _fail(f"{path}: file not found")
    is_workbook = path.suffix.lower() in (".xlsx", ".xlsm") and table is None
    try:
        results = (
            validate_workbook(path, data_dir, dry_run=dry_run)
            if is_workbook
            else [validate_file(path, table, data_dir, dry_run=dry_run)]
        )
    except (ValueError, KeyError) as exc:
        _fail(f"{path}: {exc}")
    for result in results:
        _report_intake(result)
    if any(r.rejected for r in results):
        raise typer.Exit(1)


def _report_intake(result) -> None:
    for fix in result.corrections:
        console.print(f"[yellow]korrigiert:[/yellow] {fix}", soft_wrap=True)
    for problem in result.problems:
        console.print(f"[red]abgelehnt:[/red] {problem}", soft_wrap=True)
    console.print(
        f"{result.file} → Tabelle {result.table!r}: {result.rows} Zeilen, "
        f"{result.accepted} übernommen, {result.already_present} schon vorhanden, "
        f"{result.rejected} abgelehnt."
    )
    if result.merged_into:
        console.print(f"übernommen nach {result.merged_into}")
    if result.quarantine:
        console.print(f"Quarantäne: {result.quarantine}")


@app.command("template")
def template(
    path: Annotated[Path, typer.Argument(help="Ziel, z. B. meldebogen.xlsx")] = Path(
        "meldebogen_sichere_haefen.xlsx"
    ),
) -> None:
    """Schreibt den Excel-Meldebogen für Kommunen (Zusagen, Aufnahmen, Auswahllisten)."""
    from haefen_analysis.workbook import write_template

    console.print(f"Meldebogen geschrieben: {write_template(path)}")
