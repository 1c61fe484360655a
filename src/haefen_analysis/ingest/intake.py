"""Analysts' own files in the catalogue's schema: validate, quarantine what fails, merge the rest.

file → cells (``common.tables``: every line accounted for, values stripped) → normalise (Land
spellings, member names, German dates and numbers) → validate → merge into ``data/user/``.

One validator: the rows are checked with the loaders' own ``check_table``, and the merged
file is loaded through the loaders' own ``datasets.check_files`` before it replaces the old
one; if that fails, nothing is merged. Keys and duplicates are compared by value and column
name, never by position: the same rows with their columns in another order are the same rows.
Every rejected row lands in a quarantine file with its reasons; a row already present is
skipped, so running the same file twice adds nothing twice.

Normalisation works on distinct values (a 100,000-row file names a few dozen members and
Länder), and each correction is reported once with the rows it applies to.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from haefen_analysis import config, datasets
from haefen_analysis.catalogue.schema import Field, Resource, catalogue, resource
from haefen_analysis.common.dates import ISO_PARTIAL
from haefen_analysis.common.files import write_csv
from haefen_analysis.errors import DataValidationError, IntakeError, ParseError
from haefen_analysis.ingest import codes, names, parse
from haefen_analysis.ingest.validate import Problem, check_table, failing_rows, problems_frame

#: Tables an analyst may add rows to (the others are reference tables).
USER_TABLES = (
    "members",
    "offers",
    "admissions",
    "funding",
    "networks",
    "programmes",
    "meetings",
    "contacts",
    "demands",
    "counts_over_time",
)
ID_COLUMNS = {
    "offers": "offer_id",
    "admissions": "admission_id",
    "meetings": "meeting_id",
    "funding": "funding_id",
}
#: Rows named in one correction line before the rest is counted.
SHOWN_ROWS = 5
#: Joins the values of a row's columns into one comparable text (a unit separator: no cell
#: holds one).
SEP = "\x1f"


@dataclass
class IntakeResult:
    file: str
    table: str
    rows: int
    accepted: int = 0
    already_present: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    merged_into: Path | None = None
    quarantine: Path | None = None


def detect_table(columns: list[str], data_dir: Path | None = None, file: str = "") -> str:
    """The table whose columns the file has (exactly, in any order); ``file`` names the file
    in the error."""
    cols = set(columns)
    for name, res in catalogue(data_dir).items():
        if set(res.columns) == cols and name in USER_TABLES:
            return name
    best = max(
        (n for n in USER_TABLES), key=lambda n: len(cols & set(resource(n, data_dir).columns))
    )
    where = f"{file}: " if file else ""
    raise IntakeError(
        f"{where}Tabelle nicht erkennbar an den Spalten {sorted(cols)}; am nächsten ist {best!r} "
        f"mit den Spalten {resource(best, data_dir).columns} (mit --table angeben)"
    )


def _rows_text(rows: list[int]) -> str:
    if len(rows) == 1:
        return f"Zeile {rows[0]}"
    shown = ", ".join(map(str, rows[:SHOWN_ROWS]))
    rest = len(rows) - SHOWN_ROWS
    return f"Zeilen {shown}" + (f" und {rest} weitere" if rest > 0 else "")


class _Normaliser:
    """Rewrites accepted spellings into the catalogue's forms, one distinct value at a time."""

    def __init__(self, raw: pd.DataFrame, res: Resource, file: str, dd: Path | None) -> None:
        self.raw, self.res, self.file, self.dd = raw, res, file, dd
        self.member_ids = set(datasets.members(dd)["member_id"].dropna())
        self.problems: list[Problem] = []
        self.fixes: list[str] = []

    def run(self) -> None:
        # Land columns first: a member name is resolved within the row's (normalised) Land.
        first = [f for f in self.res.fields if f.name in ("land", "scope")]
        for f in first + [f for f in self.res.fields if f not in first]:
            if f.name in self.raw.columns:
                self._column(f)

    def _column(self, f: Field) -> None:
        rule = self._rule(f)
        if rule is None:
            return
        values = self.raw[f.name]
        keys = values  # member names resolve within their row's Land
        if f.name == "member_id" and "land" in self.raw.columns:
            keys = values + SEP + self.raw["land"]
        todo = keys[values.ne("")]
        changed: dict[str, str] = {}
        for key, rows in todo.groupby(todo, sort=False).groups.items():
            value, _, land = str(key).partition(SEP)
            try:
                new = rule(value, land or None)
            except (ValueError, LookupError) as exc:
                self.problems += [
                    Problem(self.file, int(i) + 2, f.name, value, "normalise", str(exc))
                    for i in rows
                ]
                continue
            if new != value:
                changed[str(key)] = new
                where = _rows_text([int(i) + 2 for i in rows])
                self.fixes.append(f"{where}, Spalte {f.name!r}: {value!r} → {new!r}")
        if changed:
            new_values = keys.map(changed)
            self.raw[f.name] = values.where(new_values.isna(), new_values)

    def _rule(self, f: Field) -> Callable[[str, str | None], str] | None:
        """How one value of ``f`` is normalised (None: the column needs nothing)."""
        if f.name in ("land", "scope") and f.pattern:
            spell = codes.scope_code if "DE" in f.pattern else codes.land_code
            return lambda value, _land: spell(value, self.dd)
        if f.name == "member_id" and self.res.name != "members":
            return self._member
        if f.enum:  # German labels (drop-downs of the template) → codes
            by_label = {label.casefold(): code for code, label in f.enum_labels.items()}
            return lambda v, _land: v if v in f.enum else by_label.get(v.casefold(), v)
        if f.type == "partial_date":
            return lambda v, _land: v if ISO_PARTIAL.fullmatch(v) else parse.parse_date(v).iso
        if f.type == "integer":
            return lambda v, _land: v if v.lstrip("-").isdigit() else _whole_number(v)
        return None

    def _member(self, value: str, land: str | None) -> str:
        if value in self.member_ids:
            return value
        return names.resolve_member(value, land if land not in (None, "", "DE") else None, self.dd)


def _whole_number(value: str) -> str:
    num = parse.parse_number(value)
    if num.qualifier != "exact" or num.value != int(num.value):
        raise ParseError(
            f"{value!r} ist keine genaue ganze Zahl: die Zahl gehört hierher, die Art der "
            "Angabe (up_to/about/range/more_than) in die Spalte der Angabe"
        )
    return str(int(num.value))


def _joined(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One text per row of these columns' values (by name, in this order)."""
    first, *rest = columns
    if not rest:
        return frame[first]
    return frame[first].str.cat([frame[c] for c in rest], sep=SEP)


def _fill_ids(raw: pd.DataFrame, res: Resource, fixes: list[str]) -> None:
    """Rows without an id get a hash of their values in the catalogue's column order, so the
    same row gets the same id whatever the order of the file's columns."""
    col = ID_COLUMNS.get(res.name)
    if not col or col not in raw.columns or not set(res.columns) <= set(raw.columns):
        return
    empty = raw.index[raw[col] == ""]
    if not len(empty):
        return
    content = _joined(raw.loc[empty], [c for c in res.columns if c != col])
    ids = [
        f"u-{hashlib.sha1(text.replace(SEP, '|').encode()).hexdigest()[:10]}" for text in content
    ]
    raw.loc[empty, col] = ids
    if len(empty) == 1:
        fixes.append(f"Zeile {int(empty[0]) + 2}, Spalte {col!r}: leer → erzeugte ID {ids[0]!r}")
    else:
        lines = [int(i) + 2 for i in empty]
        fixes.append(f"{_rows_text(lines)}, Spalte {col!r}: leer → je eine erzeugte ID")


def _read(path: Path) -> tuple[pd.DataFrame, str]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise IntakeError(f"{path}: Excel-Dateien liest ingest.workbook.validate_workbook")
    return datasets.read_raw(path)


def validate_file(
    path: str | Path,
    table: str | None = None,
    data_dir: str | Path | None = None,
    *,
    today: date | None = None,
    dry_run: bool = False,
) -> IntakeResult:
    """Validate a user CSV file; merge good rows into data/user/, quarantine the rest. Excel
    workbooks (one or more sheets): ``workbook.validate_workbook``."""
    path, dd = Path(path), Path(data_dir) if data_dir is not None else None
    raw, encoding = _read(path)
    table = table or detect_table(list(raw.columns), dd, str(path))
    fixes = (
        ["Datei nicht in UTF-8: als cp1252 gelesen (Windows/Excel)"] if encoding == "cp1252" else []
    )
    return validate_frame(raw, table, str(path), dd, today=today, dry_run=dry_run, fixes=fixes)


def validate_frame(
    raw: pd.DataFrame,
    table: str,
    label: str,
    dd: Path | None,
    *,
    today: date | None = None,
    dry_run: bool = False,
    fixes: list[str] | None = None,
    problems: list[Problem] | None = None,
) -> IntakeResult:
    """The core of ``validate_file`` for rows already read (all cells strings): normalise,
    validate, merge, quarantine. ``label`` names the file (and sheet) in every message;
    ``problems`` found while reading (e.g. formulas without values) reject their rows too.
    The index of ``raw`` is the spreadsheet row minus 2 (header = row 1)."""
    res = resource(table, dd)
    if table not in USER_TABLES:
        raise IntakeError(
            f"{label}: Tabelle {table!r} nimmt keine eigenen Zeilen auf (Referenztabelle); "
            f"möglich: {', '.join(USER_TABLES)}"
        )
    raw = raw.copy(deep=False)
    for column in raw.columns:  # one column at a time: a copy of the whole file costs memory
        raw[column] = raw[column].fillna("").astype(str).str.strip()
    result = IntakeResult(label, table, len(raw), corrections=list(fixes or []))
    normaliser = _Normaliser(raw, res, label, dd)
    normaliser.run()
    result.corrections += normaliser.fixes
    _fill_ids(raw, res, result.corrections)
    _typed, checked = check_table(
        raw, res, label, today=today, references=datasets.references(res, dd)
    )
    problems = list(problems or []) + normaliser.problems + checked
    if any(p.row is None for p in problems):  # whole-file problem: nothing can be merged
        result.problems, result.rejected = problems, len(raw)
        return _quarantine(result, raw, problems, res, dd, dry_run)
    bad = set(failing_rows(problems) - 2)
    keep, present, conflicts = _against_existing(raw.loc[~raw.index.isin(bad)], res, dd)
    key = (list(res.primary_key) or res.columns)[0]
    problems += [
        Problem(
            label,
            int(idx) + 2,
            key,
            raw.at[idx, key],
            "conflict",
            "eine andere Zeile mit demselben Schlüssel ist schon in den Daten",
        )
        for idx in conflicts
    ]
    result.already_present = len(present)
    result.accepted, result.rejected = len(keep), len(bad) + len(conflicts)
    if len(keep) and not dry_run:
        merged = pd.concat([_user_rows(res, dd), raw.loc[keep, res.columns]], ignore_index=True)
        try:
            result.merged_into = _merge(merged, res, dd)
        except DataValidationError as exc:
            shown = "; ".join(str(p) for p in exc.problems[:3])
            problems.append(
                Problem(
                    label,
                    None,
                    None,
                    None,
                    "load",
                    "nichts übernommen: mit diesen Zeilen bestünde die Tabelle die Prüfung der "
                    f"Ladefunktionen nicht ({len(exc.problems)} Problem(e): {shown})",
                )
            )
            result.accepted, result.rejected = 0, len(raw) - len(present)
    result.problems = sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
    return _quarantine(result, raw, result.problems, res, dd, dry_run)


def _against_existing(
    rows: pd.DataFrame, res: Resource, dd: Path | None
) -> tuple[pd.Index, pd.Index, pd.Index]:
    """(new, already present, key conflict) rows, compared by value: the whole row equal to
    one in the data, or only its key (a different row under the same key). Rows are compared
    by a 64-bit hash of their values in the catalogue's column order."""
    existing = _existing(res, dd)
    key = list(res.primary_key) or res.columns
    present = _hashes(rows, res.columns).isin(_hashes(existing, res.columns))
    taken = _hashes(rows, key).isin(_hashes(existing, key))
    return rows.index[~present & ~taken], rows.index[present], rows.index[~present & taken]


def _hashes(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    return pd.util.hash_pandas_object(frame[columns].astype(str), index=False)


def _merge(merged: pd.DataFrame, res: Resource, dd: Path | None) -> Path:
    """Write the user table, loaded through the loaders' own check before it replaces the
    old file (``DataValidationError``: the old file stays)."""
    target = config.user_dir(dd) / res.path
    curated = config.data_dir(dd) / res.path
    sources = [curated] if curated.exists() else []

    def loads(candidate: Path) -> None:
        try:
            datasets.check_files(res, [*sources, candidate], dd)
        except DataValidationError as exc:  # name the file the user will find, not the temp
            named = [
                replace(p, file=str(target)) if p.file == str(candidate) else p
                for p in exc.problems
            ]
            raise DataValidationError(named) from None

    return write_csv(merged, target, check=loads)


def _existing(res: Resource, dd: Path | None) -> pd.DataFrame:
    frames = []
    for p in (config.data_dir(dd) / res.path, config.user_dir(dd) / res.path):
        if p.exists():
            frames.append(datasets.read_raw(p)[0])
    return pd.concat(frames, ignore_index=True) if frames else datasets.empty(res)


def _user_rows(res: Resource, dd: Path | None) -> pd.DataFrame:
    p = config.user_dir(dd) / res.path
    return datasets.read_raw(p)[0] if p.exists() else datasets.empty(res)


def _quarantine(
    result: IntakeResult,
    raw: pd.DataFrame,
    problems: list[Problem],
    res: Resource,
    dd: Path | None,
    dry_run: bool,
) -> IntakeResult:
    rows = sorted({p.row for p in problems if p.row is not None})
    if any(p.row is None for p in problems):
        rows = [int(i) + 2 for i in raw.index]
    if not rows or dry_run:
        return result
    out = raw.loc[[r - 2 for r in rows]].copy()
    out.insert(0, "_row", rows)
    reasons = problems_frame(problems)
    whole = "; ".join(reasons.loc[reasons["row"].isna(), "message"])
    by_row = reasons.dropna(subset=["row"]).groupby("row")["message"].agg("; ".join)
    out["_problems"] = ["; ".join(filter(None, [whole, by_row.get(r, "")])) for r in rows]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = re.sub(r"[^\w-]+", "_", Path(result.file).name).strip("_")
    target = config.quarantine_dir(dd) / f"{res.name}-{stem}-{stamp}.csv"
    write_csv(out, target)
    result.quarantine = target
    return result
