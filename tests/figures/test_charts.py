"""Charts hold the numbers of the tables they show, with the catalogue's words."""

from __future__ import annotations

import numpy as np
import pytest

from haefen_analysis import analysis, datasets
from haefen_analysis.catalogue import labels
from haefen_analysis.figures import charts, theme


@pytest.fixture(scope="module")
def per_land():
    return analysis.per_land.table(2020)


def test_per_land_bars_hold_the_table(per_land):
    fig = charts.per_land_bars(per_land, "members_per_million", highlight="01")
    (bars,) = fig.data
    assert len(bars.y) == 16 and "Deutschland" not in bars.y  # Länder only
    shown = dict(zip(bars.y, bars.x, strict=True))
    laender = per_land.drop(index="DE").set_index("land_name")["members_per_million"]
    for name, value in laender.items():
        assert shown[name] == pytest.approx(value)
    assert list(bars.x) == sorted(bars.x)  # sorted, largest at the top
    colours = dict(zip(bars.y, bars.marker.color, strict=True))
    strong = {name for name, colour in colours.items() if colour == theme.OKABE_ITO[5]}
    assert strong == {"Schleswig-Holstein"}  # the highlighted Land, the others alike
    assert fig.layout.title.text == labels.title("members_per_million")


def test_per_land_bars_show_unknown_as_unknown(per_land):
    fig = charts.per_land_bars(per_land, "admitted_sichere_haefen")
    (bars,) = fig.data
    hamburg = list(bars.y).index("Hamburg")  # no Sichere-Häfen admission known for Hamburg
    assert bars.text[hamburg] == "unbekannt" and bars.x[hamburg] == 0
    assert bars.text[list(bars.y).index("Schleswig-Holstein")] == "18"


def test_members_over_time_one_trace_per_series():
    over_time = analysis.members_over_time(datasets.members())
    fig = charts.members_over_time(over_time)
    assert [t.name for t in fig.data] == [
        labels.value_label("series", code) for code in over_time["series"].unique()
    ]
    for trace, (_, part) in zip(fig.data, over_time.groupby("series", sort=False), strict=True):
        assert list(trace.y) == part["count"].tolist()


def test_pledges_vs_admissions_keep_programme_kinds_apart(per_land):
    fig = charts.pledges_vs_admissions(per_land)
    names = [t.name for t in fig.data]
    assert names == [labels.title(c) for c, _ in charts.OFFER_BARS]  # one bar per kind
    sh = list(fig.data[0].x).index("Schleswig-Holstein")
    shown = [trace.y[sh] for trace in fig.data]
    assert shown[:3] == [88, 18, 511]  # pledged, Sichere Häfen, Land programme: not summed
    assert np.isnan(shown[3])  # federal arrivals in SH unknown: no bar, not 0
    assert "Saarland" not in fig.data[0].x  # nothing known: left out
