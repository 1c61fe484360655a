"""A pool of long-lived worker processes in which one job's failure stays that job's.

``concurrent.futures.ProcessPoolExecutor`` marks the whole pool broken when one worker dies
(a kernel that takes its worker down, the OOM killer, a ``kill``), failing every job still
waiting, and it waits for a hung job forever. Here each worker runs one job at a time over its
own pipe, so the parent knows which job a dead worker held: that job fails, a fresh worker
takes the next one. Every job has a time bound; a worker that overruns it is stopped (SIGTERM,
so it can shut its kernel down, then SIGKILL) and replaced. Workers ask Linux to stop them when
the parent dies (``PR_SET_PDEATHSIG``): a ``kill -9`` of a batch leaves no worker behind.

Workers are started with "spawn" (no fork of a process that runs threads). ``fn`` and
``initializer`` must be importable module-level functions.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from haefen_analysis.common.processes import die_with_parent, exit_now

#: The report runner's worker initialiser (``publish.runner._init_worker``) by name, for a
#: pool started before the runner (pandas, papermill …) is imported.
RUNNER_INIT = "haefen_analysis.publish.runner:_init_worker"
#: A worker's initialiser: a function, its name ("module:function") or none.
Initializer = Callable[..., None] | str | None

#: Seconds a stopped worker gets to shut its kernel down before it is killed.
STOP_GRACE = 10.0
#: Seconds a new worker may take to start and import what every job needs (~2 s).
START_TIMEOUT = 120.0


def _serve(conn: Connection, parent: int, initializer: Initializer, initargs):
    """A worker's life: die with the parent, initialise once, then run jobs until told to stop."""
    die_with_parent(signal.SIGTERM, parent)
    if isinstance(initializer, str):  # "module:function": the parent need not import it
        module, _, name = initializer.partition(":")
        initializer = getattr(importlib.import_module(module), name)
    if initializer is not None:
        initializer(*initargs)
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the parent closed the pipe: nothing more to do
            task = None
        if task is None:  # the parent waits for this exit (``stop``): no teardown
            exit_now(0)
        fn, args = task
        try:
            outcome: Any = ("ok", fn(*args))
        except Exception as exc:  # reported to the parent, the worker lives on (SystemExit
            outcome = ("error", f"{type(exc).__name__}: {exc}")  # from SIGTERM ends it)
        conn.send(outcome)


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process (spawn context)
    conn: Connection
    item: Any = None
    deadline: float = 0.0
    bound: float = 0.0
    busy: bool = False
    ready: bool = False  # initialised; until then the job waits in the pipe


class WorkerPool:
    """``size`` workers running ``fn(item, *args)`` for each item, each within ``timeout``.
    ``initializer`` may be named ``"module:function"``: a pool started early (:meth:`start`)
    then begins its imports while the parent is still importing its own."""

    def __init__(
        self,
        size: int,
        initializer: Initializer = None,
        initargs: tuple = (),
    ) -> None:
        self.size = max(1, size)
        self.initializer, self.initargs = initializer, initargs
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[_Worker] = []

    def start(self, count: int = 1) -> None:
        """Start up to ``count`` workers now, before any job is known."""
        while len(self.workers) < min(count, self.size):
            self._start()

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(
            target=_serve,
            args=(child_end, os.getpid(), self.initializer, self.initargs),
            name="haefen-worker",
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self.workers.append(worker)
        return worker

    def run(
        self,
        fn: Callable[..., Any],
        items: Iterable[Any],
        args: tuple = (),
        timeout: float = 3600,
        meanwhile: Callable[[], None] | None = None,
    ) -> Iterator[tuple[Any, Any, str | None]]:
        """Yield ``(item, result, None)`` or ``(item, None, error)`` as jobs finish. A job that
        raised, whose worker died or that ran longer than ``timeout`` seconds yields its error
        (German) and the others go on. Closing the iterator early stops the pool.
        ``meanwhile`` is called once, after the first jobs were sent (work of the parent's
        own that then overlaps the workers' start)."""
        pending = deque(items)
        try:
            while pending or any(w.busy for w in self.workers):
                self._dispatch(fn, args, pending, timeout)
                if meanwhile is not None:
                    meanwhile, then = None, meanwhile
                    then()
                yield from self._collect()
        finally:
            self.stop()

    def _dispatch(self, fn, args, pending: deque, timeout: float) -> None:
        for gone in [w for w in self.workers if not w.busy and not w.process.is_alive()]:
            gone.conn.close()  # died while idle (killed, OOM): it held no job
            self.workers.remove(gone)
        while pending and (
            (idle := next((w for w in self.workers if not w.busy), None))
            or len(self.workers) < self.size
        ):
            worker = idle or self._start()
            worker.item = pending.popleft()
            try:
                worker.conn.send((fn, (worker.item, *args)))
            except OSError:  # it died a moment ago: the job goes to another worker
                pending.appendleft(worker.item)
                worker.conn.close()
                self.workers.remove(worker)
                continue
            # a job's bound starts when its worker is ready; starting has a bound of its own
            worker.bound, worker.busy = timeout, True
            worker.deadline = time.monotonic() + (timeout if worker.ready else START_TIMEOUT)

    def _collect(self) -> Iterator[tuple[Any, Any, str | None]]:
        busy = [w for w in self.workers if w.busy]
        if not busy:
            return
        nearest = min(w.deadline for w in busy) - time.monotonic()
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], max(0.0, nearest))
        for worker in busy:
            if worker.conn in ready:
                try:
                    status, value = worker.conn.recv()
                except (EOFError, OSError):  # died while answering
                    yield self._lost(worker, self._death(worker))
                    continue
                if status == "ready":
                    worker.ready = True
                    worker.deadline = time.monotonic() + worker.bound
                    continue
                worker.busy = False
                yield (worker.item, value, None) if status == "ok" else (worker.item, None, value)
            elif worker.process.sentinel in ready:
                yield self._lost(worker, self._death(worker))
            elif time.monotonic() >= worker.deadline:
                self._halt(worker)
                yield self._lost(
                    worker,
                    f"länger als die Höchstdauer je Bericht ({worker.bound:g} s)"
                    if worker.ready
                    else f"Arbeitsprozess nicht innerhalb von {START_TIMEOUT:g} s gestartet",
                )

    def _death(self, worker: _Worker) -> str:
        worker.process.join(STOP_GRACE)
        code = worker.process.exitcode
        how = f"Signal {-code}" if code is not None and code < 0 else f"Code {code}"
        return f"Arbeitsprozess beendet ({how})"

    def _lost(self, worker: _Worker, reason: str) -> tuple[Any, None, str]:
        """The job of a worker that is gone fails; the worker is dropped (a new one comes)."""
        worker.conn.close()
        self.workers.remove(worker)
        return worker.item, None, reason

    def _halt(self, worker: _Worker) -> None:
        """SIGTERM (the worker unwinds and shuts its kernel down), SIGKILL if that takes too
        long."""
        worker.process.terminate()
        worker.process.join(STOP_GRACE)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(STOP_GRACE)

    def interrupt(self) -> None:
        """Stop every worker now (Ctrl-C, SIGTERM): each shuts its kernel down."""
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        self.stop()

    def stop(self) -> None:
        """Tell idle workers to exit, stop the rest; wait for all (bounded)."""
        for worker in self.workers:
            if not worker.process.is_alive():
                continue
            if not worker.busy and (worker.ready or worker.conn.poll()):
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
            else:  # busy, or still starting (it would finish its imports first)
                worker.process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(STOP_GRACE)
            worker.conn.close()
        self.workers.clear()
