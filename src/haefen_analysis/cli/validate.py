"""``haefen validate FILE`` (an analyst's CSV or Excel file) and ``haefen template`` (the city
reporting workbook)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from haefen_analysis.cli.common import DataDir, console, fail


def validate(
    path: Annotated[Path, typer.Argument(help="CSV- oder Excel-Datei im Schema einer Tabelle.")],
    table: Annotated[
        str | None, typer.Option(help="Tabelle (sonst an den Spalten erkannt).")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Nur prüfen, nichts schreiben.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Prüft eine eigene Datei; gültige Zeilen nach data/user/, ungültige in Quarantäne."""
    from haefen_analysis.ingest.intake import validate_file
    from haefen_analysis.ingest.workbook import validate_workbook

    if not path.exists():
        fail(f"{path}: file not found")
    is_workbook = path.suffix.lower() in (".xlsx", ".xlsm") and table is None
    try:
        results = (
            validate_workbook(path, data_dir, dry_run=dry_run)
            if is_workbook
            else [validate_file(path, table, data_dir, dry_run=dry_run)]
        )
    except (ValueError, KeyError) as exc:
        fail(f"{path}: {exc}")
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


def template(
    path: Annotated[Path, typer.Argument(help="Ziel, z. B. meldebogen.xlsx")] = Path(
        "meldebogen_sichere_haefen.xlsx"
    ),
) -> None:
    """Schreibt den Excel-Meldebogen für Kommunen (Zusagen, Aufnahmen, Auswahllisten)."""
    from haefen_analysis.ingest.workbook import write_template

    console.print(f"Meldebogen geschrieben: {write_template(path)}")
