"""In-notebook helpers for reports: one setup line, figures that render offline (in JupyterLab
and in the HTML nbconvert writes), escaped tables and text, the public/internal rule for small
counts, and the provenance block every report ends with.

Names and free text come from data and end up in HTML: everything shown through these helpers
is HTML-escaped.
"""

from __future__ import annotations

import hashlib
import html
from datetime import datetime
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from haefen_analysis import config
from haefen_analysis.catalogue.schema import catalogue
from haefen_analysis.common.sources import distinct_sources, short_source
from haefen_analysis.figures import theme

#: Counts of minors shown as "< 3" in public reports (1 or 2 persons could identify someone).
SMALL_COUNT_LIMIT = 3
SMALL_COUNT_GROUPS = ("umf",)
SMALL_COUNT_LABEL = f"< {SMALL_COUNT_LIMIT}"

_state: dict[str, object] = {"sources": [], "public": True}


OFFLINE_RENDERER = "haefen_offline"


def _register_offline_renderer() -> None:
    """plotly's "notebook" renderer embeds plotly.js once (good) but adds a MathJax <script>
    from a CDN to every figure (bad offline); this one writes the same HTML without it."""
    import plotly.io as pio
    from plotly.io._base_renderers import NotebookRenderer

    class OfflineNotebookRenderer(NotebookRenderer):
        def to_mimebundle(self, fig_dict: dict) -> dict:
            html_ = pio.to_html(
                fig_dict,
                config=self.config,
                include_plotlyjs=False,
                include_mathjax=False,
                full_html=False,
                default_width="100%",
                default_height=525,
                validate=False,
            )
            return {"text/html": html_}

    pio.renderers[OFFLINE_RENDERER] = OfflineNotebookRenderer(connected=False)


def setup(public: bool = True) -> None:
    """Call once at the top of a report: offline plotly output, the privacy mode, fresh sources.

    Figures carry both plotly's own mime type (JupyterLab renders it with the bundled
    extension, offline) and HTML with plotly.js embedded once (what nbconvert keeps, no CDN).
    """
    import plotly.io as pio

    if OFFLINE_RENDERER not in pio.renderers:
        _register_offline_renderer()
    pio.renderers.default = f"plotly_mimetype+{OFFLINE_RENDERER}"
    _state["sources"] = []
    _state["public"] = bool(public)


def is_public() -> bool:
    return bool(_state["public"])


def cite(*sources: object) -> None:
    """Record sources shown in the report (listed in the provenance block)."""
    known = _state["sources"]
    known += [s for s in distinct_sources(sources) if s not in known]  # type: ignore[operator]


def show(fig: object, *sources: object) -> None:
    """Display a figure and remember where its numbers come from."""
    from IPython.display import display

    cite(*sources)
    display(fig)


def say(template: str, **values: object) -> None:
    """Markdown text; ``values`` (from data) are HTML-escaped before insertion."""
    from IPython.display import Markdown, display

    safe = {k: html.escape(str(v)) for k, v in values.items()}
    display(Markdown(template.format(**safe)))


def value_labels() -> dict[str, dict[str, str]]:
    """German labels of coded values, by column name, from the catalogue's enum labels."""
    out: dict[str, dict[str, str]] = {}
    for res in catalogue().values():
        for f in res.fields:
            if f.enum_labels:
                out.setdefault(f.name, dict(f.enum_labels))
    return out


def label(column: str, value: object) -> str:
    """German label of a coded value ("declared" → "erklärt"), from the catalogue."""
    if value is None or pd.isna(value):
        return "unbekannt"
    return value_labels().get(column, {}).get(str(value), str(value))


def german(frame: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """Cells as German display text: coded values labelled, numbers with decimal comma and
    thousands dot, missing values as "–"."""
    labels = value_labels()
    out = {}
    for name, col in frame.items():
        if name == "source":  # the full list is in the provenance block
            col = col.map(lambda v: short_source(v) if pd.notna(v) else v)
        if name in labels:
            col = col.astype("string").map(lambda v, m=labels[name]: m.get(v, v))
        if pd.api.types.is_datetime64_any_dtype(col):  # precise dates: see analysis.date_labels
            col = col.dt.strftime("%d.%m.%Y")
        if pd.api.types.is_float_dtype(col):
            col = col.map(lambda v: number(v, decimals) if pd.notna(v) else "–")
        elif pd.api.types.is_integer_dtype(col):
            col = col.map(lambda v: number(v) if pd.notna(v) else "–")
        out[name] = col.astype(object).where(col.notna(), "–")
    return pd.DataFrame(out, index=frame.index)


def table(
    frame: pd.DataFrame,
    labels: dict[str, str] | None = None,
    *,
    index: bool = False,
    decimals: int = 2,
):
    """An escaped HTML table in German (labels, numbers, coded values); its sources are cited."""
    from IPython.display import HTML

    if "source" in frame:
        cite(*frame["source"].dropna())
    shown = german(frame, decimals).rename(columns=labels or {})
    body = shown.to_html(index=index, escape=True, border=0, classes="haefen")
    return HTML(body)


def number(value: object, decimals: int = 0) -> str:
    """German number text ("1.234,5"); "unbekannt" for a missing value."""
    return theme.format_number(value, decimals, missing="unbekannt")


def small_counts(values: pd.Series, groups: pd.Series, public: bool | None = None) -> pd.Series:
    """Counts as text; in public mode 1–2 persons of a protected group become "< 3"."""
    public = is_public() if public is None else public
    text = values.map(lambda v: "–" if pd.isna(v) else number(v))
    if public:
        small = groups.isin(SMALL_COUNT_GROUPS) & values.between(1, SMALL_COUNT_LIMIT - 1)
        text = text.where(~small.fillna(False), SMALL_COUNT_LABEL)
    return text


def data_hash(data_dir: str | Path | None = None) -> str:
    """sha256 over the catalogue and every table file used (curated and user rows)."""
    dd = Path(data_dir) if data_dir is not None else None
    digest = hashlib.sha256()
    files = [config.data_dir(dd) / "datapackage.json"]
    for res in catalogue(dd).values():
        files += [config.data_dir(dd) / res.path, config.user_dir(dd) / res.path]
    for path in files:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def provenance(data_dir: str | Path | None = None):
    """The closing block: when, with which package version and data, from which sources."""
    from IPython.display import HTML

    now = datetime.now(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y %H:%M")
    version = metadata.version("haefen-analysis")
    mode = "öffentlich (Zahlen von 1–2 Minderjährigen als „< 3“)" if is_public() else "intern"
    items = "".join(
        f'<li><a href="{html.escape(s)}">{html.escape(s)}</a></li>'
        if s.startswith("http")
        else f"<li>{html.escape(s)}</li>"
        for s in _state["sources"]  # type: ignore[union-attr]
    )
    return HTML(
        '<section class="provenance"><h2>Herkunft</h2>'
        f"<p>Erstellt am {now} mit haefen-analysis {html.escape(version)}; Fassung: {mode}.<br>"
        f"Daten-Prüfsumme (sha256): <code>{data_hash(data_dir)}</code></p>"
        f"<p>Quellen der gezeigten Zahlen:</p><ul>{items or '<li>–</li>'}</ul></section>"
    )
