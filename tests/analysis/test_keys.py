"""Which Königsteiner Schlüssel applies in a year, and its shares."""

from __future__ import annotations

import pandas as pd
import pytest

from haefen_analysis.analysis import keys as koenigsteiner

# Published GWK Königsteiner Schlüssel 2019 (percent, 5 decimals), AGS order.
GWK_2019 = {
    "01": 3.40578, "02": 2.60343, "03": 9.39533, "04": 0.95379, "05": 21.07592, "06": 7.43709,
    "07": 4.81848, "08": 13.04061, "09": 15.56072, "10": 1.19827, "11": 5.18995, "12": 3.02987,
    "13": 1.98045, "14": 4.98208, "15": 2.69612, "16": 2.63211,
}  # fmt: skip
# --- which key -----------------------------------------------------------------------------


def test_gwk_rule_gives_the_key_for_the_year(keys, statements) -> None:
    shares = koenigsteiner.key_shares(keys, 2019, rule="gwk", statements=statements)
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
def test_easy_rule_follows_sources_then_the_default(
    keys, year, key_year, basis, statements
) -> None:
    shares = koenigsteiner.key_shares(keys, year, statements=statements)
    assert (shares.attrs["key_year"], shares.attrs["basis"]) == (key_year, basis)
    gwk = keys[(keys["key_type"] == "gwk") & (keys["year"] == key_year)]
    assert shares.to_dict() == gwk.set_index("land")["share_percent"].to_dict()


def test_missing_year_is_an_error_listing_the_years(keys, statements) -> None:
    with pytest.raises(
        koenigsteiner.KeyNotFoundError, match="GWK-Schlüsseljahre in den Daten: 2015, 2016, 2019"
    ):
        koenigsteiner.key_shares(keys, 2021, rule="gwk", statements=statements)
    with pytest.raises(koenigsteiner.KeyNotFoundError, match=r"auflösbare EASY-Jahre: .*2023"):
        koenigsteiner.key_shares(keys, 2019, statements=statements)  # would need GWK 2018


def test_ambiguous_rounded_quote_is_refused(keys, statements) -> None:
    copy = keys[(keys["key_type"] == "gwk") & (keys["year"] == 2019)].assign(year=2018)
    doubled = pd.concat([keys, copy], ignore_index=True)
    with pytest.raises(
        koenigsteiner.QuotaDataError,
        match=r"EASY-Jahr 2022 passen zu den GWK-Schlüsseljahren \[2018, 2019\]",
    ):
        koenigsteiner.easy_key_years(doubled, statements)


def test_sources_that_disagree_are_refused(keys, statements) -> None:
    other = statements.assign(easy_year=2022, key_year=2020).astype({"easy_year": "Int64"})
    with pytest.raises(
        koenigsteiner.QuotaDataError,
        match="widersprechen sich, welchen Schlüssel EASY 2022 anwandte",
    ):
        koenigsteiner.key_shares(keys, 2022, statements=other)


def test_unknown_rule_is_refused(keys, statements) -> None:
    with pytest.raises(ValueError, match="Regel 'bamf' unbekannt"):
        koenigsteiner.key_shares(keys, 2019, rule="bamf", statements=statements)


def test_statements_file_in_data_loads() -> None:
    stated = koenigsteiner.easy_key_statements()
    assert stated["source"].str.len().gt(0).all()
