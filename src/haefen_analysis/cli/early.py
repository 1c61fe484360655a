"""The report worker started before the ``haefen`` command imports anything of its own.

A worker of ``haefen report …`` imports pandas, papermill, nbconvert and the tables (~2 s);
the command first imports typer, rich and its subcommands (~0.3 s) and reads its options.
Started from the console script's first lines, the worker's imports run beside all that: one
report is ready that much sooner. Only for the default engine, and not for ``--help``; the
report command takes the pool (:func:`pool`), and a command that did not (a typo, an error
before planning) leaves it to :func:`stop`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from haefen_analysis.publish.workers import WorkerPool

#: The engine the early worker prepares for (``publish.runner.WARM``, the command's default).
ENGINE = "warm"

_started: list[WorkerPool] = []


def _wanted(args: list[str]) -> bool:
    """``haefen report KIND …`` with the default engine and no help asked for."""
    if args[:1] != ["report"] or len(args) < 2 or args[1].startswith("-"):
        return False
    return not any(a == "--help" or a.startswith("--engine") for a in args)


def _new(size: int, engine: str) -> WorkerPool:
    from haefen_analysis.publish.workers import RUNNER_INIT, WorkerPool

    pool = WorkerPool(size, RUNNER_INIT, (None, True, engine))
    pool.start(1)
    return pool


def start(args: list[str]) -> None:
    """Start the first report worker now if ``args`` (the command line) asks for reports."""
    if not _started and _wanted(args):
        _started.append(_new(os.cpu_count() or 1, ENGINE))


def pool(size: int, engine: str) -> WorkerPool:
    """The report command's pool of ``size`` workers: the early one if it was started for
    ``engine``, else a new pool whose first worker starts now."""
    if _started and _started[0].initargs[2] == engine:
        taken = _started.pop()
        taken.size = max(1, size)
        return taken
    stop()
    return _new(size, engine)


def stop() -> None:
    """Stop an early worker no command took."""
    while _started:
        _started.pop().stop()
