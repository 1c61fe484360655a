"""Static and HTML export that works without network.

A cold ``fig.write_image`` starts a new Chromium each call (2–2.5 s); one kaleido server per
process brings later exports to ~0.2 s. Kaleido's page loads plotly.js from the installed
plotly package; MathJax (loaded from a CDN by default) is switched off. Kaleido finds Debian's
``chromium`` by itself; ``$BROWSER_PATH`` points it elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import plotly.graph_objects as go

from haefen_analysis.common.files import atomic_write

_server_started = False


def start_server() -> None:
    """Start the per-process kaleido server once (later calls do nothing)."""
    global _server_started
    if _server_started:
        return
    import kaleido

    # choreographer reads $BROWSER_PATH itself when it looks for the browser
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _server_started = True


def write_image(
    fig: go.Figure,
    path: str | os.PathLike[str],
    *,
    width: int | None = None,
    height: int | None = None,
    scale: float = 2.0,
) -> Path:
    """PNG, PDF or SVG by the file suffix, through the shared kaleido server."""
    import warnings

    start_server()
    path = Path(path)
    with warnings.catch_warnings():
        # plotly passes its (empty) kaleido options even when a server is running
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        image = fig.to_image(
            format=path.suffix.lstrip(".").lower(), width=width, height=height, scale=scale
        )
    return atomic_write(path, image)


def write_html(fig: go.Figure, path: str | os.PathLike[str]) -> Path:
    """A self-contained page: plotly.js inline (~4.7 MB), no CDN, no MathJax."""
    page = fig.to_html(
        include_plotlyjs=True,
        include_mathjax=False,
        full_html=True,
        config={"displaylogo": False, "responsive": True},
    )
    return atomic_write(Path(path), page)
