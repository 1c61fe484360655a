"""Land distribution keys: criterion weights as data, applied to municipalities."""

from __future__ import annotations

import pandas as pd
import pytest

from haefen_analysis.analysis import land_keys
from haefen_analysis.errors import DataValidationError, QuotaDataError, UnknownLandKeyError


def test_land_key_weights_in_data() -> None:
    weights = land_keys.land_key_weights()
    nrw = land_keys.land_key("NRW", weights).set_index("criterion")["weight"].to_dict()
    assert nrw == {"population": 0.9, "area": 0.1}
    assert land_keys.land_key("BW", weights)["weight"].tolist() == [1.0]
    assert "25 %" in " ".join(land_keys.land_key("05", weights)["rule_note"])


def test_unknown_land_key_says_so() -> None:
    rules = pd.DataFrame({"land": ["09"], "key_or_rule": ["fixed quotas per Regierungsbezirk"]})
    with pytest.raises(UnknownLandKeyError) as err:
        land_keys.land_key("Bayern", rules=rules)
    text = str(err.value)
    assert "Verteilschlüssel von Bayern (09) unbekannt" in text
    assert "Nordrhein-Westfalen" in text and "fixed quotas per Regierungsbezirk" in text


def test_land_key_weights_must_sum_to_one(tmp_path) -> None:
    (tmp_path / "land_key_weights.csv").write_text(
        "land,criterion,weight,rule_note,source\n05,population,0.9,,law\n05,area,0.2,,law\n",
        encoding="utf-8",
    )
    with pytest.raises(QuotaDataError, match=r"je Land 1 ergeben; \{'05': 1.1"):
        land_keys.land_key_weights(tmp_path)


def test_land_key_weights_need_a_source(tmp_path) -> None:
    (tmp_path / "land_key_weights.csv").write_text(
        "land,criterion,weight,rule_note,source\n08,population,1.0,,\n", encoding="utf-8"
    )
    with pytest.raises(DataValidationError, match="Zeile 2, Spalte 'source'.*Regel: required"):
        land_keys.land_key_weights(tmp_path)


def test_apply_nrw_key_by_hand() -> None:
    # A: 300 of 400 inhabitants, 10 of 40 km²; B: 100 and 30.
    # A = 0.9 * 0.75 + 0.1 * 0.25 = 0.7; B = 0.9 * 0.25 + 0.1 * 0.75 = 0.3.
    towns = pd.DataFrame({"population": [300, 100], "area": [10.0, 30.0]}, index=["A", "B"])
    share = land_keys.apply_land_key(towns, "05")
    assert share.to_dict() == pytest.approx({"A": 0.7, "B": 0.3})
    assert any("NOT apply" in note for note in share.attrs["rule_notes"])


def test_apply_land_key_names_the_bad_cell() -> None:
    towns = pd.DataFrame({"population": [300, -1], "area": [10.0, 30.0]}, index=["A", "B"])
    with pytest.raises(QuotaDataError, match="Zeile 'B', Spalte population: -1"):
        land_keys.apply_land_key(towns, "05")
    with pytest.raises(QuotaDataError, match=r"Spalte\(n\) fehlen: area"):
        land_keys.apply_land_key(towns[["population"]], "05")
