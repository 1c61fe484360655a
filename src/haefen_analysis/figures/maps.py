"""Maps of Germany: Länder and Kreise choropleths and the member map.

Why cartesian axes and not plotly's geo traces: every geo trace (choropleth, scatter_geo)
downloads the world topojson from plotly's CDN, even with the base map hidden, so offline the
map is blank and kaleido fails (design notes §3). Here the polygons are projected once to
ETRS89-LAEA (EPSG:3035, the EU's equal-area projection, in km) and drawn as filled ``scatter``
paths on plain axes: no tiles, no topojson, nothing to fetch, in HTML, JupyterLab and kaleido
alike. Holes (Berlin in Brandenburg) are kept as separate sub-paths; plotly fills even-odd.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from haefen_analysis.catalogue import labels
from haefen_analysis.common import dates
from haefen_analysis.common.frames import require_columns
from haefen_analysis.common.sources import short_source
from haefen_analysis.datasets import geo
from haefen_analysis.figures import theme
from haefen_analysis.ingest import codes
from haefen_analysis.report.counts import count_text

if TYPE_CHECKING:
    from haefen_analysis.analysis.members import MapLayers

CRS = "EPSG:3035"
MAX_MARKER = 30.0
MIN_MARKER = 7.0
#: Marker area grows with the value up to this many (places); larger values get the largest
#: marker, so one big pledge does not cover a whole region (the Ruhr) – the map says so.
SIZE_CAP = 100
#: At most this many colour classes in a choropleth (more do not print distinguishably).
MAX_CLASSES = 7


@cache
def _areas(level: str, data_dir: Path | None) -> pd.DataFrame:
    """Projected outlines per area, largest first, so enclosed areas draw on top; kept on
    disk for the same outlines and package (``datasets.stored``: ~0.5 s per process)."""
    from haefen_analysis import config
    from haefen_analysis.common import digests
    from haefen_analysis.datasets import stored

    name = "kreise.geojson" if level == "kreise" else "laender.geojson"
    source = config.geo_dir(data_dir) / name
    key = digests.digest(digests.package_hash(), level, digests.file_hash(source))
    return stored.frame(f"areas-{level}", key, data_dir, lambda: _projected(level, data_dir))


def _projected(level: str, data_dir: Path | None) -> pd.DataFrame:
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
    inner = frame.representative_point()
    out = pd.DataFrame(
        {
            "ags": frame["ags"].to_numpy(),
            "land": frame["land"].to_numpy(),
            "label": frame["label"].to_numpy(),
            "area": frame.area.to_numpy(),
            "px": (inner.x / 1000.0).round(2).to_numpy(),
            "py": (inner.y / 1000.0).round(2).to_numpy(),
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


def _layout(
    title: str, areas: pd.DataFrame, sources: tuple[str, ...], legend: str | None = None
) -> dict:
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
    if legend:
        layout["legend"] = layout["legend"] | {"title": {"text": legend}}
    return layout


def _check_index(values: pd.Series, areas: pd.DataFrame, what: str) -> pd.Series:
    """Values keyed by AGS string; unknown or repeated codes are errors, not dropped."""
    values = values.copy()
    values.index = values.index.astype(str)
    unknown = sorted(set(values.index) - set(areas["ags"]))
    if unknown:
        raise ValueError(f"{what}: unbekannte AGS im Index der Werte: {unknown}")
    duplicated = sorted(set(values.index[values.index.duplicated()]))
    if duplicated:
        raise ValueError(f"{what}: AGS mehrfach in den Werten: {duplicated}")
    return values


def _classes(values: pd.Series, bins: int | list[float] | None, decimals: int) -> pd.Series:
    """Class label per value: each value when there are few, else equal-width ranges (or the
    given edges). Classes print legibly in black and white; 400 shades would not."""
    present = values.dropna()
    numbers = present.astype(float)
    if bins is None and numbers.nunique() <= MAX_CLASSES:
        order = sorted(numbers.unique())
        labels = {v: theme.format_number(v, decimals) for v in order}
        return pd.Series(
            pd.Categorical(numbers.map(labels), categories=[labels[v] for v in order]),
            index=present.index,
        )
    if bins is None or isinstance(bins, int):
        count = bins or MAX_CLASSES - 1
        bins = list(np.linspace(numbers.min(), numbers.max(), count + 1))  # no widened edge
    cut = pd.cut(numbers, bins, include_lowest=True)
    names = [
        f"{theme.format_number(i.left, decimals)} – {theme.format_number(i.right, decimals)}"
        for i in cut.cat.categories
    ]
    return pd.Series(cut.cat.rename_categories(names), index=present.index)


def _fill_traces(
    values: pd.Series,
    areas: pd.DataFrame,
    label: str,
    decimals: int,
    bins: int | list[float] | None,
    colours: dict[str, str] | None = None,
    notes: pd.Series | None = None,
) -> list[dict]:
    """One filled trace per class (legend entry), then one invisible marker per area that
    carries the hover text (with the area's entry of ``notes``, escaped). Numbers get
    sequential colours (light = low), anything else (text, bool) Okabe-Ito colours – or
    ``colours`` per class, in the order of a categorical's categories – and missing values
    grey."""
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if numeric:
        classes = _classes(values, bins, decimals)
        names = list(classes.cat.categories)
        steps = np.linspace(0.0, 1.0, len(names)) if len(names) > 1 else [1.0]
        palette = dict(zip(names, sample_colorscale(theme.SEQUENTIAL, list(steps)), strict=True))
    else:
        classes = values.dropna().astype(str)
        if isinstance(values.dtype, pd.CategoricalDtype):
            names = [str(c) for c in values.cat.categories if str(c) in set(classes)]
        else:
            names = sorted(set(classes))
        palette = colours or dict(zip(names, theme.OKABE_ITO * 4, strict=False))
    area_class = areas["ags"].map(classes).astype(object)
    traces = []
    for name in [*names, theme.MISSING_LABEL]:
        if name == theme.MISSING_LABEL:
            members = areas[area_class.isna().to_numpy()]
        else:
            members = areas[(area_class == name).to_numpy()]
        if members.empty:
            continue
        colour = palette.get(name, theme.MISSING_COLOUR)
        trace = _outline(members, fill=colour, line=theme.BORDER_COLOUR, width=0.5)
        traces.append(trace | {"name": name, "showlegend": True, "legendgroup": name})
    shown = areas["ags"].map(values)
    text = [
        theme.MISSING_LABEL
        if pd.isna(v)
        else (theme.format_number(v, decimals) if numeric else str(v))
        for v in shown
    ]
    traces.append(
        {
            "type": "scatter",
            "x": areas["px"].to_numpy(),
            "y": areas["py"].to_numpy(),
            "mode": "markers",
            "marker": {"size": 14, "opacity": 0},
            "customdata": np.column_stack([areas["label"], text, _notes(areas, notes)]),
            "hovertemplate": f"<b>%{{customdata[0]}}</b><br>{label}: %{{customdata[1]}}"
            "%{customdata[2]}<extra></extra>",
            "showlegend": False,
        }
    )
    return traces


def _notes(areas: pd.DataFrame, notes: pd.Series | None) -> list[str]:
    """Hover lines of notes per area ("" where none), HTML-escaped."""
    if notes is None:
        return [""] * len(areas)
    shown = areas["ags"].map(notes)
    return ["" if pd.isna(n) or not n else f"<br>{html.escape(str(n))}" for n in shown]


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
    bins: int | list[float] | None = None,
    data_dir: Path | None = None,
) -> go.Figure:
    """Choropleth of one value per Land (index: 2-digit AGS), e.g. members per million.

    Numbers are shown in classes: each value when there are at most ``MAX_CLASSES``,
    else ``bins`` (a count of equal-width ranges or explicit edges, default 6 ranges)."""
    areas = _areas("laender", data_dir)
    values = _check_index(values, areas, "laender_choropleth")
    traces = _fill_traces(values, areas, label, decimals, bins)
    return _figure(traces, _layout(title, areas, (theme.ATTRIBUTION_BKG,), legend=label))


def kreise_choropleth(
    values: pd.Series,
    title: str,
    label: str,
    *,
    land: str | None = None,
    decimals: int = 0,
    bins: int | list[float] | None = None,
    colours: dict[str, str] | None = None,
    data_dir: Path | None = None,
) -> go.Figure:
    """Choropleth of one value per Kreis (index: 5-digit AGS), with Land borders; ``land``
    (any spelling) zooms to one Land and draws only its Kreise; ``colours`` fixes the colour
    of each category (for categorical values)."""
    areas = _areas("kreise", data_dir)
    values = _check_index(values, areas, "kreise_choropleth")
    shown = _land_filter(areas, land, data_dir)
    borders = _land_filter(_areas("laender", data_dir), land, data_dir)
    traces = _fill_traces(values, shown, label, decimals, bins, colours)
    traces.append(_outline(borders, fill=None, line=theme.TEXT_COLOUR, width=1.0))
    return _figure(traces, _layout(title, shown, (theme.ATTRIBUTION_BKG,), legend=label))


def _declared_text(row: pd.Series) -> str:
    """The decision date at its precision (a date column with ``declared_on_precision``), or
    the text given."""
    value = row.get("declared_on")
    if value is None or pd.isna(value):
        return ""
    if "declared_on_precision" in row:
        return dates.german(value, row["declared_on_precision"])
    return str(value)


def _count_line(row: pd.Series, column: str, text: str) -> str | None:
    """A hover line by the count rule: the known sum, how many have no number, or that none
    is in the data."""
    if column not in row:
        return None
    unknown = row.get(f"{column}_unknown", 0)
    unknown = 0 if unknown is None or pd.isna(unknown) else int(unknown)
    rows = row.get(f"{column}_rows")
    rows = None if rows is None or pd.isna(rows) else int(rows)
    return f"{text}: {count_text(row[column], unknown, rows, empty='keine in den Daten')}"


def _hover_lines(row: pd.Series, status_label: str, size_label: str) -> str:
    """Hover text; values from data are HTML-escaped (plotly renders hover text as HTML)."""
    lines = [f"<b>{html.escape(str(row['name']))}</b>", status_label]
    declared = _declared_text(row)
    if declared:
        lines.append(f"Beschluss: {html.escape(declared)}")
    for column, text in (("pledged", size_label), ("admitted", "Aufnahmen als Sicherer Hafen")):
        line = _count_line(row, column, text)
        if line:
            lines.append(line)
    if "pledged" not in row and "admitted" not in row:
        lines.append(f"{size_label}: {theme.format_number(row.get('size_value'))}")
    note = row.get("location_note")
    if isinstance(note, str) and note.startswith("Lage:"):  # the point is not the place itself
        lines.append(html.escape(note))
    if "source" in row and pd.notna(row["source"]):
        lines.append(f"Quelle: {html.escape(short_source(row['source']))}")
    return "<br>".join(lines)


def _marker_sizes(size_value: pd.Series) -> np.ndarray:
    """Marker area proportional to the value up to ``SIZE_CAP``; NA and zero get the smallest
    marker."""
    numbers = pd.to_numeric(size_value, errors="coerce").astype(float).clip(upper=SIZE_CAP)
    top = numbers.max()
    if not np.isfinite(top) or top <= 0:
        return np.full(len(numbers), MIN_MARKER)
    return np.maximum(MIN_MARKER, MAX_MARKER * np.sqrt(numbers.fillna(0.0) / SIZE_CAP)).to_numpy()


def _member_areas(
    frame: pd.DataFrame | None, areas: pd.DataFrame, size_label: str, what: str
) -> list[dict]:
    """Members that are Länder or Kreise, filled with their status colour; the first area of
    each status has a legend entry of its own ("erklärt (Kreis)"), so a fill is never
    unexplained."""
    if frame is None or frame.empty:
        return []
    frame = frame.assign(ags=frame["ags"].astype(str))
    _check_index(frame.set_index("ags")["name"], areas, "member_map areas")
    by_ags = areas.set_index("ags")
    traces: list[dict] = []
    for _, row in frame.iterrows():
        key = theme.status_key(row["status"], row.get("buendnis_member"))
        name = labels.status_class(key)
        colour, _symbol = theme.STATUS_STYLE[key]
        area = by_ags.loc[row["ags"]]
        hover = _hover_lines(row, name, size_label)
        legend = f"{name} ({what})"
        trace = _area_trace(area["x"], area["y"], _translucent(colour), hover, legendgroup=legend)
        if legend not in {t["name"] for t in traces if "name" in t}:
            trace |= {"name": legend, "showlegend": True}
        traces.append(trace)
    return traces


def _translucent(colour: str, alpha: float = 0.55) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _point_traces(points: pd.DataFrame, size_label: str) -> list[dict]:
    """Members as markers, one trace (legend entry) per status class present."""
    traces = []
    keys = [
        theme.status_key(s, b)
        for s, b in zip(points["status"], points["buendnis_member"], strict=True)
    ]
    x, y = project(points["lat"], points["lon"])
    sizes = _marker_sizes(points["size_value"])
    for key, (colour, symbol) in theme.STATUS_STYLE.items():
        mask = np.array([k == key for k in keys], dtype=bool)
        if not mask.any():
            continue
        name = labels.status_class(key)
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
    return traces


def _name_labels(points: pd.DataFrame, name: str, *, size: int = 11) -> dict:
    """Names written next to the points (static images have no hover)."""
    x, y = project(points["lat"], points["lon"])
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "text",
        "text": [html.escape(str(n)) for n in points["name"]],
        "textposition": "top right",
        "textfont": {"size": size, "color": theme.TEXT_COLOUR},
        "hoverinfo": "skip",
        "name": name,
        "showlegend": False,
    }


def _highlight(member: pd.Series, laender: pd.DataFrame, kreise: pd.DataFrame) -> list[dict]:
    """The profile's own member: a ring with its name (a town) or a thick outline (a Kreis or
    Land), with a legend entry."""
    name = html.escape(str(member["name"]))
    legend = f"{name} (dieses Profil)"
    level = member.get("geometry_level")
    if level in ("kreis", "land"):
        ags = member["kreis_ags"] if level == "kreis" else member["land"]
        area = (kreise if level == "kreis" else laender).set_index("ags").loc[str(ags)]
        outline = {
            "type": "scatter",
            "x": area["x"],
            "y": area["y"],
            "mode": "lines",
            "line": {"color": theme.TEXT_COLOUR, "width": 3},
            "hoverinfo": "skip",
            "name": legend,
            "showlegend": True,
        }
        text = {
            "type": "scatter",
            "x": [area["px"]],
            "y": [area["py"]],
            "mode": "text",
            "text": [f"<b>{name}</b>"],
            "hoverinfo": "skip",
            "showlegend": False,
        }
        return [outline, text]
    if pd.isna(member.get("lat")):
        return []
    x, y = project([member["lat"]], [member["lon"]])
    ring = {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "markers+text",
        "marker": {
            "symbol": "circle-open",
            "color": theme.TEXT_COLOUR,
            "size": MAX_MARKER + 8,
            "line": {"color": theme.TEXT_COLOUR, "width": 3},
        },
        "text": [f"<b>{name}</b>"],
        "textposition": "top center",
        "textfont": {"size": 14, "color": theme.TEXT_COLOUR},
        "hoverinfo": "skip",
        "name": legend,
        "showlegend": True,
    }
    return [ring]


def member_map(
    points: pd.DataFrame,
    *,
    title: str = "Sichere Häfen",
    size_label: str = "Zugesagte Plätze",
    land_areas: pd.DataFrame | None = None,
    kreis_areas: pd.DataFrame | None = None,
    land: str | None = None,
    highlight: pd.Series | None = None,
    name_buendnis: bool = False,
    data_dir: Path | None = None,
) -> go.Figure:
    """Members as points (area ∝ ``size_value``, capped at ``SIZE_CAP``) coloured and shaped
    by status; members that are Länder or Kreise (``land_areas`` / ``kreis_areas``, keyed by
    ``ags``) as filled areas, each status with a legend entry.

    ``points`` needs name, lat, lon, status (declared/revoked/rejected/pending),
    buendnis_member (yes/no/unknown), size_value (may be NA); optional declared_on (a date
    with declared_on_precision, or its text), pledged and admitted (with ``_unknown`` and
    ``_rows``: the count rule), source (shown on hover). ``land`` zooms to one Land with its
    Kreise; ``highlight`` (a ``member_points`` row) marks and names one member;
    ``name_buendnis`` writes the names of the Bündnis members on the map (static images).
    """
    needed = ("name", "lat", "lon", "status", "buendnis_member", "size_value")
    require_columns(points, needed, "member_map: points")
    laender = _areas("laender", data_dir)
    kreise = _areas("kreise", data_dir)
    view = _land_filter(laender, land, data_dir)
    # Germany: one trace draws fill and borders (member areas are translucent, so borders stay
    # visible); a second copy of all Länder outlines would add ~55 KB to every report.
    border = theme.BORDER_COLOUR if land is not None else theme.OUTLINE_COLOUR
    traces = [_outline(laender, fill=theme.BACKGROUND_AREA, line=border, width=1)]
    if land is not None:
        inner = _land_filter(kreise, land, data_dir)
        traces.append(_outline(inner, fill=None, line=theme.OUTLINE_COLOUR, width=0.5))
    for frame, areas, what in ((land_areas, laender, "Land"), (kreis_areas, kreise, "Kreis")):
        traces += _member_areas(frame, areas, size_label, what)
    if land is not None:
        traces.append(_outline(view, fill=None, line=theme.OUTLINE_COLOUR, width=1.0))
    traces += _point_traces(points, size_label)
    if name_buendnis:
        buendnis = points[
            (points["buendnis_member"].astype(str) == "yes")
            & (points["status"].astype(str) == "declared")
        ]
        size = 11 if land is not None else 8
        traces.append(_name_labels(buendnis, "Namen der Bündnis-Mitglieder", size=size))
    if highlight is not None:
        traces += _highlight(highlight, laender, kreise)
    layout = _layout(title, view, (theme.ATTRIBUTION_BKG, theme.ATTRIBUTION_GEONAMES))
    layout["annotations"].append(
        {
            "text": f"Symbolfläche ∝ {size_label} (ab {SIZE_CAP} gleich groß)",
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 0.0,
            "y": 0.0,
            "xanchor": "left",
            "yanchor": "top",
            "yshift": -24,
            "font": {"size": 10, "color": "#555555"},
        }
    )
    return _figure(traces, layout)


def scope_map(
    layers: MapLayers,
    *,
    title: str | None = None,
    highlight: str | None = None,
    name_buendnis: bool = False,
    data_dir: Path | None = None,
) -> go.Figure:
    """The member map of a scope (``analysis.map_layers``: Germany or one Land), titled
    "Sichere Häfen in <scope>" unless ``title`` says otherwise; ``highlight`` (a member_id)
    marks and names that member, ``name_buendnis`` names the Bündnis members."""
    name = codes.land_name(layers.land or codes.GERMANY)
    member = None
    if highlight is not None:
        found = layers.members[layers.members["member_id"] == highlight]
        member = found.iloc[0] if len(found) else None
    return member_map(
        layers.points,
        kreis_areas=layers.kreis_areas,
        land_areas=layers.land_areas,
        land=layers.land,
        title=title or f"Sichere Häfen in {name}",
        highlight=member,
        name_buendnis=name_buendnis,
        data_dir=data_dir,
    )


def kreis_membership(
    classes: pd.Series,
    *,
    land: str | None = None,
    title: str | None = None,
    data_dir: Path | None = None,
) -> go.Figure:
    """Kreise by class (``analysis.members_per_kreis``: 0 none, 1 a town, 2 the Kreis
    itself), in the theme's print-safe colours, with the catalogue's class labels."""
    names = labels.value_labels("kreis_class")
    order = [names[str(code)] for code in sorted(theme.KREIS_COLOURS)]
    values = classes.map(lambda code: names[str(int(code))]).astype(
        pd.CategoricalDtype(order, ordered=True)
    )
    colours = {names[str(code)]: colour for code, colour in theme.KREIS_COLOURS.items()}
    scope = codes.land_name(codes.land_code(land)) if land is not None else "Deutschland"
    return kreise_choropleth(
        values,
        title or f"Kreise in {scope}",
        labels.title("kreis_class"),
        land=land,
        colours=colours,
        data_dir=data_dir,
    )


def seekers_map(
    kreise: pd.DataFrame,
    layers: MapLayers,
    *,
    title: str | None = None,
    data_dir: Path | None = None,
) -> go.Figure:
    """Protection seekers per 1,000 inhabitants per Kreis (``datasets.kreise``: the rate of
    the reporting area, the note on hover) with the members of ``layers`` on top: towns as
    markers, member Kreise and Länder outlined. ``layers.land`` zooms to one Land."""
    areas = _areas("kreise", data_dir)
    values = _check_index(kreise.set_index("ags")["seekers_per_1000"], areas, "seekers_map")
    notes = _check_index(kreise.set_index("ags")["seekers_note"], areas, "seekers_map")
    land = layers.land
    shown = _land_filter(areas, land, data_dir)
    borders = _land_filter(_areas("laender", data_dir), land, data_dir)
    label = labels.title("seekers_per_1000", "kreise")
    traces = _fill_traces(values.astype("Float64"), shown, label, 1, None, notes=notes)
    traces.append(_outline(borders, fill=None, line=theme.TEXT_COLOUR, width=1.0))
    for frame, level in ((layers.kreis_areas, "kreise"), (layers.land_areas, "laender")):
        own = _areas(level, data_dir)
        outlined = own[own["ags"].isin(set(frame["ags"].astype(str)))]
        if len(outlined):
            traces.append(_outline(outlined, fill=None, line=theme.TEXT_COLOUR, width=2.5))
    traces += _point_traces(layers.points, labels.title("pledged_places"))
    date = dates.german(kreise["seekers_date"].iloc[0]) if len(kreise) else ""
    scope = codes.land_name(land or codes.GERMANY)
    layout = _layout(
        title or f"Schutzsuchende je 1.000 Einwohner am {date}, {scope}",
        shown,
        (theme.ATTRIBUTION_BKG, theme.ATTRIBUTION_GEONAMES),
        legend=label,
    )
    layout["annotations"].append(
        theme.attribution(theme.ATTRIBUTION_DESTATIS, prefix="Daten") | {"yshift": -22}
    )
    layout["legend"] |= {"x": 1.0, "xanchor": "left"}  # beside the map: it has 11 entries
    return _figure(traces, layout)
