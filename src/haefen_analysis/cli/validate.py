"""``haefen validate FILE`` (an analyst's CSV or Excel file) and ``haefen template`` (the city
reporting workbook)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from haefen_analysis.cli.common import DataDir, fail, notes, say


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
        fail(f"{path}: Datei nicht gefunden")
    results = (
        validate_workbook(path, data_dir, table=table, dry_run=dry_run)
        if path.suffix.lower() in (".xlsx", ".xlsm")
        else [validate_file(path, table, data_dir, dry_run=dry_run)]
    )
    for result in results:
        _report_intake(result)
    rejected = sum(r.rejected for r in results)
    if rejected:
        fail(f"{path}: {rejected} Zeile(n) abgelehnt (Gründe oben und in der Quarantäne-Datei)")


def _report_intake(result) -> None:
    notes("korrigiert:", result.corrections, "yellow")
    notes("abgelehnt:", result.problems, "red")
    say(
        f"{result.file} → Tabelle {result.table!r}: {result.rows} Zeilen, "
        f"{result.accepted} übernommen, {result.already_present} schon vorhanden, "
        f"{result.rejected} abgelehnt."
    )
    if result.merged_into:
        say(f"übernommen nach {result.merged_into}")
    if result.quarantine:
        say(f"Quarantäne: {result.quarantine}")


def template(
    path: Annotated[Path, typer.Argument(help="Ziel, z. B. meldebogen.xlsx")] = Path(
        "meldebogen_sichere_haefen.xlsx"
    ),
) -> None:
    """Schreibt den Excel-Meldebogen für Kommunen (Zusagen, Aufnahmen, Auswahllisten)."""
    from haefen_analysis.ingest.workbook import write_template

    say(f"Meldebogen geschrieben: {write_template(path)}")
