"""What a report reads, as one content key: notebook, parameters, data rows, package, options.

The runner reuses a report's last good output when its key is unchanged (incremental builds).
The data part follows what ``reports.toml`` declares per kind under ``inputs``:

* ``subject = "member"``: of a table with ``member_id``, the member's rows; of a table with a
  Land column (``land``, else ``scope``) and no ``member_id``, the rows of the member's Land
  and the rows of no Land (federal, EU); every other table whole.
* ``subject = "land"``: the Land's rows and the rows of no Land; of a table with ``member_id``
  and no Land column, the rows of the Land's members; every other table whole.
* ``land_rows``: tables of which the rows of the subject's whole Land count (a profile's map
  sizes the Land's members by their offers and admissions).
* ``land_columns`` / ``columns``: ``{table = [columns]}`` of every row of the subject's Land /
  of every row (what the report shows of the others: names, dates, counts per Land).
* ``whole``: tables read whole (a ratio that needs every Land's figure).
* no ``subject``: everything whole (the overview).

Files that are not tables (``datapackage.json``, ``geo/``, provenance) always count whole, and
so does a table that does not read (the report will say why). When in doubt, rebuild: the key
also holds a hash of the package's own files, so a code change rebuilds every report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from hashlib import sha256
from pathlib import Path
from typing import Any

import pandas as pd

from haefen_analysis import config
from haefen_analysis.common.digests import digest, file_hash

#: Folders of the data folder that no loader reads (staging, downloads, the cache).
_NOT_READ = {"cache", "raw", "research", "quarantine"}

_LAND_COLUMNS = ("land", "scope")


@dataclass(frozen=True)
class Inputs:
    """A kind's declared dependencies (``[kinds.<name>.inputs]`` in ``reports.toml``)."""

    subject: str | None = None  # "land" | "member" | None (everything whole)
    land_rows: tuple[str, ...] = ()
    land_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    whole: tuple[str, ...] = ()


class _Table:
    """One table's rows (curated and the user's), hashed row by row, with its keys; hashes of
    a selection are kept (hundreds of reports ask for the same Land's rows)."""

    def __init__(self, name: str, frames: list[pd.DataFrame]) -> None:
        self.name = name
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        self.frame = frame.astype("string").fillna("")
        self.rows = pd.util.hash_pandas_object(self.frame, index=False).to_numpy()
        self.land = next((c for c in _LAND_COLUMNS if c in frame.columns), None)
        self.ids = self.frame["member_id"] if "member_id" in self.frame.columns else None
        self.by_member = self.ids.groupby(self.ids).indices if self.ids is not None else {}
        self._kept: dict[tuple[Any, ...], str] = {}

    @property
    def keyed(self) -> bool:
        return self.land is not None or self.ids is not None

    def _hash(self, key: tuple[Any, ...], rows: Any, columns: tuple[str, ...] = ()) -> str:
        if key not in self._kept:
            if columns:
                kept = [c for c in columns if c in self.frame.columns]
                part = self.frame.iloc[rows][kept] if rows is not None else self.frame[kept]
                values = pd.util.hash_pandas_object(part, index=False).to_numpy()
            else:
                values = self.rows if rows is None else self.rows[rows]
            self._kept[key] = sha256(values.tobytes()).hexdigest()
        return self._kept[key]

    def whole(self, columns: tuple[str, ...] = ()) -> str:
        return self._hash(("all", columns), None, columns)

    def of_member(self, member: str) -> str:
        return self._hash(("member", member), self.by_member.get(member, []))

    def of_land(self, land: str, members: set[str], columns: tuple[str, ...] = ()) -> str:
        """Rows of ``land`` and of no Land; by member where the table has no Land column."""
        if ("land", land, columns) not in self._kept:
            if self.land is None:
                mask = self.ids.isin(members)
            else:
                values = self.frame[self.land]
                elsewhere = ~values.str.fullmatch(r"\d\d")  # federal, EU, a member's own row
                if self.ids is not None:
                    elsewhere &= (self.ids == "") | self.ids.isin(members)
                mask = (values == land) | elsewhere
            rows = mask.to_numpy().nonzero()[0]
            return self._hash(("land", land, columns), rows, columns)
        return self._kept[("land", land, columns)]


class DataIndex:
    """The data folder once per run: every table's row hashes and every other file's hash."""

    def __init__(self, data_dir: Path | None = None) -> None:
        from haefen_analysis.datasets import stored
        from haefen_analysis.errors import HaefenError

        self.data_dir = config.data_dir(data_dir)
        self.tables: dict[str, _Table] = {}
        self.files: dict[str, str] = {}
        found: dict[str, list[Path]] = {}
        for path in sorted(self.data_dir.rglob("*")):
            parts = path.relative_to(self.data_dir).parts
            if not path.is_file() or _NOT_READ & set(parts) or path.name.startswith("."):
                continue
            if path.suffix == ".csv" and parts[0] in (path.name, "user"):
                found.setdefault(path.stem, []).append(path)
            elif path.suffix != ".md":
                self.files[Path(*parts).as_posix()] = file_hash(path)
        for name, paths in found.items():
            try:
                self.tables[name] = _Table(name, [stored.cells(p, data_dir) for p in paths])
            except (HaefenError, ValueError, OSError):
                for p in paths:  # unreadable: whole bytes, the report says what is wrong
                    self.files[p.relative_to(self.data_dir).as_posix()] = file_hash(p)

    @cached_property
    def member_land(self) -> dict[str, str]:
        members = self.tables.get("members")
        if members is None or "land" not in members.frame.columns:
            return {}
        return dict(zip(members.frame["member_id"], members.frame["land"], strict=True))

    def land_members(self, land: str) -> set[str]:
        return {m for m, code in self.member_land.items() if code == land}

    def key(self, inputs: Inputs, subject: str | None) -> str:
        """The hash of what a report of this kind and subject reads."""
        if inputs.subject is None or subject is None:
            return digest(self.files, {n: t.whole() for n, t in self.tables.items()})
        if inputs.subject == "member":
            member, land = subject, self.member_land.get(subject, "")
        else:
            member, land = None, subject
        members = self.land_members(land)
        parts: dict[str, Any] = {}
        for name, table in self.tables.items():
            if name in inputs.whole or not table.keyed:
                part = [table.whole()]
            elif member is not None and table.ids is not None:
                part = [table.of_member(member)]
            else:
                part = [table.of_land(land, members)]
            if name in inputs.land_rows and table.keyed:
                part.append(table.of_land(land, members))
            if name in inputs.land_columns and table.keyed:
                part.append(table.of_land(land, members, inputs.land_columns[name]))
            if name in inputs.columns:
                part.append(table.whole(inputs.columns[name]))
            parts[name] = part
        return digest(self.files, parts)


def report_key(
    notebook: Path,
    parameters: Mapping[str, Any],
    data: str,
    package: str,
    options: Mapping[str, Any],
) -> str:
    """The one key of a report: equal keys mean the same output."""
    return digest(file_hash(notebook), dict(parameters), data, package, dict(options))
