"""Länder: one code (the two-digit AGS Länderschlüssel) for every spelling found in sources.

Sources write a Land as "NRW", "NW", "Nordrhein-Westfalen", "DE-NW", "05", "5" or in English,
and official documents in its official form: "Freistaat Bayern", "Freie und Hansestadt
Hamburg", "Land Berlin", or inverted as in the Regionalstatistik ("Hamburg, kreisfreie Stadt,
Freie und Hansestadt"). Everything inside the package uses the AGS code ("05"); ``land_code``
turns any accepted spelling into it and refuses, with the close matches, what it does not know
(also a title a Land does not carry: "Freistaat Hessen").
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from haefen_analysis import config
from haefen_analysis.errors import UnknownLandError

#: Scope code used for facts about Germany as a whole (admissions, counts).
GERMANY = "DE"


@dataclass(frozen=True)
class Land:
    ags: str
    iso: str
    short: str
    name: str
    name_en: str


def fold(text: str) -> str:
    """Case-, accent- and punctuation-free key: "Baden-Württemberg" -> "baden wuerttemberg"."""
    text = text.strip().casefold()
    for umlaut, ascii_ in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, ascii_)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@cache
def _rows(path: Path) -> tuple[dict[str, str], ...]:
    with path.open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def _path(data_dir: Path | None) -> Path:
    """The Länder table of the data folder in use, else the project's own (codes are fixed)."""
    path = config.data_dir(data_dir) / "laender.csv"
    return path if path.exists() else config.PROJECT_DIR / "data" / "laender.csv"


def laender(data_dir: Path | None = None) -> tuple[Land, ...]:
    """All 16 Länder in AGS order."""
    rows = _rows(_path(data_dir))
    return tuple(Land(r["ags"], r["iso"], r["short"], r["name"], r["name_en"]) for r in rows)


@cache
def _spellings(path: Path) -> dict[str, str]:
    index: dict[str, str] = {}
    for r in _rows(path):
        names = [r["ags"], str(int(r["ags"])), r["iso"], r["short"], r["name"], r["name_en"]]
        names += [n for n in r["other_names"].split("|") if n]
        for name in names:
            index[fold(name)] = r["ags"]
    return index


#: Official titles before a Land's name and the Länder that carry them: the three Freistaaten
#: and the two Hanseatic city states (bpb, Das junge Politik-Lexikon, "Freistaat",
#: https://bpb.de/nachschlagen/lexika/das-junge-politik-lexikon/320325/freistaat); "Land" and
#: "Bundesland" go with every Land ("Land Berlin").
TITLES = {
    "freistaat": {"09", "14", "16"},
    "freie und hansestadt": {"02"},
    "freie hansestadt": {"04"},
    "land": None,
    "bundesland": None,
}
#: Words of an inverted official name that are not the Land's ("Hamburg, kreisfreie Stadt, …").
_KIND_PARTS = {"kreisfreie stadt", "stadt"}


def _official_form(key: str, value: str, index: dict[str, str]) -> str | None:
    """The code of an official long form, straight or inverted ("Bayern, Freistaat")."""
    parts = [fold(p) for p in value.split(",")] if "," in value else [key]
    parts = [p for p in parts if p and p not in _KIND_PARTS]
    if len(parts) == 2 and parts[1] in TITLES:
        parts = [f"{parts[1]} {parts[0]}"]
    if len(parts) != 1:
        return None
    for title, allowed in TITLES.items():
        if parts[0].startswith(title + " "):
            code = index.get(parts[0][len(title) + 1 :])
            if code is not None and (allowed is None or code in allowed):
                return code
    return None


def land_code(value: object, data_dir: Path | None = None) -> str:
    """The AGS code ("01"–"16") of any accepted spelling of a Land.

    Raises ``UnknownLandError`` naming the close matches when the spelling is unknown.
    """
    index = _spellings(_path(data_dir))
    key = fold(str(value)) if value is not None else ""
    if key in index:
        return index[key]
    official = _official_form(key, str(value), index) if value is not None else None
    if official is not None:
        return official
    by_name = {fold(land.name): land.name for land in laender(data_dir)}
    by_name |= {fold(land.name_en): land.name for land in laender(data_dir)}
    close = difflib.get_close_matches(key, list(by_name), n=3, cutoff=0.6)
    hint = ", ".join(dict.fromkeys(by_name[c] for c in close)) or "keine"
    raise UnknownLandError(f"unbekanntes Land {value!r} (ähnlich: {hint})")


def land(value: object, data_dir: Path | None = None) -> Land:
    """The Land record for any accepted spelling."""
    code = land_code(value, data_dir)
    return next(x for x in laender(data_dir) if x.ags == code)


def land_name(code: str, data_dir: Path | None = None) -> str:
    """German name for a code; "Deutschland" for the Germany scope."""
    if code == GERMANY:
        return "Deutschland"
    return land(code, data_dir).name


def scope_code(value: object, data_dir: Path | None = None) -> str:
    """Like ``land_code`` but also accepts Germany ("DE", "Deutschland", "Germany", "Bund")."""
    if fold(str(value)) in {"de", "deutschland", "germany", "bund", "bundesweit"}:
        return GERMANY
    return land_code(value, data_dir)
