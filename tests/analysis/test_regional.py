"""Official statistics joined to members through their keys: GENESIS values by key, the
population living in a Sicherer Hafen, places per 1,000, member Kreise vs the rest."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from haefen_analysis.analysis import regional
from haefen_analysis.ingest.genesis import parse_genesis

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FLAT_12531 = FIXTURES / "genesis" / "ffcsv_12531_kreise.csv"
TABLE_LAENDER = FIXTURES / "genesis" / "table_12411_laender.csv"
ZENSUS = FIXTURES / "official" / "zensus_1000A-0000_gemeinden.csv"
KREISE_12411 = FIXTURES / "official" / "regionalstatistik_12411-01-01-4_kreise.csv"


def parsed(path: Path) -> pd.DataFrame:
    return parse_genesis(path.read_bytes(), path)


def members(*rows: tuple) -> pd.DataFrame:
    """member_id, land, status, ars, key_level (and a name)."""
    frame = pd.DataFrame(rows, columns=["member_id", "land", "status", "ars", "key_level"])
    return frame.assign(name=frame["member_id"].str.title())


def test_region_values_keep_the_main_level_only() -> None:
    values = regional.region_values(parsed(KREISE_12411), "Bevölkerung")
    assert set(values["level"]) == {"kreis"}
    assert "03241001" not in set(values["ags"])  # Hannover's 8-digit row is a detail below
    by_ags = values.set_index("ags")
    assert by_ags.loc["03241", "value"] == 1_150_000
    assert (by_ags.loc["03152", "value"], by_ags.loc["03152", "known"]) == (0.0, True)  # "-"


def test_genesis_values_join_members_by_key_not_by_name() -> None:
    mem = members(
        ("sylt", "01", "declared", "010540168168", "gemeinde"),
        ("region-hannover", "03", "declared", "032410000000", "kreis"),
        ("ohne-schluessel", "01", "declared", None, None),
    )
    gemeinden = regional.member_values(parsed(ZENSUS), mem, "Zensus")
    assert gemeinden[["member_id", "ags", "value"]].values.tolist() == [
        ["sylt", "010540168168", 14000.0]
    ]
    kreise = regional.member_values(parsed(KREISE_12411), mem, "Bevölkerung")
    assert kreise[["member_id", "value"]].values.tolist() == [["region-hannover", 1_150_000.0]]


def test_region_values_of_a_land_table_and_of_several_measures() -> None:
    values = regional.region_values(parsed(TABLE_LAENDER), "Bevölkerung")
    assert set(values["level"]) == {"land"}
    mixed = parsed(FLAT_12531)
    mixed.loc[0, "measure_label"] = "Anderes Merkmal"
    with pytest.raises(regional.RegionalJoinError, match="Schutzsuchende: mehrere Merkmale"):
        regional.region_values(mixed, "Schutzsuchende")


GEMEINDEN = pd.DataFrame(
    {
        "ars": [
            "010010000000",  # Flensburg (kreisfreie Stadt)
            "010540168168",  # Sylt, Kreis Nordfriesland
            "010540056056",  # Husum, Kreis Nordfriesland
            "034595404026",  # Merzen, Samtgemeinde Neuenkirchen
            "034595404027",  # Neuenkirchen
            "034590014014",  # Bramsche
            "020000000000",  # Hamburg
        ],
        "population": pd.array([90, 14, 23, 4, 5, 31, 1800], dtype="Int64"),
    }
)


def test_population_share_counts_each_gemeinde_once() -> None:
    mem = members(
        ("nordfriesland", "01", "declared", "010540000000", "kreis"),
        ("sylt", "01", "declared", "010540168168", "gemeinde"),  # inside Nordfriesland
        ("flensburg", "01", "rejected", "010010000000", "gemeinde"),  # no Sicherer Hafen
        ("neuenkirchen", "03", "declared", "034595404000", "gemeindeverband"),
        ("hamburg", "02", "declared", "020000000000", "land"),
    )
    out = regional.population_in_members(mem, GEMEINDEN)
    sh = out.loc["01"]
    assert (sh["census_population"], sh["member_census_population"]) == (127, 37)  # 14 + 23
    assert sh["member_population_share"] == pytest.approx(37 / 127)
    assert out.loc["03", "member_census_population"] == 9  # Merzen + Neuenkirchen, not Bramsche
    assert out.loc["02", "member_population_share"] == 1.0
    assert out.loc["DE", "member_census_population"] == 37 + 9 + 1800
    population = regional.member_population(mem, GEMEINDEN)
    assert population.to_dict() == {
        "hamburg": 1800,
        "neuenkirchen": 9,
        "nordfriesland": 37,
        "sylt": 14,
    }


def test_population_share_is_unknown_while_a_member_has_no_key() -> None:
    mem = members(
        ("sylt", "01", "declared", "010540168168", "gemeinde"),
        ("unbekannt", "01", "declared", None, None),
    )
    out = regional.population_in_members(mem, GEMEINDEN)
    assert out.loc["01", "members_without_key"] == 1
    assert out.loc["01", "member_population_share"] is pd.NA
    assert out.loc["DE", "member_population_share"] is pd.NA


def test_places_per_1000_per_member() -> None:
    mem = members(
        ("sylt", "01", "declared", "010540168168", "gemeinde"),
        ("neuenkirchen", "03", "declared", "034595404000", "gemeindeverband"),
        ("flensburg", "01", "rejected", "010010000000", "gemeinde"),
    )
    pledges = pd.DataFrame(
        {
            "member_id": ["sylt", "sylt", "neuenkirchen", "flensburg"],
            "places": pd.array([7, pd.NA, pd.NA, 10], dtype="Int64"),
        }
    )
    out = regional.places_per_1000(mem, pledges, GEMEINDEN).set_index("member_id")
    assert list(out.index) == ["sylt", "neuenkirchen"]  # only declared members
    assert (out.loc["sylt", "pledges"], out.loc["sylt", "pledged_places"]) == (2, 7)
    assert out.loc["sylt", "places_per_1000"] == pytest.approx(7 / 14 * 1000)
    assert out.loc["neuenkirchen", "pledged_places"] is pd.NA  # no number named: unknown
    assert out.loc["neuenkirchen", "places_per_1000"] is pd.NA


KREISE = pd.DataFrame(
    {
        "ags": ["06611", "06633", "06412", "06414", "02000"],
        "land": ["06", "06", "06", "06", "02"],
        "kind": ["kreisfreie_stadt", "landkreis", "kreisfreie_stadt", "kreisfreie_stadt"]
        + ["kreisfreie_stadt"],
        "population": [200, 236, 760, 290, 1850],
        "seekers_total": pd.array([3780, pd.NA, 38000, 10000, 95000], dtype="Int64"),
        "seekers_area": ["06611 06633", "06611 06633", "06412", "06414", "02000"],
    }
)


def test_member_kreise_vs_rest_by_reporting_area() -> None:
    mem = members(
        ("landkreis-kassel", "06", "declared", "066330000000", "kreis"),
        ("hamburg", "02", "declared", "020000000000", "land"),  # a city: its Kreis counts
    )
    out = regional.protection_seekers_member_vs_rest(KREISE, mem)
    hessen = out.loc["06"]
    # Landkreis Kassel has no count of its own: its area with Kassel is the member unit
    assert (hessen["member_kreise"], hessen["member_seekers"], hessen["member_population"]) == (
        2,
        3780,
        436,
    )
    assert hessen["member_per_1000"] == pytest.approx(3780 / 436 * 1000)
    assert (hessen["rest_kreise"], hessen["rest_seekers"]) == (2, 48000)
    assert hessen["rest_per_1000"] == pytest.approx(48000 / 1050 * 1000)
    assert out.loc["02", "member_kreise"] == 1 and out.loc["02", "rest_kreise"] == 0
    assert out.loc["02", "rest_per_1000"] is pd.NA  # no other Kreis: nothing to compare
    assert out.loc["DE", "member_kreise"] == 3 and out.loc["06", "land_name"] == "Hessen"


def test_an_area_without_a_count_makes_its_group_unknown() -> None:
    kreise = KREISE.assign(seekers_total=KREISE["seekers_total"].where(KREISE["ags"] != "06414"))
    mem = members(("kassel", "06", "declared", "066110000000", "gemeinde"))
    out = regional.protection_seekers_member_vs_rest(kreise, mem).loc["06"]
    assert out["rest_seekers"] is pd.NA and out["rest_per_1000"] is pd.NA
    assert out["kreise_unknown"] == 1
    assert out["member_per_1000"] == pytest.approx(3780 / 436 * 1000)


def test_a_flaechenland_as_member_leaves_its_kreise_to_compare() -> None:
    mem = members(("hessen", "06", "declared", "060000000000", "land"))
    assert regional.member_kreise(mem, KREISE) == set()
