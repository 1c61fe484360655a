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
        (1, "Lübeck", "kreisfreie_stadt", "01"),
        (2, "Halle (Westf.)", "stadt", "05"),
        (3, "Halle (Saale)", "kreisfreie_stadt", "15"),
        (4, "Blomberg", "stadt", "05"),
        (5, "Blomberg", "stadt", None),  # two Blombergs, no Land: must be reported
        (6, "München", "kreisfreie_stadt", "09"),
        (7, "Landkreis Göttingen", "landkreis", "03"),
        (8, "Region Hannover", "region", "03"),
        (9, "Hamburg", "land", "02"),
        (10, "Isenbüttel", "samtgemeinde", "03"),
        (11, "Rottenburg am Neckar", "stadt", "08"),
        (12, "Nirgendwohausen", "gemeinde", "07"),
        (13, "Landkreis Rostock", "landkreis", "13"),
    ],
    columns=["member_id", "name", "kind", "land"],
)


@pytest.fixture(scope="module")
def located():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = geo.locate_members(MEMBERS)
    return result, caught


def test_locate_members_one_row_per_member_with_kreis_ags(located):
    result, _ = located
    assert list(result["member_id"]) == list(MEMBERS["member_id"])
    by_id = result.set_index("member_id")
    expected = {
        1: "01003",  # Lübeck
        2: "05754",  # Halle (Westf.), Kreis Gütersloh
        3: "15002",  # Halle (Saale)
        4: "05766",  # Blomberg, Kreis Lippe
        6: "09162",  # München
        7: "03159",  # Landkreis Göttingen
        8: "03241",  # Region Hannover
        9: "02000",  # Hamburg
        10: "03151",  # Isenbüttel, Landkreis Gifhorn
        11: "08416",  # Rottenburg am Neckar, Landkreis Tübingen
        13: "13072",  # Landkreis Rostock, not the city 13003
    }
    for member_id, ags in expected.items():
        assert by_id.loc[member_id, "kreis_ags"] == ags, by_id.loc[member_id, "name"]
    assert by_id.loc[6, "match"] == "alias"  # GeoNames calls it "Munich"
    assert by_id.loc[10, "match"] == "seat"
    assert by_id.loc[1, "match"] == "exact"


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


def test_locate_members_reports_instead_of_guessing(located):
    result, caught = located
    lost = geo.unresolved(result)
    assert sorted(lost["member_id"]) == [5, 12]
    assert result.set_index("member_id").loc[[5, 12], ["lat", "kreis_ags"]].isna().all().all()
    assert "mehrdeutig" in lost.set_index("member_id").loc[5, "note"]
    messages = [str(w.message) for w in caught if w.category is geo.UnresolvedMembersWarning]
    assert len(messages) == 1 and "Nirgendwohausen" in messages[0]


def test_locate_members_names_row_and_column_of_bad_input():
    bad = MEMBERS.head(2).assign(kind=["kreisfreie_stadt", "Dorfgemeinschaft"])
    with pytest.raises(ValueError, match=r"Zeile 1 .*'kind'.*Dorfgemeinschaft"):
        geo.locate_members(bad)


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
    renamed = members.assign(name=members["name"].where(members["member_id"] != "kiel", "Lübeck"))
    moved = geo.locate_members_cached(renamed).set_index("member_id")
    assert len(list(config.cache_dir().glob("member_locations-*.parquet"))) == 2
    assert moved.loc["kiel", "kreis_ags"] == "01003"  # now located where Lübeck is
