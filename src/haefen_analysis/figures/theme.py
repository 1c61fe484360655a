"""One look for every figure: fonts, colours, German numbers, attribution.

Colours must survive black-and-white print and colour-blind readers: the sequential scale is
cividis (luminance rises monotonically, designed for colour-vision deficiency), categories use
the Okabe-Ito palette and, for member status, a marker symbol as a second cue.
"""

from __future__ import annotations

import math

FONT_FAMILY = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
FONT_SIZE = 13
TEXT_COLOUR = "#222222"
#: Plotly's d3 number format separators: decimal comma, thousands dot.
SEPARATORS = ",."

#: Light (low) to dark (high): higher values print darker.
SEQUENTIAL = [
    "#fee838",
    "#e1cc55",
    "#c3b369",
    "#a59c74",
    "#8a8678",
    "#707173",
    "#575d6d",
    "#3b496c",
    "#123570",
    "#00224e",
]
#: Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = [
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#000000",
]
MISSING_COLOUR = "#e6e6e6"
MISSING_LABEL = "unbekannt"
BORDER_COLOUR = "#ffffff"
BACKGROUND_AREA = "#f2f2f2"
OUTLINE_COLOUR = "#8c8c8c"

ATTRIBUTION_BKG = "© GeoBasis-DE / BKG (2020), dl-de/by-2-0"
ATTRIBUTION_GEONAMES = "GeoNames, CC BY 4.0"
#: The Kreis statistics (``data/kreise.csv``): providers, tables, licence, changed.
ATTRIBUTION_DESTATIS = "Statistische Ämter 12411-01-01-4, Destatis 12531-0043 (dl-de/by-2-0)"

#: Member map classes (statuses, and declared members of the Bündnis): colour and marker
#: symbol, in legend order. Their words: ``catalogue.labels.status_class``.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "buendnis": ("#0072B2", "circle"),
    "declared": ("#56B4E9", "diamond"),
    "pending": ("#999999", "circle-open"),
    "rejected": ("#E69F00", "square"),
    "revoked": ("#D55E00", "x"),
}
#: Kreis classes of ``analysis.members_per_kreis`` (0 none, 1 a town, 2 the Kreis itself):
#: light to dark with membership, so the map also reads in black and white.
KREIS_COLOURS: dict[int, str] = {0: "#f2f2f2", 1: "#56B4E9", 2: "#0072B2"}


def status_key(status: object, buendnis_member: object) -> str:
    """Legend category: declared members of the Bündnis get their own colour."""
    key = str(status).strip().lower()
    if key == "declared" and str(buendnis_member).strip().lower() == "yes":
        return "buendnis"
    if key not in STATUS_STYLE:
        raise ValueError(f"Status {status!r}: erwartet declared, revoked, rejected oder pending")
    return key


def format_number(value: object, decimals: int = 0, missing: str = MISSING_LABEL) -> str:
    """German number format: 1.234,5; NA as ``missing`` ("unbekannt")."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return missing
    if math.isnan(number):
        return missing
    number = round(number, decimals) + 0.0  # -0.0 + 0.0 == 0.0: never print "-0"
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def base_layout(title: str, *, height: int = 760, width: int = 860) -> dict[str, object]:
    """Layout shared by all maps: German separators, clean axes, room for the attribution and,
    right of the plot area, for the legend (a legend inside would cover data: Sylt,
    Ostfriesland)."""
    return {
        "title": {"text": title, "x": 0.02, "xanchor": "left"},
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOUR},
        "separators": SEPARATORS,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "width": width,
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 60, "b": 40},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "legend": {
            "x": 1.02,
            "y": 1.0,
            "xanchor": "left",
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.8)",
        },
        "dragmode": "pan",
    }


def attribution(*sources: str, prefix: str = "Karte") -> dict[str, object]:
    """Annotation crediting the map (or chart) data, bottom right under the plot."""
    return {
        "text": f"{prefix}: " + " · ".join(sources),
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 1.0,
        "y": 0.0,
        "xanchor": "right",
        "yanchor": "top",
        "yshift": -8,
        "font": {"size": 10, "color": "#555555"},
    }
