"""Static and HTML export that works without network, and never waits without a bound.

A cold ``fig.write_image`` starts a new Chromium each call (2–2.5 s); one kaleido instance per
process brings later exports to ~0.2 s. kaleido's own shared server waits forever when its
browser is missing or dies (its thread ends, the caller waits on a queue), so this module
runs one ``kaleido.Kaleido`` on an event loop thread of its own and waits for the browser start
and for each figure with a bound. No browser at all fails at once with one German line
(``common.browser``); a browser that does not start or answer in time is killed, and the next
export starts a fresh one. Kaleido's page loads plotly.js from the installed plotly package;
MathJax (loaded from a CDN by default) is switched off.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import logging
import os
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from haefen_analysis.common import browser
from haefen_analysis.common.files import atomic_write
from haefen_analysis.common.processes import kill_group
from haefen_analysis.errors import ExportError

#: Seconds the browser may take to start (cold: 1–3 s) and one figure to render (< 1 s).
BROWSER_START_TIMEOUT = 30.0
EXPORT_TIMEOUT = 60.0
#: Seconds a closing browser gets before it is killed.
CLOSE_TIMEOUT = 10.0
#: choreographer's errors (English, several lines) as the German reason a user reads.
_CAUSES = {
    "BrowserFailedError": "der Browser beendet sich gleich nach dem Start",
    "BrowserClosedError": "der Browser hat sich beendet",
    "ChannelClosedError": "die Verbindung zum Browser ist abgebrochen",
}


class _Renderer:
    """One kaleido (one browser) on its own event loop; every wait on it is bounded."""

    def __init__(self, exe: str) -> None:
        self.exe = exe
        self.kaleido: Any = None
        self.running: concurrent.futures.Future[Any] | None = None  # the last wait's work
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="haefen-kaleido", daemon=True
        )
        # Failures reach the caller as ExportError; the loop's and choreographer's own English
        # reports of them (a cancelled start, the watchdog) would only add noise on stderr.
        self.loop.set_exception_handler(lambda loop, context: None)
        for name in ("choreographer", "kaleido", "browser_proc"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self.thread.start()
        try:
            self.wait(self._open(), BROWSER_START_TIMEOUT, "Browserstart")
        except BaseException:
            self.close(graceful=False)
            raise

    async def _open(self) -> None:
        import kaleido

        self.kaleido = kaleido.Kaleido(n=1, path=self.exe, mathjax=False, timeout=EXPORT_TIMEOUT)
        await self.kaleido.open()

    def wait(self, work: Coroutine[Any, Any, Any], timeout: float, what: str) -> Any:
        self.running = asyncio.run_coroutine_threadsafe(work, self.loop)
        try:
            return self.running.result(timeout)
        except concurrent.futures.TimeoutError:  # close() stops it, after finding the browser
            raise ExportError(
                f"{what}: keine Antwort des Browsers nach {timeout:g} s ({self.exe})"
            ) from None
        except Exception as exc:  # the browser crashed, refused or closed
            name = type(exc).__name__
            text = str(exc).strip().splitlines()
            reason = _CAUSES.get(name) or (f"{name}: {text[0]}" if text else name)
            raise ExportError(f"{what} fehlgeschlagen ({self.exe}): {reason}") from None

    def render(self, fig: dict, opts: dict[str, Any]) -> bytes:
        return self.wait(self.kaleido.calc_fig(fig, opts=opts), EXPORT_TIMEOUT + 5, "Export")

    def close(self, graceful: bool = True) -> None:
        """Close the browser (``graceful``: asked first, within ``CLOSE_TIMEOUT``), kill what is
        left of it (choreographer starts it in a process group of its own) and stop the loop."""
        if graceful and self.kaleido is not None:
            with contextlib.suppress(Exception):
                self.wait(self.kaleido.close(), CLOSE_TIMEOUT, "Schließen")
        # A start that timed out may still be inside Popen (a loaded machine): wait for the
        # process to exist before killing it, or it would be left behind.
        deadline = time.monotonic() + CLOSE_TIMEOUT
        while (
            getattr(self.kaleido, "subprocess", None) is None
            and self.running is not None
            and not self.running.done()
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        process = getattr(self.kaleido, "subprocess", None)
        if process is not None:
            kill_group(process.pid)
            with contextlib.suppress(Exception):
                process.wait(CLOSE_TIMEOUT)
        if self.running is not None:
            self.running.cancel()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(CLOSE_TIMEOUT)


_renderer: _Renderer | None = None
_lock = threading.Lock()


def start_server() -> None:
    """Start this process's browser for exports now (later calls do nothing); raises
    ``BrowserNotFoundError`` at once without a browser, ``ExportError`` if it does not start."""
    global _renderer
    with _lock:
        if _renderer is None:
            _renderer = _Renderer(browser.find())


def stop_server() -> None:
    """Close this process's export browser (also at exit)."""
    global _renderer
    with _lock:
        if _renderer is not None:
            _renderer.close()
            _renderer = None


def _discard() -> None:
    global _renderer
    with _lock:
        if _renderer is not None:
            _renderer.close(graceful=False)
            _renderer = None


atexit.register(stop_server)


def _size(fig: go.Figure, axis: str, given: int | None) -> int:
    """What plotly's own ``to_image`` would use: the argument, the layout, the template."""
    import plotly.io as pio

    layout = fig.layout
    return int(
        given
        or getattr(layout, axis)
        or getattr(layout.template.layout, axis)
        or getattr(pio.defaults, f"default_{axis}")
    )


def write_image(
    fig: go.Figure,
    path: str | os.PathLike[str],
    *,
    width: int | None = None,
    height: int | None = None,
    scale: float = 2.0,
) -> Path:
    """PNG, PDF or SVG by the file suffix, through this process's export browser."""
    path = Path(path)
    start_server()
    assert _renderer is not None
    opts = {
        "format": path.suffix.lstrip(".").lower(),
        "width": _size(fig, "width", width),
        "height": _size(fig, "height", height),
        "scale": scale,
    }
    try:
        image = _renderer.render(fig.to_dict(), opts)
    except ExportError:
        _discard()  # a browser that failed once is not trusted with the next figure
        raise
    return atomic_write(path, image)


def write_html(fig: go.Figure, path: str | os.PathLike[str]) -> Path:
    """A self-contained page: plotly.js inline (~4.7 MB), no CDN, no MathJax."""
    page = fig.to_html(
        include_plotlyjs=True,
        include_mathjax=False,
        full_html=True,
        config={"displaylogo": False, "responsive": True},
    )
    return atomic_write(Path(path), page)
