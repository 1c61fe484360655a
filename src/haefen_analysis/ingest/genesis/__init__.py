"""Readers for official statistics as analysts download them: GENESIS-Online and Regionalstatistik.

Two formats exist and both are read by ``read_genesis``:

* the table CSV ("CSV" download of a GENESIS table): title lines, header rows with the labels of
  the variables laid out in columns, a value and a quality-flag column per series, row labels that
  carry over from the row above, and a footer after a line of underscores;
* the flat file ("ffcsv") of GENESIS-Online and Regionalstatistik: one row per value.

Both end as the same tidy frame, so an analysis does not care which download it got. A layout the
reader does not understand raises ``GenesisFormatError`` naming the file and line: a wrong table
is worse than no table.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from haefen_analysis import config
from haefen_analysis.common.files import write_parquet
from haefen_analysis.common.text import decode
from haefen_analysis.errors import EncodingError, GenesisError, GenesisFormatError
from haefen_analysis.ingest import codes

__all__ = ["GenesisError", "GenesisFormatError", "parse_genesis", "read_genesis", "variable_keys"]

#: Bump when the parser's output changes, so stale cache files are not reused.
PARSER_VERSION = "1"

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

_FLAT_HEAD = ("statistics_code", "statistics_label", "time_code", "time_label", "time")
_FLAT_VALUE = ("value", "value_unit", "value_variable_code", "value_variable_label", "value_q")
_NUMBER = r"[-+]?\d+(?:,\d+)?"
_NUMBER_THOUSANDS = r"[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"
_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_YEAR = re.compile(r"\d{4}")
_FLAG = re.compile(r"[A-Za-z]{0,3}")
_UNIT_LINE = re.compile(r"(.+?)\s*\(([^()]+)\)")
_TABLE_LINE = re.compile(r"(?:Tabelle|Table):\s*(\S+)")
_STAND = re.compile(r"Stand:\s*(.+)")
#: Measures that may legitimately be negative although counted in persons.
_SIGNED_MEASURE = re.compile(r"saldo|veränderung|differenz|überschuss|zu- und abnahme", re.I)
_COUNT_UNITS = {"anzahl", "personen", "anz."}
_SEX_CODES = {"männlich": "GESM", "weiblich": "GESW"}


# --------------------------------------------------------------------------- public entry point


def read_genesis(
    path: str | os.PathLike[str],
    *,
    cache: bool = True,
    data_dir: str | os.PathLike[str] | None = None,
    allow_negative: bool | None = None,
) -> pd.DataFrame:
    """Read a GENESIS table CSV or a GENESIS/Regionalstatistik flat file into a tidy frame.

    Columns: ``statistic``, ``statistic_label``, ``table``, ``time_code``, ``time_label``,
    ``time`` (ISO ``yyyy-mm-dd`` or ``yyyy``), per variable ``<KEY>_code``, ``<KEY>_label`` and
    ``<KEY>_total``, then ``measure_code``, ``measure_label``, ``value`` (float, NaN when
    missing), ``missing_marker``, ``unit``, ``quality``, ``is_total`` (the row is an aggregate in
    at least one variable) and ``source_line`` (line in the file). ``df.attrs`` holds the format,
    encoding, variables, notes, "Stand" and every correction made.

    Negative values raise for counts of persons unless ``allow_negative`` is true; ``None``
    allows them only for balances ("Saldo", "Veränderung"). Parsed files are cached as parquet
    under ``processed_dir()/genesis``, keyed by the sha256 of the file's bytes.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GenesisFormatError(path, None, f"Datei nicht lesbar ({exc.strerror})") from exc
    digest = hashlib.sha256(raw).hexdigest()
    neg = {None: "auto", True: "neg", False: "noneg"}[allow_negative]
    cache_file = (
        config.processed_dir(data_dir) / "genesis" / f"{digest}-v{PARSER_VERSION}-{neg}.parquet"
    )
    if cache and cache_file.exists():
        try:
            df = pd.read_parquet(cache_file)
        except Exception as exc:  # a broken cache file is rebuilt, never trusted
            warnings.warn(f"Cache {cache_file.name} unlesbar ({exc}); neu eingelesen", stacklevel=2)
        else:
            df.attrs.update(path=str(path), from_cache=True)
            return df
    df = parse_genesis(raw, path, allow_negative=allow_negative)
    df.attrs["sha256"] = digest
    if cache:
        try:
            write_parquet(df, cache_file)
        except OSError as exc:  # a read-only data folder must not stop the analysis
            warnings.warn(
                f"Cache nicht geschrieben ({exc}); Ergebnis ist trotzdem gültig", stacklevel=2
            )
    df.attrs.update(path=str(path), from_cache=False)
    return df


def parse_genesis(
    raw: bytes, path: str | os.PathLike[str] = "<bytes>", *, allow_negative: bool | None = None
) -> pd.DataFrame:
    """Parse the bytes of a download (no cache); ``path`` only names the file in errors."""
    text, encoding = _decode(raw, path)
    first = text.split("\n", 1)[0].rstrip("\r")
    if first.startswith(_FLAT_HEAD[0]):
        df = _read_flat(text, path)
    elif _TABLE_LINE.match(first):
        df = _read_table(text, path)
    else:
        raise GenesisFormatError(
            path,
            1,
            "keine GENESIS-Datei: erwartet 'Tabelle: <Code>' (Tabellen-CSV) oder die Kopfzeile "
            f"'statistics_code;…' (Flatfile), gefunden {first[:60]!r}",
        )
    df = _finish(df, path, allow_negative)
    df.attrs["encoding"] = encoding
    return df


# --------------------------------------------------------------------------- bytes to text


def _decode(raw: bytes, path: str | os.PathLike[str]) -> tuple[str, str]:
    """Text and encoding (``common.text.decode``); an empty file is an error of its own."""
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise GenesisFormatError(path, None, "Datei ist leer")
    try:
        return decode(raw, path)
    except EncodingError as exc:
        raise GenesisFormatError(path, exc.line, exc.reason) from None


# --------------------------------------------------------------------------- numbers


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


# --------------------------------------------------------------------------- flat file


def _read_flat(text: str, path: str | os.PathLike[str]) -> pd.DataFrame:
    lines = text.splitlines()
    header = lines[0]
    sep = header[len(_FLAT_HEAD[0])]
    if sep not in ";,":
        raise GenesisFormatError(path, 1, f"unerwartetes Trennzeichen {sep!r} in der Kopfzeile")
    names = next(csv.reader([header], delimiter=sep))
    variables = _flat_variables(names, path)
    last_no = max(i for i, line in enumerate(lines) if line.strip()) + 1
    if last_no == 1:
        raise GenesisFormatError(path, 1, "nur eine Kopfzeile, keine Datenzeilen")
    n_last = len(next(csv.reader([lines[last_no - 1]], delimiter=sep)))
    if n_last != len(names):
        raise GenesisFormatError(
            path,
            last_no,
            f"{n_last} Felder statt {len(names)} wie in der Kopfzeile (Datei abgeschnitten?)",
        )
    try:
        df = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False
        )
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if not found:
            raise GenesisFormatError(path, None, f"CSV nicht lesbar: {exc}") from exc
        want, line, saw = found.groups()
        raise GenesisFormatError(
            path, int(line), f"{saw} Felder statt {want} wie in der Kopfzeile"
        ) from exc
    src = pd.Series(range(2, len(df) + 2), index=df.index, dtype="int64")
    out = pd.DataFrame(
        {
            "statistic": df["statistics_code"],
            "statistic_label": df["statistics_label"],
            "table": pd.Series(pd.NA, index=df.index, dtype="str"),
            "time_code": df["time_code"],
            "time_label": df["time_label"],
            "time": df["time"].str.replace(_DATE.pattern, r"\3-\2-\1", regex=True),
        }
    )
    corrections: list[str] = []
    labels: dict[str, str] = {}
    for n in variables:
        key = _single(df[f"{n}_variable_code"], src, path, f"{n}_variable_code")
        labels[key] = _single(df[f"{n}_variable_label"], src, path, f"{n}_variable_label")
        code = df[f"{n}_variable_attribute_code"].str.strip()
        code, padded = _pad_region(key, code)
        if padded:
            corrections.append(f"{padded} {key}-Codes mit führenden Nullen ergänzt")
        total = code.eq("")
        out[f"{key}_code"] = code.where(~total)
        out[f"{key}_label"] = df[f"{n}_variable_attribute_label"]
        out[f"{key}_total"] = total | (key == "DLAND") & code.eq(GERMANY_CODE)
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


def _flat_variables(names: list[str], path: str | os.PathLike[str]) -> list[int]:
    """The variable numbers of a flat file header; every other column must be known."""
    variables: list[int] = []
    while f"{len(variables) + 1}_variable_code" in names:
        variables.append(len(variables) + 1)
    expected = list(_FLAT_HEAD)
    for n in variables:
        expected += [f"{n}_variable_{part}" for part in ("code", "label")]
        expected += [f"{n}_variable_attribute_{part}" for part in ("code", "label")]
    missing = [c for c in [*expected, "value"] if c not in names]
    unknown = [c for c in names if c not in expected and c not in _FLAT_VALUE]
    if missing or unknown:
        raise GenesisFormatError(
            path,
            1,
            "Kopfzeile des Flatfiles nicht erkannt"
            + (f"; fehlend: {', '.join(missing)}" if missing else "")
            + (f"; unbekannt: {', '.join(unknown)}" if unknown else ""),
        )
    return variables


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


# --------------------------------------------------------------------------- table CSV


@dataclass
class _Level:
    """One variable laid out in the table: in the header (columns) or as row labels."""

    labels: list[str]
    hint: str | None = None
    key: str = ""
    kind: str = "other"
    codes: list[str | None] = field(default_factory=list)
    totals: list[bool] = field(default_factory=list)


def _read_table(text: str, path: str | os.PathLike[str]) -> pd.DataFrame:
    rows = list(csv.reader(text.splitlines(keepends=True), delimiter=";"))
    table = _TABLE_LINE.match(rows[0][0]).group(1)
    footer_at = next((i for i, r in enumerate(rows) if r and re.fullmatch(r"_{3,}", r[0])), None)
    if footer_at is None:
        raise GenesisFormatError(
            path,
            len(rows),
            "Fußzeile (Linie aus Unterstrichen) fehlt: Datei unvollständig oder abgeschnitten?",
        )
    body_rows = rows[1:footer_at]
    if max((len(r) for r in body_rows), default=0) <= 1:
        raise GenesisFormatError(
            path, 2, "kein ';' als Trennzeichen: Datei mit anderem Trennzeichen gespeichert?"
        )
    head_at = next((i for i, r in enumerate(body_rows) if r and not r[0].strip()), None)
    if head_at is None:
        raise GenesisFormatError(path, 2, "keine Kopfzeile (Zeile mit leerer erster Spalte)")
    title = [r[0].strip() for r in body_rows[:head_at] if r and r[0].strip()]
    if len(title) < 2 or not _UNIT_LINE.fullmatch(title[-1]):
        raise GenesisFormatError(
            path,
            head_at + 1,
            "Titelzeilen nicht erkannt: erwartet Tabellentitel, Statistik und Merkmal mit Einheit, "
            "z. B. 'Bevölkerungsstand (Anzahl)'",
        )
    measure, unit = _UNIT_LINE.fullmatch(title[-1]).groups()
    table_title = " ".join(title[:-2]) if len(title) > 2 else title[0]
    names = [n.strip() for n in table_title.split(":", 1)[-1].split(",") if n.strip()]
    heads_end = next(
        (i for i in range(head_at, len(body_rows)) if body_rows[i] and body_rows[i][0].strip()),
        len(body_rows),
    )
    col_levels, n_label_cols, paired, width = _header_levels(
        body_rows[head_at:heads_end], head_at + 2, names, path
    )
    row_keys, cells = _body_cells(
        body_rows[heads_end:], heads_end + 2, n_label_cols, paired, width, len(col_levels), path
    )
    n_row_levels = len(row_keys[0][0]) if row_keys else 0
    row_levels = [_Level(sorted({k[i] for k, _ in row_keys})) for i in range(n_row_levels)]
    levels = _name_levels(row_levels + col_levels, names, path)
    notes, stand = _footer(rows[footer_at + 1 :])
    df = _table_frame(table, title[-2], measure, unit, levels, n_row_levels, row_keys, cells)
    df.attrs.update(
        format=FORMAT_TABLE,
        delimiter=";",
        title=table_title,
        notes=notes,
        stand=stand,
        variables={lv.key: lv.hint or lv.key for lv in levels if lv.kind != "time"},
        corrections=[],
    )
    return df


def _header_levels(
    heads: list[list[str]], first_line: int, names: list[str], path: str | os.PathLike[str]
) -> tuple[list[_Level], int, bool, int]:
    """Column variables from the header rows: spans carry a label to the right."""
    last = heads[-1]
    width = len(last)
    n_label_cols = next((i for i, c in enumerate(last) if c.strip()), None)
    if n_label_cols is None:
        raise GenesisFormatError(path, first_line + len(heads) - 1, "leere Kopfzeile")
    offsets = [i - n_label_cols for i, c in enumerate(last) if c.strip()]
    paired = (width - n_label_cols) % 2 == 0 and all(o % 2 == 0 for o in offsets)
    step = 2 if paired else 1
    positions = range(n_label_cols, width, step)
    levels: list[_Level] = []
    hint = None
    for r, row in enumerate(heads):
        row = row + [""] * (width - len(row))
        filled = [(i, c.strip()) for i, c in enumerate(row) if c.strip()]
        if any(i < n_label_cols for i, _ in filled):
            raise GenesisFormatError(
                path, first_line + r, "Kopfzeile mit Beschriftung in der Zeilenspalte"
            )
        if len(filled) == 1 and filled[0][1] in names and r < len(heads) - 1:
            hint = filled[0][1]  # a row naming the variable of the next header row
            continue
        if not filled or filled[0][0] != n_label_cols:
            raise GenesisFormatError(path, first_line + r, "erste Wertspalte ohne Beschriftung")
        labels, current = [], ""
        for p in positions:
            current = row[p].strip() or current
            labels.append(current)
        levels.append(_Level(labels, hint))
        hint = None
    return levels, n_label_cols, paired, width


def _body_cells(
    body: list[list[str]],
    first_line: int,
    n_label_cols: int,
    paired: bool,
    width: int,
    n_col_levels: int,
    path: str | os.PathLike[str],
) -> tuple[list[tuple[tuple[str, ...], int]], list[tuple[int, int, str, str]]]:
    """Data rows with their full row labels, and (row, column, value, flag) cells.

    Row labels nest: a run of heading rows (label, no values) replaces the innermost group
    labels, the outer ones carry over; the first run sets how deep the nesting is. Empty label
    cells in data rows repeat the label of the data row above.
    """
    depth: int | None = None
    groups: list[str] = []
    run: list[str] = []
    previous: list[str] | None = None
    row_keys: list[tuple[tuple[str, ...], int]] = []
    cells: list[tuple[int, int, str, str]] = []
    step = 2 if paired else 1
    for r, row in enumerate(body):
        line = first_line + r
        if not any(c.strip() for c in row):
            continue
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise GenesisFormatError(path, line, f"{len(row)} Felder statt {width}")
        labels = [c.strip() for c in row[:n_label_cols]]
        values = row[n_label_cols:width]
        if not any(c.strip() for c in values):
            if sum(bool(x) for x in labels) != 1:
                raise GenesisFormatError(path, line, "Überschriftszeile nicht erkannt")
            run.append(next(x for x in labels if x))
            continue
        if len(row) < width:
            raise GenesisFormatError(
                path, line, f"{len(row)} Felder statt {width} (Zeile abgeschnitten?)"
            )
        if depth is None:
            depth = len(run)
        if len(run) > depth:
            raise GenesisFormatError(
                path, line, f"{len(run)} verschachtelte Überschriften, erwartet höchstens {depth}"
            )
        if run:
            groups = groups[: depth - len(run)] + run
            run = []
            previous = None  # a new group starts afresh: no carrying over across groups
        for i, x in enumerate(labels):
            if not x:
                if previous is None:
                    raise GenesisFormatError(
                        path,
                        line,
                        f"Zeilenbeschriftung in Spalte {i + 1} fehlt und kann nicht "
                        "aus der Zeile darüber übernommen werden",
                    )
                labels[i] = previous[i]
        previous = labels
        row_no = len(row_keys)
        row_keys.append(((*groups, *labels), line))
        for j, start in enumerate(range(0, len(values), step)):
            flag = values[start + 1].strip() if paired else ""
            if paired and not _FLAG.fullmatch(flag):
                raise GenesisFormatError(
                    path,
                    line,
                    f"Spalte {n_label_cols + start + 2}: {flag!r} ist kein Qualitätskennzeichen "
                    "(erwartet e, p, … oder leer)",
                )
            cells.append((row_no, j, values[start], flag))
    if run:
        raise GenesisFormatError(path, first_line + len(body) - 1, "Überschrift ohne Datenzeilen")
    if not row_keys:
        raise GenesisFormatError(path, first_line, "keine Datenzeilen")
    return row_keys, cells


def _name_levels(
    levels: list[_Level], names: list[str], path: str | os.PathLike[str]
) -> list[_Level]:
    """Say which variable each level is: time, Land, sex by vocabulary, else by the title."""
    remaining = list(names)

    def take(pattern: str) -> str | None:
        hit = next((n for n in remaining if re.search(pattern, n, re.I)), None)
        if hit:
            remaining.remove(hit)
        return hit

    for lv in levels:
        values = set(lv.labels)
        if all(_DATE.fullmatch(v) or _YEAR.fullmatch(v) for v in values):
            lv.kind, lv.hint = "time", take("stichtag|jahr|monat|quartal|zeit")
        elif _all_laender(values):
            lv.kind, lv.key, lv.hint = "land", "DLAND", take("länder|land") or "Bundesländer"
        elif values - {TOTAL_LABEL} and values <= {*_SEX_CODES, TOTAL_LABEL}:
            lv.kind, lv.key, lv.hint = "sex", "GES", take("geschlecht") or "Geschlecht"
        elif lv.hint in remaining:
            remaining.remove(lv.hint)
    if sum(lv.kind == "time" for lv in levels) > 1:
        raise GenesisFormatError(path, None, "mehr als eine Zeitangabe in Zeilen oder Spalten")
    open_levels = [lv for lv in levels if lv.kind == "other" and not lv.hint]
    for lv in open_levels:
        folded = {codes.fold(v) for v in lv.labels}
        hits = [n for n in remaining if any(codes.fold(n) in v for v in folded)]
        if len(hits) == 1:
            lv.hint = hits[0]
            remaining.remove(hits[0])
    open_levels = [lv for lv in levels if lv.kind == "other" and not lv.hint]
    if len(open_levels) == 1 and len(remaining) == 1:
        open_levels[0].hint = remaining[0]
    for i, lv in enumerate(lv for lv in levels if lv.kind == "other"):
        lv.key = re.sub(r"\W+", "_", lv.hint).strip("_") if lv.hint else f"merkmal_{i + 1}"
    keys = [lv.key for lv in levels if lv.kind != "time"]
    if len(keys) != len(set(keys)):
        raise GenesisFormatError(path, None, f"Merkmale nicht eindeutig benennbar: {keys}")
    return levels


def _all_laender(values: set[str]) -> bool:
    rest = values - {TOTAL_LABEL, "Deutschland"}
    if not rest:
        return False
    try:
        for v in rest:
            codes.land_code(v)
    except codes.UnknownLandError:
        return False
    return True


def _attribute(lv: _Level, label: str) -> tuple[str | None, bool]:
    """Code and total flag of one label of a table-CSV level."""
    if label == TOTAL_LABEL:
        return None, True
    if lv.kind == "land":
        return (GERMANY_CODE, True) if label == "Deutschland" else (codes.land_code(label), False)
    if lv.kind == "sex":
        return _SEX_CODES[label], False
    return None, False


def _table_frame(
    table: str,
    statistic_label: str,
    measure: str,
    unit: str,
    levels: list[_Level],
    n_row_levels: int,
    row_keys: list[tuple[tuple[str, ...], int]],
    cells: list[tuple[int, int, str, str]],
) -> pd.DataFrame:
    row_no, col_no, raw, flags = (list(x) for x in zip(*cells, strict=True))
    out: dict[str, object] = {
        "statistic": table.split("-")[0],
        "statistic_label": statistic_label,
        "table": table,
        "time_code": pd.NA,
        "time_label": pd.NA,
        "time": pd.NA,
    }
    for i, lv in enumerate(levels):
        labels = (
            [row_keys[r][0][i] for r in row_no]
            if i < n_row_levels
            else [lv.labels[c] for c in col_no]
        )
        if lv.kind == "time":
            out["time"] = [_DATE.sub(r"\3-\2-\1", x) for x in labels]
            is_date = bool(_DATE.fullmatch(labels[0]))
            out["time_code"] = "STAG" if is_date else "JAHR"
            out["time_label"] = lv.hint or ("Stichtag" if is_date else "Jahr")
            continue
        attrs = {x: _attribute(lv, x) for x in set(labels)}
        out[f"{lv.key}_code"] = [attrs[x][0] for x in labels]
        out[f"{lv.key}_label"] = labels
        out[f"{lv.key}_total"] = [attrs[x][1] for x in labels]
    out |= {
        "measure_code": pd.NA,
        "measure_label": measure,
        "raw_value": raw,
        "unit": unit,
        "quality": [f or pd.NA for f in flags],
        "source_line": [row_keys[r][1] for r in row_no],
    }
    df = pd.DataFrame(out, index=pd.RangeIndex(len(raw)))
    for column in ("time_code", "time_label", "time", "measure_code"):
        df[column] = df[column].astype("str")
    return df


def _footer(rows: list[list[str]]) -> tuple[str, str | None]:
    """Notes and "Stand" after the line of underscores (copyright is dropped, it is constant)."""
    text = [";".join(r).strip().strip(";").strip() for r in rows]
    stand = next((m.group(1).strip() for t in text if (m := _STAND.match(t))), None)
    notes = [t for t in text if t and not _STAND.match(t) and not t.startswith("©")]
    return "\n".join(notes), stand


# --------------------------------------------------------------------------- common checks


def _finish(
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
