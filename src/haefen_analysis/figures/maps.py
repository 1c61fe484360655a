"""Maps of Germany: Länder and Kreise choropleths and the member map.

Why cartesian axes and not plotly's geo traces: every geo trace (choropleth, scatter_geo)
downloads the world topojson from plotly's CDN, even with the base map hidden, so offline the
map is blank and kaleido fails (design notes §3). Here the polygons are projected once to
ETRS89-LAEA (EPSG:3035, the EU's equal-area projection, in km) and drawn as filled ``scatter``
paths on plain axes: no tiles, no topojson, nothing to fetch, in HTML, JupyterLab and kaleido
alike. Holes (Berlin in Brandenburg) are kept as separate sub-paths; plotly fills even-odd.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from haefen_analysis import codes, geo
from haefen_analysis.figures import theme

CRS = "EPSG:3035"
MAX_MARKER = 40.0
MIN_MARKER = 7.0


@cache
def _areas(level: str, data_dir: Path | None) -> pd.DataFrame:
    """Projected outlines per area, largest first, so enclosed areas draw on top."""
    import shapely

    if level == "kreise":
        frame = geo.kreise(data_dir)
        frame["label"] = frame["name"] + " (" + frame["bez"] + ")"
    else:
        frame = geo.laender_geo(data_dir)
        frame["label"] = frame["name"]
        frame["land"] = frame["ags"]
    frame = frame.to_crs(CRS)
    xs, ys = [], []
    for geometry in frame.geometry:
        rings = shapely.get_rings(shapely.get_parts(geometry))
        coords = [shapely.get_coordinates(r) / 1000.0 for r in rings]
        gap = np.array([[np.nan, np.nan]])
        joined = np.concatenate([part for c in coords for part in (c, gap)][:-1])
        xs.append(joined[:, 0].round(2).astype("float32"))
        ys.append(joined[:, 1].round(2).astype("float32"))
    bounds = frame.bounds / 1000.0
    out = pd.DataFrame(
        {
            "ags": frame["ags"].to_numpy(),
            "land": frame["land"].to_numpy(),
            "label": frame["label"].to_numpy(),
            "area": frame.area.to_numpy(),
            "x": xs,
            "y": ys,
        }
    )
    out = out.join(bounds.reset_index(drop=True))
    return out.sort_values("area", ascending=False, kind="stable").reset_index(drop=True)


@cache
def _transformer():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", CRS, always_xy=True)


def project(lat: Iterable[float], lon: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees to the maps' plane (EPSG:3035, km)."""
    x, y = _transformer().transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x) / 1000.0, np.asarray(y) / 1000.0


def _joined(areas: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Many areas as one path (NaN-separated): cheap for backgrounds and outlines."""
    gap = np.array([np.nan], dtype="float32")
    xs = [part for x in areas["x"] for part in (x, gap)]
    ys = [part for y in areas["y"] for part in (y, gap)]
    return np.concatenate(xs), np.concatenate(ys)


def _outline(areas: pd.DataFrame, *, fill: str | None, line: str, width: float) -> dict:
    x, y = _joined(areas)
    trace = {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "line": {"color": line, "width": width},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    if fill:
        trace |= {"fill": "toself", "fillcolor": fill}
    return trace


def _area_trace(x: np.ndarray, y: np.ndarray, colour: str, hover: str, **extra: object) -> dict:
    """One filled area; hovering anywhere on it shows ``hover`` (plotly's fill hover)."""
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "fill": "toself",
        "fillcolor": colour,
        "line": {"color": theme.BORDER_COLOUR, "width": 0.5},
        "hoveron": "fills",
        "hoverinfo": "text",
        "text": hover,
        "showlegend": False,
    } | extra


def _layout(title: str, areas: pd.DataFrame, sources: tuple[str, ...]) -> dict:
    pad = 0.03 * max(areas["maxx"].max() - areas["minx"].min(), 1.0)
    layout = theme.base_layout(title)
    layout["xaxis"] = {
        "visible": False,
        "range": [areas["minx"].min() - pad, areas["maxx"].max() + pad],
        "constrain": "domain",
    }
    layout["yaxis"] = {
        "visible": False,
        "range": [areas["miny"].min() - pad, areas["maxy"].max() + pad],
        "scaleanchor": "x",
        "scaleratio": 1,
        "constrain": "domain",
    }
    layout["annotations"] = [theme.attribution(*sources)]
    return layout


def _check_index(values: pd.Series, areas: pd.DataFrame, what: str) -> pd.Series:
    """Values keyed by AGS string; unknown or repeated codes are errors, not dropped."""
    values = values.copy()
    values.index = values.index.astype(str)
    unknown = sorted(set(values.index) - set(areas["ags"]))
    if unknown:
        raise ValueError(f"{what}: unknown AGS in the index of values: {unknown}")
    duplicated = sorted(set(values.index[values.index.duplicated()]))
    if duplicated:
        raise ValueError(f"{what}: AGS appear more than once in values: {duplicated}")
    return values


def _colourbar(lo: float, hi: float, label: str, decimals: int) -> dict:
    """An invisible marker trace whose only job is to draw the colour bar."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "hoverinfo": "skip",
        "showlegend": False,
        "marker": {
            "color": [lo, hi],
            "colorscale": theme.SEQUENTIAL,
            "cmin": lo,
            "cmax": hi,
            "showscale": True,
            "colorbar": {
                "title": {"text": label, "side": "right"},
                "tickformat": f",.{decimals}f",
                "thickness": 14,
                "len": 0.5,
                "x": 1.0,
            },
        },
    }


def _fill_traces(values: pd.Series, areas: pd.DataFrame, label: str, decimals: int) -> list[dict]:
    """One trace per area: numbers on the sequential scale with a colour bar; anything else
    (text, bool) as categories in the Okabe-Ito palette with a legend; gaps grey."""
    looked_up = areas["ags"].map(values)
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    present = values.dropna()
    if numeric and len(present):
        lo, hi = float(present.min()), float(present.max())
        span = (hi - lo) or 1.0
        fractions = ((looked_up.astype(float) - lo) / span).fillna(0.0)
        colours = sample_colorscale(theme.SEQUENTIAL, fractions.tolist())
    else:
        categories = sorted({str(v) for v in present})
        palette = dict(zip(categories, theme.OKABE_ITO * 4, strict=False))
        colours = [palette.get(str(v), theme.MISSING_COLOUR) for v in looked_up]
    traces, shown = [], set()
    for area, value, colour in zip(areas.itertuples(index=False), looked_up, colours, strict=True):
        if pd.isna(value):
            colour, text = theme.MISSING_COLOUR, theme.MISSING_LABEL
        else:
            text = theme.format_number(value, decimals) if numeric else str(value)
        legend = {}
        if pd.isna(value) or not numeric:
            legend = {"name": text, "legendgroup": text, "showlegend": text not in shown}
            shown.add(text)
        hover = f"<b>{area.label}</b><br>{label}: {text}"
        traces.append(_area_trace(area.x, area.y, colour, hover, **legend))
    if numeric and len(present):
        traces.append(_colourbar(lo, hi, label, decimals))
    return traces


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    return go.Figure(data=traces, layout=layout)


def _land_filter(areas: pd.DataFrame, land: str | None, data_dir: Path | None) -> pd.DataFrame:
    if land is None:
        return areas
    code = codes.land_code(land, data_dir)
    return areas[areas["land"] == code]


def laender_choropleth(
    values: pd.Series,
    title: str,
    label: str,
    *,
    decimals: int = 0,
    data_dir: Path | None = None,
) -> go.Figure:
    """Choropleth of one value per Land (index: 2-digit AGS), e.g. members per million."""
    areas = _areas("laender", data_dir)
    values = _check_index(values, areas, "laender_choropleth")
    traces = _fill_traces(values, areas, label, decimals)
    return _figure(traces, _layout(title, areas, (theme.ATTRIBUTION_BKG,)))


def kreise_choropleth(
    values: pd.Series,
    title: str,
    label: str,
    *,
    land: str | None = None,
    decimals: int = 0,
    data_dir: Path | None = None,
) -> go.Figure:
    """Choropleth of one value per Kreis (index: 5-digit AGS), with Land borders; ``land``
    (any spelling) zooms to one Land and draws only its Kreise."""
    areas = _areas("kreise", data_dir)
    values = _check_index(values, areas, "kreise_choropleth")
    shown = _land_filter(areas, land, data_dir)
    borders = _land_filter(_areas("laender", data_dir), land, data_dir)
    traces = _fill_traces(values, shown, label, decimals)
    traces.append(_outline(borders, fill=None, line=theme.TEXT_COLOUR, width=1.0))
    return _figure(traces, _layout(title, shown, (theme.ATTRIBUTION_BKG,)))


def _hover_lines(row: pd.Series, status_label: str, size_label: str) -> str:
    lines = [f"<b>{row['name']}</b>", status_label]
    if "declared_on" in row and pd.notna(row["declared_on"]) and str(row["declared_on"]):
        lines.append(f"Beschluss: {row['declared_on']}")
    for column, text in (("pledged", "Zusagen"), ("admitted", "Aufnahmen")):
        if column in row:
            lines.append(f"{text}: {theme.format_number(row[column])}")
    if "pledged" not in row and "admitted" not in row:
        lines.append(f"{size_label}: {theme.format_number(row.get('size_value'))}")
    if "source" in row and pd.notna(row["source"]):
        lines.append(f"Quelle: {row['source']}")
    return "<br>".join(lines)


def _marker_sizes(size_value: pd.Series) -> np.ndarray:
    """Marker area proportional to the value; NA and zero get the smallest marker."""
    numbers = pd.to_numeric(size_value, errors="coerce").astype(float)
    top = numbers.max()
    if not np.isfinite(top) or top <= 0:
        return np.full(len(numbers), MIN_MARKER)
    return np.maximum(MIN_MARKER, MAX_MARKER * np.sqrt(numbers.fillna(0.0) / top)).to_numpy()


def _member_areas(
    frame: pd.DataFrame | None, areas: pd.DataFrame, size_label: str, shown: set[str]
) -> list[dict]:
    """Members that are Länder or Kreise, filled with their status colour."""
    if frame is None or frame.empty:
        return []
    frame = frame.assign(ags=frame["ags"].astype(str))
    _check_index(frame.set_index("ags")["name"], areas, "member_map areas")
    traces = []
    by_ags = areas.set_index("ags")
    for _, row in frame.iterrows():
        key = theme.status_key(row["status"], row.get("buendnis_member"))
        name, colour, _symbol = theme.STATUS_STYLE[key]
        hover = _hover_lines(row, name, size_label)
        legend = {"name": name, "legendgroup": name, "showlegend": name not in shown}
        shown.add(name)
        area = by_ags.loc[row["ags"]]
        traces.append(_area_trace(area["x"], area["y"], _translucent(colour), hover, **legend))
    return traces


def _translucent(colour: str, alpha: float = 0.55) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def member_map(
    points: pd.DataFrame,
    *,
    title: str = "Sichere Häfen",
    size_label: str = "Zugesagte Plätze",
    land_areas: pd.DataFrame | None = None,
    kreis_areas: pd.DataFrame | None = None,
    land: str | None = None,
    data_dir: Path | None = None,
) -> go.Figure:
    """Members as points (area ∝ ``size_value``) coloured and shaped by status; members that
    are Länder or Kreise (``land_areas`` / ``kreis_areas``, keyed by ``ags``) as filled areas.

    ``points`` needs name, lat, lon, status (declared/revoked/rejected/pending),
    buendnis_member (yes/no/unknown), size_value (may be NA); optional declared_on (label),
    pledged, admitted, source (shown on hover). ``land`` zooms to one Land with its Kreise.
    """
    missing = {"name", "lat", "lon", "status", "buendnis_member", "size_value"} - set(points)
    if missing:
        raise ValueError(f"member_map: points lack columns {sorted(missing)}")
    laender = _areas("laender", data_dir)
    kreise = _areas("kreise", data_dir)
    view = _land_filter(laender, land, data_dir)
    traces = [_outline(laender, fill=theme.BACKGROUND_AREA, line=theme.BORDER_COLOUR, width=1)]
    if land is not None:
        inner = _land_filter(kreise, land, data_dir)
        traces.append(_outline(inner, fill=None, line=theme.OUTLINE_COLOUR, width=0.5))
    shown: set[str] = set()
    traces += _member_areas(land_areas, laender, size_label, shown)
    traces += _member_areas(kreis_areas, kreise, size_label, shown)
    traces.append(_outline(view, fill=None, line=theme.OUTLINE_COLOUR, width=1.0))
    keys = [
        theme.status_key(s, b)
        for s, b in zip(points["status"], points["buendnis_member"], strict=True)
    ]
    x, y = project(points["lat"], points["lon"])
    sizes = _marker_sizes(points["size_value"])
    for key, (name, colour, symbol) in theme.STATUS_STYLE.items():
        mask = np.array([k == key for k in keys], dtype=bool)
        if not mask.any():
            continue
        rows = points[mask]
        hover = [_hover_lines(row, name, size_label) for _, row in rows.iterrows()]
        traces.append(
            {
                "type": "scatter",
                "x": x[mask],
                "y": y[mask],
                "mode": "markers",
                "name": name,
                "legendgroup": name,
                "showlegend": name not in shown,
                "marker": {
                    "color": colour,
                    "symbol": symbol,
                    "size": sizes[mask],
                    "line": {"color": "white" if "open" not in symbol else colour, "width": 1},
                },
                "text": hover,
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
        shown.add(name)
    layout = _layout(title, view, (theme.ATTRIBUTION_BKG, theme.ATTRIBUTION_GEONAMES))
    layout["annotations"].append(
        {
            "text": f"Symbolfläche ∝ {size_label}",
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 0.0,
            "y": 0.0,
            "xanchor": "left",
            "yanchor": "top",
            "yshift": -8,
            "font": {"size": 10, "color": "#555555"},
        }
    )
    return _figure(traces, layout)
