"""The flat file ("ffcsv") of GENESIS-Online and Regionalstatistik: one row per value, one
attribute code and label per variable.

A variable position holds one variable throughout, with one exception real downloads make:
geography. A Zensus table puts the Germany row (``GEODL1``) and the Gemeinde rows
(``GEOGM4``) in the same column; they are read as one region variable named after the level
most rows have, each row keeping its own level (``<KEY>_level``, see ``checks``). Any other
change of variable within a column is refused: a wrong table is worse than no table.
"""

from __future__ import annotations

import csv
import io
import os
import re

import pandas as pd

from haefen_analysis.errors import GenesisFormatError
from haefen_analysis.ingest.genesis.checks import (
    DATE,
    FORMAT_FLAT,
    GERMANY_CODE,
    REGION_WIDTHS,
    is_region_variable,
)

#: The first columns of a flat file's header (the first names the format).
HEAD = ("statistics_code", "statistics_label", "time_code", "time_label", "time")
_VALUE = ("value", "value_unit", "value_variable_code", "value_variable_label", "value_q")


def read_flat(text: str, path: str | os.PathLike[str]) -> pd.DataFrame:
    header = text.partition("\n")[0].rstrip("\r")
    sep = header[len(HEAD[0])]
    if sep not in ";,":
        raise GenesisFormatError(path, 1, f"unerwartetes Trennzeichen {sep!r} in der Kopfzeile")
    names = next(csv.reader([header], delimiter=sep))
    variables = _flat_variables(names, path)
    content = text.rstrip()
    last_no = content.count("\n") + 1
    if last_no == 1:
        raise GenesisFormatError(path, 1, "nur eine Kopfzeile, keine Datenzeilen")
    last_line = content[content.rfind("\n") + 1 :].rstrip("\r")
    n_last = len(next(csv.reader([last_line], delimiter=sep)))
    if n_last != len(names):
        raise GenesisFormatError(
            path,
            last_no,
            f"{n_last} Felder statt {len(names)} wie in der Kopfzeile (Datei abgeschnitten?)",
        )
    if not text.endswith(("\n", "\r")):  # a download ends with a line break; a cut may not
        raise GenesisFormatError(
            path, last_no, "Datei endet mitten in der Zeile (abgeschnitten?): kein Zeilenende"
        )
    df = _read_rows(text, sep, path)
    src = pd.Series(range(2, len(df) + 2), index=df.index, dtype="int64")
    out = pd.DataFrame(
        {
            "statistic": df["statistics_code"],
            "statistic_label": df["statistics_label"],
            "table": pd.Series(pd.NA, index=df.index, dtype="str"),
            "time_code": df["time_code"],
            "time_label": df["time_label"],
            "time": df["time"].str.replace(DATE.pattern, r"\3-\2-\1", regex=True),
        }
    )
    corrections: list[str] = []
    labels: dict[str, str] = {}
    for n in variables:
        key, per_row = _variable(df[f"{n}_variable_code"], src, path, f"{n}_variable_code")
        names = df[f"{n}_variable_label"]
        main = names if per_row is None else names[per_row.eq(key)]
        labels[key] = _single(main, src[main.index], path, f"{n}_variable_label")
        code = df[f"{n}_variable_attribute_code"].str.strip()
        code, padded = _pad_region(key, code)
        if padded:
            corrections.append(f"{padded} {key}-Codes mit führenden Nullen ergänzt")
        total = code.eq("")
        out[f"{key}_code"] = code.where(~total)
        out[f"{key}_label"] = df[f"{n}_variable_attribute_label"]
        out[f"{key}_total"] = total | (key == "DLAND") & code.eq(GERMANY_CODE)
        if per_row is not None:
            out[f"{key}_variable"] = per_row
            corrections.append(
                f"Spalte {n}_variable_code: Ebenen {', '.join(sorted(per_row.unique()))} als ein "
                f"Regionalmerkmal {key} gelesen, jede Zeile mit ihrer Ebene ({key}_level)"
            )
    for target, column in (
        ("measure_code", "value_variable_code"),
        ("measure_label", "value_variable_label"),
    ):
        out[target] = df[column] if column in df else pd.Series(pd.NA, index=df.index, dtype="str")
    out["raw_value"] = df["value"]
    out["unit"] = df.get("value_unit", pd.NA)
    quality = df["value_q"].str.strip() if "value_q" in df else pd.Series("", index=df.index)
    out["quality"] = quality.where(quality.ne(""))
    out["source_line"] = src
    out.attrs.update(
        format=FORMAT_FLAT, delimiter=sep, variables=labels, corrections=corrections, notes=""
    )
    return out


def _read_rows(text: str, sep: str, path: str | os.PathLike[str]) -> pd.DataFrame:
    """All cells as strings: pyarrow's parser (several threads, ~3x faster on the 33 MB
    12531-0043 file); on any problem pandas' own parser, whose errors name the line."""
    options = {"sep": sep, "dtype": str, "keep_default_na": False}
    try:
        return pd.read_csv(io.BytesIO(text.encode("utf-8")), engine="pyarrow", **options)
    except (pd.errors.ParserError, ValueError):
        pass
    try:
        return pd.read_csv(io.StringIO(text), na_filter=False, **options)
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if not found:
            raise GenesisFormatError(path, None, f"CSV nicht lesbar: {exc}") from exc
        want, line, saw = found.groups()
        raise GenesisFormatError(
            path, int(line), f"{saw} Felder statt {want} wie in der Kopfzeile"
        ) from exc


def _flat_variables(names: list[str], path: str | os.PathLike[str]) -> list[int]:
    """The variable numbers of a flat file header; every other column must be known."""
    variables: list[int] = []
    while f"{len(variables) + 1}_variable_code" in names:
        variables.append(len(variables) + 1)
    expected = list(HEAD)
    for n in variables:
        expected += [f"{n}_variable_{part}" for part in ("code", "label")]
        expected += [f"{n}_variable_attribute_{part}" for part in ("code", "label")]
    missing = [c for c in [*expected, "value"] if c not in names]
    unknown = [c for c in names if c not in expected and c not in _VALUE]
    if missing or unknown:
        raise GenesisFormatError(
            path,
            1,
            "Kopfzeile des Flatfiles nicht erkannt"
            + (f"; fehlend: {', '.join(missing)}" if missing else "")
            + (f"; unbekannt: {', '.join(unknown)}" if unknown else ""),
        )
    return variables


def _variable(
    codes: pd.Series, lines: pd.Series, path: str | os.PathLike[str], column: str
) -> tuple[str, pd.Series | None]:
    """The variable of a position, and the per-row variables where geography levels are mixed
    in it (named after the level most rows have); any other mix is refused by ``_single``."""
    distinct = codes.unique()
    if len(distinct) > 1 and all(is_region_variable(str(c)) for c in distinct):
        return str(codes.value_counts().idxmax()), codes
    return _single(codes, lines, path, column), None


def _single(values: pd.Series, lines: pd.Series, path: str | os.PathLike[str], column: str) -> str:
    """A column that must hold one value throughout (the n-th variable is the same everywhere)."""
    first = values.iloc[0]
    differs = values.ne(first)
    if differs.any() or not first:
        i = int(differs.to_numpy().argmax()) if differs.any() else 0
        raise GenesisFormatError(
            path,
            int(lines.iloc[i]),
            f"Spalte {column!r} wechselt von {first!r} zu {values.iloc[i]!r}: "
            "Flatfile mit gemischten Merkmalen nicht unterstützt",
        )
    return str(first)


def _pad_region(key: str, code: pd.Series) -> tuple[pd.Series, int]:
    """Restore leading zeros a spreadsheet stripped from AGS codes ("1001" -> "01001")."""
    width = REGION_WIDTHS.get(key)
    if width is None:
        return code, 0
    short = code.str.fullmatch(r"\d+") & code.str.len().lt(width)
    return code.where(~short, code.str.zfill(width)), int(short.sum())
