"""The count rule and the "< 3" rule, for single figures and for every aggregate."""

from __future__ import annotations

import pandas as pd
import pytest

from haefen_analysis import datasets, report
from haefen_analysis.analysis import per_land
from haefen_analysis.report import counts, sections


def test_count_rule():
    assert counts.count_text(40) == "40"
    assert counts.count_text(40, 2, 5) == "40 (2 unbekannt)"
    assert counts.count_text(0, 3, 3) == "unbekannt"  # all unknown: never 0
    assert counts.count_text(pd.NA, 2, 2) == "unbekannt"
    assert counts.count_text(0, 0, 4) == "0"  # known to be none
    assert counts.count_text(0, 0, 0) == "–"  # nothing to count
    assert counts.count_text(pd.NA, 0, 0, empty="keine Zusage") == "keine Zusage"


def _values(*values):
    return pd.Series(pd.array(values, dtype="Int64"))


def test_small_counts_of_minors_in_totals():
    umf = pd.Series(["umf", "umf"])
    # a Land total made only of one or two minors is "< 3", in public mode only
    assert counts.total_text(_values(1, 1), umf, public=True) == "2–4"  # two hidden, each 1–2
    assert counts.total_text(_values(2), umf[:1], public=True) == "< 3"
    assert counts.total_text(_values(2), umf[:1], public=False) == "2"
    # persons 8 and 2 minors: the sum would give the minors away next to the 8 -> a range
    mixed = pd.Series(["persons", "umf"])
    assert counts.total_text(_values(8, 2), mixed, public=True) == "9–10"
    assert counts.total_text(_values(8, 2), mixed, public=False) == "10"
    # 3 or more minors are no small count; unknown contributions are counted as such
    assert counts.total_text(_values(3, pd.NA), umf, public=True) == "3 (1 unbekannt)"
    assert counts.total_text(_values(), None, public=True) == "unbekannt"  # no row at all


def test_per_land_counts_protect_small_sums_and_their_germany_total():
    """Two UMF arriving in Hamburg: "< 3" in its cell, and the Germany row (which would give
    the two away against the other Länder) a range."""
    adm = datasets.admissions()
    extra = adm[adm["admission_id"] == "A063"].assign(
        admission_id="X1", scope="02", member_id="hamburg", group="umf", value=2
    )
    extra["value"] = extra["value"].astype("Int64")
    rows = pd.concat([adm, extra], ignore_index=True)
    table = per_land.table(2020)
    report.setup(public=True)
    shown = sections.per_land_counts(table, rows)
    assert shown.loc["02", "admitted_sichere_haefen"] == "< 3"
    assert shown.loc["DE", "admitted_sichere_haefen"] == "93–94"  # 92 and "< 3"
    report.setup(public=False)
    shown = sections.per_land_counts(table, rows)
    assert shown.loc["02", "admitted_sichere_haefen"] == "2"
    assert shown.loc["DE", "admitted_sichere_haefen"] == "94"
    report.setup(public=True)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("2019", "year", "2023-12-04", "day"), "ab 2019 (Stand 04.12.2023)"),
        (("2018", "year", "2020", "year"), "2018–2020"),
        (("2021", "year", "2021", "year"), "2021"),
        (("2020-04-18", "day", "2020-05", "month"), "18.04.2020–05/2020"),
    ],
)
def test_period_text_never_calls_the_source_date_an_end(args, text):
    start, sp, end, ep = args
    assert sections.period(pd.Timestamp(start), sp, pd.Timestamp(end), ep) == text
