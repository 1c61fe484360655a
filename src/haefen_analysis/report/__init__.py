"""In-notebook helpers for reports: one setup line, figures that render offline and in German
(in JupyterLab and in the HTML nbconvert writes), escaped tables and text, the count rule
and the public/internal rule for small counts (``report.counts``), sources as numbered
references, and the provenance block every report ends with.

Every helper displays what it builds (a helper's return value is shown by Jupyter only when
it is a cell's last value, so returning instead of displaying silently loses tables).

Names and free text come from data and pass through two renderers: the HTML of tables and
the Markdown of sentences. Values are escaped for both (HTML entities for ``<&>"'`` and for
every character Markdown reads as syntax), so data can never add a link, emphasis or a tag;
the only links are those of the source list, and only for http, https and mailto.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import secrets
from importlib import metadata
from pathlib import Path

import pandas as pd

from haefen_analysis import config
from haefen_analysis.catalogue.labels import (
    PERCENT,
    UNKNOWN,
    decimals,
    label_values,
    title,
    titles,
    value_label,
    value_labels,
)
from haefen_analysis.catalogue.schema import catalogue
from haefen_analysis.common import dates
from haefen_analysis.common.sources import distinct_sources
from haefen_analysis.figures import locale, theme
from haefen_analysis.report import counts
from haefen_analysis.report.counts import SMALL_COUNT_GROUPS, SMALL_COUNT_LABEL, SMALL_COUNT_LIMIT

__all__ = [
    "SMALL_COUNT_GROUPS",
    "SMALL_COUNT_LABEL",
    "SMALL_COUNT_LIMIT",
    "Safe",
    "cite",
    "counts",
    "data_hash",
    "date",
    "escape",
    "german",
    "is_public",
    "label",
    "number",
    "provenance",
    "provenance_html",
    "refs",
    "reset",
    "say",
    "setup",
    "show",
    "small_counts",
    "table",
    "table_html",
    "total",
]


def _fresh() -> dict[str, object]:
    """What ``setup`` records for the report being built: its sources, its privacy mode, its
    counters of data files, figures and tables."""
    return {"sources": [], "public": True, "data": 0, "Abbildung": 0, "Tabelle": 0}


_state = _fresh()

#: The mime type of a table's or figure's data in the executed notebook: the report's export
#: step (``publish.exports``) writes each as a CSV beside the report and a sheet of its XLSX.
DATA_MIME = "application/vnd.haefen.data+json"
#: Stands for the report's file name in the "Daten" links until the export step knows it.
REPORT_PLACEHOLDER = "@@haefen-bericht@@"
#: Folder of the CSV files, beside the report.
DATA_FOLDER = "daten"
#: The mime type of the report's numbered source list (the "Quellen" sheet of its XLSX).
SOURCES_MIME = "application/vnd.haefen.sources+json"

#: Columns whose empty cell means "none", not "unknown" (no qualification of the status).
EMPTY_IS_NONE = ("status_qualifier",)
#: Columns that apply only where another column has a value: shown as "–" elsewhere (a
#: Bündnis joining date for a member that is not in the Bündnis).
APPLIES_ONLY = {"buendnis_since": ("buendnis_member", "yes")}

OFFLINE_RENDERER = "haefen_offline"
#: Set by the report runner for ``--shared-plotlyjs``: figures load plotly.js from this file
#: beside the report instead of carrying a copy (4.6 MB) through every notebook; unset (as in
#: JupyterLab), the notebook embeds it once.
PLOTLYJS_SRC_ENV = "HAEFEN_PLOTLYJS_SRC"
#: Links in reports: only these schemes, only from source fields (the source list).
LINK = re.compile(r"(?:https?://|mailto:)[^\s<>\"']+", re.I)
#: Marks a reference inside a table cell until the table's HTML is escaped (the nonce keeps
#: data from forging one).
_REF_TOKEN = f"@@ref-{secrets.token_hex(6)}:"
_REF = re.compile(re.escape(_REF_TOKEN) + r"([0-9,]+)@@")


class Safe(str):
    """HTML built by these helpers (references, emphasis): inserted as it is, not escaped."""


#: Characters HTML or Markdown read as syntax, as numeric character references.
_ESCAPES = {c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~:=$^"}
_ESCAPES |= {"\n": " ", "\r": " ", "\t": " "}


def escape(value: object) -> str:
    """Text from data, safe in HTML and in Markdown: it shows as written and can add no tag,
    link, emphasis, heading or list (every syntax character as a character reference)."""
    return "".join(_ESCAPES.get(c, c) for c in str(value))


def _register_offline_renderer() -> None:
    """plotly's "notebook" renderer embeds plotly.js once (good) but adds a MathJax <script>
    from a CDN to every figure (bad offline); this one writes the same HTML without it, and
    registers the German locale right after plotly.js."""
    import plotly.io as pio
    from IPython.display import display_html
    from plotly.io._base_renderers import (
        NotebookRenderer,
        _mathjax_config,
        _window_plotly_config,
    )

    class OfflineNotebookRenderer(NotebookRenderer):
        def activate(self) -> None:
            src = os.environ.get(PLOTLYJS_SRC_ENV)
            if src:  # what ``publish.html.share_plotlyjs`` would make of the embedded copy
                config = f"<script>\n{_window_plotly_config}\n{_mathjax_config}\n</script>"
                display_html(f'{config}\n<script src="{html.escape(src)}"></script>', raw=True)
            else:
                super().activate()
            display_html(locale.script(), raw=True)

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
            return figure_bundle(fig_dict, html_)

    pio.renderers[OFFLINE_RENDERER] = OfflineNotebookRenderer(connected=False, config=locale.CONFIG)


def _next(counter: str) -> int:
    """The next number of ``counter``: "data" numbers the data files of tables and figures
    together (1, 2, …), "Abbildung" and "Tabelle" number what the reader sees."""
    _state[counter] = int(_state[counter]) + 1  # type: ignore[call-overload]
    return int(_state[counter])  # type: ignore[call-overload]


def data_href(number: int) -> str:
    """Relative address of the CSV of table or figure ``number`` of this report."""
    return f"{DATA_FOLDER}/{REPORT_PLACEHOLDER}-{number:02d}.csv"


def _data_link(number: int, what: str) -> str:
    """The "Daten" link to data file ``number``; ``what`` names the table or figure."""
    link = f'<a href="{data_href(number)}" download>Daten</a>'
    return f'<p class="data-link">{link} ({what}, CSV)</p>'


def _payload(number: int, kind: str, title: str, frame: pd.DataFrame) -> dict:
    """What the export step writes for one table or figure (cells as JSON values)."""

    def cell(value: object) -> object:
        if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
            return None
        return value.item() if hasattr(value, "item") else value  # numpy scalars

    return {
        "number": number,
        "kind": kind,
        "title": title,
        "columns": [str(c) for c in frame.columns],
        "rows": [[cell(v) for v in row] for row in frame.itertuples(index=False)],
    }


def figure_bundle(fig_dict: dict, plot_html: str) -> dict:
    """A figure's outputs: its HTML inside a ``<figure>`` with the alternative text generated
    from its data (``aria-label`` and caption), a German message that replaces it when
    plotly.js is missing (a report with a shared ``plotly.min.js`` opened on its own), its
    "Daten" link; and its data for the export step."""
    from haefen_analysis.figures import describe

    number, shown = _next("data"), _next("Abbildung")
    alt = describe.alt_text(fig_dict)
    ident = f"abb-{number}-{secrets.token_hex(3)}"
    message = (
        "Abbildung nicht angezeigt: plotly.min.js fehlt neben dieser Datei (der Bericht wurde "
        "mit einer gemeinsamen plotly.min.js erstellt). Öffnen Sie den Bericht in seinem "
        "Ordner oder nutzen Sie die Fassung mit eingebetteten Abbildungen (--self-contained). "
        "Die Zahlen: Link „Daten“ unter der Abbildung."
    )
    body = (
        f'<figure class="haefen-figure" id="{ident}">'
        f'<div role="img" aria-label="{html.escape(alt)}">{plot_html}</div>'
        f'<p class="figure-missing">{html.escape(message)}</p>'
        f"<figcaption>Abbildung {shown}: {html.escape(alt)}</figcaption></figure>"
        f"{_data_link(number, f'Abbildung {shown}')}"
        f"<script>(function () {{ var f = document.getElementById('{ident}');"
        " if (window.Plotly) { f.querySelector('.figure-missing').remove(); }"
        " else { f.querySelector('[role=img]').style.display = 'none'; } })();</script>"
    )
    frame = describe.data_table(fig_dict)
    return {
        "text/html": body,
        DATA_MIME: _payload(number, "figure", f"Abbildung {shown}: {alt}", frame),
    }


def setup(public: bool = True) -> None:
    """Call once at the top of a report: offline German plotly output, the privacy mode,
    fresh sources.

    Figures carry both plotly's own mime type (JupyterLab renders it with the bundled
    extension, offline) and HTML with plotly.js embedded once (what nbconvert keeps, no CDN).
    """
    import plotly.io as pio

    if OFFLINE_RENDERER not in pio.renderers:
        _register_offline_renderer()
    pio.renderers["plotly_mimetype"].config = dict(locale.CONFIG)
    pio.renderers.default = f"plotly_mimetype+{OFFLINE_RENDERER}"
    _state["sources"] = []
    _state["public"] = bool(public)
    _state.update({"data": 0, "Abbildung": 0, "Tabelle": 0})


def reset() -> None:
    """Forget what ``setup`` recorded: the state a new kernel starts with (the warm engine
    calls this between two reports it runs in one process)."""
    _state.clear()
    _state.update(_fresh())


def is_public() -> bool:
    return bool(_state["public"])


def cite(*sources: object) -> list[int]:
    """Record sources shown in the report (the numbered list of the provenance block) and
    return their numbers."""
    known: list[str] = _state["sources"]  # type: ignore[assignment]
    found = distinct_sources(sources)
    known += [s for s in found if s not in known]
    return [known.index(s) + 1 for s in found]


def refs(*sources: object) -> Safe:
    """Numbered references to sources ("[3] [4]"), linked to the source list; cited."""
    numbers = cite(*sources)
    return Safe(" ".join(f'<a class="ref" href="#quelle-{n}">[{n}]</a>' for n in numbers))


def show(fig: object, *sources: object) -> None:
    """Display a figure and remember where its numbers come from."""
    from IPython.display import display

    cite(*sources)
    display(fig)


def _markdown_value(value: object) -> str:
    return str(value) if isinstance(value, Safe) else escape(value)


def say(template: str, **values: object) -> None:
    """Markdown text (``template`` is ours); ``values`` (from data) are escaped for HTML and
    Markdown before insertion, except ``Safe`` fragments of these helpers."""
    from IPython.display import Markdown, display

    safe = {k: _markdown_value(v) for k, v in values.items()}
    display(Markdown(template.format(**safe)))


def label(column: str, value: object, table: str | None = None) -> str:
    """German label of a coded value ("declared" → "erklärt"), from the catalogue."""
    return value_label(column, value, table)


def date(value: object, precision: object = "day") -> str:
    """German date at its precision ("11.07.2019", "07/2019", "2019"); "" when unknown."""
    return dates.german(value, precision)


def _source_tokens(value: object) -> object:
    """A source cell as a reference token (turned into links after escaping)."""
    if value is None or pd.isna(value) or not str(value).strip():
        return pd.NA
    return f"{_REF_TOKEN}{','.join(map(str, cite(value)))}@@"


def _german_column(frame: pd.DataFrame, name: str, places: int | None, table: str | None):
    col = frame[name]
    digits = decimals(str(name), 2) if places is None else places
    if name == "source":  # numbered references to the source list
        col = col.map(_source_tokens).astype(object)
    if value_labels(str(name), table) and not pd.api.types.is_numeric_dtype(col):
        col = label_values(col, str(name), table)
    if pd.api.types.is_datetime64_any_dtype(col):  # at its precision where the frame says it
        precision = frame.get(f"{name}_precision", pd.Series("day", index=frame.index))
        col = pd.Series(
            [dates.german(v, p) or pd.NA for v, p in zip(col, precision, strict=True)],
            index=frame.index,
        )
    if name in PERCENT and pd.api.types.is_numeric_dtype(col):
        col = col.map(lambda v: percent(v, digits) if pd.notna(v) else UNKNOWN)
    elif pd.api.types.is_float_dtype(col):
        col = col.map(lambda v: number(v, digits) if pd.notna(v) else UNKNOWN)
    elif pd.api.types.is_integer_dtype(col):
        col = col.map(lambda v: number(v) if pd.notna(v) else UNKNOWN)
    missing = pd.Series(counts.NONE if name in EMPTY_IS_NONE else UNKNOWN, index=frame.index)
    if name in APPLIES_ONLY and APPLIES_ONLY[name][0] in frame:
        other, value = APPLIES_ONLY[name]
        missing = missing.where(frame[other].astype("string") == value, counts.NONE)
    return col.astype(object).where(col.notna(), missing)


def german(
    frame: pd.DataFrame,
    decimals: int | None = None,
    table: str | None = None,
    columns: list[str] | None = None,
):
    """Cells as German display text: coded values labelled (the enum labels of ``table``, or
    of the catalogue's first table with the column), dates at the precision held in
    ``<column>_precision``, numbers with decimal comma and thousands dot (the decimals of
    ``catalogue.labels.DECIMALS``, else ``decimals``, else 2), missing as "unbekannt".
    ``columns``: only these (the others still serve, e.g. a date's precision)."""
    names = frame.columns if columns is None else columns
    out = {name: _german_column(frame, name, decimals, table) for name in names}
    return pd.DataFrame(out, index=frame.index, columns=list(names))


def _links(match: re.Match[str]) -> str:
    numbers = match.group(1).split(",")
    return " ".join(f'<a class="ref" href="#quelle-{n}">[{n}]</a>' for n in numbers)


def table_html(
    frame: pd.DataFrame,
    table: str | None = None,
    labels: dict[str, str] | None = None,
    *,
    columns: list[str] | None = None,
    index: bool = False,
    decimals: int | None = None,
    note: str | None = None,
) -> str:
    """An escaped HTML table in German; its sources become numbered references.

    Column titles come from the catalogue: the titles of ``table`` (a catalogue table name)
    where the column is one of its, else the titles of derived columns, else the catalogue's
    title of that column name when it is the same in every table; ``labels`` override.
    ``columns`` picks and orders the columns shown; the others still serve (e.g. a date's
    ``_precision``). Values: see ``german``; text columns (e.g. counts already written by
    ``report.counts``) are shown as they are. ``note`` is a line under the table.
    """
    return _html_of(_german_table(frame, table, labels, columns, index, decimals), index, note)


def _html_of(text: pd.DataFrame, index: bool, note: str | None) -> str:
    """The escaped HTML of ``_german_table``'s cells, with reference links and the note."""
    body = text.to_html(index=index, escape=True, border=0, classes="haefen")
    body = _REF.sub(_links, body)
    if note:
        body += f'<p class="table-note">{html.escape(note)}</p>'
    return body


def _german_table(
    frame: pd.DataFrame,
    table: str | None,
    labels: dict[str, str] | None,
    columns: list[str] | None,
    index: bool,
    decimals: int | None,
) -> pd.DataFrame:
    """The cells and titles ``table_html`` shows (sources as reference tokens)."""
    shown = list(columns) if columns is not None else list(frame.columns)
    text = german(frame, decimals, table, shown)
    text = text.rename(columns=titles(shown, table, labels))
    if index and frame.index.name:
        text.index.name = title(str(frame.index.name), table)
    return text


def _sources_as_text(text: pd.DataFrame) -> pd.DataFrame:
    """Reference tokens replaced by the sources' own text (a CSV has no source list)."""
    known: list[str] = _state["sources"]  # type: ignore[assignment]

    def plain(cell: object) -> object:
        if not isinstance(cell, str) or _REF_TOKEN not in cell:
            return cell
        return _REF.sub(
            lambda m: " ; ".join(known[int(n) - 1] for n in m.group(1).split(",")), cell
        )

    return text.map(plain)


def table(
    frame: pd.DataFrame,
    table: str | None = None,
    labels: dict[str, str] | None = None,
    *,
    columns: list[str] | None = None,
    index: bool = False,
    decimals: int | None = None,
    note: str | None = None,
    title: str | None = None,
) -> None:
    """Display ``table_html`` (same arguments) with its "Daten" link, and hand its cells to
    the export step (CSV beside the report, a sheet of its XLSX). ``title`` names the table in
    the data files (default: its catalogue table's title, else "Tabelle N")."""
    from IPython.display import display

    number, shown = _next("data"), _next("Tabelle")
    cells = _german_table(frame, table, labels, columns, index, decimals)
    body = _html_of(cells, index, note)
    text = _sources_as_text(cells)
    if index:
        text = text.reset_index()
    name = title or (catalogue()[table].title if table in catalogue() else None)
    heading = f"Tabelle {shown}" + (f": {name}" if name else "")
    bundle = {
        "text/html": body + _data_link(number, f"Tabelle {shown}"),
        DATA_MIME: _payload(number, "table", heading, text),
    }
    display(bundle, raw=True)


def number(value: object, decimals: int = 0) -> str:
    """German number text ("1.234,5"); "unbekannt" for a missing value."""
    return theme.format_number(value, decimals, missing=UNKNOWN)


def percent(share: object, decimals: int = 1) -> str:
    """A share (0.435) as German percent text ("43,5 %"); "unbekannt" for a missing value."""
    shown = number(share * 100 if share is not None and pd.notna(share) else pd.NA, decimals)
    return shown if shown == UNKNOWN else f"{shown} %"


def small_counts(values: pd.Series, groups: pd.Series, public: bool | None = None) -> pd.Series:
    """Counts as text; in public mode 1–2 persons of a protected group become "< 3"."""
    return counts.cell_texts(values, groups, public=is_public() if public is None else public)


def total(values: pd.Series, groups: pd.Series | None = None, *, empty: str = UNKNOWN) -> str:
    """The total of a column of contributions by the count rule, in the report's privacy
    mode (``counts.total_text``)."""
    return counts.total_text(values, groups, public=is_public(), empty=empty)


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


def _source_item(number: int, source: str) -> str:
    """One entry of the source list: text escaped, http/https/mailto addresses linked."""
    parts, pos = [], 0
    for match in LINK.finditer(source):
        url = match.group(0).rstrip(".,;)")
        end = match.start() + len(url)
        parts.append(html.escape(source[pos : match.start()]))
        parts.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        pos = end
    parts.append(html.escape(source[pos:]))
    return f'<li id="quelle-{number}">{"".join(parts)}</li>'


def provenance_html(data_dir: str | Path | None = None) -> str:
    """The closing block ``provenance`` displays."""
    now = dates.german_time(dates.now())
    version = metadata.version("haefen-analysis")
    mode = "öffentlich (Zahlen von 1–2 Minderjährigen als „< 3“)" if is_public() else "intern"
    sources: list[str] = _state["sources"]  # type: ignore[assignment]
    items = "".join(_source_item(i, s) for i, s in enumerate(sources, start=1))
    return (
        '<section class="provenance"><h2>Herkunft</h2>'
        f"<p>Erstellt am {now} mit haefen-analysis {html.escape(version)}; Fassung: {mode}.<br>"
        f"Daten-Prüfsumme (sha256): <code>{data_hash(data_dir)}</code></p>"
        "<p>Quellen der gezeigten Zahlen (die Nummern in eckigen Klammern verweisen hierher):</p>"
        f'<ol class="sources">{items or "<li>keine</li>"}</ol></section>'
    )


def provenance(data_dir: str | Path | None = None) -> None:
    """Display the closing block: when, with which package version and data, from which
    sources (numbered as referenced on the page)."""
    from IPython.display import display

    body = provenance_html(data_dir)
    display({"text/html": body, SOURCES_MIME: list(_state["sources"])}, raw=True)  # type: ignore[call-overload]
