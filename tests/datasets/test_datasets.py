"""The curated tables: every CSV validates against the catalogue, every row has a source,
dtypes are right, the Königsteiner Schlüssel sums to 100 each year."""

from __future__ import annotations

import pandas as pd
import pytest

from haefen_analysis import config, datasets
from haefen_analysis.catalogue.schema import catalogue
from haefen_analysis.errors import DataValidationError

DATA = config.PROJECT_DIR / "data"


def test_every_csv_in_data_is_catalogued():
    paths = {r.path for r in catalogue().values() if not r.is_glob}
    assert {p.name for p in DATA.glob("*.csv")} == paths
    staged = [r.path for r in catalogue().values() if r.is_glob]
    research = {p.relative_to(DATA) for p in (DATA / "research").glob("*.csv")}
    assert research == {p.relative_to(DATA) for g in staged for p in DATA.glob(g)}


@pytest.mark.parametrize("name", list(catalogue()))
def test_every_table_validates_and_has_sources(name):
    frame = datasets.validated(name)  # the validator itself, not a stored frame
    assert len(frame) > 0
    assert frame["source"].notna().all()
    assert (frame["source"].str.strip() != "").all()


def test_gwk_key_sums_to_100_each_year():
    keys = datasets.quota_keys()
    gwk = keys[keys["key_type"] == "gwk"]
    assert sorted(gwk["year"].unique()) == list(range(2010, 2021))
    sums = gwk.groupby("year")["share_percent"].sum()
    assert ((sums - 100).abs() <= 0.00001).all(), sums
    assert (gwk.groupby("year").size() == 16).all()


def test_easy_applies_previous_years_key():
    keys = datasets.quota_keys()
    quoted = keys[keys["key_type"] == "easy_quoted"]
    assert len(quoted) > 0
    assert (quoted["easy_year"] == quoted["year"] + 1).all()


def test_population_all_laender_2010_2024():
    pop = datasets.population()
    assert pop["date"].dt.year.nunique() == 15 and pop["land"].nunique() == 16
    assert str(pop["population"].dtype) == "Int64"


def test_member_dtypes_and_precision():
    m = datasets.members()
    assert str(m["kind"].dtype) == "category" and str(m["status"].dtype) == "category"
    assert str(m["declared_on"].dtype).startswith("datetime64")
    flensburg = m.set_index("member_id").loc["flensburg"]
    assert flensburg["declared_on_precision"] == "month"  # "2018-09" stays a month
    assert flensburg["declared_on"] == pd.Timestamp("2018-09-01")


def test_member_facts_from_founding_documents():
    m = datasets.members().set_index("member_id")
    nrw16 = ["bielefeld", "blomberg", "bonn", "detmold", "dortmund", "guetersloh", "halle-westf",
             "hamm", "kevelaer", "koeln", "krefeld", "minden", "muenster", "siegen", "solingen",
             "unna"]  # fmt: skip
    assert set(nrw16) <= set(m.index)
    assert (m.loc[nrw16, "land"] == "05").all()
    assert m.loc["bielefeld", "declared_on"] == pd.Timestamp("2019-07-11")
    assert m.loc["dresden", "status"] == "revoked"  # a revocation is a fact, not a deletion


def test_sh_admissions_credited():
    a = datasets.admissions()
    sh = a[(a["scope"] == "01") & a["member_id"].isin(["flensburg", "kiel", "luebeck"])]
    assert dict(zip(sh["member_id"], sh["value"], strict=True)) == {
        "flensburg": 3,
        "kiel": 8,
        "luebeck": 7,
    }
    assert (sh["credited"] == "yes").all()


def test_meetings_from_luebeck_answer():
    mt = datasets.meetings().set_index("meeting_id")
    assert mt.loc["luebeck-kiel-2023-10-06", "date"] == pd.Timestamp("2023-10-06")
    assert mt.loc["luebeck-flensburg-2023-10-17", "date"] == pd.Timestamp("2023-10-17")
    assert mt.loc["sh-koordination-quartal", "recurrence"] == "quarterly"
    assert mt.loc["nrw-bielefeld-2020-01-15", "participants"].count(";") == 15


def test_demands_grid_is_complete_and_marks_unknown():
    grid = datasets.demands()
    members = datasets.members()
    assert len(grid) == len(members) * 8
    luebeck = grid[grid["member_id"] == "luebeck"].set_index("demand")
    assert luebeck.loc["buendnis_membership", "decided"] == "yes"  # derived from members
    assert luebeck.loc["additional_admission", "fulfilled"] == "no"  # stated fact
    assert luebeck.loc["transparency", "decided"] == "unknown"


def test_data_dir_override(data_copy):
    m = data_copy / "members.csv"
    lines = m.read_text(encoding="utf-8").splitlines()
    m.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    (data_copy / "member_keys.csv").unlink()  # keys of the removed members would be stale
    assert len(datasets.members()) == 2  # via $HAEFEN_DATA_DIR
    assert len(datasets.members(config.PROJECT_DIR / "data")) > 100


def test_broken_curated_table_raises_with_every_problem(data_copy):
    path = data_copy / "population.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("10753880", "-5")
    text[2] = "99" + text[2][2:]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        datasets.population()
    message = str(err.value)
    assert "3 Problem(e)" in message  # one bad count; a bad Land breaks pattern and foreign key
    assert "Zeile 2, Spalte 'population', Wert '-5'" in message and "[Regel: minimum]" in message
    assert "Zeile 3, Spalte 'land', Wert '99'" in message
    assert "[Regel: pattern]" in message and "[Regel: foreign_key]" in message


def test_warm_load_is_cached_but_sees_changes(data_copy):
    first = datasets.members()
    first.loc[0, "name"] = "changed in the caller"
    assert datasets.members().loc[0, "name"] != "changed in the caller"  # copies, not shared
    path = data_copy / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    assert len(datasets.members()) == len(first) - 1
