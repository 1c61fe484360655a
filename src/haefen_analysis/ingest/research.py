"""Research staging into the registry: ``haefen data merge-research``.

Research rounds leave their findings in ``data/research/`` (catalogue resources
``research_members_new`` and ``research_members_updates``, one file per round, named so that
they sort in the order of the rounds). The merge reads every file strictly: a row with the
wrong number of fields (an unquoted comma) or a value that breaks its column's rule is refused
with file, line, column, value and rule, and nothing is written. The merged table is validated
as a whole before it replaces ``data/members.csv`` (atomically). Merging twice changes nothing
the second time: a new member already present is skipped, an update already applied (the same
value, a more precise date, the text already there) is not applied again.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from haefen_analysis import config, datasets
from haefen_analysis.catalogue.schema import Resource, resource
from haefen_analysis.common.files import atomic_write, neutralise
from haefen_analysis.common.sources import SOURCE_SEPARATOR
from haefen_analysis.errors import DataValidationError
from haefen_analysis.ingest.names import name_key
from haefen_analysis.ingest.validate import Problem, check_table

NEW = "research_members_new"
UPDATES = "research_members_updates"
MEMBERS = "members"
#: Columns an update adds to (with this separator) instead of replacing.
APPENDED = {"source": SOURCE_SEPARATOR, "note": " | "}
#: The earliest dated evidence wins for this column (an upper bound of the decision).
EARLIEST = "listed_by"


@dataclass
class MergeResult:
    """What a merge did (or would do, with ``check``)."""

    added: list[str] = field(default_factory=list)  # member_ids
    updated: list[tuple[str, str]] = field(default_factory=list)  # (member_id, column)
    already_applied: int = 0
    changed: bool = False
    written: Path | None = None


def read_staging(path: Path, res: Resource) -> tuple[pd.DataFrame, list[Problem]]:
    """A staging file as strings (index = line number − 2, so problems name the file's
    line) and every problem: field counts first, then the catalogue's rules."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        rows, lines, problems = [], [], []
        for row in reader:
            if len(row) != len(header):
                problems.append(
                    Problem(
                        str(path),
                        reader.line_num,
                        None,
                        ",".join(row),
                        "field_count",
                        f"{len(row)} Felder statt {len(header)} wie in der Kopfzeile "
                        "(Komma im Wert nicht in Anführungszeichen?)",
                    )
                )
                continue
            rows.append(row)
            lines.append(reader.line_num - 2)
    frame = pd.DataFrame(rows, columns=header, index=lines, dtype=str)
    _typed, found = check_table(frame, res, str(path))
    return frame, problems + found


def _check_values(updates: pd.DataFrame, members: Resource, file: str) -> list[Problem]:
    """Each update's value checked by the rules of the members column it is for."""
    problems = []
    for column, part in updates.groupby("column"):
        if column in APPENDED:
            continue
        one = dataclasses.replace(
            members, fields=(members.field(column),), primary_key=(), foreign_keys=()
        )
        _typed, found = check_table(part[["value"]].rename(columns={"value": column}), one, file)
        problems += [
            dataclasses.replace(p, column="value", message=f"{p.message} (als {column})")
            for p in found
        ]
    return problems


def _staged(kind: str, data_dir: Path | None) -> tuple[list[tuple[Path, pd.DataFrame]], list]:
    res = resource(kind, data_dir)
    members = resource(MEMBERS, data_dir)
    files, problems = [], []
    for path in sorted(config.data_dir(data_dir).glob(res.path)):
        frame, found = read_staging(path, res)
        if kind == UPDATES and not found:
            found = _check_values(frame, members, str(path))
        files.append((path, frame))
        problems += found
    return files, problems


def _resolved(files: list[tuple[Path, pd.DataFrame]]) -> list[tuple[tuple, str, dict]]:
    """One update per member and column: the later round wins, except ``listed_by`` (the
    earliest date wins) and the appended columns (every distinct value is kept, in order)."""
    final: dict[tuple, tuple[Path, int, dict]] = {}
    for path, frame in files:
        for line, upd in zip(frame.index, frame.to_dict("records"), strict=True):
            member = (name_key(upd["member_name"]), upd["land"])
            key: tuple = (member, upd["column"])
            if upd["column"] in APPENDED:
                key = (*key, upd["value"])
            current = final.get(key)
            if upd["column"] == EARLIEST and current and current[2]["value"] <= upd["value"]:
                continue
            final[key] = (path, int(line) + 2, upd)
    return [(k[0], k[1], (path, line, upd)) for k, (path, line, upd) in final.items()]


def _applied(column: str, current: str, value: str, members: Resource) -> bool:
    """True when an update is already in the row: equal value, a date at least as precise
    (or, for ``listed_by``, an earlier one), or text that contains it."""
    f = members.field(column)
    if f.enum:
        return current == value
    if f.type == "partial_date":
        if column == EARLIEST and current:
            return current <= value or current.startswith(value)
        return current.startswith(value) and current != ""
    return value in current


def _apply(rows: list[dict], updates, members: Resource, result: MergeResult) -> list[Problem]:
    by_key = {(name_key(r["name"]), r["land"]): r for r in rows}
    problems = []
    for key, column, (path, line, upd) in updates:
        row = by_key.get(key)
        value = upd["value"]
        if row is None:
            problems.append(
                Problem(
                    str(path),
                    line,
                    "member_name",
                    upd["member_name"],
                    "unknown_member",
                    f"kein Mitglied dieses Namens im Land {upd['land']} in members.csv",
                )
            )
            continue
        current = row[column]
        if column in APPENDED:
            if value in current:
                result.already_applied += 1
                continue
            row[column] = APPENDED[column].join(filter(None, [current, value]))
        else:
            if _applied(column, current, value, members):
                result.already_applied += 1
                continue
            row[column] = value
            why = f"{column}: {upd['note']}" if upd["note"] else ""
            if current:
                why = f"{column} vorher {current!r} (Recherche); {why}".rstrip("; ")
            row["note"] = " | ".join(filter(None, [row["note"], why]))
        if upd["source"] not in row["source"]:
            row["source"] = SOURCE_SEPARATOR.join(filter(None, [row["source"], upd["source"]]))
        result.updated.append((row["member_id"], column))
    return problems


def members_csv(rows: list[dict], members: Resource) -> str:
    """The members table as CSV text in the catalogue's column order, formula cells
    neutralised (``common.files``)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, members.columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: neutralise(r.get(c, "")) for c in members.columns} for r in rows)
    return buffer.getvalue()


def write_members(rows: list[dict], data_dir: Path | None = None) -> Path:
    """Replace data/members.csv with ``rows`` after validating the whole table (any problem:
    ``DataValidationError``, the old file stays)."""
    members = resource(MEMBERS, data_dir)
    text = members_csv(rows, members)
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    target = config.data_dir(data_dir) / members.path
    refs = datasets.references(members, data_dir)
    _typed, problems = check_table(raw, members, f"{target} (zusammengeführt)", references=refs)
    if problems:
        raise DataValidationError(problems)
    return atomic_write(target, text)


def read_members(data_dir: Path | None = None) -> list[dict]:
    """data/members.csv as rows of strings."""
    path = config.data_dir(data_dir) / resource(MEMBERS, data_dir).path
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def merge_research(data_dir: str | Path | None = None, *, check: bool = False) -> MergeResult:
    """Merge every staging file into data/members.csv (``check``: only tell whether it would
    change). Refused rows raise ``DataValidationError`` before anything is written."""
    dd = Path(data_dir) if data_dir is not None else None
    members = resource(MEMBERS, dd)
    new_files, problems = _staged(NEW, dd)
    update_files, found = _staged(UPDATES, dd)
    problems += found
    if problems:
        raise DataValidationError(problems)
    rows = read_members(dd)
    before = (config.data_dir(dd) / members.path).read_text(encoding="utf-8")
    result = MergeResult()
    ids = {r["member_id"] for r in rows}
    for _path, frame in new_files:
        for new in frame.to_dict("records"):
            if new["member_id"] in ids:
                result.already_applied += 1
                continue
            rows.append(new)
            ids.add(new["member_id"])
            result.added.append(new["member_id"])
    problems = _apply(rows, _resolved(update_files), members, result)
    if problems:
        raise DataValidationError(problems)
    result.changed = members_csv(rows, members) != before
    if result.changed and not check:
        result.written = write_members(rows, dd)
    return result
