"""Alternative texts and data tables generated from a figure's own data."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go

from haefen_analysis.figures import describe


def test_bar_chart_names_highest_lowest_and_unknown():
    fig = go.Figure(
        go.Bar(
            x=["Bayern", "Bremen", "Hessen", "Berlin", "Saarland"],
            y=[12.5, 1.0, 0, 7.3, 3.0],
            text=["12,5", "1,0", "unbekannt", "7,3", "3,0"],
        ),
        layout={"title": {"text": "Anteil in %"}},
    )
    text = describe.alt_text(fig.to_dict())
    assert text == (
        "Balkendiagramm „Anteil in %“: 5 Werte, höchste: Bayern 12,5; Berlin 7,3; Saarland 3,0;"
        " niedrigster: Bremen 1,0; unbekannt: 1."
    )
    table = describe.data_table(fig.to_dict())
    assert table["Wert"].isna().sum() == 1  # the bar drawn at 0 for "unbekannt" is no 0


def test_line_chart_says_from_where_to_where():
    fig = go.Figure(go.Scatter(x=["2018-07-01", "2024-01-01"], y=[20, 316], name="Mitglieder"))
    text = describe.alt_text(fig.to_dict())
    assert text == "Liniendiagramm: Mitglieder: von 20 (07/2018) bis 316 (01/2024)."


def test_a_time_axis_of_timestamps_reads_as_months():
    """As the members-over-time chart has it: pandas Timestamps, JSON "…T00:00:00.000000"."""
    months = pd.to_datetime(["2018-07-01", "2023-04-01"])
    fig = go.Figure(go.Scatter(x=months, y=[1, 177], name="Sichere Häfen"))
    for spec in (fig.to_dict(), json.loads(fig.to_json())):
        text = describe.alt_text(spec)
        assert text == "Liniendiagramm: Sichere Häfen: von 1 (07/2018) bis 177 (04/2023).", text


def test_empty_figure_says_so():
    assert describe.alt_text(go.Figure().to_dict()) == "Abbildung: keine Werte."
