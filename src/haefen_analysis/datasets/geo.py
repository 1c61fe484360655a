"""Geometries of Germany and member locations, from the committed files in ``data/geo/``.

The files are built by ``scripts/build_geodata.py`` (BKG VG250 Kreise, Länder dissolved from
them, GeoNames places) so nothing here touches the network. ``locate_members`` places every
member through its official key (``data/member_keys.csv``): a Land or Kreis as its area, a
Gemeinde or Gemeindeverband at the GeoNames place of its name within its Kreis, else at the
Kreis's representative point, flagged as such ("Lage: Kreismittelpunkt"). A member without a
key is reported with the reason (warning and ``match == "unresolved"``), never guessed.
"""

from __future__ import annotations

import contextlib
import warnings
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from haefen_analysis import config
from haefen_analysis.common.files import write_parquet
from haefen_analysis.common.frames import require_columns
from haefen_analysis.errors import LocationError
from haefen_analysis.ingest import codes
from haefen_analysis.ingest.directory import VERBAND_WORDS, full_key, short_key, strip_words

if TYPE_CHECKING:
    import geopandas as gpd

#: Columns ``locate_members`` needs: the member and its key (``datasets.members()`` has them).
MEMBER_COLUMNS = ("member_id", "name", "kind", "land", "ars", "key_level", "key_name")
#: Geometry drawn per key level.
GEOMETRY_LEVEL = {"land": "land", "kreis": "kreis", "gemeindeverband": "point", "gemeinde": "point"}
#: The flag of a point that is not the place itself.
KREIS_POINT = "Lage: Kreismittelpunkt"

RESULT_COLUMNS = [
    "member_id",
    "name",
    "kind",
    "land",
    "lat",
    "lon",
    "kreis_ags",
    "geometry_level",
    "match",
    "matched_name",
    "geonameid",
    "note",
]


class UnresolvedMembersWarning(UserWarning):
    """Some members could not be placed; they are listed by name."""


@cache
def _read_areas(path: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd

    return gpd.read_file(path)


def kreise(data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The 400 Kreise: ``ags`` (5 digits), ``name``, ``bez`` (Landkreis, Kreisfreie Stadt …),
    ``land`` (2 digits), WGS84 geometry."""
    return _read_areas(config.geo_dir(data_dir) / "kreise.geojson").copy()


def laender_geo(data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """The 16 Länder: ``ags`` (2 digits), ``name`` (German), WGS84 geometry."""
    frame = _read_areas(config.geo_dir(data_dir) / "laender.geojson").copy()
    frame.insert(1, "name", [codes.land_name(a, data_dir) for a in frame["ags"]])
    return frame


@cache
def _read_places(path: Path) -> pd.DataFrame:
    dtypes = {"land": str, "kreis_ags": str, "alternate_names": str}
    return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values={"population": ""})


def places(data_dir: Path | None = None) -> pd.DataFrame:
    """German GeoNames places: ``geonameid``, ``name``, ``alternate_names`` ("|"-separated),
    ``lat``, ``lon``, ``population``, ``land`` and ``kreis_ags`` (by point in polygon)."""
    return _read_places(config.geo_dir(data_dir) / "places.csv").copy()


class _Index:
    """GeoNames places by Kreis and name key, the Kreise and Länder, built once per folder."""

    def __init__(self, data_dir: Path | None) -> None:
        self.places = places(data_dir)
        self.population = self.places["population"].fillna(0)
        self.kreise = kreise(data_dir).set_index("ags")
        self.laender = laender_geo(data_dir).set_index("ags")
        self.keys: dict[tuple[str, str], list[int]] = {}
        names = self.places["name"] + "|" + self.places["alternate_names"]
        for row, (kreis, spelled) in enumerate(zip(self.places["kreis_ags"], names, strict=True)):
            for name in filter(None, spelled.split("|")):
                for key in {full_key(name), short_key(name)}:
                    bucket = self.keys.setdefault((kreis, key), [])
                    if row not in bucket:
                        bucket.append(row)

    def place(self, kreis: str, names: list[str]) -> tuple[int | None, str]:
        """The GeoNames place in ``kreis`` called by one of ``names`` (most specific name
        first: full spelling, then the short one); several of one name: the most populous,
        since the key already fixed which member it is."""
        for key in [full_key(n) for n in names] + [short_key(n) for n in names]:
            rows = self.keys.get((kreis, key), [])
            if rows:
                best = max(rows, key=lambda r: (self.population.iat[r], -r))
                how = "exact" if key == full_key(names[0]) else "alias"
                return best, how
        return None, ""


@cache
def _index(data_dir: Path | None) -> _Index:
    return _Index(data_dir)


def _area_point(geometry: object) -> tuple[float, float]:
    point = geometry.representative_point()  # type: ignore[attr-defined]
    return round(point.y, 5), round(point.x, 5)


def _kreis_label(index: _Index, ags: str) -> str:
    kreis = index.kreise.loc[ags]
    own = kreis["name"]
    if own.split()[0] in {"Region", "Städteregion", "Regionalverband"}:
        return own
    return f"{kreis['bez']} {own}"


def _locate(index: _Index, member: object, aliases: tuple[str, ...]) -> dict[str, object]:
    """One keyed member: its area, or its place within its Kreis, or the Kreis's point."""
    ars, level = str(member.ars), str(member.key_level)
    if level == "land":
        lat, lon = _area_point(index.laender.loc[ars[:2], "geometry"])
        own = index.kreise.index[index.kreise.index.str[:2] == ars[:2]]
        return {
            "lat": lat,
            "lon": lon,
            "kreis_ags": own[0] if len(own) == 1 else pd.NA,  # city states
            "match": "exact",
            "matched_name": index.laender.loc[ars[:2], "name"],
        }
    kreis = ars[:5]
    if kreis not in index.kreise.index:
        return _unresolved(f"Kreis {kreis} des Schlüssels {ars} nicht in den Geodaten")
    lat, lon = _area_point(index.kreise.loc[kreis, "geometry"])
    area = {"lat": lat, "lon": lon, "kreis_ags": kreis, "matched_name": _kreis_label(index, kreis)}
    if level == "kreis":
        return area | {"match": "exact"}
    names = [strip_words(str(member.name), VERBAND_WORDS)]
    names += [str(member.key_name)] if pd.notna(member.key_name) else []
    row, how = index.place(kreis, [*names, *aliases])
    if row is None:
        return area | {
            "match": "kreis",
            "note": f"{KREIS_POINT} ({area['matched_name']}): kein GeoNames-Ort "
            f"{names[0]!r} im Kreis",
        }
    place = index.places.loc[row]
    seat = level == "gemeindeverband"
    note = {True: f"Sitz des Gemeindeverbands ({place['name']})", False: ""}[seat]
    if how == "alias" and not seat:
        note = f"Lage: GeoNames-Ort {place['name']} im Kreis {kreis}"
    return {
        "lat": float(place["lat"]),
        "lon": float(place["lon"]),
        "kreis_ags": kreis,
        "match": "seat" if seat else how,
        "matched_name": place["name"],
        "geonameid": int(place["geonameid"]),
        "note": note,
    }


def _unresolved(note: str) -> dict[str, object]:
    return {"match": "unresolved", "note": note}


def locate_members(
    members: pd.DataFrame,
    data_dir: Path | None = None,
    *,
    aliases: dict[str, tuple[str, ...]] | None = None,
    reasons: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per member: ``lat``, ``lon``, ``kreis_ags``, ``geometry_level`` ("point",
    "kreis", "land"), ``match`` ("exact", "alias", "seat", "kreis" = the Kreis's point,
    "unresolved"), ``matched_name``, ``geonameid`` and a German ``note`` (the flag of a Kreis
    point, the reason a member is unresolved).

    ``members`` needs ``MEMBER_COLUMNS`` (``datasets.members()``); ``aliases`` (member_id →
    other names) help find the place ("Westerland" for Sylt), ``reasons`` (member_id → why it
    has no key) go into the note of unkeyed members. Unresolved members are also named in one
    warning."""
    require_columns(members, MEMBER_COLUMNS, "Mitglieder", LocationError)
    index = _index(data_dir)
    rows = []
    for position, member in enumerate(members.itertuples(index=False)):
        land = str(member.land) if pd.notna(member.land) else None
        if pd.isna(member.ars):
            why = (reasons or {}).get(member.member_id, "`haefen data keys` ausführen")
            found, level = _unresolved(f"kein amtlicher Schlüssel: {why}"), None
        elif member.key_level not in GEOMETRY_LEVEL:
            raise LocationError(
                f"Mitglieder, Zeile {position} (member_id {member.member_id!r}), Spalte "
                f"'key_level': {member.key_level!r} ist keine der Ebenen "
                f"{', '.join(GEOMETRY_LEVEL)}"
            )
        else:
            aka = (aliases or {}).get(member.member_id, ())
            found, level = _locate(index, member, aka), GEOMETRY_LEVEL[member.key_level]
            land = str(member.ars)[:2]
        row = {"member_id": member.member_id, "name": member.name, "kind": member.kind}
        rows.append(row | {"land": land, "geometry_level": level} | found)
    result = pd.DataFrame(rows).reindex(columns=RESULT_COLUMNS)
    result = result.astype(
        {
            "lat": "Float64",
            "lon": "Float64",
            "geonameid": "Int64",
            "kreis_ags": "string",
            "land": "string",
            "note": "string",
            "matched_name": "string",
        }
    )
    result["note"] = result["note"].fillna("")
    lost = unresolved(result)
    if len(lost):
        warnings.warn(
            f"{len(lost)} Mitglied(er) nicht verortet: " + "; ".join(lost["name"]),
            UnresolvedMembersWarning,
            stacklevel=2,
        )
    return result


def unresolved(located: pd.DataFrame) -> pd.DataFrame:
    """The members ``locate_members`` could not place, with the reason (for reports)."""
    lost = located[located["match"] == "unresolved"]
    return lost[["member_id", "name", "kind", "land", "note"]].reset_index(drop=True)


def locate_members_cached(
    members: pd.DataFrame,
    data_dir: Path | None = None,
    *,
    aliases: dict[str, tuple[str, ...]] | None = None,
    reasons: dict[str, str] | None = None,
) -> pd.DataFrame:
    """``locate_members``, remembered in ``data/cache/``: a report run asks ~240 times for
    the same answer. Keyed by the members (names, kinds, Länder, keys), the aliases, the
    reasons and the geodata's provenance, so any change computes afresh; a read-only data
    folder only loses the speed-up."""
    import hashlib

    digest = hashlib.sha256(
        pd.util.hash_pandas_object(members[list(MEMBER_COLUMNS)].astype(str), index=False)
        .to_numpy()
        .tobytes()
    )
    digest.update(repr((sorted((aliases or {}).items()), sorted((reasons or {}).items()))).encode())
    digest.update((config.geo_dir(data_dir) / "provenance.json").read_bytes())
    path = config.cache_dir(data_dir) / f"member_locations-{digest.hexdigest()[:16]}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    located = locate_members(members, data_dir, aliases=aliases, reasons=reasons)
    with contextlib.suppress(OSError):
        write_parquet(located, path)
    return located
