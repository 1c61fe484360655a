"""Where things live: the one place for paths, so notebooks and scripts never hard-code them.

The data folder holds its stages side by side (see ``data/README.md``)::

    data/*.csv, datapackage.json   curated tables and their catalogue (committed)
    data/geo/                      geodata built by scripts/build_geodata.py (committed)
    data/research/                 research findings waiting to be merged (committed)
    data/raw/                      files analysts received, never modified (not committed)
    data/user/, user/quarantine/   analysts' validated rows, rejected rows (not committed)
    data/cache/                    parsed files, keyed by content; safe to delete (not committed)

An analyst points the package at their own copy of ``data/`` with the ``HAEFEN_DATA_DIR``
environment variable or the ``data_dir`` argument of every loader.
"""

from __future__ import annotations

import os
from pathlib import Path

from haefen_analysis.errors import DataDirError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parents[1]
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"

DATA_DIR_ENV = "HAEFEN_DATA_DIR"
REPORTS_DIR_ENV = "HAEFEN_REPORTS_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The curated data folder: argument, else ``$HAEFEN_DATA_DIR``, else the project's data/.

    A folder that does not exist is ``DataDirError`` naming where the path came from (a typo
    in the variable must not look like missing tables, nor create folders elsewhere).
    """
    env = os.environ.get(DATA_DIR_ENV)
    if override is None and not env:
        return PROJECT_DIR / "data"
    path = Path(override if override is not None else env)  # type: ignore[arg-type]
    if not path.is_dir():
        named = f"--data-dir {path}" if override is not None else f"{DATA_DIR_ENV}={path}"
        what = "ist eine Datei, kein Ordner" if path.exists() else "Ordner nicht gefunden"
        raise DataDirError(f"{named}: {what} (Pfad prüfen oder weglassen)")
    return path


def geo_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Committed geodata built by ``scripts/build_geodata.py``."""
    return data_dir(override) / "geo"


def research_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Research findings as found (new members, facts for known ones), each with its source,
    until ``haefen data merge-research`` merges them into the curated tables."""
    return data_dir(override) / "research"


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Parsed files (GENESIS downloads, member locations), keyed by the content they come
    from; safe to delete."""
    return data_dir(override) / "cache"


def user_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Analysts' own validated rows (``haefen validate``), merged into the loaders' tables."""
    return data_dir(override) / "user"


def quarantine_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Rows ``haefen validate`` rejected, with the reason, for the analyst to fix."""
    return user_dir(override) / "quarantine"


def reports_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Generated reports: argument, else ``$HAEFEN_REPORTS_DIR``, else the project's reports/."""
    if override is not None:
        return Path(override)
    env = os.environ.get(REPORTS_DIR_ENV)
    return Path(env) if env else PROJECT_DIR / "reports"
