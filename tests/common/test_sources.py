"""Source cells: split on " ; ", listed once, shortened for hover texts."""

from __future__ import annotations

import pandas as pd

from haefen_analysis.common.sources import distinct_sources, short_source, split_sources


def test_split_and_short():
    assert split_sources("a ; b ;  ; c") == ["a", "b", "c"]
    assert split_sources("https://x.org/a;b") == ["https://x.org/a;b"]  # only " ; " separates
    assert short_source("a ; b ; c") == "a (+2 weitere)"
    assert short_source("a") == "a" and short_source("") == ""


def test_distinct_keeps_order_and_skips_missing():
    cells = pd.Series(["b ; a", None, "a", pd.NA, "c ; b"], dtype="string")
    assert distinct_sources(cells) == ["b", "a", "c"]
