"""Members over time, on the map, per Kreis, and one member's profile: fast, without a kernel
(the notebooks show exactly these frames)."""

from __future__ import annotations

import pandas as pd
import pytest

from haefen_analysis import analysis, datasets
from haefen_analysis.analysis import members as m


def _members(rows: list[tuple]) -> pd.DataFrame:
    cols = ["status", "declared_on", "declared_on_precision", "listed_by", "listed_by_precision"]
    frame = pd.DataFrame(rows, columns=[*cols, "buendnis_since", "buendnis_since_precision"])
    for col in ("declared_on", "listed_by", "buendnis_since"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def test_members_over_time_counts_by_series_code():
    frame = _members(
        [
            ("declared", "2018-09-01", "month", None, None, "2019-06-14", "day"),
            ("declared", "2019-01-01", "year", "2019-03-01", "month", None, None),  # year only
            ("revoked", "2019-07-11", "day", None, None, None, None),  # a revocation counts
            ("pending", "2019-08-01", "month", None, None, None, None),  # a motion does not
            ("declared", None, None, None, None, None, None),  # undated
        ]
    )
    out = m.members_over_time(frame)
    assert set(out["series"]) == {"by_decision", "by_evidence", "buendnis_joined"}  # codes
    last = out.groupby("series")["count"].max().to_dict()
    assert last == {"by_decision": 2, "by_evidence": 3, "buendnis_joined": 1}
    decision = out[out["series"] == "by_decision"]
    assert decision["month"].tolist() == [pd.Timestamp("2018-09-01"), pd.Timestamp("2019-07-01")]
    assert decision["count"].tolist() == [1, 2]
    assert (out.attrs["members"], out.attrs["undated"]) == (4, 1)


POINTS = pd.DataFrame(
    {
        "member_id": ["kiel", "sylt", "kreis-ploen", "kreis-x", "hamburg", "koeln", "kreis-y"]
        + ["husum"],
        "name": ["Kiel", "Sylt", "Kreis Plön", "Kreis X", "Hamburg", "Köln", "Kreis Y", "Husum"],
        "kind": ["kreisfreie_stadt", "gemeinde", "landkreis", "landkreis", "land"]
        + ["kreisfreie_stadt", "landkreis", "stadt"],
        "land": ["01", "01", "01", "01", "02", "05", "01", "01"],
        "status": ["declared"] * 5 + ["declared", "rejected", "declared"],
        "buendnis_member": ["yes", "no", "no", "no", "yes", "yes", "no", "no"],
        "geometry_level": ["point", "point", "kreis", "kreis", "land", "point", "kreis", "point"],
        "kreis_ags": ["01002", pd.NA, "01057", pd.NA, "02000", "05315", "01058", "01054"],
        "lat": [54.3, pd.NA, 54.2, pd.NA, 53.5, 50.9, 54.3, 54.5],
        "lon": [10.1, pd.NA, 10.4, pd.NA, 10.0, 6.9, 9.7, 9.1],
        "size_value": pd.array([40, pd.NA, pd.NA, pd.NA, pd.NA, 10, pd.NA, pd.NA], dtype="Int64"),
        "source": list("abcdefgh"),
    }
)


def test_map_layers_split_points_areas_and_what_cannot_be_shown():
    sh = m.map_layers("Schleswig-Holstein", points=POINTS)
    assert sh.land == "01"
    assert sh.points["member_id"].tolist() == ["kiel", "husum"]
    assert sh.kreis_areas["ags"].tolist() == ["01057", "01058"]
    assert sh.land_areas.empty
    assert sh.unplaced["member_id"].tolist() == ["sylt", "kreis-x"]  # no location: not drawn
    assert sorted(sh.areas["name"]) == ["Kreis Plön", "Kreis Y"]
    germany = m.map_layers(points=POINTS)
    assert germany.land is None and germany.land_areas["ags"].tolist() == ["02"]
    assert len(germany.members) == len(POINTS)
    one = m.map_layers("SH", member_id="kiel", points=POINTS)
    assert one.members["member_id"].tolist() == ["kiel"] and one.unplaced.empty


def test_map_layers_on_the_curated_data_account_for_every_member():
    layers = analysis.map_layers("SH")
    drawn = [layers.points, layers.kreis_areas, layers.land_areas, layers.unplaced]
    assert (
        sum(len(x) for x in drawn)
        == len(layers.members)
        == (datasets.members()["land"] == "01").sum()
    )
    assert layers.unplaced.empty  # every member placed through its key
    sylt = layers.points.set_index("member_id").loc["sylt"]
    assert sylt["kreis_ags"] == "01054" and sylt["location_note"].startswith("Lage: GeoNames-Ort")


def test_members_per_kreis_classes():
    classes = m.members_per_kreis(POINTS, "SH")
    assert classes.name == "kreis_class" and len(classes) == 15  # the 15 Kreise of SH
    assert classes["01002"] == 2  # Kiel is a kreisfreie Stadt: its own Kreis ("Kreis selbst")
    assert classes["01054"] == 1  # Husum, a town in Kreis Nordfriesland
    assert classes["01057"] == 2  # Kreis Plön itself
    assert classes["01058"] == 0  # Kreis Y was rejected: only declared members count
    assert set(classes.unique()) <= {0, 1, 2}


def test_member_profile_of_luebeck():
    profile = analysis.member_profile("luebeck")
    assert profile.member["name"] == "Lübeck"
    assert set(profile.pledges["member_id"]) == {"luebeck"}
    assert set(profile.admissions["member_id"]) == {"luebeck"}
    assert len(profile.demands) == 8  # the whole grid, unknown included
    assert "luebeck-kiel-2023-10-06" in set(profile.meetings["meeting_id"])
    land = profile.land_members
    assert (land["land"] == "01").all() and land["status"].isin(["declared", "revoked"]).all()
    dated = land["first_date"].dropna()
    assert dated.is_monotonic_increasing
    assert land.loc[profile.rank_in_land - 1, "member_id"] == "luebeck"


def test_demands_as_codes():
    demands = datasets.demands()
    luebeck = demands[demands["member_id"] == "luebeck"]
    summary = m.demand_summary(luebeck)
    assert len(summary) == 8 and "demand" in summary
    assert (summary.filter(like="decided_").sum(axis=1) == 1).all()
    rows = m.demand_rows(luebeck)
    assert list(rows.columns) == ["demand", "decided", "fulfilled", "source"]
    unknown = rows["decided"].astype(str) == "unknown"
    assert rows.loc[unknown, "source"].isna().all()  # nothing to cite for an unknown decision
    assert rows.loc[~unknown, "source"].notna().all()


@pytest.mark.parametrize("within", ["pledges", "population"])
def test_scenario_returns_codes_and_its_caption_comes_from_the_labels(within):
    from haefen_analysis.catalogue import labels

    scenario = analysis.allocation_scenario(1000, 2020, "easy", "SH", within)
    assert (scenario.land, scenario.within, scenario.key_year) == ("01", within, 2019)
    assert scenario.laender["persons"].sum() == 1000
    caption = labels.scenario_caption(scenario)
    assert caption.startswith("1.000 Personen nach dem Königsteiner Schlüssel 2019")
    assert "Schleswig-Holstein" in caption
