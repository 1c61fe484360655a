"""The ``haefen`` command (``main``, the console script; the typer app is in ``cli.commands``).

This package's import is kept to the standard library: a report worker is started from
``main``'s first lines (``cli.early``), and a spawned worker imports the console script's
module again (multiprocessing's "spawn"), which then costs it nothing.
"""

from __future__ import annotations

import sys
from typing import Any


def __getattr__(name: str) -> Any:
    """``from haefen_analysis.cli import app``: the typer app, imported when asked for."""
    if name == "app":
        from haefen_analysis.cli.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Run ``haefen …``; a finished command ends without the interpreter's teardown."""
    from haefen_analysis.cli import early
    from haefen_analysis.common.processes import exit_now

    early.start(sys.argv[1:])
    code: Any = 0  # a command that returns instead of exiting succeeded
    try:
        from haefen_analysis.cli.commands import app

        app()  # typer (click, standalone) always ends in SystemExit
    except SystemExit as done:
        code = done.code
    finally:
        early.stop()
    if isinstance(code, str):  # sys.exit("text"): printed, exit code 1
        print(code, file=sys.stderr)
    exit_now(code if isinstance(code, int) else int(code is not None and code != 0))
