"""A figure in words and as a table, generated from the figure's own data: the alternative
text of every figure (``aria-label`` and caption in the HTML, the figure's tag in the PDF) and
the table behind its "Daten" link.

Works on the figure as plotly serialises it (``fig.to_dict()``), so it describes exactly what
is drawn: bar charts by their largest and smallest values, line charts by their last values,
maps by their legend classes and the places in each (the maps of ``figures.maps`` draw
scatter traces on projected axes: a figure whose y axis is anchored to x at scale 1 is a map).
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from haefen_analysis.figures.theme import MISSING_LABEL, format_number

#: How many named values an alternative text lists before it counts the rest.
NAMED = 5
_TAG = re.compile(r"<[^>]+>")
_BOLD = re.compile(r"<b>(.*?)</b>")


def _plain(text: object) -> str:
    """Hover or title text without its HTML (plotly renders it as HTML)."""
    return html.unescape(_TAG.sub(" ", str(text))).split("  ")[0].strip() if text else ""


def _title(fig: dict) -> str:
    title = fig.get("layout", {}).get("title", {})
    text = title.get("text") if isinstance(title, dict) else title
    return _plain(text or "")


def is_map(fig: dict) -> bool:
    layout = fig.get("layout", {})
    return layout.get("yaxis", {}).get("scaleanchor") == "x"


def _values(values: Iterable[Any], shown: Iterable[Any] | None) -> list[float | None]:
    """Numbers of a trace; None where the figure shows "unbekannt" (a bar of length 0 drawn
    for an unknown value is no 0)."""
    out: list[float | None] = []
    shown = list(shown) if shown is not None else None
    for i, value in enumerate(values):
        if shown is not None and i < len(shown) and str(shown[i]) == MISSING_LABEL:
            out.append(None)
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        out.append(None if number != number else number)
    return out


def _list(values: Any) -> list[Any]:
    """A trace's array as ``fig.to_dict()`` holds it: a list, or plotly's typed array
    (``{"dtype": "f8", "bdata": <base64>, "shape": "3, 2"}``)."""
    if values is None or isinstance(values, str):
        return []
    if isinstance(values, dict) and "bdata" in values:
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        if "shape" in values:
            array = array.reshape([int(n) for n in str(values["shape"]).split(",")])
        return array.tolist()
    return list(values)


def _bar_rows(trace: dict) -> list[dict[str, Any]]:
    horizontal = trace.get("orientation") == "h"
    categories = _list(trace.get("y") if horizontal else trace.get("x"))
    numbers = _values(_list(trace.get("x") if horizontal else trace.get("y")), trace.get("text"))
    series = _plain(trace.get("name", ""))
    return [
        {"Reihe": series, "Kategorie": _plain(c), "Wert": v}
        for c, v in zip(categories, numbers, strict=False)
    ]


def _line_rows(trace: dict) -> list[dict[str, Any]]:
    series = _plain(trace.get("name", ""))
    xs, ys = _list(trace.get("x")), _values(_list(trace.get("y")), None)
    return [
        {"Reihe": series, "Kategorie": _category(x), "Wert": y}
        for x, y in zip(xs, ys, strict=False)
    ]


def _category(value: object) -> str:
    """An x value as a reader writes it: months of a time axis as "07/2018"."""
    text = str(value)  # a Timestamp, or its JSON form "2018-07-01T00:00:00.000000"
    if re.fullmatch(r"\d{4}-\d{2}-01([T ]00:00:00(\.0+)?)?", text):
        return f"{text[5:7]}/{text[:4]}"
    return _plain(text)


def _map_rows(trace: dict) -> list[dict[str, Any]]:
    """Places of a map: markers with hover text (name in bold, then its lines), or the hover
    carriers of filled areas (name, value, note)."""
    rows = []
    custom = _list(trace.get("customdata"))
    if custom and trace.get("mode") == "markers" and not trace.get("name"):
        for item in custom:
            name, value, note = ([*list(item), "", ""])[:3]
            rows.append(
                {
                    "Ebene": "Gebiet",
                    "Name": _plain(name),
                    "Angaben": _plain(value),
                    "Hinweis": _plain(note),
                }
            )
        return rows
    texts = trace.get("text")
    if trace.get("mode") != "markers" or not isinstance(texts, list):
        return rows
    for text in texts:
        bold = _BOLD.search(str(text))
        lines = [_plain(part) for part in str(text).split("<br>")]
        rows.append(
            {
                "Ebene": _plain(trace.get("name", "")),
                "Name": _plain(bold.group(1)) if bold else lines[0],
                "Angaben": "; ".join(line for line in lines[1:] if line),
                "Hinweis": "",
            }
        )
    return rows


def data_table(fig: dict) -> pd.DataFrame:
    """The numbers a figure draws, one row per bar, point or area, German headers."""
    rows: list[dict[str, Any]] = []
    for trace in fig.get("data", []):
        if is_map(fig):
            rows += _map_rows(trace)
        elif trace.get("type") == "bar":
            rows += _bar_rows(trace)
        elif trace.get("type") in ("scatter", "scattergl") and trace.get("x") is not None:
            rows += _line_rows(trace)
    frame = pd.DataFrame(rows)
    if "Reihe" in frame and frame["Reihe"].eq("").all():
        frame = frame.drop(columns="Reihe")
    return frame


def _named(pairs: list[tuple[str, float]], decimals: int) -> str:
    return "; ".join(f"{name} {format_number(value, decimals)}" for name, value in pairs)


def _decimals(values: list[float]) -> int:
    return 0 if all(float(v).is_integer() for v in values) else 1


def _bars_text(frame: pd.DataFrame) -> str:
    parts = []
    for series, rows in frame.groupby("Reihe", sort=False) if "Reihe" in frame else [("", frame)]:
        known = rows.dropna(subset=["Wert"]).sort_values("Wert", ascending=False)
        pairs = list(zip(known["Kategorie"], known["Wert"], strict=True))
        places = _decimals([v for _, v in pairs])
        head = f"{series}: " if series else ""
        text = f"{head}{len(rows)} Werte"
        if pairs:
            text += f", höchste: {_named(pairs[:3], places)}"
            if len(pairs) > 3:
                text += f"; niedrigster: {_named(pairs[-1:], places)}"
        unknown = rows["Wert"].isna().sum()
        if unknown:
            text += f"; unbekannt: {unknown}"
        parts.append(text)
    return ". ".join(parts)


def _lines_text(frame: pd.DataFrame) -> str:
    parts = []
    for series, rows in frame.groupby("Reihe", sort=False) if "Reihe" in frame else [("", frame)]:
        known = rows.dropna(subset=["Wert"])
        if known.empty:
            continue
        last = known.iloc[-1]
        text = f"{series}: " if series else ""
        parts.append(
            f"{text}von {format_number(known['Wert'].iloc[0])} ({known['Kategorie'].iloc[0]})"
            f" bis {format_number(last['Wert'])} ({last['Kategorie']})"
        )
    return "; ".join(parts)


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMED])
    return shown + (f" und {len(names) - NAMED} weitere" if len(names) > NAMED else "")


def _map_text(frame: pd.DataFrame) -> str:
    parts = []
    places = frame[frame["Ebene"] != "Gebiet"]
    for level, rows in places.groupby("Ebene", sort=False):
        parts.append(f"{level} {len(rows)}: {_names(sorted(rows['Name']))}")
    areas = frame[frame["Ebene"] == "Gebiet"]
    if len(areas):
        numbers = pd.to_numeric(
            areas["Angaben"].str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
            errors="coerce",
        )
        if numbers.notna().any():
            ranked = areas.assign(v=numbers).dropna(subset=["v"]).sort_values("v")
            high, low = ranked.iloc[-1], ranked.iloc[0]
            parts.insert(
                0,
                f"{len(areas)} Gebiete, höchster Wert {high['Name']} {high['Angaben']}, "
                f"niedrigster {low['Name']} {low['Angaben']}",
            )
        else:
            classes = areas.groupby("Angaben", sort=False)["Name"].count()
            parts.insert(0, "; ".join(f"{label}: {n} Gebiete" for label, n in classes.items()))
    return ". ".join(parts)


def kind(fig: dict) -> str:
    """The figure's kind in German: Karte, Balkendiagramm, Liniendiagramm or Abbildung."""
    if is_map(fig):
        return "Karte"
    types = {trace.get("type", "scatter") for trace in fig.get("data", [])}
    if "bar" in types:
        return "Balkendiagramm"
    if types <= {"scatter", "scattergl"} and types:
        return "Liniendiagramm"
    return "Abbildung"


def alt_text(fig: dict) -> str:
    """One or two sentences a reader who cannot see the figure is told: kind, title, and what
    it shows, from its data."""
    what = kind(fig)
    title = _title(fig)
    frame = data_table(fig)
    head = f"{what} „{title}“" if title else what
    if frame.empty:
        return f"{head}: keine Werte."
    if what == "Karte":
        body = _map_text(frame)
    elif what == "Balkendiagramm":
        body = _bars_text(frame)
    else:
        body = _lines_text(frame)
    return f"{head}: {body}." if body else f"{head}."
