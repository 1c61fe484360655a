"""Quota keys, Land keys, member allocation, scenarios, offers and the per-Land table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from haefen_analysis import codes, quota
from haefen_analysis.validate import DataValidationError

FIXTURES = Path(__file__).parent / "fixtures" / "quota"
LAENDER = [f"{i:02d}" for i in range(1, 17)]

# Published GWK Königsteiner Schlüssel 2019 (percent, 5 decimals), AGS order.
GWK_2019 = {
    "01": 3.40578, "02": 2.60343, "03": 9.39533, "04": 0.95379, "05": 21.07592, "06": 7.43709,
    "07": 4.81848, "08": 13.04061, "09": 15.56072, "10": 1.19827, "11": 5.18995, "12": 3.02987,
    "13": 1.98045, "14": 4.98208, "15": 2.69612, "16": 2.63211,
}  # fmt: skip
STATEMENTS = pd.DataFrame(
    {"easy_year": [2023], "key_year": [2019], "source": ["test statement"]}
).astype({"easy_year": "Int64", "key_year": "Int64"})


@pytest.fixture
def keys() -> pd.DataFrame:
    """GWK keys 2015, 2016, 2019, 2020; BAMF quote for 2017; rounded BAMF quote for 2022."""
    frame = pd.read_csv(FIXTURES / "keys.csv", dtype={"land": str})
    return frame.astype({"year": "Int64", "easy_year": "Int64", "key_type": "category"})


# --- which key -----------------------------------------------------------------------------


def test_gwk_rule_gives_the_key_for_the_year(keys) -> None:
    shares = quota.key_shares(keys, 2019, rule="gwk", statements=STATEMENTS)
    assert shares.to_dict() == GWK_2019
    assert shares.attrs["key_year"] == 2019


@pytest.mark.parametrize(
    ("year", "key_year", "basis"),
    [
        (2017, 2016, "quoted"),  # BAMF quota table for 2017 = GWK key 2016
        (2022, 2019, "quoted_rounded"),  # rounded quote matches 2019 only (NRW 21.1 vs 20.96)
        (2023, 2019, "statement"),
        (2016, 2015, "default"),  # no source for 2016 in the fixture: previous year's key
        (2021, 2020, "default"),
    ],
)
def test_easy_rule_follows_sources_then_the_default(keys, year, key_year, basis) -> None:
    shares = quota.key_shares(keys, year, statements=STATEMENTS)
    assert (shares.attrs["key_year"], shares.attrs["basis"]) == (key_year, basis)
    gwk = keys[(keys["key_type"] == "gwk") & (keys["year"] == key_year)]
    assert shares.to_dict() == gwk.set_index("land")["share_percent"].to_dict()


def test_missing_year_is_an_error_listing_the_years(keys) -> None:
    with pytest.raises(quota.KeyNotFoundError, match="GWK key years in the data: 2015, 2016, 2019"):
        quota.key_shares(keys, 2021, rule="gwk", statements=STATEMENTS)
    with pytest.raises(quota.KeyNotFoundError, match=r"EASY years that resolve: .*2023"):
        quota.key_shares(keys, 2019, statements=STATEMENTS)  # would need GWK 2018


def test_ambiguous_rounded_quote_is_refused(keys) -> None:
    copy = keys[(keys["key_type"] == "gwk") & (keys["year"] == 2019)].assign(year=2018)
    doubled = pd.concat([keys, copy], ignore_index=True)
    with pytest.raises(
        quota.QuotaDataError, match=r"EASY year 2022 match GWK key years \[2018, 2019\]"
    ):
        quota.easy_key_years(doubled, STATEMENTS)


def test_sources_that_disagree_are_refused(keys) -> None:
    other = STATEMENTS.assign(easy_year=2022, key_year=2020).astype({"easy_year": "Int64"})
    with pytest.raises(quota.QuotaDataError, match="disagree on the key EASY applied in 2022"):
        quota.key_shares(keys, 2022, statements=other)


def test_unknown_rule_is_refused(keys) -> None:
    with pytest.raises(ValueError, match="rule 'bamf' unknown"):
        quota.key_shares(keys, 2019, rule="bamf", statements=STATEMENTS)


def test_statements_file_in_data_loads() -> None:
    stated = quota.easy_key_statements()
    assert stated["source"].str.len().gt(0).all()


# --- Länder allocation ---------------------------------------------------------------------


def test_1000_persons_by_the_2019_key_hand_checked(keys) -> None:
    # Quotas = 10 x share: integer parts sum to 991; the 9 left go to the largest remainders
    # SL .9827, ST .9612, NI .9533, BE .8995, SN .8208, MV .8045, NW .7592, BY .6072, HB .5379
    # (next would be HE .3709).
    expected = {
        "01": 34, "02": 26, "03": 94, "04": 10, "05": 211, "06": 74, "07": 48, "08": 130,
        "09": 156, "10": 12, "11": 52, "12": 30, "13": 20, "14": 50, "15": 27, "16": 26,
    }  # fmt: skip
    shares = quota.key_shares(keys, 2019, rule="gwk", statements=STATEMENTS)
    table = quota.allocate_to_laender(1000, shares)
    assert table["persons"].to_dict() == expected
    assert table.loc["05", "quota"] == pytest.approx(210.7592)


# --- Land keys -----------------------------------------------------------------------------


def test_land_key_weights_in_data() -> None:
    weights = quota.land_key_weights()
    nrw = quota.land_key("NRW", weights).set_index("criterion")["weight"].to_dict()
    assert nrw == {"population": 0.9, "area": 0.1}
    assert quota.land_key("BW", weights)["weight"].tolist() == [1.0]
    assert "25 %" in " ".join(quota.land_key("05", weights)["rule_note"])


def test_unknown_land_key_says_so() -> None:
    rules = pd.DataFrame({"land": ["09"], "key_or_rule": ["fixed quotas per Regierungsbezirk"]})
    with pytest.raises(quota.UnknownLandKeyError) as err:
        quota.land_key("Bayern", rules=rules)
    text = str(err.value)
    assert "Bayern (09) is unknown" in text
    assert "Nordrhein-Westfalen" in text and "fixed quotas per Regierungsbezirk" in text


def test_land_key_weights_must_sum_to_one(tmp_path) -> None:
    (tmp_path / "land_key_weights.csv").write_text(
        "land,criterion,weight,rule_note,source\n05,population,0.9,,law\n05,area,0.2,,law\n",
        encoding="utf-8",
    )
    with pytest.raises(quota.QuotaDataError, match=r"sum to 1 per Land; \{'05': 1.1"):
        quota.land_key_weights(tmp_path)


def test_land_key_weights_need_a_source(tmp_path) -> None:
    (tmp_path / "land_key_weights.csv").write_text(
        "land,criterion,weight,rule_note,source\n08,population,1.0,,\n", encoding="utf-8"
    )
    with pytest.raises(DataValidationError, match="row 2, column 'source'.*rule: required"):
        quota.land_key_weights(tmp_path)


def test_apply_nrw_key_by_hand() -> None:
    # A: 300 of 400 inhabitants, 10 of 40 km²; B: 100 and 30.
    # A = 0.9 * 0.75 + 0.1 * 0.25 = 0.7; B = 0.9 * 0.25 + 0.1 * 0.75 = 0.3.
    towns = pd.DataFrame({"population": [300, 100], "area": [10.0, 30.0]}, index=["A", "B"])
    share = quota.apply_land_key(towns, "05")
    assert share.to_dict() == pytest.approx({"A": 0.7, "B": 0.3})
    assert any("NOT apply" in note for note in share.attrs["rule_notes"])


def test_apply_land_key_names_the_bad_cell() -> None:
    towns = pd.DataFrame({"population": [300, -1], "area": [10.0, 30.0]}, index=["A", "B"])
    with pytest.raises(quota.QuotaDataError, match="row 'B', column population: -1"):
        quota.apply_land_key(towns, "05")
    with pytest.raises(quota.QuotaDataError, match=r"missing column\(s\) \['area'\]"):
        quota.apply_land_key(towns[["population"]], "05")


# --- members, scenarios --------------------------------------------------------------------


def test_allocate_to_members_capped_with_an_unknown_offer() -> None:
    members = pd.DataFrame(
        {
            "population": [50_000, 30_000, 20_000, 10_000],
            "places": pd.array([10, 40, 40, pd.NA], dtype="Int64"),
        },
        index=["a", "b", "c", "unknown"],
    )
    result = quota.allocate_to_members(members, 100, weight="population", cap="places")
    assert result.table["persons"].tolist()[:3] == [10, 40, 40]
    assert result.table["persons"].isna().tolist() == [False, False, False, True]
    assert result.table["remaining_capacity"].tolist()[:3] == [0, 0, 0]
    assert (result.placed, result.unplaced, result.excluded) == (90, 10, 1)


def test_crediting_scenarios_by_hand() -> None:
    # A member obliged to take 5 that admitted 7 specially: credited it takes 7 in all (no
    # regular person), additionally 12; a Land obliged to take 211 with 18 special: 211 / 229.
    result = quota.crediting_scenarios(
        pd.Series({"Land": 211, "Kommune": 5}), pd.Series({"Land": 18, "Kommune": 7})
    )
    assert result.loc["Kommune"].to_dict() == {
        "regular_obligation": 5, "special_admissions": 7, "credited_regular": 0,
        "credited_total": 7, "additional_total": 12, "extra_persons": 5,
    }  # fmt: skip
    assert result.loc["Land", ["credited_total", "additional_total"]].tolist() == [211, 229]


# --- offers and the per-Land table ---------------------------------------------------------


@pytest.fixture
def pledges() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member_id": ["kiel", "flensburg", "koeln", pd.NA],
            "land": ["01", "01", "05", "DE"],
            "category": pd.Categorical(["seenotrettung", "lager", "umf", "umf"]),
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
    out = quota.cumulative_offer(pledges, admissions).set_index(["land", "category"])
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
def frames(keys, pledges, admissions) -> dict[str, object]:
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
        members=members, pledges=pledges, admissions=admissions, population=population,
        keys=keys, land_rules=rules, year=2019, rule="gwk", statements=STATEMENTS,
    )  # fmt: skip


def test_per_land_table_by_hand(frames) -> None:
    t = quota.per_land_table(**frames)
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
    assert set(t.columns) <= set(quota.LABELS)


def test_member_population_share(frames) -> None:
    population = pd.Series({"kiel": 250_000, "flensburg": 90_000, "luebeck": 210_000})
    t = quota.per_land_table(**frames, member_population=population)
    assert t.loc["01", "member_population_share"] == pytest.approx(550_000 / 1_000_000)
    assert t.loc["05", "member_population_share"] is pd.NA  # Köln's population not given
    assert t.loc["02", "member_population_share"] == 0  # no member in Hamburg
    assert t.loc["DE", "member_population_share"] is pd.NA


def test_definitions_have_labels() -> None:
    assert set(quota.DEFINITIONS) <= set(quota.LABELS)
    assert all(label for label in quota.LABELS.values())


def test_runs_on_the_curated_data() -> None:
    from haefen_analysis import datasets

    table = quota.per_land_table(
        datasets.members(), datasets.pledges(), datasets.admissions(), datasets.population(),
        datasets.quota_keys(), datasets.land_rules(), year=2022,
    )  # fmt: skip
    assert table.attrs["key_attrs"]["key_year"] == 2019  # EASY still used the 2019 key in 2022
    assert len(table) == 17
    assert table.loc[codes.GERMANY, "key_share_percent"] == pytest.approx(100.0)
