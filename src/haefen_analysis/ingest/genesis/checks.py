"""What both formats share: the missing-value markers, German numbers, totals, and the rules
checked on every tidy frame (negative counts of persons, duplicate cells)."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pandas as pd

from haefen_analysis.errors import GenesisFormatError

#: GENESIS "Zeichenerklärung": "-" nichts vorhanden (genau null), "." unbekannt oder geheim,
#: "..." fällt später an, "/" nicht sicher genug, "x" Aussage nicht sinnvoll.
MISSING_MARKERS = ("-", ".", "...", "/", "x")
TOTAL_LABEL = "Insgesamt"
#: GENESIS code of Germany in the Land variable DLAND.
GERMANY_CODE = "DG"
#: Region variables whose codes must keep their leading zeros (width of the AGS).
REGION_WIDTHS = {"DLAND": 2, "REGBEZ": 3, "KREISE": 5, "GEMEIN": 8}

FORMAT_TABLE = "genesis_table_csv"
FORMAT_FLAT = "ffcsv"
FORMAT_LABELS = {
    FORMAT_TABLE: "GENESIS-Tabelle (CSV-Download)",
    FORMAT_FLAT: "Flatfile (ffcsv, GENESIS-Online oder Regionalstatistik)",
}
#: A date as GENESIS writes it ("31.12.2023").
DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")

_NUMBER = r"[-+]?\d+(?:,\d+)?"
_NUMBER_THOUSANDS = r"[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"
#: Measures that may legitimately be negative although counted in persons.
_SIGNED_MEASURE = re.compile(r"saldo|veränderung|differenz|überschuss|zu- und abnahme", re.I)
_COUNT_UNITS = {"anzahl", "personen", "anz."}


def _parse_values(
    raw: pd.Series, lines: pd.Series, path: str | os.PathLike[str], column: str
) -> tuple[pd.Series, pd.Series, int]:
    """German numbers to float; missing markers to NaN with the marker kept.

    Returns values, markers and how many values carried thousands separators ("1.234" is read
    as 1234: GENESIS writes decimals with a comma). Anything else raises, naming the line.
    """
    s = raw.astype("str").str.strip()
    is_marker = s.isin(MISSING_MARKERS)
    plain = s.str.fullmatch(_NUMBER)
    thousands = s.str.fullmatch(_NUMBER_THOUSANDS)
    bad = ~(is_marker | plain | thousands)
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        raise GenesisFormatError(
            path,
            int(lines.iloc[i]),
            f"Spalte {column!r}: Wert {raw.iloc[i]!r} ist weder eine Zahl im deutschen Format "
            f"(z. B. 1234 oder 1.234,5) noch ein Fehlwert-Zeichen ({' '.join(MISSING_MARKERS)})",
        )
    numbers = s.where(~is_marker).str.replace(".", "", regex=False).str.replace(",", ".")
    values = pd.to_numeric(numbers).astype("float64")
    markers = s.where(is_marker)
    return values, markers, int(thousands.sum())


def finish(
    df: pd.DataFrame, path: str | os.PathLike[str], allow_negative: bool | None
) -> pd.DataFrame:
    """Numbers, totals, negatives and duplicates: the same rules for both formats."""
    attrs = dict(df.attrs)
    values, markers, n_thousands = _parse_values(df["raw_value"], df["source_line"], path, "value")
    total_columns = [c for c in df.columns if c.endswith("_total")]
    df = df.drop(columns="raw_value")
    position = df.columns.get_loc("unit")
    df.insert(position, "value", values)
    df.insert(position + 1, "missing_marker", markers.astype("str"))
    df.insert(len(df.columns) - 1, "is_total", df[total_columns].any(axis=1))
    for column in df.columns:
        if df[column].dtype == object:
            df[column] = df[column].astype("str")
    corrections = list(attrs.get("corrections", []))
    if n_thousands:
        corrections.append(f"{n_thousands} Werte mit Tausenderpunkt gelesen (1.234 = 1234)")
    _check_negative(df, path, allow_negative)
    df, dropped = _drop_duplicates(df, path)
    if dropped:
        corrections.append(f"{len(dropped)} doppelte Zeilen entfernt (Zeilen {_ranges(dropped)})")
        warnings.warn(f"{Path(path).name}: {corrections[-1]}", stacklevel=3)
    df.attrs = attrs | {
        "format_label": FORMAT_LABELS[attrs["format"]],
        "corrections": corrections,
        "dropped_duplicate_lines": dropped,
    }
    return df


def _check_negative(df: pd.DataFrame, path: str | os.PathLike[str], allow: bool | None) -> None:
    """Persons cannot be negative; balances can. Say which line breaks the rule."""
    if allow:
        return
    negative = df["value"].lt(0)
    if not negative.any():
        return
    i = int(negative.to_numpy().argmax())
    unit = str(df["unit"].iloc[i]) if pd.notna(df["unit"].iloc[i]) else ""
    measure = str(df["measure_label"].iloc[i]) if pd.notna(df["measure_label"].iloc[i]) else ""
    if allow is None and (unit.casefold() not in _COUNT_UNITS or _SIGNED_MEASURE.search(measure)):
        return
    raise GenesisFormatError(
        path,
        int(df["source_line"].iloc[i]),
        f"negativer Wert {df['value'].iloc[i]:g} für {measure or 'Wert'!r} (Einheit {unit!r}): "
        "Personenzahlen können nicht negativ sein (allow_negative=True erlaubt es)",
    )


def _drop_duplicates(
    df: pd.DataFrame, path: str | os.PathLike[str]
) -> tuple[pd.DataFrame, list[int]]:
    """Exact repeats are dropped (and reported); the same cell with two values is an error."""
    key = ["time"] + [
        c for c in df.columns if c.endswith(("_code", "_label")) and not c.startswith("statistic")
    ]
    repeated = df.duplicated(key, keep=False)
    if not repeated.any():
        return df, []
    content = ["value", "missing_marker", "quality"]
    conflict = (
        df[repeated].groupby(key, dropna=False)[content].nunique(dropna=False).gt(1).any(axis=1)
    )
    if conflict.any():
        lines = df[repeated].groupby(key, dropna=False)["source_line"].apply(list)[conflict].iloc[0]
        raise GenesisFormatError(
            path, lines[0], f"dieselbe Zelle mehrfach mit verschiedenen Werten (Zeilen {lines})"
        )
    later = df.duplicated(key, keep="first")
    return df[~later].reset_index(drop=True), df.loc[later, "source_line"].tolist()


def _ranges(lines: list[int]) -> str:
    shown = ", ".join(str(x) for x in lines[:10])
    return shown + (f" und {len(lines) - 10} weitere" if len(lines) > 10 else "")


def variable_keys(df: pd.DataFrame) -> list[str]:
    """The variables of a tidy frame, in order (``KREISE``, ``GES``, …)."""
    return [c[: -len("_total")] for c in df.columns if c.endswith("_total") and c != "is_total"]
