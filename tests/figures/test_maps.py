"""Map figures: areas, German labels, attribution, and rendering with the network off."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from haefen_analysis.common.devtools import CHROMIUM_FLAGS
from haefen_analysis.datasets import geo
from haefen_analysis.figures import maps

BKG = "© GeoBasis-DE / BKG (2020), dl-de/by-2-0"
GEONAMES = "GeoNames, CC BY 4.0"
LAENDER = [f"{i:02d}" for i in range(1, 17)]


def _hover_trace(fig):
    (trace,) = [t for t in fig.data if t.mode == "markers" and t.customdata is not None]
    return trace


def _annotations(fig) -> str:
    return " ".join(a.text for a in fig.layout.annotations)


def test_no_trace_needs_topojson_or_tiles():
    fig = maps.laender_choropleth(pd.Series(1.0, index=LAENDER), "T", "Wert")
    assert {t.type for t in fig.data} == {"scatter"}  # no geo, choropleth or map traces
    assert "geo" not in fig.layout.to_plotly_json()


def test_laender_choropleth_areas_labels_attribution():
    values = pd.Series(np.arange(16, dtype=float) * 1000.5, index=LAENDER)
    values["05"] = np.nan
    fig = maps.laender_choropleth(values, "Mitglieder je Land", "Mitglieder", decimals=1)
    hover = _hover_trace(fig)
    assert len(hover.x) == 16
    names = {row[0] for row in hover.customdata}
    assert {"Nordrhein-Westfalen", "Thüringen", "Baden-Württemberg"} <= names
    texts = {row[0]: row[1] for row in hover.customdata}
    assert texts["Nordrhein-Westfalen"] == "unbekannt"
    assert texts["Bayern"] == "8.004,0"  # 8 × 1000.5 in German format
    legend = [t.name for t in fig.data if t.showlegend]
    assert "unbekannt" in legend
    assert any(re.fullmatch(r"[\d.]+,\d – [\d.]+,\d", n) for n in legend)
    assert fig.layout.legend.title.text == "Mitglieder"
    assert fig.layout.title.text == "Mitglieder je Land"
    assert fig.layout.separators == ",."
    assert BKG in _annotations(fig)


def test_kreise_choropleth_400_areas_and_land_zoom():
    kreise = geo.kreise()
    values = pd.Series(kreise["ags"].str[:2].astype(int).to_numpy(), index=kreise["ags"])
    fig = maps.kreise_choropleth(values.astype(float), "Kreise", "Wert", bins=4)
    assert len(_hover_trace(fig).x) == 400
    assert len([t for t in fig.data if t.showlegend]) == 4
    member = pd.Series({"05766": "Mitglied", "05754": "kein Mitglied"})
    nrw = maps.kreise_choropleth(member, "NRW", "Status", land="Nordrhein-Westfalen")
    assert len(_hover_trace(nrw).x) == 53  # NRW has 22 kreisfreie Städte and 31 Kreise
    legend = {t.name for t in nrw.data if t.showlegend}
    assert legend == {"Mitglied", "kein Mitglied", "unbekannt"}
    assert BKG in _annotations(nrw)


def test_choropleth_refuses_unknown_ags():
    with pytest.raises(ValueError, match="unbekannte AGS.*'99'"):
        maps.laender_choropleth(pd.Series({"99": 1.0}), "T", "Wert")


POINTS = pd.DataFrame(
    {
        "name": ["Lübeck", "Kiel", "Halle (Westf.)", "Blomberg"],
        "lat": [53.86893, 54.32133, 52.06007, 51.94331],
        "lon": [10.68729, 10.13489, 8.36083, 9.09067],
        "status": ["declared", "declared", "revoked", "pending"],
        "buendnis_member": ["yes", "no", "unknown", "no"],
        "declared_on": ["27.09.2018", "2018", "", None],
        "size_value": [40, np.nan, 10, np.nan],
        "pledged": [40, np.nan, 10, np.nan],
        "pledged_unknown": [1, 0, 0, 0],
        "pledged_rows": [2, 0, 1, 0],
        "admitted": [7, 8, np.nan, np.nan],
        "source": ["https://example.org/a", "b", "c", "d"],
    }
)


def test_member_map_points_areas_hover_and_attribution():
    areas = pd.DataFrame(
        {
            "ags": ["02"],
            "name": ["Hamburg"],
            "status": ["declared"],
            "buendnis_member": ["yes"],
            "size_value": [np.nan],
            "source": ["s"],
        }
    )
    kreis = areas.assign(ags="03241", name="Region Hannover", buendnis_member="no")
    fig = maps.member_map(POINTS, land_areas=areas, kreis_areas=kreis)
    markers = [t for t in fig.data if t.mode == "markers"]
    assert sum(len(t.x) for t in markers) == 4
    legend = {t.name for t in markers}
    assert legend == {"Bündnis-Mitglied", "erklärt", "Erklärung aufgehoben", "Antrag offen"}
    filled = [t for t in fig.data if t.hoveron == "fills"]
    assert len(filled) == 2  # Hamburg and Region Hannover as areas
    assert "<b>Hamburg</b>" in filled[0].text or "<b>Hamburg</b>" in filled[1].text
    # every fill has a legend entry: status and what the area is
    assert {t.name for t in filled} == {"Bündnis-Mitglied (Land)", "erklärt (Kreis)"}
    assert all(t.showlegend for t in filled)
    hover = " ".join(text for t in markers for text in t.text)
    assert "Beschluss: 27.09.2018" in hover
    # the count rule: a known sum with the pledges without number, none, unknown
    assert "Zugesagte Plätze: 40 (1 unbekannt)" in hover
    assert "Zugesagte Plätze: keine in den Daten" in hover
    assert "Aufnahmen als Sicherer Hafen: 7" in hover
    assert "Aufnahmen als Sicherer Hafen: unbekannt" in hover
    assert "Quelle: https://example.org/a" in hover
    notes = _annotations(fig)
    assert BKG in notes and GEONAMES in notes


def test_legend_sits_outside_the_map():
    fig = maps.member_map(POINTS)
    assert fig.layout.legend.x >= 1.0 and fig.layout.legend.xanchor == "left"


def test_marker_sizes_are_capped():
    sizes = maps._marker_sizes(pd.Series([10, 100, 1250, np.nan]))
    assert sizes[1] == sizes[2] == maps.MAX_MARKER  # 1,250 draws no larger than 100
    assert maps.MIN_MARKER <= sizes[0] < sizes[1] and sizes[3] == maps.MIN_MARKER
    note = _annotations(maps.member_map(POINTS))
    assert f"ab {maps.SIZE_CAP} gleich groß" in note  # the map says so


def test_profile_member_marked_and_buendnis_named():
    row = POINTS.iloc[0].copy()
    fig = maps.member_map(POINTS, highlight=row, name_buendnis=True)
    marked = [t for t in fig.data if t.name == "Lübeck (dieses Profil)"]
    assert len(marked) == 1 and "<b>Lübeck</b>" in marked[0].text[0] and marked[0].showlegend
    (named,) = [t for t in fig.data if t.mode == "text" and t.name != marked[0].name]
    assert list(named.text) == ["Lübeck"]  # the one declared Bündnis member of POINTS


def test_member_map_zoomed_to_one_land_draws_its_kreise():
    fig = maps.member_map(POINTS, land="SH")
    x0, x1 = fig.layout.xaxis.range
    whole = maps.member_map(POINTS)
    assert x1 - x0 < 0.5 * (whole.layout.xaxis.range[1] - whole.layout.xaxis.range[0])
    outlines = [t for t in fig.data if t.mode == "lines" and t.fill is None]
    paths = [np.isnan(np.asarray(t.x, float)).sum() for t in outlines]
    assert max(paths) >= 14  # the 15 Kreise of Schleswig-Holstein, separated by gaps


# --- rendering with the network off -------------------------------------------------------


def _offline_prefix() -> list[str]:
    """Run in a network namespace without network when the machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def _covered_colours(png: Path, colours: list[str], tolerance: int = 4) -> dict[str, float]:
    """Share of the image per expected fill colour. A blank map has none; a map whose areas
    failed but whose colour bar rendered (plotly geo offline) has well under 0.2 %."""
    from PIL import Image
    from plotly.colors import hex_to_rgb, unlabel_rgb

    pixels = np.asarray(Image.open(png).convert("RGB"), dtype=int).reshape(-1, 3)
    counts = {}
    for colour in colours:
        rgb = hex_to_rgb(colour) if colour.startswith("#") else unlabel_rgb(colour)
        close = np.abs(pixels - np.array(rgb, dtype=int)).max(axis=1) <= tolerance
        counts[colour] = float(close.mean())
    return counts


def _laender_figure():
    return maps.laender_choropleth(
        pd.Series(np.arange(1.0, 17.0), index=LAENDER), "Länder offline", "Wert"
    )


def _fill_colours(fig) -> list[str]:
    return [t.fillcolor for t in fig.data if t.fill == "toself"]


@pytest.mark.slow
def test_seekers_map_rates_per_kreis_with_the_members_on_top():  # builds, exports nothing
    from haefen_analysis import datasets
    from haefen_analysis.analysis import map_layers

    kreise = datasets.kreise()
    fig = maps.seekers_map(kreise, map_layers())
    hover = _hover_trace(fig)
    assert len(hover.x) == 400
    rows = {row[0]: row for row in hover.customdata}
    land_kassel = rows["Kassel (Landkreis)"]
    assert land_kassel[1] == "56,0"  # the joint area with the city, not 0
    assert land_kassel[2].startswith("<br>nicht einzeln ausgewiesen: Die „Abteilung")
    assert list(rows["Flensburg (Kreisfreie Stadt)"][1:]) == ["55,3", ""]
    assert fig.layout.title.text == "Schutzsuchende je 1.000 Einwohner am 31.12.2024, Deutschland"
    assert "12531-0043" in _annotations(fig) and BKG in _annotations(fig)
    points = [t for t in fig.data if t.mode == "markers" and t.name]
    assert {t.name for t in points} >= {"Bündnis-Mitglied", "erklärt"}
    assert any("<b>Sylt</b>" in text for t in points for text in t.text)
    weyhe = next(text for t in points for text in t.text if "<b>Weyhe</b>" in text)
    assert "<br>Lage: Kreismittelpunkt (Landkreis Diepholz)" in weyhe  # flagged on the map
    assert fig.data.index(hover) < fig.data.index(points[0])  # members drawn on top


@pytest.mark.slow
@pytest.mark.browser
def test_png_export_offline_is_not_blank(tmp_path):
    png = tmp_path / "laender.png"
    script = (
        "import sys, numpy as np, pandas as pd\n"
        "from haefen_analysis.figures import maps, static\n"
        "fig = maps.laender_choropleth(pd.Series(np.arange(1.0, 17.0),"
        " index=[f'{i:02d}' for i in range(1, 17)]), 'Länder offline', 'Wert')\n"
        "static.write_image(fig, sys.argv[1])\n"
    )
    cmd = [*_offline_prefix(), sys.executable, "-c", script, str(png)]
    subprocess.run(cmd, check=True, timeout=120)
    counts = _covered_colours(png, _fill_colours(_laender_figure()))
    assert all(share >= 0.01 for share in counts.values()), counts


@pytest.mark.slow
@pytest.mark.browser
def test_html_page_renders_offline_in_headless_chromium(tmp_path):
    from haefen_analysis.common import browser
    from haefen_analysis.figures import static

    fig = _laender_figure()
    page = static.write_html(fig, tmp_path / "karte.html")
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=[\"']?(https?:)?//", html, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref=[\"']?(https?:)?//", html, re.IGNORECASE)
    assert "cdn.plot.ly/plotly" not in html.split("<body>")[0]
    shot = tmp_path / "shot.png"
    cmd = [
        *_offline_prefix(),
        browser.find(),
        *CHROMIUM_FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--hide-scrollbars",
        "--virtual-time-budget=10000",
        f"--screenshot={shot}",
        "--window-size=700,850",
        page.as_uri(),
    ]
    subprocess.run(cmd, check=True, timeout=120, capture_output=True)
    counts = _covered_colours(shot, _fill_colours(fig))
    assert all(share >= 0.01 for share in counts.values()), counts
