"""PDF of a report: the self-contained HTML printed by headless Chromium (keeps the figures).

The browser is the one every export uses (``common.browser.find``); the print runs in its own
process group with a time bound and dies with the worker that started it.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from haefen_analysis.common import browser
from haefen_analysis.common.files import atomic_write
from haefen_analysis.common.processes import run_bounded
from haefen_analysis.errors import ExportError

#: Chromium flags: no sandbox (root in containers), no network chatter, a throw-away profile.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-pdf-header-footer",
)
#: Seconds one PDF may take (a report prints in about 2 s).
PDF_TIMEOUT = 120.0


def write_pdf(
    html_path: Path, pdf_path: Path, timeout: float = PDF_TIMEOUT, work: Path | None = None
) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium (keeps plotly figures).

    The browser profile lives in a temporary folder under ``work`` (the run's own folder, which
    the next run cleans up if this one is killed), else in the system's temporary folder.
    """
    exe = browser.find()
    with tempfile.TemporaryDirectory(prefix="haefen-chromium-", dir=work) as folder:
        printed = Path(folder) / "print.pdf"  # Chromium writes it; the package writes the target
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={Path(folder) / 'profile'}"]
        cmd += [f"--print-to-pdf={printed}", html_path.resolve().as_uri()]
        try:
            done = run_bounded(cmd, timeout)
        except subprocess.TimeoutExpired:
            raise ExportError(f"Chromium-PDF: keine Antwort nach {timeout:g} s ({exe})") from None
        if done.returncode != 0 or not printed.exists() or printed.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["keine Ausgabe"]
            raise ExportError(f"Chromium-PDF fehlgeschlagen ({done.returncode}): {tail[0]}")
        return atomic_write(pdf_path, printed.read_bytes())
