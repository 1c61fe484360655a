"""Shared test helpers: a private copy of data/ so tests never touch the real folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from haefen_analysis import config


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
