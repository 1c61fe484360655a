"""Every member keyed by its official code: ``data/member_keys.csv``, resolved through the
municipal directory (``ingest.directory``), checked, and turned into the DCAT-AP.de geocoding
URI of the open-data registry.

``resolve_keys`` is the deterministic step behind ``haefen data keys``: rows set by hand
(match ``manual``, with a source) are kept; rows with match ``kreis`` name the Kreis a shared
name lies in (by hand, with a source) and are resolved within it; every other member is
resolved afresh from its name, kind and Land. What cannot be decided gets no row and is
listed with the reason, so the step can be run again after new members arrive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from haefen_analysis import config, datasets
from haefen_analysis.catalogue.schema import resource
from haefen_analysis.common.files import write_csv
from haefen_analysis.errors import DataValidationError, NameResolutionError
from haefen_analysis.ingest import codes
from haefen_analysis.ingest.directory import TOWN_KINDS, Directory, Match, directory
from haefen_analysis.ingest.validate import Problem, check_table

#: Level of the key by member kind.
KIND_LEVEL = {
    "land": "land",
    "landkreis": "kreis",
    "region": "kreis",
    "samtgemeinde": "gemeindeverband",
    "kreisfreie_stadt": "gemeinde",
    "stadt": "gemeinde",
    "gemeinde": "gemeinde",
}
#: Rows the resolver keeps (set by hand, with a source).
KEPT = ("manual", "kreis")
#: DCAT-AP.de "politicalGeocodingURI" vocabularies per level; the key is the AGS of a Gemeinde
#: (8 digits, e.g. municipalityKey/01054015), the Verbandsschlüssel (9), the Kreis (5) or the
#: Land (2): DCAT-AP.de specification, "Kontrollierte Vokabulare", #kv-political-geocoding-uri,
#: https://www.dcat-ap.de/def/politicalGeocoding/municipalityKey/ (and …/stateKey/ etc.).
GEOCODING = {
    "gemeinde": ("http://dcat-ap.de/def/politicalGeocoding/municipalityKey/", 8),
    "gemeindeverband": ("http://dcat-ap.de/def/politicalGeocoding/municipalAssociationKey/", 9),
    "kreis": ("http://dcat-ap.de/def/politicalGeocoding/districtKey/", 5),
    "land": ("http://dcat-ap.de/def/politicalGeocoding/stateKey/", 2),
}
COLUMNS = ["member_id", "ars", "ags", "level", "match", "matched_name", "source", "note"]


def geocoding_uri(ars: object, level: object) -> object:
    """The DCAT-AP.de political geocoding URI of a key (NA without a key)."""
    if pd.isna(ars) or pd.isna(level):
        return pd.NA
    base, width = GEOCODING[str(level)]
    ars = str(ars)
    key = ars[:5] + ars[9:] if level == "gemeinde" else ars[:width]
    return base + key


def derived_ags(ars: str, level: str) -> str:
    """The AGS of a key at its level; empty for a Gemeindeverband (it has none)."""
    return {
        "gemeinde": ars[:5] + ars[9:],
        "gemeindeverband": "",
        "kreis": ars[:5],
        "land": ars[:2],
    }[level]


def member_aliases(data_dir: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """Other names of each member (``aliases.csv``), tried after the member's own name."""
    aliases = datasets.load("aliases", data_dir).dropna(subset=["member_id"])
    return {
        str(mid): tuple(str(a) for a in group["alias"])
        for mid, group in aliases.groupby("member_id")
    }


def resolve_member(
    member: pd.Series, directory: Directory, names: tuple[str, ...] = (), kreis: str | None = None
) -> Match:
    """The key of one member (``member_id``, ``name``, ``kind``, ``land``); raises a
    ``NameResolutionError`` saying why when it cannot be decided."""
    kind, land, name = str(member["kind"]), str(member["land"]), str(member["name"])
    level = KIND_LEVEL[kind]
    if level == "land":
        if codes.land_code(name) != land:
            raise NameResolutionError(f"{name!r} ist nicht das Land {codes.land_name(land)}")
        return Match(land + "0" * 10, land, "land", "exact", codes.land_name(land))
    if level == "kreis":
        return directory.resolve_kreis(name, land)
    if level == "gemeindeverband":
        return directory.resolve_verband(name, land, kreis=kreis, names=names)
    return directory.resolve_gemeinde(name, land, kreis=kreis, town=kind in TOWN_KINDS, names=names)


def why_unkeyed(members: pd.DataFrame, data_dir: str | Path | None = None) -> dict[str, str]:
    """Why each of these members (``member_id``, ``name``, ``kind``, ``land``) has no key: the
    resolver's answer, or that it would resolve now (``haefen data keys`` not run since)."""
    found = directory(data_dir)
    aliases = member_aliases(data_dir)
    out = {}
    for member in members.to_dict("records"):
        try:
            hit = resolve_member(pd.Series(member), found, aliases.get(member["member_id"], ()))
        except (NameResolutionError, codes.UnknownLandError) as exc:
            out[member["member_id"]] = str(exc)
        else:
            out[member["member_id"]] = (
                f"auflösbar ({hit.matched_name}, {hit.ars}), aber nicht in data/member_keys.csv: "
                "`haefen data keys` ausführen"
            )
    return out


@dataclass
class KeysResult:
    """What ``resolve_keys`` did: the table, the rows kept, what could not be resolved."""

    keys: pd.DataFrame
    kept: int
    unresolved: list[tuple[str, str, str, str]] = field(default_factory=list)
    written: Path | None = None


def _sources(data_dir: Path | None) -> dict[str, str]:
    gemeinden = datasets.load("gemeinden", data_dir)["source"].iloc[0]
    kreise = datasets.load("kreise", data_dir)["source"].iloc[0].split(" ; ")[0]
    laender = datasets.load("laender", data_dir)["source"].iloc[0]
    return {"gemeinde": gemeinden, "gemeindeverband": gemeinden, "kreis": kreise, "land": laender}


def resolve_keys(data_dir: str | Path | None = None, *, write: bool = True) -> KeysResult:
    """Resolve every member's key (see module docs); write ``member_keys.csv`` unless
    ``write`` is false. Idempotent: a second run writes the same bytes."""
    dd = Path(data_dir) if data_dir is not None else None
    members = datasets.load("members", dd)
    path = config.data_dir(dd) / resource("member_keys", dd).path
    old = datasets.read_raw(path)[0] if path.exists() else pd.DataFrame(columns=COLUMNS)
    kept_rows = {r["member_id"]: r for r in old.to_dict("records") if r["match"] in KEPT}
    found = directory(dd)
    aliases = member_aliases(dd)
    sources = _sources(dd)
    rows, unresolved, kept = [], [], 0
    for member in members.to_dict("records"):
        mid = member["member_id"]
        manual = kept_rows.get(mid)
        if manual is not None and manual["match"] == "manual":
            rows.append({c: manual.get(c, "") for c in COLUMNS})
            kept += 1
            continue
        kreis = None
        if manual is not None:  # match "kreis": the Kreis was given by hand
            kreis = manual["ars"][:5] if manual["ars"] else manual["ags"]
        try:
            hit = resolve_member(pd.Series(member), found, aliases.get(mid, ()), kreis)
        except (NameResolutionError, codes.UnknownLandError) as exc:
            unresolved.append((mid, str(member["name"]), str(member["land"]), str(exc)))
            continue
        row = {
            "member_id": mid,
            "ars": hit.ars,
            "ags": hit.ags,
            "level": hit.level,
            "match": hit.match,
            "matched_name": hit.matched_name,
            "source": sources[hit.level],
            "note": hit.note,
        }
        if manual is not None:
            row |= {"match": "kreis", "source": manual["source"]}
            row["note"] = "; ".join(filter(None, [f"Kreis {kreis} von Hand", hit.note]))
            kept += 1
        rows.append(row)
    keys = pd.DataFrame(rows, columns=COLUMNS).sort_values("member_id").reset_index(drop=True)
    keys = keys.fillna("")
    res = resource("member_keys", dd)
    refs = datasets.references(res, dd)
    problems = check_table(keys.astype(str), res, path.name, references=refs)[1]
    problems += check_keys(keys, members, set(found.ars), set(found.kreise["ags"]), path.name)
    if problems:
        raise DataValidationError(problems)
    result = KeysResult(keys, kept, unresolved)
    if write:
        result.written = write_csv(keys, path)
    return result


def check_keys(
    keys: pd.DataFrame, members: pd.DataFrame, gemeinden: set[str], kreise: set[str], file: str
) -> list[Problem]:
    """Rules the catalogue cannot state: the key's Land prefix is the member's Land, the AGS is
    the one the ARS gives at its level, and the key is in the directory (``gemeinden``: every
    Gemeinde's ARS, ``kreise``: every Kreis AGS)."""
    lands = dict(zip(members["member_id"].astype(str), members["land"].astype(str), strict=True))
    verbaende = {a[:9] for a in gemeinden}
    problems = []
    for i, row in enumerate(keys.itertuples(index=False)):
        ars, level = str(row.ars), str(row.level)
        if len(ars) != 12 or level not in GEOCODING:
            continue  # reported by the catalogue's checks
        where = (file, i + 2)
        land = lands.get(str(row.member_id))
        if land is not None and ars[:2] != land:
            message = f"Länderteil {ars[:2]} ist nicht das Land des Mitglieds ({land})"
            problems.append(Problem(*where, "ars", ars, "land_prefix", message))
        ags = "" if pd.isna(row.ags) else str(row.ags)
        if ags != derived_ags(ars, level):
            message = f"AGS zum ARS auf Ebene {level} ist {derived_ags(ars, level) or 'leer'}"
            problems.append(Problem(*where, "ags", ags, "derived", message))
        known = {
            "gemeinde": ars in gemeinden,
            "gemeindeverband": ars[:9] in verbaende and ars[9:] == "000",
            "kreis": ars[:5] in kreise and ars[5:] == "0" * 7,
            "land": ars[2:] == "0" * 10,
        }[level]
        if not known:
            message = f"kein Schlüssel auf Ebene {level} im Gemeindeverzeichnis"
            problems.append(Problem(*where, "ars", ars, "directory", message))
    return problems
