"""Analysts' own files in the catalogue's schema: validate, quarantine what fails, merge the rest.

file → parse → normalise (Land spellings, member names, German dates and numbers) → validate →
merge into ``data/user/``. Every rejected row lands in a quarantine file with its reasons; a row
already present is skipped, so running the same file twice adds nothing twice.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from haefen_analysis import config, datasets
from haefen_analysis.catalogue.schema import Field, Resource, catalogue, resource
from haefen_analysis.common.dates import ISO_PARTIAL
from haefen_analysis.common.files import write_csv
from haefen_analysis.errors import IntakeError, ParseError
from haefen_analysis.ingest import codes, names, parse
from haefen_analysis.ingest.validate import Problem, check_table, failing_rows, problems_frame

#: Tables an analyst may add rows to (the others are reference tables).
USER_TABLES = (
    "members",
    "pledges",
    "admissions",
    "meetings",
    "contacts",
    "demands",
    "counts_over_time",
)
ID_COLUMNS = {"pledges": "pledge_id", "admissions": "admission_id", "meetings": "meeting_id"}


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


def _normalise(
    raw: pd.DataFrame, res: Resource, file: str, member_ids: set[str], fixes: list[str]
) -> list[Problem]:
    """Rewrite accepted spellings into the catalogue's forms, in place; report the rest."""
    problems: list[Problem] = []
    for f in res.fields:
        if f.name not in raw.columns:
            continue
        col = raw[f.name].fillna("").astype(str).str.strip()
        for idx, value in col[col != ""].items():
            try:
                new = _normalise_value(f, value, raw.loc[idx], res.name, member_ids)
            except (ValueError, LookupError) as exc:
                problems.append(Problem(file, int(idx) + 2, f.name, value, "normalise", str(exc)))
                continue
            if new != value:
                raw.at[idx, f.name] = new
                fixes.append(f"Zeile {int(idx) + 2}, Spalte {f.name!r}: {value!r} → {new!r}")
    return problems


def _normalise_value(f: Field, value: str, row: pd.Series, table: str, ids: set[str]) -> str:
    if f.name in ("land", "scope") and f.pattern:
        return (codes.scope_code if "DE" in f.pattern else codes.land_code)(value)
    if f.name == "member_id" and table != "members" and value not in ids:
        land = row.get("land") or None
        return names.resolve_member(value, land if land != "DE" else None)
    if f.enum and value not in f.enum:  # German labels (drop-downs of the template) → codes
        by_label = {label.casefold(): code for code, label in f.enum_labels.items()}
        return by_label.get(value.casefold(), value)
    if f.type == "partial_date" and not ISO_PARTIAL.fullmatch(value):
        return parse.parse_date(value).iso
    if f.type == "integer" and not value.lstrip("-").isdigit():
        num = parse.parse_number(value)
        if num.qualifier != "exact" or num.value != int(num.value):
            raise ParseError(
                f"{value!r} ist keine genaue ganze Zahl: die Zahl gehört hierher, die Art der "
                "Angabe (up_to/about/range/more_than) in die Spalte der Angabe"
            )
        return str(int(num.value))
    return value


def _fill_ids(raw: pd.DataFrame, table: str, fixes: list[str]) -> None:
    """Rows without an id get a content hash, so the same row always gets the same id."""
    col = ID_COLUMNS.get(table)
    if not col or col not in raw.columns:
        return
    for idx in raw.index[raw[col].fillna("").str.strip() == ""]:
        content = "|".join(raw.loc[idx].drop(col).fillna("").astype(str))
        new = "u-" + hashlib.sha1(content.encode()).hexdigest()[:10]
        raw.at[idx, col] = new
        fixes.append(f"Zeile {int(idx) + 2}, Spalte {col!r}: leer → erzeugte ID {new!r}")


def _read(path: Path, table: str | None, data_dir: Path | None) -> tuple[pd.DataFrame, str]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = pd.read_excel(path, sheet_name=table or 0, dtype=str).fillna("")
        return frame, "xlsx"
    return datasets.read_raw(path)


def validate_file(
    path: str | Path,
    table: str | None = None,
    data_dir: str | Path | None = None,
    *,
    today: date | None = None,
    dry_run: bool = False,
) -> IntakeResult:
    """Validate a user file (CSV, or one Excel sheet); merge good rows into data/user/,
    quarantine the rest. Workbooks from ``haefen template``: ``workbook.validate_workbook``."""
    path, dd = Path(path), Path(data_dir) if data_dir is not None else None
    raw, encoding = _read(path, table, dd)
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
    result = IntakeResult(label, table, len(raw), corrections=list(fixes or []))
    member_ids = set(datasets.members(dd)["member_id"].dropna())
    norm_problems = list(problems or []) + _normalise(
        raw, res, label, member_ids, result.corrections
    )
    _fill_ids(raw, table, result.corrections)
    refs = datasets.references(res, dd)
    _typed, problems = check_table(raw, res, label, today=today, references=refs)
    problems = norm_problems + problems
    if any(p.row is None for p in problems):  # whole-file problem: nothing can be merged
        result.problems, result.rejected = problems, len(raw)
        return _quarantine(result, raw, problems, res, dd, dry_run)
    bad = set(failing_rows(problems) - 2)
    existing = _existing(res, dd)
    key = list(res.primary_key) or res.columns
    seen = {tuple(r) for r in existing[key].itertuples(index=False)} if len(existing) else set()
    full = (
        {tuple(r) for r in existing[res.columns].itertuples(index=False)}
        if len(existing)
        else set()
    )
    keep = []
    for idx in raw.index:
        if idx in bad:
            continue
        row_key = tuple(raw.loc[idx, key])
        if tuple(raw.loc[idx, res.columns]) in full:
            result.already_present += 1
        elif row_key in seen:
            problems.append(
                Problem(
                    label,
                    int(idx) + 2,
                    key[0],
                    str(row_key[0]),
                    "conflict",
                    "eine andere Zeile mit demselben Schlüssel ist schon in den Daten",
                )
            )
            bad.add(idx)
        else:
            keep.append(idx)
            seen.add(row_key)
    result.problems = sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
    result.accepted, result.rejected = len(keep), len(bad)
    if keep and not dry_run:
        target = config.user_dir(dd) / res.path
        merged = pd.concat([_user_rows(res, dd), raw.loc[keep, res.columns]], ignore_index=True)
        write_csv(merged, target)
        result.merged_into = target
    return _quarantine(result, raw, result.problems, res, dd, dry_run)


def _existing(res: Resource, dd: Path | None) -> pd.DataFrame:
    frames = []
    for p in (config.data_dir(dd) / res.path, config.user_dir(dd) / res.path):
        if p.exists():
            frames.append(datasets.read_raw(p)[0])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=res.columns)


def _user_rows(res: Resource, dd: Path | None) -> pd.DataFrame:
    p = config.user_dir(dd) / res.path
    return datasets.read_raw(p)[0] if p.exists() else pd.DataFrame(columns=res.columns)


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
        rows = list(range(2, len(raw) + 2))
    if not rows or dry_run:
        return result
    out = raw.loc[[r - 2 for r in rows]].copy()
    out.insert(0, "_row", rows)
    reasons = problems_frame(problems)
    whole = "; ".join(reasons.loc[reasons["row"].isna(), "message"])
    out["_problems"] = [
        "; ".join(filter(None, [whole, *reasons.loc[reasons["row"] == r, "message"].astype(str)]))
        for r in rows
    ]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = re.sub(r"[^\w-]+", "_", Path(result.file).name).strip("_")
    target = config.quarantine_dir(dd) / f"{res.name}-{stem}-{stamp}.csv"
    write_csv(out, target)
    result.quarantine = target
    return result
