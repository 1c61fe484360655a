"""Child processes that end with their parent and waits that end: a ``kill -9`` of a ``haefen``
run leaves no worker or browser behind, and no child can hold a run forever.

Linux delivers a chosen signal to a process when its parent dies, if the process asked for
it (``prctl(PR_SET_PDEATHSIG)``); elsewhere :func:`die_with_parent` does nothing and a killed
run may leave children (Jupyter kernels still exit, they poll their parent).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(sig: int = signal.SIGTERM, parent: int | None = None) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies; exit at once if
    ``parent`` (the pid that started it) is already gone (the signal would never come)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) fehlgeschlagen")
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _child_setup() -> None:
    die_with_parent(signal.SIGKILL)


def run_bounded(cmd: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` (its own process group, killed with its parent) for at most ``timeout``
    seconds; on timeout the whole group is killed and ``subprocess.TimeoutExpired`` raised."""
    proc = subprocess.Popen(
        list(cmd),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_child_setup,  # only prctl: safe between fork and exec
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        proc.communicate()
        raise
    finally:
        kill_group(proc.pid)  # helpers the browser left (renderer, GPU process)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def kill_group(pid: int) -> None:
    """SIGKILL to the process group ``pid`` leads (nothing if it is gone)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def exit_now(code: int = 0) -> NoReturn:
    """End this process as ``sys.exit(code)`` would, but without the interpreter's teardown.

    With pandas, plotly and the tables loaded, Python's finalisation frees every module's
    objects one by one: 0.2–0.3 s of a command or worker that is done, and that nobody waits
    for usefully. The exit functions still run (temporary browser profiles removed, the image
    server stopped, multiprocessing's children joined) and the standard streams are flushed.
    With another non-daemon thread still running, its work must not be cut off: then a
    normal exit (which waits for it). Daemon threads end with the process either way.
    """
    main = threading.main_thread()
    if any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
