"""The PDF browser a worker keeps for its batch: reused between PDFs, and gone when the
worker is killed (``kill -9``): nothing is left running, and the next browser removes the
profile the killed one left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from haefen_analysis.common.devtools import PROFILE_PREFIX, Browser
from haefen_analysis.errors import ExportError
from haefen_analysis.publish import pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORKER = """
from haefen_analysis.common.devtools import PROFILE_PREFIX, Browser
from haefen_analysis.errors import ExportError
from haefen_analysis.publish import pdf
chrome = pdf._printer(30)
print(chrome.process.pid, flush=True)
import time
time.sleep(600)
"""


def test_kept_browser_is_reused_and_replaced_when_dead(tmp_path):
    page = tmp_path / "bericht.html"
    page.write_text('<html lang="de"><title>T</title><h1>Bericht</h1><p>Text</p>', "utf-8")
    try:
        pdf.write_pdf(page, tmp_path / "a.pdf")
        first = pdf._browser.process.pid
        pdf.write_pdf(page, tmp_path / "b.pdf")
        assert pdf._browser.process.pid == first  # one browser for the batch
        os.kill(first, signal.SIGKILL)
        pdf._browser.process.wait(10)
        pdf.write_pdf(page, tmp_path / "c.pdf")  # a dead browser is replaced, not an error
        assert pdf._browser.process.pid != first
        assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    finally:
        pdf.discard()


def test_killed_worker_takes_its_browser_along():
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        pid = int(worker.stdout.readline())
        browser = psutil.Process(pid)
        helpers = browser.children(recursive=True)
        assert browser.is_running()
        worker.kill()
        worker.wait(10)
        end = time.monotonic() + 10
        alive = [p for p in [browser, *helpers] if p.is_running()]
        while alive and time.monotonic() < end:
            time.sleep(0.1)
            alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert alive == []
        tmp = Path(tempfile.gettempdir())
        left = list(tmp.glob(f"{PROFILE_PREFIX}~{worker.pid}~*"))
        assert left  # a killed worker cannot remove its browser's profile itself
        with Browser():  # the next browser started does
            assert not [p for p in left if p.exists()]
    finally:
        if worker.poll() is None:
            worker.kill()


def test_an_element_wider_than_the_page_fails_the_pdf_naming_it(tmp_path):
    page = tmp_path / "breit.html"
    body = '<p>Text</p><div class="breit" style="width:2000px">breit</div>'
    page.write_text(f'<html lang="de"><head>{pdf.print_script()}</head>{body}</html>', "utf-8")
    try:
        with pytest.raises(ExportError, match=r"PDF: breiter als die Seite .*div\.breit"):
            pdf.write_pdf(page, tmp_path / "breit.pdf")
    finally:
        pdf.discard()
    assert not (tmp_path / "breit.pdf").exists()
