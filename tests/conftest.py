"""Shared test helpers: a private copy of data/ so tests never touch the real folders, and the
browser: tests marked ``browser`` need one; a machine without one (``make test`` could not
install it) skips them with the reason, unless ``HAEFEN_REQUIRE_BROWSER`` is set (CI), where
they fail instead. Tests marked ``libreoffice`` (a deck rendered to PDF) follow the same rule
for ``soffice``."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from haefen_analysis import config
from haefen_analysis.common import browser
from haefen_analysis.errors import BrowserNotFoundError

# No timed tests: hypothesis's per-example deadline (200 ms) fails on a loaded machine, where one
# example can take 400 ms; speed is measured in benchmarks/.
settings.register_profile("haefen", deadline=None)
settings.load_profile("haefen")

# pytest-xdist gives its workers a terminal's COLUMNS=80 and LINES=24; the CLI's consoles (made
# at import, see cli.common) would then wrap at 80. Tests see the CLI as a cron log does.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the curated tables (geo linked) in tmp_path, set as $HAEFEN_DATA_DIR."""
    target = tmp_path / "data"
    target.mkdir()
    src = config.PROJECT_DIR / "data"
    for f in list(src.glob("*.csv")) + [src / "datapackage.json", src / "README.md"]:
        shutil.copy(f, target / f.name)
    (target / "geo").symlink_to(src / "geo", target_is_directory=True)
    monkeypatch.setenv(config.DATA_DIR_ENV, str(target))
    return target


@pytest.fixture
def no_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """This machine as one without a browser, for this process and the ones it starts:
    ``BROWSER_PATH`` points nowhere (choreographer then looks no further), no Chrome that
    kaleido downloaded (``XDG_DATA_HOME`` empty), ``PATH`` holds only the venv. Returns the
    environment for subprocesses."""
    monkeypatch.setenv(browser.BROWSER_PATH_ENV, str(tmp_path / "kein-browser"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    return dict(os.environ)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("HAEFEN_REQUIRE_BROWSER"):
        return
    if not shutil.which("soffice"):
        skip = pytest.mark.skip(reason="kein LibreOffice (soffice) auf diesem Rechner")
        for item in items:
            if "libreoffice" in item.keywords:
                item.add_marker(skip)
    if not any("browser" in i.keywords for i in items):
        return
    try:
        browser.find()
    except BrowserNotFoundError as exc:
        skip = pytest.mark.skip(reason=f"kein Browser auf diesem Rechner: {exc}")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)
