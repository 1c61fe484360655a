"""Validation against the catalogue: every problem at once, each naming file, row, column,
value and rule; typed columns out.

The same checks serve the curated tables (where any problem is a bug and raises) and analysts'
own files (where failing rows go to quarantine and the rest is merged). Rows are numbered as
a spreadsheet shows them: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd

from haefen_analysis.catalogue.schema import Field, Resource
from haefen_analysis.common.dates import ISO_PARTIAL, PRECISION_BY_LENGTH

PRECISION_DTYPE = pd.CategoricalDtype(["day", "month", "year"])


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # spreadsheet row (header = 1); None for problems of the whole file
    column: str | None
    value: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.row is not None:
            where += f", Zeile {self.row}"
        if self.column:
            where += f", Spalte {self.column!r}"
        value = f", Wert {self.value!r}" if self.value is not None else ""
        return f"{where}{value}: {self.message} [Regel: {self.rule}]"


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table (for summaries and quarantine files)."""
    cols = ["file", "row", "column", "value", "rule", "message"]
    return pd.DataFrame([asdict(p) for p in problems], columns=cols)


class _Collector:
    def __init__(self, file: str, raw: pd.DataFrame):
        self.file, self.raw, self.items = file, raw, []

    def rows(self, mask: pd.Series, f: Field, rule: str, message: str) -> None:
        for idx in mask[mask].index:
            value = self.raw.at[idx, f.name]
            self.items.append(Problem(self.file, int(idx) + 2, f.name, value, rule, message))


def _partial_dates(col: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(start-of-period dates, precision, invalid mask) for ISO partial dates."""
    present = col != ""
    well_formed = col.str.fullmatch(ISO_PARTIAL.pattern)
    padded = col.where(col.str.len() != 4, col + "-01-01")
    padded = padded.where(padded.str.len() != 7, padded + "-01")
    dates = pd.to_datetime(padded.where(present & well_formed), format="%Y-%m-%d", errors="coerce")
    invalid = present & dates.isna()
    precision = col.str.len().map(PRECISION_BY_LENGTH).where(present & ~invalid)
    return dates.astype("datetime64[s]"), precision.astype(PRECISION_DTYPE), invalid


def _type_column(f: Field, col: pd.Series, out: dict, c: _Collector, today: date) -> pd.Series:
    """Converted column (also written into ``out``) and type problems; returns numeric view."""
    present = col != ""
    if f.type == "string":
        if f.enum:  # values outside the enum are reported below and left empty here
            out[f.name] = pd.Categorical(col.where(present & col.isin(f.enum)), list(f.enum))
        else:
            out[f.name] = col.where(present).astype("string")
        return col
    if f.type in ("integer", "number"):
        num = pd.to_numeric(col.where(present), errors="coerce")
        bad = present & num.isna()
        c.rows(bad, f, "type", "keine ganze Zahl" if f.type == "integer" else "keine Zahl")
        if f.type == "integer":
            frac = present & ~bad & (num % 1 != 0)
            c.rows(frac, f, "type", "keine ganze Zahl")
            num = num.where(~frac)
            out[f.name] = num.round().astype("Int64")
        else:
            out[f.name] = num.astype("Float64")
        return num
    dates, precision, invalid = _partial_dates(col)
    c.rows(invalid, f, "type", "kein Datum der Form JJJJ, JJJJ-MM oder JJJJ-MM-TT")
    if f.not_future:
        c.rows(
            dates > pd.Timestamp(today),
            f,
            "not_future",
            f"Datum liegt in der Zukunft (nach {today})",
        )
    out[f.name] = dates
    out[f"{f.name}_precision"] = precision
    return col


def check_table(
    raw: pd.DataFrame,
    res: Resource,
    file: str,
    *,
    today: date | None = None,
    references: dict[str, set[str]] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed table and every problem found in ``raw`` (all cells as strings, "" = empty).

    ``references`` maps "resource.field" to the set of allowed values for foreign keys
    (e.g. {"members.member_id": {...}}); keys not given are not checked.
    """
    today = today or date.today()
    c = _Collector(file, raw)
    missing = [f.name for f in res.fields if f.name not in raw.columns]
    extra = [col for col in raw.columns if col not in res.columns]
    if missing:
        c.items.append(
            Problem(
                file,
                None,
                ", ".join(missing),
                None,
                "missing_column",
                f"Spalte(n) fehlen; Tabelle {res.name!r} braucht: {', '.join(res.columns)}",
            )
        )
    if extra:
        c.items.append(
            Problem(
                file,
                None,
                ", ".join(extra),
                None,
                "unknown_column",
                f"Spalte(n) nicht in Tabelle {res.name!r} (erlaubt: {', '.join(res.columns)})",
            )
        )
    if missing or extra:
        return pd.DataFrame(), c.items
    out: dict[str, object] = {}
    for f in res.fields:
        col = raw[f.name].fillna("").astype(str).str.strip()
        present = col != ""
        if f.required:
            c.rows(~present, f, "required", "Wert fehlt")
        num = _type_column(f, col, out, c, today)
        if f.enum:
            c.rows(present & ~col.isin(f.enum), f, "enum", f"erlaubt: {', '.join(f.enum)}")
        if f.pattern:
            c.rows(present & ~col.str.fullmatch(f.pattern), f, "pattern", f"Muster: {f.pattern}")
        if f.minimum is not None:
            c.rows(present & (num < f.minimum), f, "minimum", f"muss ≥ {f.minimum:g} sein")
        if f.maximum is not None:
            c.rows(present & (num > f.maximum), f, "maximum", f"muss ≤ {f.maximum:g} sein")
        if f.unique:
            dup = present & col.duplicated(keep="first")
            c.rows(dup, f, "unique", "doppelter Wert (eine frühere Zeile hat ihn)")
    if res.primary_key and not any(res.field(k).unique for k in res.primary_key):
        key = raw[list(res.primary_key)].fillna("").astype(str)
        dup = key.duplicated(keep="first")
        c.rows(
            dup,
            res.field(res.primary_key[0]),
            "primary_key",
            f"doppelter Schlüssel ({', '.join(res.primary_key)}): eine frühere Zeile hat denselben",
        )
    for fk in res.foreign_keys:
        allowed = (references or {}).get(f"{fk.resource}.{fk.reference_fields[0]}")
        if allowed is None:
            continue
        col = raw[fk.fields[0]].fillna("").astype(str).str.strip()
        c.rows(
            (col != "") & ~col.isin(allowed),
            res.field(fk.fields[0]),
            "foreign_key",
            f"nicht in Tabelle {fk.resource!r} ({fk.reference_fields[0]})",
        )
    typed = pd.DataFrame(out, index=raw.index)
    return typed, sorted(c.items, key=lambda p: (p.row or 0, p.column or ""))


def failing_rows(problems: list[Problem]) -> np.ndarray:
    """Spreadsheet row numbers that have at least one problem."""
    return np.array(sorted({p.row for p in problems if p.row is not None}), dtype=int)
