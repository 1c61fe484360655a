"""Validated tables kept between processes, under ``config.cache_dir()/tables``.

Every process that reads the data (the ``haefen`` command, each report worker, a notebook's
kernel) used to parse and validate the same tables again: about a second before the first
report could start. A table's typed frame is stored once it has passed the validator, keyed
by what it was built from (the files' bytes, the table's schema, the keys of the tables its
foreign keys point to, the package's code): a changed file, schema or validator misses the
cache and goes through the validator again. Nothing here is ever a substitute for validation:
only a frame that passed it is stored. A cache that cannot be written (a read-only data
folder) or read (a broken file) costs time, never a result.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from haefen_analysis import config
from haefen_analysis.common.digests import digest, file_hash, package_hash
from haefen_analysis.common.files import atomic_write

#: Raised into the key when the stored format changes.
FORMAT = 1


def folder(data_dir: Path | None) -> Path:
    return config.cache_dir(data_dir) / "tables"


def key(resource: object, paths: list[Path], references: list[str]) -> str:
    """The content key of a typed table (``references``: the keys of the referenced tables)."""
    files = [file_hash(p) for p in paths]
    return digest(FORMAT, package_hash(), asdict(resource), files, references)  # type: ignore[call-overload]


def typed(
    name: str, table_key: str, data_dir: Path | None, build: Callable[[], pd.DataFrame]
) -> pd.DataFrame:
    """The stored frame of ``table_key``, else ``build()`` (which validates), then stored."""
    return frame(name, table_key, data_dir, build)


def frame(
    name: str, frame_key: str, data_dir: Path | None, build: Callable[[], pd.DataFrame]
) -> pd.DataFrame:
    """A frame derived from the data (``build()``), kept under ``frame_key``."""
    return _kept(folder(data_dir) / f"{name}-{frame_key[:32]}.pickle", build)


def cells(path: Path, data_dir: Path | None) -> pd.DataFrame:
    """A CSV file's cells as text (``common.tables.read_csv``), stored by the file's bytes:
    what the report keys (``publish.inputs``) hash row by row in every run."""
    from haefen_analysis.common.tables import read_csv

    cells_key = digest(FORMAT, package_hash(), file_hash(path))
    return _kept(
        folder(data_dir) / f"cells-{path.stem}-{cells_key[:32]}.pickle", lambda: read_csv(path)[0]
    )


def data_key(data_dir: Path | None) -> str:
    """The key of everything the loaders can read (every table file, the analyst's rows, the
    catalogue) and of the package: for products of the whole data (the registry workbook,
    the key numbers), where any change may matter."""
    base = config.data_dir(data_dir)
    files = sorted(
        p
        for pattern in ("*.csv", "*.json", "user/*.csv")
        for p in base.glob(pattern)
        if p.is_file()
    )
    return digest(
        FORMAT, package_hash(), [(p.relative_to(base).as_posix(), file_hash(p)) for p in files]
    )


def product(
    name: str, product_key: str, data_dir: Path | None, build: Callable[[], bytes]
) -> bytes:
    """A file built from the data (``build()``), kept under ``product_key``."""
    path = folder(data_dir) / f"{name}-{product_key[:32]}"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError:
        pass
    return data


def _kept(path: Path, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    try:
        with path.open("rb") as handle:
            found = pickle.load(handle)
        if isinstance(found, pd.DataFrame):
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        pass  # not there, or not readable: built again
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:  # a read-only data folder: the next process builds again
        pass
    return built
