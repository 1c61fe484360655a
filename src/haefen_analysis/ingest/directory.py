"""The official municipal directory as a name index: which Gemeinde, Gemeindeverband or Kreis
a name means, within a Land (and a Kreis where known).

The directory is ``data/gemeinden.csv`` (Zensus 2022: 10,786 Gemeinden with ARS and official
name) and ``data/kreise.csv``. Official names carry additions after a comma ("Lübeck,
Hansestadt", "Wasserburg a.Inn, St") and qualifiers in parentheses ("Leer (Ostfriesland)",
"Kampen (Sylt)"); sources write "Lübeck", "Wasserburg am Inn", "Leer". Two keys per name catch
that: the full name (connectors "am"/"a." and "bei"/"b." folded alike) and the short name
(without parentheses and without a trailing "am Inn"). A name that fits several places is
refused with the candidates named, never guessed; a town ("Stadt") is preferred over a
village of the same name only when the caller says it means a town.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from haefen_analysis.errors import AmbiguousNameError, UnknownNameError
from haefen_analysis.ingest.codes import fold, land_name
from haefen_analysis.ingest.names import name_key

#: Connector words folded alike in full and abbreviated form ("am Inn", "a.Inn").
_CONNECTORS = {
    "am": "a",
    "an": "a",
    "a": "a",
    "bei": "b",
    "b": "b",
    "im": "i",
    "in": "i",
    "i": "i",
    "der": "d",
    "d": "d",
    "vor": "v",
    "v": "v",
    "ob": "o",
    "o": "o",
    "st": "sankt",
}
_START_WORDS = {"a", "b", "i", "v", "o"}
_PARENTHESIS = re.compile(r"\([^)]*\)")
#: Words before a Kreis's or a Gemeindeverband's name that do not belong to the name.
KREIS_WORDS = ("landkreis", "kreis", "region", "staedteregion", "regionalverband", "lk", "lkr")
VERBAND_WORDS = ("samtgemeinde", "verbandsgemeinde", "sg", "vg", "amt", "verwaltungsgemeinschaft")
#: Member kinds that are towns (a directory "Stadt" wins over a village of the same name).
TOWN_KINDS = {"stadt", "kreisfreie_stadt"}
#: Kinds of Kreise that are towns themselves.
TOWN_KREISE = {"kreisfreie_stadt", "stadtkreis"}


def _canonical(key: str) -> str:
    return " ".join(_CONNECTORS.get(w, w) for w in key.split())


def full_key(name: str) -> str:
    """Key of a name as written, additions after the comma dropped: "Wasserburg a.Inn, St"
    and "Wasserburg am Inn" both give "wasserburg a inn"."""
    return _canonical(name_key(name.split(",")[0]))


def short_key(name: str) -> str:
    """The name without parentheses and without a trailing qualifier: "Leer (Ostfriesland),
    Stadt" and "Leer" give "leer", "Wasserburg a.Inn" gives "wasserburg"."""
    words = full_key(_PARENTHESIS.sub(" ", name.split(",")[0])).split()
    cut = next((i for i, w in enumerate(words) if i and w in _START_WORDS), len(words))
    return " ".join(words[:cut])


def strip_words(name: str, words: tuple[str, ...]) -> str:
    """The name without a leading word of ``words`` ("Landkreis Göttingen" -> "Göttingen")."""
    parts = name.split(",")[0].split()
    while parts and fold(parts[0]) in words:
        parts = parts[1:]
    return " ".join(parts) or name


def _is_town(official_name: str) -> bool:
    """A directory name whose additions say it is a town ("…, Stadt", "…, St", "…, GKSt")."""
    additions = [fold(p) for p in official_name.split(",")[1:]]
    return any(a.endswith("stadt") or a in {"st", "gkst", "krst"} for a in additions)


@dataclass(frozen=True)
class Entry:
    """One Gemeinde of the directory."""

    ars: str
    name: str
    land: str
    kreis: str
    town: bool
    in_verband: bool  # member of a Gemeindeverband with other Gemeinden

    @property
    def ags(self) -> str:
        return self.ars[:5] + self.ars[9:]


@dataclass(frozen=True)
class Match:
    """What a name resolved to: the key, its level, how it was found, the official name."""

    ars: str
    ags: str
    level: str
    match: str
    matched_name: str
    note: str = ""


class Directory:
    """Names of Gemeinden, Gemeindeverbände and Kreise → official keys (see module docs)."""

    def __init__(self, gemeinden: pd.DataFrame, kreise: pd.DataFrame) -> None:
        ars = gemeinden["ars"].astype(str)
        verband_size = ars.str[:9].map(ars.str[:9].value_counts())
        self.entries = [
            Entry(a, n, a[:2], a[:5], _is_town(n), int(size) > 1)
            for a, n, size in zip(ars, gemeinden["name"].astype(str), verband_size, strict=True)
        ]
        self.by_full = self._index(full_key(e.name) for e in self.entries)
        self.by_short = self._index(short_key(e.name) for e in self.entries)
        self.kreise = kreise[["ags", "name", "kind"]].astype(str).reset_index(drop=True)
        self.kreis_names = dict(zip(self.kreise["ags"], self.kreise["name"], strict=True))
        kreis_keys = [full_key(strip_words(n, KREIS_WORDS)) for n in self.kreise["name"]]
        self.kreis_index = self._index(kreis_keys)
        self.ars = {e.ars: e for e in self.entries}

    @staticmethod
    def _index(keys) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            index.setdefault(key, []).append(i)
        return index

    def _describe(self, entries: list[Entry]) -> str:
        return "; ".join(
            f"{e.name} ({e.ars}, {self.kreis_names.get(e.kreis, 'Kreis ' + e.kreis)})"
            for e in entries
        )

    def _candidates(self, name: str) -> list[Entry]:
        """Gemeinden anywhere a name can mean: a qualified name ("Halle (Saale)") its full
        form, a bare one ("Neuenkirchen") every Gemeinde it is the short name of."""
        key, short = full_key(name), short_key(name)
        hits = self.by_full.get(key, []) if key != short else self.by_short.get(short, [])
        return [self.entries[i] for i in hits]

    def gemeinden(
        self,
        name: str,
        land: str,
        *,
        kreis: str | None = None,
        town: bool = False,
        names: tuple[str, ...] = (),
    ) -> tuple[list[Entry], str]:
        """Gemeinden of ``land`` (and ``kreis``) a name (or else one of the ``names`` it is
        also known by) can mean, and how they were found ("exact", "alias", "kreis").

        A qualified name ("Halle (Saale)", "Wasserburg am Inn") means the Gemeinden of that
        full name; a bare one ("Neuenkirchen") every Gemeinde it is the short name of, so
        "Neuenkirchen" in Niedersachsen fits "Neuenkirchen" and the five "Neuenkirchen (…)".
        ``town`` keeps only towns when the name fits several."""
        for number, candidate in enumerate((name, *names)):
            key = full_key(candidate)
            found = [e for e in self._candidates(candidate) if e.land == land]
            if len(found) > 1 and town and any(e.town for e in found):
                found = [e for e in found if e.town]
            exact = number == 0 and all(full_key(e.name) == key for e in found)
            how = "exact" if exact else "alias"
            if kreis is not None and found:
                within = [e for e in found if e.kreis == kreis]
                how = "kreis" if len(within) < len(found) else how
                found = within
            if found:
                return found, how
        return [], ""

    def resolve_gemeinde(
        self,
        name: str,
        land: str,
        *,
        kreis: str | None = None,
        town: bool = False,
        names: tuple[str, ...] = (),
    ) -> Match:
        """The one Gemeinde a name means; raises ``UnknownNameError`` / ``AmbiguousNameError``
        naming the candidates."""
        found, how = self.gemeinden(name, land, kreis=kreis, town=town, names=names)
        where = land_name(land) + (f", {self.kreis_names.get(kreis, kreis)}" if kreis else "")
        if not found:
            raise UnknownNameError(f"keine Gemeinde {name!r} in {where} im Gemeindeverzeichnis")
        if len(found) > 1:
            raise AmbiguousNameError(
                f"{len(found)} Gemeinden {name!r} in {where}: {self._describe(found)}"
            )
        e = found[0]
        return Match(e.ars, e.ags, "gemeinde", how, e.name)

    def resolve_verband(
        self, name: str, land: str, *, kreis: str | None = None, names: tuple[str, ...] = ()
    ) -> Match:
        """A Samtgemeinde, Verbandsgemeinde or Amt: the Gemeindeverband of the Gemeinde that
        gives it its name (the directory lists no Verband names)."""
        bare = strip_words(name, VERBAND_WORDS)
        found, how = self.gemeinden(bare, land, kreis=kreis, names=names)
        found = [e for e in found if e.in_verband]
        where = land_name(land) + (f", {self.kreis_names.get(kreis, kreis)}" if kreis else "")
        if not found:
            raise UnknownNameError(
                f"keine Gemeinde {bare!r} in einem Gemeindeverband in {where}: der Verband "
                "trägt keinen Gemeindenamen (Schlüssel von Hand setzen)"
            )
        if len({e.ars[:9] for e in found}) > 1:
            raise AmbiguousNameError(
                f"{len(found)} Gemeindeverbände mit einer Gemeinde {bare!r} in {where}: "
                f"{self._describe(found)}"
            )
        e = found[0]
        note = f"Gemeindeverband der gleichnamigen Gemeinde {e.name} ({e.ars})"
        return Match(e.ars[:9] + "000", "", "gemeindeverband", how, e.name, note)

    def resolve_kreis(self, name: str, land: str, *, town: bool = False) -> Match:
        """A Landkreis, Kreis or Region by name (``town`` for a kreisfreie Stadt as a Kreis)."""
        key = full_key(strip_words(name, KREIS_WORDS))
        rows = self.kreise.loc[self.kreis_index.get(key, [])]
        rows = rows[rows["ags"].str[:2].eq(land) & rows["kind"].isin(TOWN_KREISE).eq(town)]
        if len(rows) != 1:
            what = "mehrdeutig" if len(rows) else "nicht im Verzeichnis der Kreise"
            raise (AmbiguousNameError if len(rows) else UnknownNameError)(
                f"Kreis {name!r} in {land_name(land)}: {what}"
            )
        row = rows.iloc[0]
        return Match(row["ags"] + "0000000", row["ags"], "kreis", "exact", row["name"])

    def describe_name(self, name: str, land: str | None = None) -> str | None:
        """What a name is in the directory ("Gemeinde Neumünster (Neumünster, kreisfreie
        Stadt, Schleswig-Holstein, ARS 010040000000)"), for messages about names that are
        places but not members; None if it is none (in ``land`` when given)."""
        found = [e for e in self._candidates(name) if land is None or e.land == land]
        if not found:
            return None
        shown = "; ".join(
            f"{e.name} ({self.kreis_names.get(e.kreis, e.kreis)}, {land_name(e.land)}, ARS {e.ars})"
            for e in found[:3]
        )
        more = f" und {len(found) - 3} weitere" if len(found) > 3 else ""
        return f"Gemeinde {shown}{more}"


@cache
def _directory(data_dir: Path | None, stamp: tuple) -> Directory:
    from haefen_analysis import datasets

    return Directory(datasets.load("gemeinden", data_dir), datasets.load("kreise", data_dir))


def directory(data_dir: str | Path | None = None) -> Directory:
    """The directory of the data folder in use (rebuilt when its tables change)."""
    from haefen_analysis import datasets

    dd = Path(data_dir) if data_dir is not None else None
    return _directory(dd, (datasets.version("gemeinden", dd), datasets.version("kreise", dd)))
