"""Turning executed notebooks into files a reader opens: HTML without code, PDF, the index.

Everything here must work with the network off. nbconvert's ``lab`` template loads require.js,
MathJax and the widget manager from CDNs, and plotly's notebook renderer adds a MathJax CDN
script to every figure; :func:`to_html` leaves all of them out and :func:`remote_resources`
proves nothing remote is left. Every file is written atomically (:func:`atomic_write`), so a
reader or a crashed run never sees half a file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

#: Written next to the reports by ``--shared-plotlyjs``; the HTML files reference it.
PLOTLYJS_NAME = "plotly.min.js"

#: A lab template without the CDN scripts (require.js, MathJax, mermaid, widget manager):
#: reports need none of them, and offline they only cost a failed request each. JupyterLab's
#: theme CSS (~260 KB per report) is replaced by the small ``report.css``.
_OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block notebook_css -%}<style type="text/css">{% raw %}CSS{% endraw %}</style>
{%- endblock notebook_css -%}
""".replace("CSS", (Path(__file__).with_name("report.css")).read_text(encoding="utf-8"))

#: plotly's notebook renderer writes ``<script src="https://cdnjs…/mathjax/…">`` into every
#: figure (only needed for LaTeX in labels, which the reports do not use).
_MATHJAX_CDN = re.compile(
    r"<script[^>]*\ssrc=[\"']https?://[^\"']*mathjax[^\"']*[\"'][^>]*>\s*</script>", re.I
)

#: Chromium flags: no sandbox (root in containers), no network chatter, a throw-away profile.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-pdf-header-footer",
)


class ExportError(RuntimeError):
    """An output that cannot be written as promised (remote resources, no browser for PDF)."""


def atomic_write(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    The temporary file lives in the same folder (``os.replace`` is atomic only within one file
    system) and is removed when anything fails.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide reports from a web server
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@cache
def _exporter() -> Any:
    """One exporter per process: the first export loads templates (~0.3 s), later ones ~0.04 s."""
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"haefen_offline.html.j2": _OFFLINE_TEMPLATE})],
        template_file="haefen_offline.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="de",
    )


def warm_up() -> None:
    """Load the templates now (workers call this at start, not inside the first report)."""
    import nbformat

    to_html(nbformat.v4.new_notebook(), "")


@cache
def plotlyjs() -> str:
    """The plotly.js bundle of the installed plotly (the one the kernel embeds)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def to_html(nb: Any, title: str) -> str:
    """Self-contained HTML of an executed notebook: outputs only, no code, no CDN scripts."""
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return _MATHJAX_CDN.sub("", body)


def share_plotlyjs(html: str, src: str = PLOTLYJS_NAME) -> str:
    """Replace every inline copy of plotly.js with ``<script src=…>`` of the shared file.

    A report without figures, or one whose kernel embedded another plotly.js version, is
    returned unchanged (still self-contained, so still correct).
    """
    bundle = plotlyjs()
    parts: list[str] = []
    pos = 0
    while (hit := html.find(bundle, pos)) >= 0:
        start = html.rfind("<script", pos, hit)
        end = html.find("</script>", hit + len(bundle))
        if start < 0 or end < 0:
            break
        parts += [html[pos:start], f'<script src="{src}"></script>']
        pos = end + len("</script>")
    return "".join(parts) + html[pos:]


def share_plotlyjs_in_notebook(nb: Any, src: str = PLOTLYJS_NAME) -> Any:
    """The same for the executed notebook kept beside the HTML: its HTML outputs reference the
    shared file (JupyterLab renders plotly's own mime type and never needs them), so a report
    set of 240 notebooks takes ~0.3 MB each instead of ~5 MB."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                text = data["text/html"]
                data["text/html"] = share_plotlyjs(
                    "".join(text) if isinstance(text, list) else text, src
                )
    return nb


class _ResourceScanner(HTMLParser):
    """Collects what a browser would fetch: src/href of loading tags, imports in scripts."""

    LOADING = {"script": "src", "img": "src", "iframe": "src", "link": "href", "source": "src"}
    LOADING |= {"embed": "src", "video": "src", "audio": "src", "object": "data"}
    REMOTE = re.compile(r"^(https?:)?//", re.I)
    SCRIPT_REMOTE = re.compile(r"""(import\s*\(?\s*|paths\s*:\s*\{[^}]*)["'](https?:)?//""", re.I)

    def __init__(self, bundle: str) -> None:
        super().__init__()
        self.bundle = bundle
        self.found: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = self.LOADING.get(tag)
        for name, value in attrs:
            if name == wanted and value and self.REMOTE.match(value.strip()):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            code = "".join(self._script)
            self._script = None
            if code.strip() != self.bundle.strip() and self.SCRIPT_REMOTE.search(code):
                self.found.append(f"<script>…{self.SCRIPT_REMOTE.search(code).group(0)}…")


def remote_resources(html: str) -> list[str]:
    """Everything in ``html`` that a browser would load from the network (empty = offline).

    The plotly.js bundle itself is skipped: it contains CDN URLs as defaults (e.g. for world
    maps) that are only fetched by geo traces without local map data, which the notebooks
    must provide.
    """
    scanner = _ResourceScanner(plotlyjs())
    scanner.feed(html)
    scanner.close()
    return scanner.found


def chromium() -> str:
    """The Chromium executable for PDFs (``$BROWSER_PATH`` overrides, as for kaleido)."""
    for name in (os.environ.get("BROWSER_PATH"), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    raise ExportError(
        "PDF braucht Chromium, das nicht gefunden wurde: "
        "`apt-get install chromium` (oder BROWSER_PATH setzen)"
    )


def write_pdf(html_path: Path, pdf_path: Path, timeout: float = 120) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium (keeps plotly figures)."""
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="haefen-chromium-") as profile:
        tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        cmd += [f"--print-to-pdf={tmp}", html_path.resolve().as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            if done.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
                tail = (done.stderr or "").strip().splitlines()[-1:] or ["keine Ausgabe"]
                raise ExportError(f"Chromium-PDF fehlgeschlagen ({done.returncode}): {tail[0]}")
            os.replace(tmp, pdf_path)
        finally:
            tmp.unlink(missing_ok=True)
    return pdf_path


def write_plotlyjs(folder: Path) -> Path:
    """The shared plotly.js of a report set (``--shared-plotlyjs``)."""
    return atomic_write(folder / PLOTLYJS_NAME, plotlyjs())


STATUS_LABELS = {
    "ok": "fertig",
    "failed": "Fehler",
    "skipped": "übersprungen",
    "interrupted": "abgebrochen",
}

_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{{ heading }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ccc; padding: .3rem .6rem; text-align: left;
         vertical-align: top; }
.ok { color: #1a7f37; } .failed, .interrupted { color: #b42318; } .skipped { color: #777; }
.error { font-family: monospace; font-size: .85em; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>{{ heading }}</h1>
<p>{{ summary }}</p>
<table>
<thead><tr><th>Bericht</th><th>Parameter</th><th>Status</th><th>Dauer (s)</th>
<th>Erstellt</th><th>Dateien</th></tr></thead>
<tbody>
{%- for r in records %}
<tr>
<td>{% if r.good %}<a href="{{ r.good.files.html }}">{{ r.title }}</a>{% else %}{{ r.title }}
{%- endif %}</td>
<td>{{ r.parameters | dictsort | map('join', '=') | join(', ') }}</td>
<td class="{{ r.status }}">{{ labels.get(r.status, r.status) }}
{%- if r.error %}<div class="error">{{ r.error }}</div>{% endif %}
{%- if r.status != 'ok' and r.good %}<div>letzter guter Stand: {{ r.good.finished }}</div>
{%- endif %}</td>
<td>{{ '%.1f' | format(r.seconds) if r.seconds is not none else '–' }}</td>
<td>{{ r.finished or '–' }}</td>
<td>
{%- if r.good %}{% for kind, path in r.good.files | dictsort %}
<a href="{{ path }}">{{ file_labels.get(kind, kind) }}</a>{% endfor %}{% endif %}
{%- if r.failed_ipynb %} <a href="{{ r.failed_ipynb }}">fehlgeschlagenes Notebook</a>{% endif %}
</td>
</tr>
{%- endfor %}
</tbody>
</table>
</body>
</html>
"""


def index_html(records: Iterable[Mapping[str, Any]], day: str) -> str:
    """The German index of a report folder; every value is HTML-escaped (autoescape)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    rows = sorted(records, key=lambda r: (r["kind_order"], r["order"], r["slug"]))
    failed = sum(r["status"] != "ok" for r in rows)
    summary = f"{len(rows)} Berichte, davon {failed} ohne aktuellen Stand."
    return env.from_string(_INDEX_TEMPLATE).render(
        heading=f"Berichte vom {day}",
        summary=summary,
        records=rows,
        labels=STATUS_LABELS,
        file_labels={"html": "HTML", "pdf": "PDF", "ipynb": "Notebook"},
    )
