"""An executed notebook as the HTML file a reader opens: outputs only, no code, offline.

Everything here must work with the network off. nbconvert's ``lab`` template loads require.js,
MathJax and the widget manager from CDNs, and plotly's notebook renderer adds a MathJax CDN
script to every figure; :func:`to_html` leaves all of them out and :func:`remote_resources`
proves nothing remote is left. Files are written with ``common.files.atomic_write``, so a
reader or a crashed run never sees half a file.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from haefen_analysis.common.files import atomic_write
from haefen_analysis.publish import pdf

#: Written next to the reports by ``--shared-plotlyjs``; the HTML files reference it.
PLOTLYJS_NAME = "plotly.min.js"

#: A lab template without the CDN scripts (require.js, MathJax, mermaid, widget manager):
#: reports need none of them, and offline they only cost a failed request each. JupyterLab's
#: theme CSS (~260 KB per report) is replaced by the small ``report.css`` (screen and print, with
#: the A4 ``@page`` rule and the print helpers of ``publish.pdf``).
_OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block notebook_css -%}<style type="text/css">{% raw %}CSS{% endraw %}</style>
{% raw %}PRINT{% endraw %}
{%- endblock notebook_css -%}
"""
_OFFLINE_TEMPLATE = _OFFLINE_TEMPLATE.replace(
    "CSS", Path(__file__).with_name("report.css").read_text(encoding="utf-8") + pdf.page_css()
).replace("PRINT", pdf.print_script())

#: plotly's notebook renderer writes ``<script src="https://cdnjs…/mathjax/…">`` into every
#: figure (only needed for LaTeX in labels, which the reports do not use).
_MATHJAX_CDN = re.compile(
    r"<script[^>]*\ssrc=[\"']https?://[^\"']*mathjax[^\"']*[\"'][^>]*>\s*</script>", re.I
)


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
    """Load nbconvert and its templates now: the command calls this while a lone report's
    notebook runs in the worker (``runner._build``), not after it came back."""
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


def write_plotlyjs(folder: Path) -> Path:
    """The shared plotly.js of a report set (``--shared-plotlyjs``)."""
    return atomic_write(folder / PLOTLYJS_NAME, plotlyjs())
