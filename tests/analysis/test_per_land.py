"""Offers per Land and category, and the per-Land table."""

from __future__ import annotations

import pandas as pd
import pytest

from haefen_analysis.analysis import per_land
from haefen_analysis.catalogue import labels
from haefen_analysis.catalogue.labels import DEFINITIONS, DERIVED
from haefen_analysis.ingest import codes

LAENDER = [f"{i:02d}" for i in range(1, 17)]


@pytest.fixture
def pledges() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member_id": ["kiel", "flensburg", "koeln", pd.NA],
            "land": ["01", "01", "05", "DE"],
            "group": pd.Categorical(["seenotrettung", "lager", "umf", "umf"]),
            "places": pd.array([40, pd.NA, 10, 500], dtype="Int64"),
        }
    )


@pytest.fixture
def admissions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scope": ["01", "01", "05", "DE", "12"],
            "member_id": ["kiel", "flensburg", pd.NA, pd.NA, pd.NA],
            "metric": ["arrived", "arrived", "arrived", "arrived", "planned"],
            "value": pd.array([8, 3, 2, 400, 300], dtype="Int64"),
            "qualifier": ["exact", "exact", "about", "exact", "exact"],
        }
    )


def test_cumulative_offer(pledges, admissions) -> None:
    out = per_land.cumulative_offer(pledges, admissions).set_index(["land", "category"])
    counts = ["pledges", "pledged_places", "pledges_places_unknown"]
    assert out.loc[("01", "all"), counts].tolist() == [2, 40, 1]
    assert out.loc[("01", "lager"), "pledged_places"] is pd.NA  # unknown, not zero
    assert out.loc[("DE", "all"), "pledged_places"] == 550
    assert out.loc[("DE", "umf"), "pledged_places"] == 510
    # Kiel 8 + Flensburg 3 admitted into pledging members of SH; Köln has no member admission.
    assert out.loc[("01", "all"), "admitted_by_pledging_members"] == 11
    assert out.loc[("01", "all"), "used_share"] == pytest.approx(11 / 40)
    assert out.loc[("05", "all"), "admitted_by_pledging_members"] is pd.NA
    assert out.loc[("01", "seenotrettung"), "admitted_by_pledging_members"] is pd.NA


@pytest.fixture
def frames(keys, pledges, admissions, statements) -> dict[str, object]:
    population = pd.DataFrame(
        {
            "land": LAENDER,
            "date": pd.Timestamp("2020-12-31"),
            "population": pd.array([1_000_000 * (i + 1) for i in range(16)], dtype="Int64"),
        }
    )
    members = pd.DataFrame(
        {
            "member_id": ["kiel", "flensburg", "luebeck", "koeln", "kreis", "bonn"],
            "kind": ["kreisfreie_stadt"] * 4 + ["landkreis", "kreisfreie_stadt"],
            "land": ["01", "01", "01", "05", "05", "05"],
            "status": ["declared"] * 5 + ["revoked"],
            "buendnis_member": ["yes", "yes", "unknown", "yes", "no", "yes"],
        }
    )
    rules = pd.DataFrame(
        {"land": ["DE", "DE", "01", "05"], "crediting": ["unknown", "unknown", "yes", "no"]}
    )
    return dict(
        members=members,
        pledges=pledges,
        admissions=admissions,
        population=population,
        keys=keys,
        land_rules=rules,
        year=2019,
        rule="gwk",
        statements=statements,
    )


def test_per_land_table_by_hand(frames) -> None:
    t = per_land.per_land_table(**frames)
    assert list(t.index) == [*LAENDER, "DE"]
    sh, nw = t.loc["01"], t.loc["05"]
    assert (sh["members"], nw["members"], t.loc["DE", "members"]) == (3, 2, 5)
    assert sh["members_per_million"] == pytest.approx(3.0)  # 3 members, 1 million people
    assert nw["members_per_million"] == pytest.approx(2 / 5)
    assert (sh["pledged_places"], sh["pledges_places_unknown"]) == (40, 1)
    assert t.loc["DE", "pledged_places"] == 550
    assert t.loc["02", "pledged_places"] is pd.NA
    # Admissions of the Länder: SH 11, NW 2 ("about": counted as not exact) -> 13 in all.
    assert (sh["admissions"], nw["admissions"], nw["admissions_not_exact"]) == (11, 2, 1)
    assert t.loc["02", "admissions"] is pd.NA
    assert sh["expected_admissions"] == pytest.approx(0.0340578 * 13)
    assert sh["admissions_ratio"] == pytest.approx(11 / (0.0340578 * 13))
    assert nw["admissions_ratio"] == pytest.approx(2 / (0.2107592 * 13))
    assert t.loc["DE", "admissions_ratio"] == pytest.approx(1.0)
    assert (sh["buendnis_members"], nw["buendnis_members"]) == (2, 2)  # revoked Bonn stays
    expected_crediting = {**dict.fromkeys(t.index, "unknown"), "01": "yes", "05": "no"}
    assert t["crediting"].to_dict() == expected_crediting
    assert t["member_population_share"].isna().all()
    assert all(labels.title(c) != c for c in t.columns)  # every column has a German title


def test_member_population_share(frames) -> None:
    # regional.population_in_members: <NA> for a Land with a declared member without a key
    share = pd.DataFrame({"member_population_share": [0.55, pd.NA, 0.0]}, index=["01", "05", "02"])
    t = per_land.per_land_table(**frames, member_population=share)
    assert t.loc["01", "member_population_share"] == pytest.approx(0.55)
    assert t.loc["05", "member_population_share"] is pd.NA
    assert t.loc["02", "member_population_share"] == 0
    assert t.loc["DE", "member_population_share"] is pd.NA  # not given
    assert t.loc["01", "places_per_1000"] == pytest.approx(40 / 1_000_000 * 1000)


def test_definitions_have_labels() -> None:
    assert set(DEFINITIONS) <= set(DERIVED)
    assert all(label for label in DERIVED.values())


def test_table_loads_the_curated_tables_itself() -> None:
    from haefen_analysis import datasets
    from haefen_analysis.analysis.regional import population_in_members

    by_hand = per_land.per_land_table(
        datasets.members(),
        datasets.pledges(),
        datasets.admissions(),
        datasets.population(),
        datasets.quota_keys(),
        datasets.land_rules(),
        year=2020,
        member_population=population_in_members(datasets.members(), datasets.gemeinden()),
    )
    table = per_land.table(2020)
    pd.testing.assert_frame_equal(table, by_hand)
    # every member keyed: the share is known; Hamburg is a member as a whole
    assert table["member_population_share"].notna().all()
    assert table.loc["02", "member_population_share"] == 1.0


def test_rank_among_the_sixteen(frames) -> None:
    t = per_land.per_land_table(**frames)
    assert per_land.rank(t, "members", "SH") == 1  # 3 members, the most
    assert per_land.rank(t, "members", "Nordrhein-Westfalen") == 2
    assert per_land.rank(t, "members", "HH") == 3  # the 14 Länder without members share rank 3
    assert per_land.rank(t, "members", "16") == 3


def test_runs_on_the_curated_data() -> None:
    table = per_land.table(2022)
    assert table.attrs["key_attrs"]["key_year"] == 2019  # EASY still used the 2019 key in 2022
    assert len(table) == 17
    assert table.loc[codes.GERMANY, "key_share_percent"] == pytest.approx(100.0)
