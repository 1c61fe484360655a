"""German dates at their precision, in one function."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from haefen_analysis.common import dates


@pytest.mark.parametrize(
    ("value", "precision", "text"),
    [
        (pd.Timestamp("2019-07-11"), "day", "11.07.2019"),
        (pd.Timestamp("2019-07-01"), "month", "07/2019"),
        (date(2019, 1, 1), "year", "2019"),
        (pd.NaT, "day", ""),
        (None, "month", ""),
    ],
)
def test_german_at_its_precision(value, precision, text):
    assert dates.german(value, precision) == text


def test_iso_partial_dates_and_columns():
    assert dates.german_iso("2026-11-22") == "22.11.2026"
    assert dates.german_iso("2025-07") == "07/2025"
    assert dates.german_iso("2025") == "2025"
    assert dates.german_iso("") == ""
    frame = pd.DataFrame(
        {
            "d": pd.to_datetime(["2018-09-01", "2019-07-11", None]),
            "d_precision": ["month", "day", None],
        }
    )
    assert dates.german_columns(frame, "d")["d"].tolist() == ["09/2018", "11.07.2019", ""]


def test_period_end():
    assert dates.period_end(pd.Timestamp("2019-07-01"), "month") == pd.Timestamp("2019-07-31")
    assert dates.period_end(pd.Timestamp("2019-01-01"), "year") == pd.Timestamp("2019-12-31")
    assert dates.period_end(pd.Timestamp("2019-07-11"), "day") == pd.Timestamp("2019-07-11")


def test_every_german_date_goes_through_one_function():
    from haefen_analysis.ingest.parse import parse_date

    assert parse_date("Juli 2019").german == "07/2019"
    assert parse_date("11. Juli 2019").german == "11.07.2019"
