"""The few key numbers of each report subject, as the portal rows show them and as a report
set keeps them (``kennzahlen.json``) so that the next set can say which figures changed.

Values are German display text by the reports' own rules (``report.counts``: "unbekannt" is
never 0), computed from the same tables and the same per-Land table the reports use.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

#: The key year of the per-Land table (as in the report notebooks' default).
KEY_YEAR = 2020
#: Field → German label of the key numbers, in the order the portal shows them.
LAND_FIELDS = {
    "members": "Sichere Häfen",
    "members_per_million": "je Mio. Einwohner",
    "buendnis": "im Bündnis",
    "pledged": "zugesagte Plätze",
    "admitted": "Aufnahmen als Sichere Häfen",
}
MEMBER_FIELDS = {
    "status": "Status",
    "declared": "Beschluss",
    "buendnis": "Bündnis",
    "pledged": "zugesagte Plätze",
}


def _land_numbers(row: pd.Series) -> dict[str, str]:
    from haefen_analysis import report
    from haefen_analysis.catalogue import labels

    return {
        "name": str(row["land_name"]),
        "members": report.number(row["members"]),
        "members_per_million": report.number(
            row["members_per_million"], labels.decimals("members_per_million")
        ),
        "buendnis": report.counts.count_text(
            row["buendnis_members"], int(row["buendnis_unknown"]), int(row["members"])
        ),
        "pledged": report.counts.count_text(
            row["pledged_places"],
            int(row["pledges_places_unknown"]),
            None if pd.notna(row["pledged_places"]) else 0,
        ),
        "admitted": report.number(row["admitted_sichere_haefen"]),
    }


def _member_pledges(pledges: pd.DataFrame) -> dict[str, str]:
    from haefen_analysis.report import counts

    out = {}
    for member_id, rows in pledges.dropna(subset=["member_id"]).groupby("member_id"):
        places = pd.to_numeric(rows["places"], errors="coerce")
        known = places.sum() if places.notna().any() else None
        out[str(member_id)] = counts.count_text(known, int(places.isna().sum()), len(rows))
    return out


@cache
def _key_numbers(data_dir: Path | None, stamp: tuple) -> dict[str, Any]:
    """Kept on disk for the same data and package (``datasets.stored``): the portal and the
    set step of every run ask for them, and the per-Land table takes ~0.7 s."""
    from haefen_analysis.datasets import stored

    def build() -> bytes:
        return json.dumps(_computed(data_dir), ensure_ascii=False).encode("utf-8")

    key = stored.data_key(data_dir)
    return json.loads(stored.product("kennzahlen.json", key, data_dir, build))


def _computed(data_dir: Path | None) -> dict[str, Any]:
    from haefen_analysis import analysis, datasets, report
    from haefen_analysis.catalogue import labels
    from haefen_analysis.ingest import codes

    table = analysis.per_land.table(KEY_YEAR, data_dir=data_dir)
    members = datasets.members(data_dir)
    pledged = _member_pledges(datasets.pledges(data_dir))
    laender = {code: _land_numbers(row) for code, row in table.iterrows()}
    people = {}
    for row in members.itertuples():
        people[row.member_id] = {
            "name": str(row.name),
            "land": str(row.land),
            "land_name": codes.land_name(row.land),
            "kind": labels.value_label("kind", row.kind, "members"),
            "status": labels.value_label("status", row.status, "members"),
            "declared": report.date(row.declared_on, row.declared_on_precision) or labels.UNKNOWN,
            "buendnis": labels.value_label("buendnis_member", row.buendnis_member, "members"),
            # no offer on record: whether the member offered places is not known
            "pledged": pledged.get(row.member_id, labels.UNKNOWN),
        }
    return {"laender": laender, "members": people}


def key_numbers(data_dir: str | Path | None = None) -> dict[str, Any]:
    """``{"laender": {ags: {...}}, "members": {member_id: {...}}}``; Germany is ``"DE"`` among
    the Länder. Cached per process until a table file changes."""
    from haefen_analysis import datasets

    dd = Path(data_dir) if data_dir is not None else None
    stamp = tuple(datasets.version(name, dd) for name in ("members", "offers", "admissions"))
    return _key_numbers(dd, stamp)


def subject(parameters: dict[str, Any]) -> tuple[str, str | None]:
    """What a report is about, from its parameters: ("member", id), ("land", ags) or
    ("germany", None)."""
    if "gemeinde" in parameters:
        return "member", str(parameters["gemeinde"])
    if "land" in parameters:
        return "land", str(parameters["land"])
    return "germany", None
