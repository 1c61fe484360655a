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
from typing import TypeVar

import pandas as pd

from haefen_analysis import config
from haefen_analysis.catalogue.schema import Resource
from haefen_analysis.common.digests import digest, file_hash, package_hash
from haefen_analysis.common.files import atomic_write

#: Raised into the key when the stored format changes.
FORMAT = 1

T = TypeVar("T")


def folder(data_dir: Path | None) -> Path:
    return config.cache_dir(data_dir) / "tables"


def key(resource: Resource, paths: list[Path], references: list[str]) -> str:
    """The content key of a typed table (``references``: the keys of the referenced tables)."""
    files = [file_hash(p) for p in paths]
    return digest(FORMAT, package_hash(), asdict(resource), files, references)


def frame(
    name: str, frame_key: str, data_dir: Path | None, build: Callable[[], pd.DataFrame]
) -> pd.DataFrame:
    """The frame kept under ``frame_key``, else ``build()`` (for a table: the validator),
    then kept."""
    path = folder(data_dir) / f"{name}-{frame_key[:32]}.pickle"
    return _kept(path, build, _pickled, lambda f: pickle.dumps(f, pickle.HIGHEST_PROTOCOL))


def cells(path: Path, data_dir: Path | None) -> pd.DataFrame:
    """A CSV file's cells as text (``common.tables.read_csv``), stored by the file's bytes:
    what the report keys (``publish.inputs``) hash row by row in every run."""
    from haefen_analysis.common.tables import read_csv

    cells_key = digest(FORMAT, package_hash(), file_hash(path))
    return frame(f"cells-{path.stem}", cells_key, data_dir, lambda: read_csv(path)[0])


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
    return _kept(path, build, lambda data: data, lambda data: data)


def _pickled(data: bytes) -> pd.DataFrame:
    found = pickle.loads(data)
    if not isinstance(found, pd.DataFrame):
        raise ValueError("kein DataFrame")
    return found


def _kept(
    path: Path,
    build: Callable[[], T],
    decode: Callable[[bytes], T],
    encode: Callable[[T], bytes],
) -> T:
    """What ``path`` holds, else ``build()``, then written there (atomically)."""
    try:
        return decode(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        pass  # not there, or not readable: built again
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, encode(built))
    except OSError:  # a read-only data folder: the next process builds again
        pass
    return built
