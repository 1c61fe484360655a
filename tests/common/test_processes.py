"""``exit_now``: a finished process ends without the interpreter's teardown, but nothing it
owes is lost (exit functions, buffered output, a thread still at work)."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROGRAM = """
import atexit, sys, threading, time
from haefen_analysis.common.processes import exit_now

atexit.register(lambda: print("aufgeräumt"))
print("ausgabe", end=" ")  # still in the buffer: stdout is a pipe
if sys.argv[1] == "faden":
    threading.Thread(target=lambda: (time.sleep(0.5), print("faden", end=" "))).start()
exit_now(int(sys.argv[2]))
"""


@pytest.mark.parametrize(
    ("mode", "code", "shown"),
    [
        ("allein", 3, "ausgabe aufgeräumt"),
        ("faden", 0, "ausgabe faden aufgeräumt"),  # the running thread finishes first
    ],
)
def test_exit_now_runs_exit_functions_flushes_and_waits_for_threads(mode, code, shown):
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode, str(code)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == code, done.stderr
    assert done.stdout.split() == shown.split()
