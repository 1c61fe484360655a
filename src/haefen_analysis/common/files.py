"""Writing files: one atomic write for every output (reports, caches, merged rows, decks).

Readers (a web server, the next report run, an analyst's Excel) see the old file or the new
one, never a part: the bytes go to a temporary file in the same folder, are flushed to disk
(fsync) and then renamed over the target; a failure removes the temporary file. Files get
mode 0644 (mkstemp's 0600 would hide reports from a web server).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd


def _stage(path: Path, data: str | bytes) -> str:
    """Write ``data`` to a flushed temporary file beside ``path``; return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def atomic_write(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    The temporary file lives in the same folder (``os.replace`` is atomic only within one file
    system) and is removed when anything fails.
    """
    return atomic_write_all({path: data})[0]


def atomic_write_all(files: Mapping[Path, str | bytes]) -> list[Path]:
    """Write several files all or nothing: every temporary file is written and flushed first,
    then all are renamed; a failure before the renames leaves every target as it was."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    return [path for _, path in staged]


def csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV text: no index, "\\n" line ends (the form of every CSV written)."""
    return frame.to_csv(index=False, lineterminator="\n")


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A table as UTF-8 CSV (``csv_text``), written atomically."""
    return atomic_write(path, csv_text(frame))


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """A table as parquet (no index, ``attrs`` kept), written atomically."""
    return atomic_write(path, frame.to_parquet(index=False))
