"""Merge research results (data/research/members_new*.csv, data/research/members_updates*.csv)
into data/members.csv. Idempotent: rows already present are skipped, updates already applied are
not applied twice. Prints what it changed and what it refused."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from haefen_analysis import config
from haefen_analysis.common.files import atomic_write
from haefen_analysis.common.sources import SOURCE_SEPARATOR
from haefen_analysis.ingest.names import name_key

#: Columns an update adds to (with this separator) instead of replacing.
APPENDED = {"source": SOURCE_SEPARATOR, "note": " | "}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _resolved_updates() -> list[tuple[tuple[str, str], str, dict[str, str]]]:
    """One update per member and column, so re-running changes nothing: the later research
    file wins, except ``listed_by`` (the earliest dated evidence wins) and the appended
    columns (every distinct value is kept, in file order)."""
    final: dict[tuple, dict[str, str]] = {}
    for path in sorted(config.research_dir().glob("members_updates*.csv")):
        for upd in _read(path):
            key: tuple = ((name_key(upd["member_name"]), upd["land"]), upd["column"])
            if upd["column"] in APPENDED:
                key = (*key, upd["value"])
            current = final.get(key)
            if upd["column"] == "listed_by" and current and current["value"] <= upd["value"]:
                continue
            final[key] = upd
    return [(k[0], k[1], upd) for k, upd in final.items()]


def main() -> int:
    target = config.data_dir() / "members.csv"
    rows = _read(target)
    columns = list(rows[0])
    ids = {r["member_id"] for r in rows}
    added = skipped = updated = 0
    found = sorted(config.research_dir().glob("members_new*.csv"))
    for new in (r for f in found for r in _read(f)):
        if new["member_id"] in ids:
            skipped += 1
            continue
        rows.append({c: new.get(c, "") for c in columns})
        ids.add(new["member_id"])
        added += 1
    by_key = {(name_key(r["name"]), r["land"]): r for r in rows}
    for key, column, upd in _resolved_updates():
        row = by_key.get(key)
        value = upd["value"]
        if row is None or column not in columns:
            print(f"refused update (no such member/column): {upd}", file=sys.stderr)
            continue
        if value in row[column]:  # already applied, or a more precise date is already there
            continue
        old = row[column]
        if column in APPENDED:
            row[column] = APPENDED[column].join(filter(None, [old, value]))
        else:
            row[column] = value
            note = f"{column}: {upd['note']}" if upd["note"] else ""
            if old:
                note = f"{column} was {old!r} before a research update; {note}".rstrip("; ")
            row["note"] = " | ".join(filter(None, [row["note"], note]))
        if upd["source"] not in row["source"]:
            row["source"] += SOURCE_SEPARATOR + upd["source"]
        updated += 1
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write(target, buffer.getvalue())
    print(f"members.csv: {added} added, {skipped} already present, {updated} updates applied")
    return 0


if __name__ == "__main__":
    sys.exit(main())
