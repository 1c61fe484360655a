""" "Was hat sich geändert": this report set against the previous dated set in the same folder.

Every set publishes its registry (``register/``) and its key numbers (``kennzahlen.json``);
the next set compares today's tables with them: new members, status changes, new offers and
admission figures (by their ids), and key numbers that differ. Each change names the member
and Land it concerns, so the portal lists them all and each report shows those of its
subject (a profile its member's, a Land report its Land's, the overview all).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from haefen_analysis.publish import summary

#: Folder names of dated sets.
DATED = re.compile(r"\d{4}-\d{2}-\d{2}")
KEY_NUMBERS_FILE = "kennzahlen.json"
REGISTER_FOLDER = "register"
#: How many changes a report section lists before it counts the rest.
SHOWN = 30


@dataclass(frozen=True)
class Change:
    kind: str  # neu | status | angebot | aufnahme | zahl
    land: str | None
    member_id: str | None
    text: str


def previous_set(out_dir: Path) -> Path | None:
    """The newest dated set before ``out_dir`` (a sibling folder) that has a registry."""
    if not out_dir.parent.is_dir():
        return None
    earlier = [
        p
        for p in out_dir.parent.iterdir()
        if p.is_dir() and DATED.fullmatch(p.name) and p.name < out_dir.name
        if (p / REGISTER_FOLDER / "members.csv").is_file()
    ]
    return max(earlier, key=lambda p: p.name, default=None)


def _read(folder: Path, name: str) -> pd.DataFrame:
    """A table of the previous set's registry, as text (ids and status compared as written)."""
    from haefen_analysis.common.tables import read_csv

    path = folder / REGISTER_FOLDER / f"{name}.csv"
    return read_csv(path)[0] if path.is_file() else pd.DataFrame()


def _new_rows(before: pd.DataFrame, now: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows of ``now`` whose ``key`` the previous set did not have; none when the previous
    set did not publish the table (then nothing can be said to be new)."""
    if now.empty or key not in now or key not in before:
        return now.iloc[0:0]
    known = set(before[key].astype(str))
    return now[~now[key].astype(str).isin(known)]


def _member_changes(before: pd.DataFrame, now: pd.DataFrame) -> list[Change]:
    from haefen_analysis.catalogue import labels
    from haefen_analysis.ingest import codes

    def status(value: object) -> str:
        return labels.value_label("status", value, "members")

    out = []
    for row in _new_rows(before, now, "member_id").itertuples():
        out.append(
            Change(
                "neu",
                str(row.land),
                str(row.member_id),
                f"Neu in den Daten: {row.name} ({codes.land_name(row.land)}), {status(row.status)}",
            )
        )
    if "member_id" in before and len(before):
        old = before.set_index("member_id")["status"].astype(str)
        for row in now.itertuples():
            was = old.get(row.member_id)
            if was is not None and was != str(row.status):
                text = f"{row.name}: Status {status(was)} → {status(row.status)}"
                out.append(Change("status", str(row.land), str(row.member_id), text))
    return out


def _offer_changes(before: pd.DataFrame, now: pd.DataFrame, names: dict) -> list[Change]:
    from haefen_analysis.catalogue import labels

    out = []
    for row in _new_rows(before, now, "offer_id").itertuples():
        who = names.get(row.member_id, "ohne Eintrag im Verzeichnis")
        kind = labels.value_label("kind", row.kind, "offers")
        places = f", {row.places} Plätze" if pd.notna(row.places) and str(row.places) else ""
        member = None if pd.isna(row.member_id) else str(row.member_id)
        out.append(
            Change("angebot", str(row.land), member, f"Neues Angebot: {who}, {kind}{places}")
        )
    return out


def _admission_changes(before: pd.DataFrame, now: pd.DataFrame, names: dict) -> list[Change]:
    out = []
    for row in _new_rows(before, now, "admission_id").itertuples():
        member = None if pd.isna(row.member_id) else str(row.member_id)
        who = names.get(member, str(row.scope))
        value = row.value if pd.notna(row.value) and str(row.value) else "unbekannt"
        out.append(
            Change(
                "aufnahme",
                str(row.scope),
                member,
                f"Neue Aufnahmezahl: {who}, {row.programme}: {value}",
            )
        )
    return out


def _number_changes(before: dict[str, Any], now: dict[str, Any]) -> list[Change]:
    out = []
    for code, numbers in now.get("laender", {}).items():
        old = before.get("laender", {}).get(code)
        if not old:
            continue
        for field, label in summary.LAND_FIELDS.items():
            if old.get(field) != numbers.get(field):
                land = None if code == "DE" else code
                text = f"{numbers['name']}, {label}: {old.get(field)} → {numbers.get(field)}"
                out.append(Change("zahl", land, None, text))
    for member_id, numbers in now.get("members", {}).items():
        old = before.get("members", {}).get(member_id)
        if old and old.get("pledged") != numbers.get("pledged"):
            text = (
                f"{numbers['name']}, {summary.MEMBER_FIELDS['pledged']}: "
                f"{old.get('pledged')} → {numbers.get('pledged')}"
            )
            out.append(Change("zahl", numbers["land"], member_id, text))
    return out


@cache
def _compare(previous: Path, data_dir: Path | None, stamp: tuple) -> tuple[Change, ...]:
    from haefen_analysis import datasets

    members = datasets.members(data_dir)
    names = members.set_index("member_id")["name"].to_dict()
    found = _member_changes(_read(previous, "members"), members)
    found += _offer_changes(_read(previous, "offers"), datasets.offers(data_dir), names)
    found += _admission_changes(_read(previous, "admissions"), datasets.admissions(data_dir), names)
    kept = previous / KEY_NUMBERS_FILE
    if kept.is_file():
        before = json.loads(kept.read_text(encoding="utf-8"))
        found += _number_changes(before, summary.key_numbers(data_dir))
    return tuple(found)


def since_previous(out_dir: Path, data_dir: Path | None = None) -> tuple[Path | None, list[Change]]:
    """The previous set and what changed since (empty without one)."""
    from haefen_analysis import datasets

    previous = previous_set(out_dir)
    if previous is None:
        return None, []
    stamp = tuple(datasets.version(n, data_dir) for n in ("members", "offers", "admissions"))
    return previous, list(_compare(previous, data_dir, stamp))


def concerning(found: list[Change], parameters: dict[str, Any]) -> list[Change]:
    """The changes a report about ``parameters``' subject shows."""
    what, code = summary.subject(parameters)
    if what == "member":
        return [c for c in found if c.member_id == code]
    if what == "land":
        return [c for c in found if c.land == code]
    return found


def section_html(found: list[Change], previous: Path) -> str:
    """The report section (empty when nothing changed)."""
    if not found:
        return ""
    items = "".join(f"<li>{html.escape(c.text)}</li>" for c in found[:SHOWN])
    more = f"<p>… und {len(found) - SHOWN} weitere (Übersicht).</p>" if len(found) > SHOWN else ""
    return (
        '<section class="changes"><h2>Was hat sich geändert</h2>'
        f"<p>Seit dem Berichtssatz vom {html.escape(_day(previous))}:</p>"
        f"<ul>{items}</ul>{more}</section>"
    )


def _day(folder: Path) -> str:
    from haefen_analysis.common import dates

    return dates.german_iso(folder.name) or folder.name
