"""Municipality names → one canonical member (owid-style harmonisation).

Sources write "Hansestadt Lübeck", "Lübeck, Hansestadt", "Luebeck", "Stadt Köln", "Köln, Stadt".
A folded key (case, umlauts, punctuation and administrative prefixes removed) catches most of
them; ``data/aliases.csv`` holds the rest: short forms, misspellings in sources (matched with a
warning, never silently) and homonyms that are not members, so "Blomberg" without a Land is
refused with both candidates named instead of guessed.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from haefen_analysis.errors import AmbiguousNameError, NameResolutionError, UnknownNameError
from haefen_analysis.ingest.codes import fold, land_code, land_name

if TYPE_CHECKING:
    from haefen_analysis.ingest.directory import Directory

#: Words that name the kind of authority, not the place; dropped from either end of a name.
ADMIN_WORDS = {
    "stadt",
    "hansestadt",
    "gemeinde",
    "samtgemeinde",
    "universitaetsstadt",
    "landeshauptstadt",
    "kreisfreie",
    "freie",
    "und",
    "grosse",
    "kreisstadt",
    "wissenschaftsstadt",
}


class NameMismatchWarning(UserWarning):
    """A name matched through a known misspelling."""


def name_key(name: str) -> str:
    """Comparable key: "Lübeck, Hansestadt" and "Hansestadt Lübeck" both give "luebeck"."""
    words = fold(name).split()
    while words and words[0] in ADMIN_WORDS:
        words.pop(0)
    while words and words[-1] in ADMIN_WORDS:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class Candidate:
    member_id: str | None  # None: a place that is not a member
    name: str
    land: str
    warn: bool
    note: str

    def describe(self) -> str:
        tail = "" if self.member_id else ", kein Mitglied in den Daten"
        return f"{self.name} ({land_name(self.land)}{tail})"


class NameResolver:
    """Resolves names (optionally with a Land) to member ids; with the municipal directory, a
    name that is a real Gemeinde but not a member gets that answer, not "unknown"."""

    def __init__(
        self,
        members: pd.DataFrame,
        aliases: pd.DataFrame,
        directory: Directory | Callable[[], Directory | None] | None = None,
    ):
        # the directory (~0.5 s to index) only phrases error messages: it may come as its loader
        self._directory = directory
        self.index: dict[str, list[Candidate]] = {}
        names = dict(zip(members["member_id"], members["name"], strict=True))
        self.ids = set(names)
        for mid, name, land in members[["member_id", "name", "land"]].itertuples(index=False):
            self._add(name, Candidate(mid, name, land, False, ""))
        for row in aliases.itertuples(index=False):
            mid = row.member_id if isinstance(row.member_id, str) else None
            shown = names.get(mid, row.alias) if mid else row.alias
            note = row.note if isinstance(row.note, str) else ""
            self._add(row.alias, Candidate(mid, shown, row.land, row.warn == "yes", note))
        self._cache: dict[tuple[str, str | None], str] = {}

    def _add(self, name: str, cand: Candidate) -> None:
        bucket = self.index.setdefault(name_key(name), [])
        if cand not in bucket:
            bucket.append(cand)

    def resolve(self, name: str, land: str | None = None) -> str:
        """The member_id; raises ``UnknownNameError`` / ``AmbiguousNameError`` with candidates.

        A member_id is accepted as it is (ids are unique, names need not be)."""
        if name in self.ids:
            return name
        code = land_code(land) if land not in (None, "") else None
        cache_key = (name, code)
        if cache_key in self._cache:
            return self._cache[cache_key]
        cands = self.index.get(name_key(name), [])
        if code and not any(c.land == code for c in cands) or not cands:
            place = self._place(name, code)
        else:
            place = None  # not needed: the name resolves among the members
        if not cands and place:
            raise UnknownNameError(f"{name!r} ist {place}, aber kein Mitglied in den Daten")
        if not cands:
            close = difflib.get_close_matches(name_key(name), list(self.index), n=3, cutoff=0.75)
            hint = ", ".join(c.describe() for k in close for c in self.index[k]) or "keine"
            raise UnknownNameError(f"unbekannter Name {name!r} (ähnlich: {hint})")
        if code:
            in_land = [c for c in cands if c.land == code]
            if not in_land:
                found = ", ".join(c.describe() for c in cands)
                there = f"; in {land_name(code)} ist es {place}" if place else ""
                raise UnknownNameError(
                    f"kein Mitglied {name!r} in {land_name(code)} (gefunden: {found}){there}"
                )
            cands = in_land
        targets = {(c.member_id, c.land) for c in cands}
        if len(targets) > 1:
            found = "; ".join(dict.fromkeys(c.describe() for c in cands))
            raise AmbiguousNameError(
                f"Name {name!r} ist mehrdeutig – bitte das Land angeben: {found}"
            )
        cand = cands[0]
        if cand.member_id is None:
            raise UnknownNameError(f"{name!r} ist {cand.describe()}: {cand.note}")
        if cand.warn:
            warnings.warn(
                f"{name!r} als {cand.name!r} erkannt, über eine bekannte Falschschreibung "
                f"({cand.note})",
                NameMismatchWarning,
                stacklevel=2,
            )
        self._cache[cache_key] = cand.member_id
        return cand.member_id

    def _place(self, name: str, code: str | None) -> str | None:
        """What the directory says the name is ("eine Gemeinde in …"), if there is one."""
        if callable(self._directory):
            self._directory = self._directory()
        return self._directory.describe_name(name, code) if self._directory else None

    def harmonise(self, names: pd.Series, lands: pd.Series | None = None) -> pd.DataFrame:
        """member_id (NA where unresolved) and the reason, per name; warns about what it
        could not map, listing the names (owid-style)."""
        frame = pd.DataFrame({"name": names, "land": lands if lands is not None else None})
        unique = frame.drop_duplicates()
        results = {}
        for name, land in unique.itertuples(index=False):
            try:
                results[(name, land)] = (self.resolve(name, land), "")
            except (NameResolutionError, ValueError) as exc:
                results[(name, land)] = (pd.NA, str(exc))
        pairs = [results[(n, la)] for n, la in frame.itertuples(index=False)]
        out = pd.DataFrame(pairs, columns=["member_id", "problem"], index=names.index)
        out["member_id"] = out["member_id"].astype("string")
        unmapped = sorted({n for (n, _), (m, _) in results.items() if m is pd.NA})
        if unmapped:
            warnings.warn(
                f"{len(unmapped)} Name(n) nicht zugeordnet: {', '.join(map(str, unmapped))}",
                stacklevel=2,
            )
        return out


@cache
def _resolver(data_dir: Path | None, stamp: tuple) -> NameResolver:
    from haefen_analysis import datasets
    from haefen_analysis.ingest.directory import directory

    def found() -> Directory | None:
        return directory(data_dir) if datasets.version("gemeinden", data_dir) else None

    members = datasets.load("members", data_dir)
    return NameResolver(members, datasets.load("aliases", data_dir), found)


def resolver(data_dir: str | Path | None = None) -> NameResolver:
    """The resolver over the current members and aliases tables and the directory."""
    from haefen_analysis import datasets

    dd = Path(data_dir) if data_dir is not None else None
    tables = ("members", "aliases", "gemeinden", "kreise")
    return _resolver(dd, tuple(datasets.version(t, dd) for t in tables))


def resolve_member(name: str, land: str | None = None, data_dir: str | Path | None = None) -> str:
    """member_id for a name as any source writes it (see module docstring)."""
    return resolver(data_dir).resolve(name, land)
