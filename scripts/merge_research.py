"""Merge research results (research/members_new*.csv, research/members_updates*.csv) into
data/members.csv. Idempotent: rows already present are skipped, updates already applied are
not applied twice. Prints what it changed and what it refused."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from haefen_analysis import config
from haefen_analysis.names import name_key

RESEARCH = config.PROJECT_DIR / "research"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def main() -> int:
    target = config.data_dir() / "members.csv"
    rows = _read(target)
    columns = list(rows[0])
    ids = {r["member_id"] for r in rows}
    added = skipped = updated = 0
    for new in (r for f in sorted(RESEARCH.glob("members_new*.csv")) for r in _read(f)):
        if new["member_id"] in ids:
            skipped += 1
            continue
        rows.append({c: new.get(c, "") for c in columns})
        ids.add(new["member_id"])
        added += 1
    by_key = {(name_key(r["name"]), r["land"]): r for r in rows}
    for upd in (r for f in sorted(RESEARCH.glob("members_updates*.csv")) for r in _read(f)):
        row = by_key.get((name_key(upd["member_name"]), upd["land"]))
        if row is None or upd["column"] not in columns:
            print(f"refused update (no such member/column): {upd}", file=sys.stderr)
            continue
        if row[upd["column"]] == upd["value"]:
            continue
        old = row[upd["column"]]
        row[upd["column"]] = upd["value"]
        if upd["source"] not in row["source"]:
            row["source"] += " ; " + upd["source"]
        note = f"{upd['column']}: {upd['note']}" if upd["note"] else ""
        if old:
            note = f"{upd['column']} was {old!r} before research update; {note}".rstrip("; ")
        if note and note not in row["note"]:
            row["note"] = " | ".join(filter(None, [row["note"], note]))
        updated += 1
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"members.csv: {added} added, {skipped} already present, {updated} updates applied")
    return 0


if __name__ == "__main__":
    sys.exit(main())
