"""``haefen data``: what is loaded (tables, rows, as-of dates, sources), coverage per Land, and
the table reference in data/README.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from haefen_analysis.cli.common import DataDir, console, fail, table

app = typer.Typer(help="Was geladen ist: Tabellen, Stand, Abdeckung.")


@app.callback(invoke_without_command=True)
def data_summary(ctx: typer.Context, data_dir: DataDir = None) -> None:
    """Tabellen, Zeilen, Stand und Quellen der geladenen Daten."""
    if ctx.invoked_subcommand:
        return
    from haefen_analysis.analysis.coverage import data_summary as summarise
    from haefen_analysis.errors import DataValidationError

    try:
        frame = summarise(data_dir)
    except (DataValidationError, FileNotFoundError) as exc:
        fail(str(exc))
    cols = {"table": "Tabelle", "title": "Titel", "rows": "Zeilen", "as_of": "Stand"}
    console.print(table("Geladene Daten", frame, cols | {"sources": "Quellen"}))
    console.print(_coverage_table(data_dir))


def _coverage_table(data_dir: Path | None) -> Table:
    from haefen_analysis.analysis.coverage import member_coverage

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
    out = table("Sichere Häfen: Abdeckung je Land", cov, cols)
    out.caption = (
        f"Gesamt: {cov['in_data'].sum()} in den Daten (erklärt oder aufgehoben), "
        f"{cov['dated'].sum()} mit Beschlussdatum."
    )
    return out


@app.command("coverage")
def data_coverage(data_dir: DataDir = None) -> None:
    """Abdeckung je Land: Mitglieder in den Daten vs. zuletzt veröffentlichte Zahl."""
    console.print(_coverage_table(data_dir))


@app.command("docs")
def data_docs(
    check: Annotated[bool, typer.Option(help="Nur prüfen, ob data/README.md aktuell ist.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Schreibt die Tabellen-Dokumentation in data/README.md (aus datapackage.json)."""
    from haefen_analysis.catalogue.docs import update_data_readme

    changed = update_data_readme(data_dir, write=not check)
    if check and changed:
        fail("data/README.md is out of date: run `haefen data docs`")
    console.print("data/README.md " + ("aktualisiert" if changed else "ist aktuell"))
