"""Geometries of Germany and member locations, from the committed files in ``data/geo/``.

The files are built by ``scripts/build_geodata.py`` (BKG VG250 Kreise, Länder dissolved from
them, GeoNames places) so nothing here touches the network. ``locate_members`` gives every
member coordinates and a Kreis AGS; a name it cannot place unambiguously is reported (warning
and ``match == "unresolved"`` with the reason), never guessed.
"""

from __future__ import annotations

import contextlib
import re
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

if TYPE_CHECKING:
    import geopandas as gpd

#: Member kinds and how they are drawn.
POINT_KINDS = {"kreisfreie_stadt", "stadt", "gemeinde", "samtgemeinde"}
KREIS_KINDS = {"landkreis", "region"}
LAND_KINDS = {"land"}
KINDS = POINT_KINDS | KREIS_KINDS | LAND_KINDS

#: Words in front of a Kreis name that VG250 leaves out ("Landkreis Göttingen" -> Göttingen).
KREIS_PREFIX = re.compile(r"^(landkreis|kreis|lk|lkr)\s+")
#: Titles in front of a town name ("Hansestadt Lübeck", "Stadt Halle (Westf.)").
TOWN_PREFIX = re.compile(
    r"^(stadt|gemeinde|markt|flecken|samtgemeinde|hansestadt|universitaetsstadt|lutherstadt"
    r"|landeshauptstadt|bundesstadt|kreisstadt|grosse kreisstadt|wissenschaftsstadt)\s+"
)
#: Qualifiers after a town name that GeoNames often leaves out ("Rottenburg am Neckar").
TOWN_SUFFIX = re.compile(r"\s+(am|an der|im|in|in der|ob der|bei|vor der|auf der|a|i)\s+.*$")
PARENTHESIS = re.compile(r"\s*\(.*\)\s*$")
LANDKREIS_BEZ = {"Landkreis", "Kreis"}
STADTKREIS_BEZ = {"Kreisfreie Stadt", "Stadtkreis"}

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


def _key(name: str) -> str:
    return codes.fold(name)


def _town_variants(name: str) -> list[str]:
    """Shorter spellings to try when the full name is not in GeoNames, most specific first:
    without title ("Hansestadt"), without "(Westf.)", without "am Neckar"."""
    key = _key(name)
    bare = TOWN_PREFIX.sub("", _key(PARENTHESIS.sub("", name)))
    variants = (TOWN_PREFIX.sub("", key), bare, TOWN_SUFFIX.sub("", bare))
    return [v for v in dict.fromkeys(variants) if v and v != key]


class _Index:
    """Name lookups over places and Kreise, built once per data folder."""

    def __init__(self, data_dir: Path | None) -> None:
        self.places = places(data_dir)
        self.kreise = kreise(data_dir)
        self.laender = laender_geo(data_dir)
        self.by_name = self._index(self.places["name"].map(_key))
        alias_keys = self.places["alternate_names"].str.split("|").explode()
        alias_keys = alias_keys[alias_keys != ""].map(_key)
        self.by_alias = self._index(alias_keys)

    @staticmethod
    def _index(keys: pd.Series) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for row, key in keys.items():
            if row not in index.setdefault(key, []):
                index[key].append(int(row))  # type: ignore[arg-type]
        return index

    def towns(self, key: str, land: str | None) -> tuple[list[int], list[int]]:
        """Place rows whose name (first) or alternate name (second) folds to ``key``."""
        result = []
        for index in (self.by_name, self.by_alias):
            rows = index.get(key, [])
            if land is not None:
                rows = [r for r in rows if self.places.at[r, "land"] == land]
            result.append(rows)
        return result[0], result[1]

    def kreis(self, name: str, land: str | None, bez: set[str]) -> pd.DataFrame:
        names = self.kreise["name"].map(_key)
        mask = self.kreise["bez"].isin(bez)
        if land is not None:
            mask &= self.kreise["land"] == land
        for key in dict.fromkeys((_key(name), KREIS_PREFIX.sub("", _key(name)))):
            hits = self.kreise[mask & (names == key)]
            if len(hits):
                return hits
        return self.kreise.iloc[0:0]


@cache
def _index(data_dir: Path | None) -> _Index:
    return _Index(data_dir)


def _land(value: object, data_dir: Path | None) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if str(value).strip() == "":
        return None
    return codes.land_code(value, data_dir)


def _normalise_kind(kind: object) -> str:
    return re.sub(r"[^a-z]+", "_", codes.fold(str(kind))).strip("_")


def _describe(index: _Index, rows: list[int]) -> str:
    shown = [
        f"{index.places.at[r, 'name']} (Kreis {index.places.at[r, 'kreis_ags']})" for r in rows
    ]
    return "; ".join(shown)


def _locate_town(index: _Index, name: str, land: str | None, seat: bool) -> dict[str, object]:
    """Try the full name, then its aliases, then shorter variants; stop at the first tier
    with hits. More than one hit in a tier is ambiguous and reported, never picked."""
    tiers = [(_key(name), "exact", "alias")]
    tiers += [(v, "variant", "variant") for v in _town_variants(name)]
    for key, by_name, by_alias in tiers:
        named, aliased = index.towns(key, land)
        for rows, how in ((named, by_name), (aliased, by_alias)):
            if len(rows) == 1:
                place = index.places.loc[rows[0]]
                return {
                    "lat": float(place["lat"]),
                    "lon": float(place["lon"]),
                    "kreis_ags": place["kreis_ags"],
                    "land": place["land"],
                    "match": "seat" if seat else how,
                    "matched_name": place["name"],
                    "geonameid": int(place["geonameid"]),
                    "note": (f"Sitz der Samtgemeinde ({how})" if seat else ""),
                }
            if len(rows) > 1:
                where = "im Land" if land else "ohne Land"
                return _unresolved(f"mehrdeutig {where}: {_describe(index, rows)}")
    where = f"im Land {land}" if land else "in Deutschland"
    return _unresolved(f"kein Ort dieses Namens {where} in GeoNames (cities500)")


def _unresolved(note: str) -> dict[str, object]:
    return {"match": "unresolved", "note": note}


def _area_point(geometry: object) -> tuple[float, float]:
    point = geometry.representative_point()  # type: ignore[attr-defined]
    return round(point.y, 5), round(point.x, 5)


def _locate_kreis(index: _Index, name: str, land: str | None) -> dict[str, object]:
    hits = index.kreis(name, land, LANDKREIS_BEZ)
    if len(hits) != 1:
        what = "mehrdeutig" if len(hits) else "kein Landkreis dieses Namens"
        return _unresolved(f"{what} (VG250 Kreise, Land {land or 'unbekannt'})")
    kreis = hits.iloc[0]
    lat, lon = _area_point(kreis.geometry)
    own_name = kreis["name"]
    if own_name.split()[0] not in {"Region", "Städteregion", "Regionalverband"}:
        own_name = f"{kreis['bez']} {own_name}"
    exact = _key(name) in {_key(kreis["name"]), _key(own_name)}
    return {
        "lat": lat,
        "lon": lon,
        "kreis_ags": kreis["ags"],
        "land": kreis["land"],
        "match": "exact" if exact else "variant",
        "matched_name": own_name,
    }


def _locate_stadtkreis(index: _Index, name: str, land: str | None) -> dict[str, object]:
    """A kreisfreie Stadt is a Kreis itself: AGS from the Kreis, point from GeoNames."""
    town = _locate_town(index, name, land, seat=False)
    hits = index.kreis(name, land, STADTKREIS_BEZ)
    if town["match"] != "unresolved":
        if len(hits) == 1 and hits.iloc[0]["ags"] != town["kreis_ags"]:
            town["note"] = f"Punkt liegt in Kreis {town['kreis_ags']}, nicht {hits.iloc[0]['ags']}"
        return town
    if len(hits) == 1:
        kreis = hits.iloc[0]
        lat, lon = _area_point(kreis.geometry)
        return {
            "lat": lat,
            "lon": lon,
            "kreis_ags": kreis["ags"],
            "land": kreis["land"],
            "match": "kreis",
            "matched_name": f"{kreis['bez']} {kreis['name']}",
            "note": "Punkt im Stadtgebiet (VG250), nicht aus GeoNames",
        }
    return town


def _locate_land(index: _Index, name: str, land: str | None, data_dir: Path | None):
    try:
        code = land or codes.land_code(name, data_dir)
    except codes.UnknownLandError as err:
        return _unresolved(str(err))
    area = index.laender[index.laender["ags"] == code].iloc[0]
    lat, lon = _area_point(area.geometry)
    own = index.kreise.loc[index.kreise["land"] == code, "ags"]
    return {
        "lat": lat,
        "lon": lon,
        "kreis_ags": own.iloc[0] if len(own) == 1 else pd.NA,  # city states
        "land": code,
        "match": "exact",
        "matched_name": area["name"],
    }


def locate_members(members: pd.DataFrame, data_dir: Path | None = None) -> pd.DataFrame:
    """One row per member: ``lat``, ``lon``, ``kreis_ags``, ``geometry_level`` ("point",
    "kreis", "land"), ``match`` ("exact", "alias", "variant", "seat", "kreis", "unresolved"),
    ``matched_name``, ``geonameid`` and a German ``note`` saying why a row is unresolved.

    ``members`` needs ``member_id``, ``name``, ``kind`` and ``land`` (AGS code or any Land
    spelling, may be empty). Unresolved members are also named in one warning.
    """
    require_columns(members, ("member_id", "name", "kind", "land"), "Mitglieder", LocationError)
    index = _index(data_dir)
    rows = []
    for position, member in enumerate(members.itertuples(index=False)):
        kind = _normalise_kind(member.kind)
        try:
            land = _land(member.land, data_dir)
        except codes.UnknownLandError as err:
            raise LocationError(
                f"Mitglieder, Zeile {position} (member_id {member.member_id!r}), "
                f"Spalte 'land': {err}"
            ) from err
        if kind not in KINDS:
            raise LocationError(
                f"Mitglieder, Zeile {position} (member_id {member.member_id!r}), Spalte 'kind': "
                f"{member.kind!r} ist keine der Arten {', '.join(sorted(KINDS))}"
            )
        if kind in LAND_KINDS:
            found, level = _locate_land(index, member.name, land, data_dir), "land"
        elif kind in KREIS_KINDS:
            found, level = _locate_kreis(index, member.name, land), "kreis"
        elif kind == "kreisfreie_stadt":
            found, level = _locate_stadtkreis(index, member.name, land), "point"
        else:
            found = _locate_town(index, member.name, land, seat=kind == "samtgemeinde")
            level = "point"
        row = {"member_id": member.member_id, "name": member.name, "kind": kind, "land": land}
        row |= {"geometry_level": level} | found
        rows.append(row)
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


def locate_members_cached(members: pd.DataFrame, data_dir: Path | None = None) -> pd.DataFrame:
    """``locate_members``, remembered in ``data/cache/``: a report run asks ~240 times for
    the same answer (~0.7 s each). Keyed by the members' names, kinds and Länder and by the
    geodata's provenance, so any change to either computes afresh; a read-only data folder
    only loses the speed-up."""
    import hashlib

    columns = ["member_id", "name", "kind", "land"]
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(members[columns].astype(str), index=False).to_numpy().tobytes()
    )
    digest.update((config.geo_dir(data_dir) / "provenance.json").read_bytes())
    path = config.cache_dir(data_dir) / f"member_locations-{digest.hexdigest()[:16]}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    located = locate_members(members, data_dir)
    with contextlib.suppress(OSError):
        write_parquet(located, path)
    return located
