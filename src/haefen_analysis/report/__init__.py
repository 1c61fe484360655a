"""In-notebook helpers for reports: one setup line, figures that render offline (in JupyterLab
and in the HTML nbconvert writes), escaped tables and text, the public/internal rule for small
counts, and the provenance block every report ends with.

Names and free text come from data and end up in HTML: everything shown through these helpers
is HTML-escaped.
"""

from __future__ import annotations

import hashlib
import html
from importlib import metadata
from pathlib import Path

import pandas as pd

from haefen_analysis import config
from haefen_analysis.catalogue.labels import (
    UNKNOWN,
    label_values,
    title,
    titles,
    value_label,
    value_labels,
)
from haefen_analysis.catalogue.schema import catalogue
from haefen_analysis.common import dates
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


def label(column: str, value: object, table: str | None = None) -> str:
    """German label of a coded value ("declared" → "erklärt"), from the catalogue."""
    return value_label(column, value, table)


def date(value: object, precision: object = "day") -> str:
    """German date at its precision ("11.07.2019", "07/2019", "2019"); "" when unknown."""
    return dates.german(value, precision)


def _german_column(frame: pd.DataFrame, name: str, decimals: int, table: str | None) -> pd.Series:
    col = frame[name]
    if name == "source":  # the full list is in the provenance block
        col = col.map(lambda v: short_source(v) if pd.notna(v) else v)
    if value_labels(str(name), table) and not pd.api.types.is_numeric_dtype(col):
        col = label_values(col, str(name), table)
    if pd.api.types.is_datetime64_any_dtype(col):  # at its precision where the frame says it
        precision = frame.get(f"{name}_precision", pd.Series("day", index=frame.index))
        col = pd.Series(
            [dates.german(v, p) or pd.NA for v, p in zip(col, precision, strict=True)],
            index=frame.index,
        )
    if pd.api.types.is_float_dtype(col):
        col = col.map(lambda v: number(v, decimals) if pd.notna(v) else "–")
    elif pd.api.types.is_integer_dtype(col):
        col = col.map(lambda v: number(v) if pd.notna(v) else "–")
    return col.astype(object).where(col.notna(), "–")


def german(frame: pd.DataFrame, decimals: int = 2, table: str | None = None) -> pd.DataFrame:
    """Cells as German display text: coded values labelled (the enum labels of ``table``, or
    of the catalogue's first table with the column), dates at the precision held in
    ``<column>_precision``, numbers with decimal comma and thousands dot, missing as "–"."""
    out = {name: _german_column(frame, name, decimals, table) for name in frame.columns}
    return pd.DataFrame(out, index=frame.index)


def table(
    frame: pd.DataFrame,
    table: str | None = None,
    labels: dict[str, str] | None = None,
    *,
    columns: list[str] | None = None,
    index: bool = False,
    decimals: int = 2,
):
    """An escaped HTML table in German; its sources are cited.

    Column titles come from the catalogue: the titles of ``table`` (a catalogue table name)
    where the column is one of its, else the titles of derived columns, else the catalogue's
    title of that column name when it is the same in every table; ``labels`` override.
    ``columns`` picks and orders the columns shown; the others still serve (e.g. a date's
    ``_precision``). Values: see ``german``.
    """
    from IPython.display import HTML

    shown = list(columns) if columns is not None else list(frame.columns)
    if "source" in shown:
        cite(*frame["source"].dropna())
    text = german(frame, decimals, table)[shown]
    text = text.rename(columns=titles(shown, table, labels))
    if index and frame.index.name:
        text.index.name = title(str(frame.index.name), table)
    body = text.to_html(index=index, escape=True, border=0, classes="haefen")
    return HTML(body)


def number(value: object, decimals: int = 0) -> str:
    """German number text ("1.234,5"); "unbekannt" for a missing value."""
    return theme.format_number(value, decimals, missing=UNKNOWN)


def percent(share: object, decimals: int = 1) -> str:
    """A share (0.435) as German percent text ("43,5 %"); "unbekannt" for a missing value."""
    shown = number(share * 100 if share is not None and pd.notna(share) else pd.NA, decimals)
    return shown if shown == UNKNOWN else f"{shown} %"


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

    now = dates.german_time(dates.now())
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
