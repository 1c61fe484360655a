"""What every subcommand shares: the consoles, the ``--data-dir`` option, tables, ``fail``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Eigener data/-Ordner (sonst $HAEFEN_DATA_DIR).")
]


def table(title: str, frame, columns: dict[str, str]) -> Table:
    out = Table(title=title)
    for label in columns.values():
        out.add_column(label)
    for row in frame[list(columns)].itertuples(index=False):
        out.add_row(*["" if v is None or v != v else str(v) for v in row])
    return out


def fail(message: str) -> None:
    console.print(f"[red]Fehler:[/red] {message}", soft_wrap=True)
    raise typer.Exit(1)
