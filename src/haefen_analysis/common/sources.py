"""The ``source`` cells: several sources in one cell, separated by " ; "."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: Several sources in one ``source`` cell are separated by this.
SOURCE_SEPARATOR = " ; "


def split_sources(text: object) -> list[str]:
    """The single sources of a ``source`` cell."""
    return [p.strip() for p in str(text).split(SOURCE_SEPARATOR) if p.strip()]


def distinct_sources(cells: Iterable[object]) -> list[str]:
    """Every single source of these cells once, in order of appearance (empty cells skipped)."""
    found: dict[str, None] = {}
    for cell in cells:
        if cell is None or pd.isna(cell):
            continue
        found.update(dict.fromkeys(split_sources(cell)))
    return list(found)


def short_source(text: object) -> str:
    """The first source and how many more ("… (+2 weitere)"), for hover texts and tables."""
    parts = split_sources(text)
    more = f" (+{len(parts) - 1} weitere)" if len(parts) > 1 else ""
    return parts[0] + more if parts else ""
