"""The table CSV ("CSV" download of a GENESIS table): title lines, header rows with the labels
of the variables laid out in columns, a value and a quality-flag column per series, row labels
that carry over from the row above, and a footer after a line of underscores."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass

import pandas as pd

from haefen_analysis.errors import GenesisFormatError
from haefen_analysis.ingest import codes
from haefen_analysis.ingest.genesis.checks import DATE, FORMAT_TABLE, GERMANY_CODE, TOTAL_LABEL

#: The first line of a table CSV ("Tabelle: 12411-0010") names the format and the table.
TABLE_LINE = re.compile(r"(?:Tabelle|Table):\s*(\S+)")
_YEAR = re.compile(r"\d{4}")
_FLAG = re.compile(r"[A-Za-z]{0,3}")
_UNIT_LINE = re.compile(r"(.+?)\s*\(([^()]+)\)")
_STAND = re.compile(r"Stand:\s*(.+)")
_SEX_CODES = {"männlich": "GESM", "weiblich": "GESW"}


@dataclass
class _Level:
    """One variable laid out in the table: in the header (columns) or as row labels."""

    labels: list[str]
    hint: str | None = None
    key: str = ""
    kind: str = "other"


def read_table(text: str, path: str | os.PathLike[str]) -> pd.DataFrame:
    rows = list(csv.reader(text.splitlines(keepends=True), delimiter=";"))
    table = TABLE_LINE.match(rows[0][0]).group(1)
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
        body_rows[heads_end:], heads_end + 2, n_label_cols, paired, width, path
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


def _carried(
    labels: list[str], previous: list[str] | None, path: str | os.PathLike[str], line: int
) -> list[str]:
    """Row labels with empty cells taken from the data row above (GENESIS leaves them out)."""
    out = list(labels)
    for i, x in enumerate(out):
        if not x:
            if previous is None:
                raise GenesisFormatError(
                    path,
                    line,
                    f"Zeilenbeschriftung in Spalte {i + 1} fehlt und kann nicht "
                    "aus der Zeile darüber übernommen werden",
                )
            out[i] = previous[i]
    return out


def _row_cells(
    values: list[str], row_no: int, line: int, paired: bool, n_label_cols: int, path: str
) -> list[tuple[int, int, str, str]]:
    """(row, column, value, flag) of one data row; with ``paired`` every value has a flag."""
    cells = []
    for j, start in enumerate(range(0, len(values), 2 if paired else 1)):
        flag = values[start + 1].strip() if paired else ""
        if paired and not _FLAG.fullmatch(flag):
            raise GenesisFormatError(
                path,
                line,
                f"Spalte {n_label_cols + start + 2}: {flag!r} ist kein Qualitätskennzeichen "
                "(erwartet e, p, … oder leer)",
            )
        cells.append((row_no, j, values[start], flag))
    return cells


class _Groups:
    """The nested headings above data rows: a run of heading rows (label, no values) replaces
    the innermost group labels, the outer ones carry over; the first run sets the depth."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path, self.depth, self.labels, self.run = path, None, [], []

    def start(self, line: int) -> bool:
        """At a data row: apply the pending run of headings; True if a new group began."""
        if self.depth is None:
            self.depth = len(self.run)
        if len(self.run) > self.depth:
            raise GenesisFormatError(
                self.path,
                line,
                f"{len(self.run)} verschachtelte Überschriften, erwartet höchstens {self.depth}",
            )
        if not self.run:
            return False
        self.labels = self.labels[: self.depth - len(self.run)] + self.run
        self.run = []
        return True


def _body_cells(
    body: list[list[str]],
    first_line: int,
    n_label_cols: int,
    paired: bool,
    width: int,
    path: str | os.PathLike[str],
) -> tuple[list[tuple[tuple[str, ...], int]], list[tuple[int, int, str, str]]]:
    """Data rows with their full row labels, and (row, column, value, flag) cells.

    Row labels nest (see ``_Groups``); empty label cells in data rows repeat the label of the
    data row above, within the same group.
    """
    groups = _Groups(path)
    previous: list[str] | None = None
    row_keys: list[tuple[tuple[str, ...], int]] = []
    cells: list[tuple[int, int, str, str]] = []
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
            groups.run.append(next(x for x in labels if x))
            continue
        if len(row) < width:
            raise GenesisFormatError(
                path, line, f"{len(row)} Felder statt {width} (Zeile abgeschnitten?)"
            )
        if groups.start(line):
            previous = None  # a new group starts afresh: no carrying over across groups
        previous = _carried(labels, previous, path, line)
        row_keys.append(((*groups.labels, *previous), line))
        cells += _row_cells(values, len(row_keys) - 1, line, paired, n_label_cols, str(path))
    if groups.run:
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
        if all(DATE.fullmatch(v) or _YEAR.fullmatch(v) for v in values):
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
            out["time"] = [DATE.sub(r"\3-\2-\1", x) for x in labels]
            is_date = bool(DATE.fullmatch(labels[0]))
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
