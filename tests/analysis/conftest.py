"""Fixtures shared by the analysis tests: the quota keys fixture file and a statement."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "quota"
STATEMENTS = pd.DataFrame(
    {"easy_year": [2023], "key_year": [2019], "source": ["test statement"]}
).astype({"easy_year": "Int64", "key_year": "Int64"})


@pytest.fixture
def keys() -> pd.DataFrame:
    """GWK keys 2015, 2016, 2019, 2020; BAMF quote for 2017; rounded BAMF quote for 2022."""
    frame = pd.read_csv(FIXTURES / "keys.csv", dtype={"land": str})
    return frame.astype({"year": "Int64", "easy_year": "Int64", "key_type": "category"})


@pytest.fixture
def statements() -> pd.DataFrame:
    """A sourced statement: EASY applied the 2019 key in 2023."""
    return STATEMENTS.copy()
