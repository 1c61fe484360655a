"""What both formats share: the missing-value markers, German numbers, totals, the levels of
the geography, and the rules checked on every tidy frame (negative counts of persons,
duplicate cells)."""

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
#: Geography variables of the Zensus 2022 database ("GEODL1" Deutschland, "GEOGM4" Gemeinden):
#: the two letters after GEO name the level.
ZENSUS_GEO = re.compile(r"GEO(DL|BL|RB|KR|VB|GV|GM)\d*")
#: Levels of the geography, coarse to fine (the order decides what is an aggregate).
LEVELS = ("deutschland", "land", "regierungsbezirk", "kreis", "gemeindeverband", "gemeinde")
#: Level of a region code by its width: Land (2), Regierungsbezirk (3), Kreis (5), Gemeinde
#: (8-digit AGS or 12-digit ARS), Gemeindeverband (9-digit Verbandsschlüssel).
LEVEL_BY_WIDTH = {
    2: "land",
    3: "regierungsbezirk",
    5: "kreis",
    8: "gemeinde",
    9: "gemeindeverband",
    12: "gemeinde",
}
_ZENSUS_LEVELS = {
    "DL": "deutschland",
    "BL": "land",
    "RB": "regierungsbezirk",
    "KR": "kreis",
    "VB": "gemeindeverband",
    "GV": "gemeindeverband",
    "GM": "gemeinde",
}

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


def is_region_variable(code: str) -> bool:
    """A variable of the geography: DLAND, REGBEZ, KREISE, GEMEIN or a Zensus GEO… variable."""
    return code in REGION_WIDTHS or bool(ZENSUS_GEO.fullmatch(code))


def _variable_level(variable: str) -> str | None:
    found = ZENSUS_GEO.fullmatch(variable)
    if found:
        return _ZENSUS_LEVELS[found.group(1)]
    return {"DLAND": "land", "REGBEZ": "regierungsbezirk", "KREISE": "kreis"}.get(variable)


def _level(code: object, variable: str) -> str | None:
    """Level of one region code: by its width, Germany for "DG", else what its variable says."""
    if not isinstance(code, str) or not code:
        return None
    if code.isdigit():
        return LEVEL_BY_WIDTH.get(len(code))
    return "deutschland" if code == GERMANY_CODE else _variable_level(variable)


def _region_levels(df: pd.DataFrame, attrs: dict) -> pd.DataFrame:
    """``<KEY>_level`` for every region variable, and rows above the variable's main level
    (the level most rows have) marked as totals: a Germany or Land row in a table of Kreise is
    an aggregate of the Kreis rows, a Gemeinde row in it (Berlin's Bezirke, Hannover in the
    Region Hannover) a detail below them. The level comes from the code's width; a code that
    is not a number ("DG") is Germany, or the level its own variable names (Zensus files mix
    geography variables in one column, ``<KEY>_variable``)."""
    counts: dict[str, dict[str, int]] = {}
    for key in [c[: -len("_total")] for c in df.columns if c.endswith("_total")]:
        per_row = df.pop(f"{key}_variable") if f"{key}_variable" in df else None
        if per_row is None and not is_region_variable(key):
            continue
        code = df[f"{key}_code"]
        if per_row is None:  # one variable: a level per distinct code (400 Kreise, not 117,000)
            by_code = {c: _level(c, key) for c in code.dropna().unique()}
            level = code.map(by_code)
        else:
            level = pd.Series([_level(c, v) for c, v in zip(code, per_row, strict=True)], df.index)
        found = level.value_counts()
        if found.empty:
            continue
        main = found.idxmax()
        rank = level.map({name: i for i, name in enumerate(LEVELS)})
        coarser = rank.lt(LEVELS.index(main)).fillna(False)
        df[f"{key}_total"] = df[f"{key}_total"] | coarser
        df.insert(df.columns.get_loc(f"{key}_total") + 1, f"{key}_level", level.astype("str"))
        counts[key] = {name: int(found[name]) for name in LEVELS if name in found.index}
    attrs["levels"] = counts
    return df


def finish(
    df: pd.DataFrame, path: str | os.PathLike[str], allow_negative: bool | None
) -> pd.DataFrame:
    """Numbers, totals, levels, negatives and duplicates: the same rules for both formats."""
    attrs = dict(df.attrs)
    values, markers, n_thousands = _parse_values(df["raw_value"], df["source_line"], path, "value")
    df = _region_levels(df, attrs)
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
