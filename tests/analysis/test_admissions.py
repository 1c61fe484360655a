"""Which admission figures add up: one programme kind at a time, no period twice."""

from __future__ import annotations

from haefen_analysis import datasets
from haefen_analysis.analysis import admissions as admitted


def test_counted_takes_each_period_once_on_the_curated_data():
    rows = admitted.counted(datasets.admissions())
    ids = set(rows["admission_id"])
    # SH Landesaufnahmeprogramm: the cumulative 511 (2019 – 17.12.2021) holds 85 (2019),
    # 426 (2021), 302 (to 11.11.2021) and 62 (to 16.12.2019)
    assert "A086" in ids and not ids & {"A079", "A080", "A085", "A035"}
    # Berlin Libanon: 209 (2021 – 20.09.2022) and the 137 of 2023 do not overlap
    assert {"A087", "A083"} <= ids and not ids & {"A081", "A082"}
    # Potsdam's 25 of 01/2020 lie inside its 72 of 2018–2020 (two names, one stream)
    assert "A066" in ids and "A014" not in ids
    assert not (rows["programme_kind"].astype(str) == "kontext").any()
    assert set(rows["metric"].astype(str)) == {"arrived"}


def test_by_kind_on_the_curated_data():
    totals = admitted.by_kind(admitted.counted(datasets.admissions()))
    assert totals.loc["01"].tolist() == [18, 511, totals.loc["01", "bund_eu"]]
    assert totals.loc["11", "landesaufnahme"] == 209 + 137
    assert list(totals.columns) == list(admitted.KINDS)
