"""A headless Chromium driven over the DevTools protocol, with a bound on every wait.

The PDF export keeps one browser per worker for a whole batch (a cold start costs ~0.5 s and
the first page ~2 s; later pages ~1.5 s), and the portal tests drive the same browser. The
protocol runs over a pipe (``--remote-debugging-pipe``: the browser reads commands from fd 3
and writes answers to fd 4, each a JSON text ending in NUL), so no port is opened and nothing
beyond the standard library is needed. The browser runs in its own process group, gets
SIGKILL when the process that started it dies (``PR_SET_PDEATHSIG``), and :meth:`Browser.close`
kills the whole group: a timeout, a crash or a ``kill -9`` of the worker leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from haefen_analysis.common import browser
from haefen_analysis.common.files import remove_stale
from haefen_analysis.common.processes import die_with_parent, kill_group
from haefen_analysis.errors import ExportError

#: Chromium flags of every headless run (also one-shot ``--dump-dom`` or ``--screenshot``): no
#: sandbox (root in containers), no network chatter, no first-run pages.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
)
#: A proxy that answers nothing: pages opened with ``offline=True`` can fetch nothing.
OFFLINE_FLAGS = ("--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")
#: Name of the browser profiles in the temporary folder (``.haefen-chromium~PID~…``).
PROFILE_PREFIX = ".haefen-chromium"
#: Seconds the browser may take to answer its first command, and one command by default.
START_TIMEOUT = 30.0
CALL_TIMEOUT = 60.0


class Browser:
    """One browser process; ``call`` sends a command and waits (bounded) for its answer."""

    def __init__(
        self, offline: bool = False, extra: Sequence[str] = (), start_timeout: float = START_TIMEOUT
    ) -> None:
        self.exe = browser.find()
        # the profile is tagged with this process's id: a process killed with its browser
        # leaves it behind, and the next browser started on this machine removes it
        tmp = Path(tempfile.gettempdir())
        remove_stale(tmp, f"{PROFILE_PREFIX}~*")
        self._profile = tempfile.TemporaryDirectory(
            prefix=f"{PROFILE_PREFIX}~{os.getpid()}~", dir=tmp
        )
        read_cmd, self._cmd = os.pipe()  # we write commands, the browser reads fd 3
        self._answers, write_answers = os.pipe()  # the browser writes fd 4
        flags = [*CHROMIUM_FLAGS, "--remote-debugging-pipe"]
        flags += [*(OFFLINE_FLAGS if offline else ()), *extra]

        def child() -> None:  # between fork and exec: the two pipe ends to fd 3 and 4
            die_with_parent(signal.SIGKILL)
            inbound, outbound = os.dup(read_cmd), os.dup(write_answers)
            os.dup2(inbound, 3)
            os.dup2(outbound, 4)

        cmd = [self.exe, *flags, f"--user-data-dir={self._profile.name}", "about:blank"]
        self.process = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=False,
            preexec_fn=child,
        )
        os.close(read_cmd)
        os.close(write_answers)
        self._buffer = b""
        self._next = 0
        try:
            self.call("Browser.getVersion", timeout=start_timeout)
        except BaseException:
            self.close()
            raise

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = CALL_TIMEOUT,
    ) -> dict[str, Any]:
        """Send ``method`` and return its result; ``ExportError`` on an error answer, on
        timeout (the browser is then killed) or when the browser is gone."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        try:
            os.write(self._cmd, json.dumps(message).encode() + b"\0")
        except OSError:
            self.close()
            raise ExportError(f"{method}: der Browser hat sich beendet ({self.exe})") from None
        answer = self._answer(self._next, method, time.monotonic() + timeout, timeout)
        if "error" in answer:
            error = answer["error"].get("message", answer["error"])
            raise ExportError(f"{method}: der Browser meldet {error}")
        return answer.get("result", {})

    def _answer(self, wanted: int, method: str, deadline: float, timeout: float) -> dict:
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if message.get("id") == wanted:
                    return message
            left = deadline - time.monotonic()
            ready = select.select([self._answers], [], [], max(0.0, left))[0] if left > 0 else []
            if not ready:
                self.close()
                raise ExportError(
                    f"{method}: keine Antwort des Browsers nach {timeout:g} s ({self.exe})"
                )
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                self.close()
                raise ExportError(f"{method}: der Browser hat sich beendet ({self.exe})")
            self._buffer += chunk

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def open_page(self, timeout: float = CALL_TIMEOUT) -> str:
        """A new blank tab; returns its session id (flat mode: commands name the session)."""
        target = self.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)
        attached = self.call(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            timeout=timeout,
        )
        return attached["sessionId"]

    def close_page(self, session: str) -> None:
        with contextlib.suppress(ExportError):
            target = self.call("Target.getTargetInfo", session=session, timeout=5)
            self.call("Target.closeTarget", {"targetId": target["targetInfo"]["targetId"]})

    def navigate(self, session: str, url: str, timeout: float = CALL_TIMEOUT) -> None:
        """Open ``url`` in the tab and wait until its ``load`` event has fired."""
        self.call("Page.navigate", {"url": url}, session, timeout)
        self.evaluate(
            session,
            "new Promise(done => document.readyState === 'complete' ? done(true)"
            " : addEventListener('load', () => done(true)))",
            timeout,
        )

    def evaluate(self, session: str, expression: str, timeout: float = CALL_TIMEOUT) -> Any:
        """The value of a JavaScript expression in the tab (promises awaited)."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session,
            timeout,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise ExportError(f"JavaScript im Browser: {str(text).splitlines()[0]}")
        return result.get("result", {}).get("value")

    def close(self) -> None:
        """Kill the browser and its helpers (its process group); remove its profile."""
        kill_group(self.process.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)
        for fd in (self._cmd, self._answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._cmd = self._answers = -1
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def file_url(path: Path, query: str = "") -> str:
    """``file://`` address of ``path`` with an optional query (``?q=Lü``)."""
    return path.resolve().as_uri() + (f"?{query}" if query else "")
