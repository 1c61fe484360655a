"""Geodata in data/geo and member location: counts, validity, nesting, known places."""

from __future__ import annotations

import hashlib
import json
import warnings

import pandas as pd
import pytest
import shapely

from haefen_analysis import config
from haefen_analysis.datasets import geo


@pytest.fixture(scope="module")
def kreise():
    return geo.kreise()


@pytest.fixture(scope="module")
def laender():
    return geo.laender_geo()


def test_sixteen_laender_and_400_kreise_all_valid(kreise, laender):
    assert len(laender) == 16
    assert sorted(laender["ags"]) == [f"{i:02d}" for i in range(1, 17)]
    assert len(kreise) == 400
    assert kreise["ags"].str.fullmatch(r"\d{5}").all()
    assert kreise["ags"].is_unique
    assert kreise.is_valid.all() and laender.is_valid.all()
    assert not kreise.is_empty.any()
    # today's Kreise: Eisenach belongs to the Wartburgkreis since 2021
    assert "16056" not in set(kreise["ags"]) and "16063" in set(kreise["ags"])
    assert laender.set_index("ags").loc["05", "name"] == "Nordrhein-Westfalen"


def test_kreise_form_a_clean_coverage(kreise):
    assert shapely.coverage_is_valid(kreise.geometry.to_numpy())


def test_laender_nest_exactly_under_kreise(kreise, laender):
    for land in laender.itertuples():
        own = kreise[kreise["land"] == land.ags].geometry
        union = shapely.union_all(own.to_numpy())
        assert shapely.symmetric_difference(union, land.geometry).area < 1e-9 * land.geometry.area
        others = kreise[kreise["land"] != land.ags].geometry
        overlap = shapely.intersection(others.to_numpy(), land.geometry)
        assert shapely.area(overlap).max() < 1e-9


@pytest.mark.parametrize(
    ("name", "land", "kreis"),
    [
        ("Kiel", "01", "01002"),
        ("Blomberg", "05", "05766"),  # Lippe; the other Blomberg is in Niedersachsen
        ("Halle", "05", "05754"),  # Halle (Westf.), Kreis Gütersloh
    ],
)
def test_known_places_fall_in_their_kreis(kreise, name, land, kreis):
    places = geo.places()
    (row,) = places[(places["name"] == name) & (places["land"] == land)].itertuples()
    assert row.kreis_ags == kreis
    polygon = kreise.set_index("ags").loc[kreis, "geometry"]
    assert polygon.contains(shapely.Point(row.lon, row.lat))


def test_places_carry_ags_land_not_geonames_admin1():
    places = geo.places().set_index("name")
    assert places.loc["Munich", "land"] == "09"  # GeoNames admin1 for Bavaria is "02"
    assert places.loc["Kiel", "land"] == "01"  # GeoNames admin1 for SH is "10"
    assert "München" in places.loc["Munich", "alternate_names"].split("|")
    assert places["land"].isin([f"{i:02d}" for i in range(1, 17)]).all()
    assert (places["kreis_ags"].str[:2] == places["land"]).all()


def test_provenance_matches_committed_files():
    folder = config.geo_dir()
    record = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    for name, digest in record["outputs"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    attributions = {i["attribution"] for i in record["inputs"]}
    assert attributions == {"© GeoBasis-DE / BKG (2020), dl-de/by-2-0", "GeoNames, CC BY 4.0"}
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert total <= 3_000_000


MEMBERS = pd.DataFrame(
    [
        (1, "Lübeck", "kreisfreie_stadt", "01", "010030000000", "gemeinde"),
        (2, "Halle (Westf.)", "stadt", "05", "057540012012", "gemeinde"),
        (3, "Sylt", "gemeinde", "01", "010540168168", "gemeinde"),
        (4, "Blomberg", "stadt", "05", "057660016016", "gemeinde"),
        (5, "Blomberg", "stadt", "03", None, None),  # no key: reported with the reason
        (6, "München", "kreisfreie_stadt", "09", "091620000000", "gemeinde"),
        (7, "Landkreis Göttingen", "landkreis", "03", "031590000000", "kreis"),
        (8, "Region Hannover", "region", "03", "032410000000", "kreis"),
        (9, "Hamburg", "land", "02", "020000000000", "land"),
        (10, "Isenbüttel", "samtgemeinde", "03", "031515404000", "gemeindeverband"),
        (11, "Rottenburg am Neckar", "stadt", "08", "084165003036", "gemeinde"),
        (12, "Weyhe", "gemeinde", "03", "032510047047", "gemeinde"),
        (13, "Landkreis Rostock", "landkreis", "13", "130720000000", "kreis"),
    ],
    columns=["member_id", "name", "kind", "land", "ars", "key_level"],
).assign(key_name=lambda frame: frame["name"].where(frame["ars"].notna()))
ALIASES = {3: ("Westerland",)}
REASONS = {5: "keine Gemeinde 'Blomberg' in Niedersachsen"}


@pytest.fixture(scope="module")
def located():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = geo.locate_members(MEMBERS, aliases=ALIASES, reasons=REASONS)
    return result, caught


def test_locate_members_through_their_key(located):
    result, _ = located
    assert list(result["member_id"]) == list(MEMBERS["member_id"])
    by_id = result.set_index("member_id")
    expected = {1: "01003", 2: "05754", 3: "01054", 4: "05766", 6: "09162", 7: "03159"}
    expected |= {8: "03241", 9: "02000", 10: "03151", 11: "08416", 12: "03251", 13: "13072"}
    for member_id, ags in expected.items():
        assert by_id.loc[member_id, "kreis_ags"] == ags, by_id.loc[member_id, "name"]
    assert by_id.loc[1, "match"] == "exact"
    # GeoNames calls it "Munich"; "München" is one of its alternate names
    assert (by_id.loc[6, "match"], by_id.loc[6, "matched_name"]) == ("exact", "Munich")
    assert by_id.loc[10, "match"] == "seat"


def test_sylt_is_placed_at_westerland_not_kampen(located):
    sylt = located[0].set_index("member_id").loc[3]
    assert (sylt["matched_name"], sylt["match"]) == ("Westerland", "alias")
    assert sylt["note"] == "Lage: GeoNames-Ort Westerland im Kreis 01054"
    assert 54.85 < sylt["lat"] < 54.95 and 8.25 < sylt["lon"] < 8.35  # not Kampen (54.96, 8.34)


def test_a_gemeinde_without_a_geonames_place_is_at_its_kreis_point_flagged(located):
    weyhe = located[0].set_index("member_id").loc[12]
    assert (weyhe["match"], weyhe["geometry_level"]) == ("kreis", "point")
    assert weyhe["note"].startswith("Lage: Kreismittelpunkt (Landkreis Diepholz)")
    kreise = geo.kreise().set_index("ags")
    assert kreise.loc["03251", "geometry"].contains(shapely.Point(weyhe["lon"], weyhe["lat"]))


def test_locate_members_areas_for_kreise_and_laender(located):
    by_id = located[0].set_index("member_id")
    assert by_id.loc[7, "geometry_level"] == "kreis"
    assert by_id.loc[8, "geometry_level"] == "kreis"
    assert by_id.loc[9, "geometry_level"] == "land"
    assert by_id.loc[1, "geometry_level"] == "point"
    # the point of an area member lies inside it
    kreise = geo.kreise().set_index("ags")
    point = shapely.Point(by_id.loc[7, "lon"], by_id.loc[7, "lat"])
    assert kreise.loc["03159", "geometry"].contains(point)


def test_locate_members_reports_unkeyed_members_with_the_reason(located):
    result, caught = located
    lost = geo.unresolved(result)
    assert list(lost["member_id"]) == [5]
    assert lost.loc[0, "note"] == (
        "kein amtlicher Schlüssel: keine Gemeinde 'Blomberg' in Niedersachsen"
    )
    assert result.set_index("member_id").loc[[5], ["lat", "kreis_ags"]].isna().all().all()
    messages = [str(w.message) for w in caught if w.category is geo.UnresolvedMembersWarning]
    assert messages == ["1 Mitglied(er) nicht verortet: Blomberg"]


def test_locate_members_names_row_and_column_of_bad_input():
    bad = MEMBERS.head(2).assign(key_level=["gemeinde", "Dorfgemeinschaft"])
    with pytest.raises(ValueError, match=r"Zeile 1 .*'key_level'.*Dorfgemeinschaft"):
        geo.locate_members(bad)


def test_every_member_of_the_registry_is_placed():
    from haefen_analysis.analysis import member_points

    points = member_points()
    assert points["lat"].notna().all(), points.loc[points["lat"].isna(), "name"].tolist()
    flagged = points[points["match"] == "kreis"]
    assert flagged["location_note"].str.startswith("Lage: Kreismittelpunkt").all()


def test_locate_members_cached_matches_and_follows_changes(data_copy):
    import pandas as pd

    from haefen_analysis import datasets

    members = datasets.members().head(20)
    first = geo.locate_members_cached(members)
    pd.testing.assert_frame_equal(
        first.reset_index(drop=True),
        geo.locate_members(members).reset_index(drop=True),
        check_dtype=False,
    )
    cached = list(config.cache_dir().glob("member_locations-*.parquet"))
    assert len(cached) == 1
    luebeck = members.set_index("member_id").loc["luebeck", "ars"]
    rekeyed = members.assign(ars=members["ars"].where(members["member_id"] != "kiel", luebeck))
    moved = geo.locate_members_cached(rekeyed).set_index("member_id")
    assert len(list(config.cache_dir().glob("member_locations-*.parquet"))) == 2
    assert moved.loc["kiel", "kreis_ags"] == "01003"  # now located where Lübeck's key says
