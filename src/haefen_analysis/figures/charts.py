"""Charts that are not maps: members over time, pledges and admissions, per-Land comparison.

Same theme as the maps (``theme.py``); German labels; colours readable in print.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from haefen_analysis.catalogue import labels
from haefen_analysis.figures import theme
from haefen_analysis.ingest import codes

SERIES_COLOURS = [theme.OKABE_ITO[4], theme.OKABE_ITO[1], theme.OKABE_ITO[5]]
DASHES = ["solid", "dot", "dash"]


def _layout(title: str, x: str, y: str, *sources: str) -> dict:
    layout = theme.base_layout(title, height=460, width=820)
    layout.update(
        xaxis={"title": x, "visible": True, "showgrid": False},
        yaxis={"title": y, "visible": True, "gridcolor": "#dddddd", "separatethousands": True},
        legend={"orientation": "h", "y": -0.2, "x": 0},
        margin={"l": 70, "r": 20, "t": 60, "b": 110},
    )
    if sources:
        note = theme.attribution(*sources, prefix="Daten")
        layout["annotations"] = [note | {"y": -0.32, "yanchor": "top"}]
    return layout


def members_over_time(frame: pd.DataFrame, *sources: str) -> go.Figure:
    """Step lines of cumulative counts (from ``analysis.members_over_time``), one per series,
    named with the catalogue's labels."""
    layout = _layout(
        "Sichere Häfen im Zeitverlauf", labels.title("month"), labels.title("count"), *sources
    )
    fig = go.Figure(layout=layout)
    for i, (code, part) in enumerate(frame.groupby("series", sort=False)):
        label = labels.value_label("series", code)
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["count"],
                name=label,
                mode="lines",
                line={"shape": "hv", "color": SERIES_COLOURS[i % 3], "dash": DASHES[i % 3]},
                hovertemplate="%{x|%m/%Y}: %{y}<extra>" + label + "</extra>",
            )
        )
    return fig


def per_land_bars(
    table: pd.DataFrame,
    column: str,
    label: str | None = None,
    *,
    highlight: str | None = None,
    reference: float | None = None,
    sources: tuple[str, ...] = (),
) -> go.Figure:
    """Horizontal bars of one per-Land column, sorted; ``highlight`` (AGS) in a strong colour,
    the others grey; an optional reference line (e.g. 1 = exactly its Königsteiner share).
    Länder without a value are listed as "unbekannt" instead of being dropped. ``label``
    (axis and title) defaults to the column's German title."""
    label = label or labels.title(column)
    t = table[table.index != codes.GERMANY].copy()
    t = t.sort_values(column, ascending=True, na_position="first")
    colours = [theme.OKABE_ITO[5] if code == highlight else theme.OKABE_ITO[4] for code in t.index]
    places = labels.decimals(column, 2 if t[column].dtype.kind == "f" else 0)
    text = [theme.format_number(v, places) for v in t[column]]
    values = pd.to_numeric(t[column], errors="coerce").astype(float).fillna(0)
    fig = go.Figure(
        go.Bar(
            x=values,
            y=t["land_name"],
            orientation="h",
            marker_color=colours,
            text=text,
            textposition="outside",
            hovertemplate="%{y}: %{text}<extra></extra>",
        ),
        layout=_layout(label, label, "", *sources),
    )
    fig.update_layout(height=560, showlegend=False, margin={"b": 150})
    if reference is not None:
        fig.add_vline(x=reference, line_dash="dash", line_color=theme.TEXT_COLOUR)
    return fig


#: The bars of ``pledges_vs_admissions``: places pledged, then admissions by programme kind.
OFFER_BARS = (
    ("pledged_places", theme.OKABE_ITO[1]),
    ("admitted_sichere_haefen", theme.OKABE_ITO[5]),
    ("admitted_landesaufnahme", theme.OKABE_ITO[2]),
    ("admitted_bund_eu", theme.OKABE_ITO[6]),
)


def pledges_vs_admissions(table: pd.DataFrame, *sources: str) -> go.Figure:
    """Pledged places and the admissions of each programme kind per Land (columns of the
    per-Land table), side by side and never added up: a Land programme is not a pledge kept.
    Länder with none of these figures are left out; an unknown figure has no bar."""
    columns = [c for c, _ in OFFER_BARS]
    rows = table[(table.index != codes.GERMANY) & table[columns].notna().any(axis=1)]
    names = list(rows["land_name"])
    fig = go.Figure(layout=_layout("Zusagen und Aufnahmen je Land", "", "Personen", *sources))
    for col, colour in OFFER_BARS:
        values = pd.to_numeric(rows[col], errors="coerce").astype(float)
        text = [theme.format_number(v) for v in values]
        fig.add_trace(
            go.Bar(
                x=names,
                y=values,
                name=labels.title(col),
                marker_color=colour,
                customdata=text,
                hovertemplate="%{x}: %{customdata}<extra>" + labels.title(col) + "</extra>",
            )
        )
    fig.update_layout(barmode="group")
    return fig
