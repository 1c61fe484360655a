"""Checks on the frames a function is given: the columns it needs are there."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def require_columns(
    frame: pd.DataFrame, columns: Iterable[str], what: str, error: type[Exception] = ValueError
) -> None:
    """Raise ``error`` naming ``what`` and the columns it lacks (and those it has)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        has = ", ".join(map(str, frame.columns)) or "keine"
        raise error(f"{what}: Spalte(n) fehlen: {', '.join(missing)} (vorhanden: {has})")
