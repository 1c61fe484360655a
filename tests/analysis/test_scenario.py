"""Scenarios: persons to the Länder by the key, to members by offers, with or without crediting."""

from __future__ import annotations

import pandas as pd
import pytest

from haefen_analysis.analysis import scenario
from haefen_analysis.analysis.keys import key_shares


def test_1000_persons_by_the_2019_key_hand_checked(keys, statements) -> None:
    # Quotas = 10 x share: integer parts sum to 991; the 9 left go to the largest remainders
    # SL .9827, ST .9612, NI .9533, BE .8995, SN .8208, MV .8045, NW .7592, BY .6072, HB .5379
    # (next would be HE .3709).
    expected = {
        "01": 34, "02": 26, "03": 94, "04": 10, "05": 211, "06": 74, "07": 48, "08": 130,
        "09": 156, "10": 12, "11": 52, "12": 30, "13": 20, "14": 50, "15": 27, "16": 26,
    }  # fmt: skip
    shares = key_shares(keys, 2019, rule="gwk", statements=statements)
    table = scenario.allocate_to_laender(1000, shares)
    assert table["persons"].to_dict() == expected
    assert table.loc["05", "quota"] == pytest.approx(210.7592)


def test_allocate_to_members_capped_with_an_unknown_offer() -> None:
    members = pd.DataFrame(
        {
            "population": [50_000, 30_000, 20_000, 10_000],
            "places": pd.array([10, 40, 40, pd.NA], dtype="Int64"),
        },
        index=["a", "b", "c", "unknown"],
    )
    result = scenario.allocate_to_members(members, 100, weight="population", cap="places")
    assert result.table["persons"].tolist()[:3] == [10, 40, 40]
    assert result.table["persons"].isna().tolist() == [False, False, False, True]
    assert result.table["remaining_capacity"].tolist()[:3] == [0, 0, 0]
    assert (result.placed, result.unplaced, result.excluded) == (90, 10, 1)


def test_crediting_scenarios_by_hand() -> None:
    # A member obliged to take 5 that admitted 7 specially: credited it takes 7 in all (no
    # regular person), additionally 12; a Land obliged to take 211 with 18 special: 211 / 229.
    result = scenario.crediting_scenarios(
        pd.Series({"Land": 211, "Kommune": 5}), pd.Series({"Land": 18, "Kommune": 7})
    )
    assert result.loc["Kommune"].to_dict() == {
        "regular_obligation": 5, "special_admissions": 7, "credited_regular": 0,
        "credited_total": 7, "additional_total": 12, "extra_persons": 5,
    }  # fmt: skip
    assert result.loc["Land", ["credited_total", "additional_total"]].tolist() == [211, 229]
