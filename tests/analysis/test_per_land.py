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
            "offer_id": ["kiel-1", "flensburg-1", "koeln-1", "buendnis-1"],
            "member_id": ["kiel", "flensburg", "koeln", pd.NA],
            "land": ["01", "01", "05", "DE"],
            "group": pd.Categorical(["seenotrettung", "lager", "umf", "umf"]),
            "places": pd.array([40, pd.NA, 10, 500], dtype="Int64"),
        }
    )


def _admissions(rows: list[tuple]) -> pd.DataFrame:
    """Admissions rows: (scope, member, kind, metric, value, start, end, offer_id)."""
    frame = pd.DataFrame(
        rows,
        columns=["scope", "member_id", "programme_kind", "metric", "value", "start", "end"]
        + ["offer_id"],
    )
    start = frame.pop("start")
    end = frame.pop("end")
    return frame.assign(
        programme=frame["programme_kind"],
        programme_id=pd.NA,
        group="persons",
        qualifier="exact",
        value=pd.array(frame["value"], dtype="Int64"),
        period_start=pd.to_datetime(start, format="ISO8601"),
        period_start_precision=["year" if len(x) == 4 else "day" for x in start],
        period_end=pd.to_datetime(end, format="ISO8601"),
        period_end_precision=["year" if len(x) == 4 else "day" for x in end],
    )


@pytest.fixture
def admissions() -> pd.DataFrame:
    return _admissions(
        [
            ("01", "kiel", "sichere_haefen", "arrived", 8, "2019", "2023-12-04", "kiel-1"),
            ("01", "flensburg", "sichere_haefen", "arrived", 3, "2019", "2023-12-04", pd.NA),
            # a Land programme: a yearly figure inside a cumulative "Stand" is not added
            ("01", pd.NA, "landesaufnahme", "arrived", 85, "2019", "2019", pd.NA),
            ("01", pd.NA, "landesaufnahme", "arrived", 511, "2019", "2021-12-17", pd.NA),
            ("05", pd.NA, "sichere_haefen", "arrived", 2, "2020", "2020", pd.NA),
            ("DE", pd.NA, "bund_eu", "arrived", 400, "2020", "2021", pd.NA),
            ("12", pd.NA, "landesaufnahme", "planned", 300, "2021", "2021", pd.NA),
            ("05", "koeln", "kontext", "arrived", 9999, "2015", "2015", pd.NA),
        ]
    )


def test_cumulative_offer(pledges, admissions) -> None:
    out = per_land.cumulative_offer(pledges, admissions).set_index(["land", "category"])
    counts = ["pledges", "pledged_places", "pledges_places_unknown"]
    assert out.loc[("01", "all"), counts].tolist() == [2, 40, 1]
    assert out.loc[("01", "lager"), "pledged_places"] is pd.NA  # unknown, not zero
    assert out.loc[("DE", "all"), "pledged_places"] == 550
    assert out.loc[("DE", "umf"), "pledged_places"] == 510
    # Only Kiel's 8 answer a pledge (offer_id); Flensburg's 3 are linked to none.
    assert out.loc[("01", "all"), "admitted_by_pledging_members"] == 8
    assert out.loc[("01", "all"), "used_share"] == pytest.approx(8 / 40)
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
    # Admissions by programme kind, never added up; 85 (2019) lies inside 511 (2019-2021)
    assert (sh["admitted_sichere_haefen"], sh["admitted_landesaufnahme"]) == (11, 511)
    assert sh["admitted_bund_eu"] is pd.NA and nw["admitted_sichere_haefen"] == 2
    assert nw["admitted_landesaufnahme"] is pd.NA  # context figures are no admissions
    assert t.loc["12", "admitted_landesaufnahme"] is pd.NA  # planned is not arrived
    assert t.loc["DE", "admitted_sichere_haefen"] == 13  # Germany: the Länder summed
    assert t.loc["DE", "admitted_bund_eu"] is pd.NA  # a federal total is no Land's figure
    # two Länder with a known figure: too few for a ratio to the Königsteiner Schlüssel
    assert t["admissions_ratio"].isna().all() and t["expected_admissions"].isna().all()
    assert t.attrs["ratio_known_laender"] == 2 and t.attrs["ratio_min_laender"] == 12
    # declared members only; the Bündnis membership of Lübeck is unknown, not "no"
    assert (sh["buendnis_members"], sh["buendnis_unknown"]) == (2, 1)
    assert (nw["buendnis_members"], nw["buendnis_unknown"]) == (1, 0)  # revoked Bonn not
    expected_crediting = {**dict.fromkeys(t.index, "unknown"), "01": "yes", "05": "no"}
    assert t["crediting"].to_dict() == expected_crediting
    assert t["member_population_share"].isna().all()
    assert all(labels.title(c) != c for c in t.columns)  # every column has a German title


def test_ratio_to_the_key_only_with_enough_laender(frames) -> None:
    rows = [
        (f"{i:02d}", pd.NA, "sichere_haefen", "arrived", 10 * i, "2020", "2020", pd.NA)
        for i in range(1, 13)
    ]
    t = per_land.per_land_table(**(frames | {"admissions": _admissions(rows)}))
    assert t.attrs["ratio_known_laender"] == 12
    known = t.loc[LAENDER[:12], "key_share_percent"]
    expected = t.loc["01", "key_share_percent"] / known.sum() * sum(10 * i for i in range(1, 13))
    assert t.loc["01", "expected_admissions"] == pytest.approx(expected)
    assert t.loc["01", "admissions_ratio"] == pytest.approx(10 / expected)
    assert t.loc["13", "admissions_ratio"] is pd.NA  # no figure: no ratio
    assert t.loc["DE", "admissions_ratio"] == pytest.approx(1.0)


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
