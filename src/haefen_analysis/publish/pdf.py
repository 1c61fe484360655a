"""PDF of a report: the self-contained HTML printed by headless Chromium (keeps the figures)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from haefen_analysis.common.files import atomic_write
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


def chromium() -> str:
    """The Chromium executable for PDFs (``$BROWSER_PATH`` overrides, as for kaleido)."""
    for name in (os.environ.get("BROWSER_PATH"), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    raise ExportError(
        "PDF braucht Chromium, das nicht gefunden wurde: "
        "`apt-get install chromium` (oder BROWSER_PATH setzen)"
    )


def write_pdf(html_path: Path, pdf_path: Path, timeout: float = 120) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium (keeps plotly figures)."""
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="haefen-chromium-") as folder:
        printed = Path(folder) / "print.pdf"  # Chromium writes it; the package writes the target
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={Path(folder) / 'profile'}"]
        cmd += [f"--print-to-pdf={printed}", html_path.resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not printed.exists() or printed.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["keine Ausgabe"]
            raise ExportError(f"Chromium-PDF fehlgeschlagen ({done.returncode}): {tail[0]}")
        return atomic_write(pdf_path, printed.read_bytes())
