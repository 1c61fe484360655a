"""What every subcommand shares: the one error path (``fail``), the consoles, the typer app
factory whose commands turn any ``HaefenError`` into ``fail`` instead of a traceback, the
``--data-dir`` option and tables.

What a user reads is German; user text (names, paths, values from data) is escaped, so rich
never reads it as markup.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from haefen_analysis.errors import HaefenError

#: Width for output that is not a terminal (cron logs, CI): rich would wrap tables at 80
#: columns, one word per line in a long column; a log line may be longer.
LOG_WIDTH = 160


def _console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or os.environ.get("COLUMNS") else LOG_WIDTH
    return Console(stderr=stderr, width=width)


console = _console()
err_console = _console(stderr=True)

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Eigener data/-Ordner (sonst $HAEFEN_DATA_DIR).")
]


SkipWithoutBrowser = Annotated[
    bool,
    typer.Option(
        "--skip-without-browser",
        help="Ohne Browser PNG/PDF/Foliensatz überspringen (eine Zeile, Exit-Code 0) statt Fehler.",
    ),
]


def fail(message: object) -> NoReturn:
    """Print "Fehler: …" to stderr (escaped, one line) and exit with code 1."""
    note("Fehler:", message, "red", err=True)
    raise typer.Exit(1)


def skipped(what: str, reason: object) -> None:
    """One line "Übersprungen: <what>: <reason>" on stderr: an optional output not written
    (the run goes on and may still exit 0; cron logs and CI show the line)."""
    note("Übersprungen:", f"{what}: {reason}", "yellow", err=True)


def note(label: str, message: object, style: str, *, err: bool = False) -> None:
    """One line: a styled German label, then the escaped message (never wrapped)."""
    notes(label, [message], style, err=err)


def notes(label: str, messages: Iterable[object], style: str, *, err: bool = False) -> None:
    """``note`` for many lines at once (one print: thousands of corrections in a second)."""
    lines = [f"[{style}]{label}[/{style}] {escape(str(m))}" for m in messages]
    if lines:
        out = err_console if err else console
        out.print("\n".join(lines), soft_wrap=True, highlight=False)


class HaefenGroup(TyperGroup):
    """A command group whose subcommands fail with one German line on any ``HaefenError``."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except HaefenError as exc:
            fail(exc)


def app(description: str, **options: Any) -> typer.Typer:
    """A typer app (a command group) with the one error path; ``description`` is its German
    help text."""
    options = {"no_args_is_help": True, "pretty_exceptions_enable": False} | options
    return typer.Typer(cls=HaefenGroup, help=description, **options)


def say(message: str) -> None:
    """One line of output on stdout (escaped, never wrapped)."""
    console.print(escape(message), soft_wrap=True, highlight=False)


def table(title: str, frame, columns: dict[str, str]) -> Table:
    """A rich table of ``frame``'s ``columns`` (column → German title); values escaped."""
    out = Table(title=title)
    for label in columns.values():
        out.add_column(label)
    for row in frame[list(columns)].itertuples(index=False):
        out.add_row(*[escape(_text(v)) for v in row])
    return out


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    return "" if text in ("<NA>", "nan", "NaT", "None") else text
