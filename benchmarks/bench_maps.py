"""Figures of merit for the offline maps (run on demand).

- construction of the 400-Kreise choropleth (target <= 0.5 s), vs plotly's validated
  one-trace-per-area build that hover-on-fill would need (naive);
- PNG export per figure after the first with one kaleido server per process (target <= 0.5 s),
  vs a cold ``fig.write_image`` that starts a new Chromium every call (naive);
- HTML size of one map without plotly.js (target <= 1 MB) and with plotly.js inline.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from haefen_analysis.datasets import geo
from haefen_analysis.figures import maps, static, theme


def timed(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def kreise_values() -> pd.Series:
    kreise = geo.kreise()
    return pd.Series(range(len(kreise)), index=kreise["ags"], dtype=float)


def per_area_figure(values: pd.Series):
    """The naive build: one validated go.Scatter per Kreis (hover on each fill)."""
    import plotly.graph_objects as go

    areas = maps._areas("kreise", None)
    traces = [
        go.Scatter(x=a.x, y=a.y, fill="toself", mode="lines", text=a.label, hoveron="fills")
        for a in areas.itertuples()
    ]
    return go.Figure(traces, layout=theme.base_layout("Kreise"))


COLD = """
import sys, pandas as pd
from haefen_analysis.datasets import geo
from haefen_analysis.figures import maps
k = geo.kreise()
fig = maps.kreise_choropleth(pd.Series(range(400), index=k['ags'], dtype=float), 'K', 'W')
import time
for i in range(int(sys.argv[2])):
    t = time.perf_counter()
    fig.write_image(sys.argv[1])  # no server: a new Chromium per call
    print(time.perf_counter() - t)
"""


def main() -> None:
    values = kreise_values()
    geo._read_areas.cache_clear()
    maps._areas.cache_clear()
    start = time.perf_counter()
    maps.kreise_choropleth(values, "Kreise", "Wert")  # reads and projects the geometry
    cold_build = time.perf_counter() - start
    print(f"400-Kreise figure, first in process (read + project geometry): {cold_build:.3f} s")
    build = timed(lambda: maps.kreise_choropleth(values, "Kreise", "Wert"), 5)
    naive_build = timed(lambda: per_area_figure(values), 3)
    print(f"400-Kreise figure construction: {build:.3f} s (target <= 0.5 s); naive one trace")
    print(f"  per Kreis, validated: {naive_build:.3f} s; ratio {naive_build / build:.1f}x")

    fig = maps.kreise_choropleth(values, "Kreise", "Wert")
    laender = maps.laender_choropleth(
        pd.Series(range(16), index=[f"{i:02d}" for i in range(1, 17)], dtype=float), "L", "W"
    )
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "map.png"
        start = time.perf_counter()
        static.write_image(laender, png)
        first = time.perf_counter() - start
        warm_k = timed(lambda: static.write_image(fig, png), 5)
        warm_l = timed(lambda: static.write_image(laender, png), 5)
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(png), "3"], capture_output=True, text=True, check=True
        )
        cold = statistics.median(float(line) for line in out.stdout.split())
        html_map = len(fig.to_html(include_plotlyjs=False, full_html=True).encode())
        page = static.write_html(fig, Path(tmp) / "map.html").stat().st_size
    print(f"PNG export, first call (starts the kaleido server): {first:.2f} s")
    print(f"PNG export after the first: Kreise {warm_k:.3f} s, Länder {warm_l:.3f} s")
    print(f"  (target <= 0.5 s); naive cold write_image per call (Kreise): {cold:.2f} s;")
    print(f"  ratio {cold / warm_k:.1f}x")
    print(f"HTML of the Kreise map without plotly.js: {html_map / 1e6:.2f} MB (target <= 1 MB);")
    print(f"  self-contained page with plotly.js inline: {page / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
