"""PDF of a report: the self-contained HTML printed by headless Chromium, from the same page
and its print stylesheet (``report.css``), as a tagged A4 PDF with bookmarks.

One browser is kept per process (a report worker) for the whole batch: the first PDF pays
the start (~0.5 s), later ones only load and print their page (~1.5 s). Every step waits
within what is left of ``PDF_TIMEOUT``; a browser that overruns or breaks is killed
(``common.devtools``) and the next PDF starts a fresh one; it dies with its worker.

Before printing, the page is laid out for print at the width of the A4 text area, figures are
scaled to fit it (``window.haefenPrint.fit``, the same function the page runs before a
reader prints it) and any element still wider than the page fails the PDF, naming it: a PDF
with a cut-off column is not written.
"""

from __future__ import annotations

import atexit
import base64
import html
import time
from pathlib import Path

from haefen_analysis.common import browser, dates
from haefen_analysis.common.devtools import START_TIMEOUT, Browser, file_url
from haefen_analysis.common.files import atomic_write
from haefen_analysis.errors import BrowserNotFoundError, ExportError

#: Seconds one PDF may take (a report prints in about 1.5 s).
PDF_TIMEOUT = 120.0
#: Seconds the figures of a page may take to be drawn.
DRAW_TIMEOUT = 30.0
#: A4 in millimetres and the page margins (the footer sits in the bottom margin).
PAGE_MM = (210.0, 297.0)
MARGIN_MM = {"top": 15.0, "right": 16.0, "bottom": 18.0, "left": 16.0}
#: The width of the text area in CSS pixels (96 per inch): what a figure is scaled to.
CONTENT_WIDTH_PX = round((PAGE_MM[0] - MARGIN_MM["left"] - MARGIN_MM["right"]) * 96 / 25.4)

#: Resolves when every plotly figure is drawn (or plotly.js is missing: its message shows).
_DRAWN = """new Promise(done => {
  const end = Date.now() + %d;
  (function check() {
    const graphs = [...document.querySelectorAll('.plotly-graph-div')];
    const ready = !window.Plotly || graphs.every(g => g.querySelector('.main-svg'));
    if (ready || Date.now() > end) {
      done(graphs.filter(g => !g.querySelector('.main-svg')).length);
    } else { setTimeout(check, 50); }
  })();
})"""


def _mm_to_inches(mm: float) -> float:
    return mm / 25.4


def footer_html(title: str, data_version: str) -> str:
    """Chromium's footer template: title, report date and data version, page N of M."""
    today = dates.german(dates.now())
    return (
        '<div style="font-family: Arial, sans-serif; font-size: 7.5pt; color: #444;'
        f" width: 100%; box-sizing: border-box; padding: 0 {MARGIN_MM['left']}mm;"
        ' display: flex; justify-content: space-between; gap: 4mm;">'
        f"<span>{html.escape(title)}</span><span>Bericht vom {today} · Daten: "
        f"{html.escape(data_version)}</span>"
        '<span style="white-space: nowrap">Seite <span class="pageNumber"></span> von '
        '<span class="totalPages"></span></span></div>'
    )


_browser: Browser | None = None


def _printer(start_timeout: float) -> Browser:
    """This process's browser for PDFs, started on first use and kept for the batch (a new
    one when the browser search now finds another, e.g. ``BROWSER_PATH`` changed)."""
    global _browser
    exe = browser.find()  # BrowserNotFoundError: the one line saying what to install
    if _browser is None or not _browser.alive or _browser.exe != exe:
        discard()
        _browser = Browser(start_timeout=min(start_timeout, START_TIMEOUT))
    return _browser


def discard() -> None:
    """Kill this process's PDF browser (at exit, and after any failure)."""
    global _browser
    if _browser is not None:
        _browser.close()
        _browser = None


atexit.register(discard)


def print_page(html_path: Path, title: str, data_version: str, timeout: float = PDF_TIMEOUT):
    """The PDF bytes of ``html_path`` and the elements wider than the text area (empty when
    the page fits)."""
    deadline = time.monotonic() + timeout

    def left() -> float:
        rest = deadline - time.monotonic()
        if rest <= 0:
            raise ExportError("Zeit abgelaufen")
        return rest

    try:
        chrome = _printer(left())
        page = chrome.open_page(left())
        try:
            chrome.call("Emulation.setEmulatedMedia", {"media": "print"}, page, left())
            metrics = {"width": CONTENT_WIDTH_PX, "height": 1100, "deviceScaleFactor": 1}
            chrome.call(
                "Emulation.setDeviceMetricsOverride", metrics | {"mobile": False}, page, left()
            )
            chrome.navigate(page, file_url(html_path), left())
            chrome.evaluate(page, _DRAWN % (DRAW_TIMEOUT * 1000), left())
            wide = chrome.evaluate(
                page,
                f"window.haefenPrint ? (haefenPrint.fit({CONTENT_WIDTH_PX}),"
                f" haefenPrint.wide({CONTENT_WIDTH_PX})) : []",
                left(),
            )
            chrome.call("Emulation.clearDeviceMetricsOverride", {}, page, left())
            printed = chrome.call(
                "Page.printToPDF",
                {
                    "paperWidth": _mm_to_inches(PAGE_MM[0]),
                    "paperHeight": _mm_to_inches(PAGE_MM[1]),
                    **{f"margin{k.title()}": _mm_to_inches(v) for k, v in MARGIN_MM.items()},
                    "preferCSSPageSize": True,
                    "printBackground": True,
                    "displayHeaderFooter": True,
                    "headerTemplate": "<span></span>",
                    "footerTemplate": footer_html(title, data_version),
                    "generateTaggedPDF": True,
                    "generateDocumentOutline": True,
                },
                page,
                left(),
            )
        finally:
            if chrome.alive:
                chrome.close_page(page)
    except BrowserNotFoundError:
        raise  # the one line saying what to install
    except ExportError as exc:
        discard()  # a browser that failed once is not trusted with the next report
        if time.monotonic() >= deadline - 0.5:
            raise ExportError(f"Chromium-PDF: keine Antwort nach {timeout:g} s") from None
        raise ExportError(f"Chromium-PDF fehlgeschlagen: {exc}") from None
    return base64.b64decode(printed["data"]), list(wide or [])


def data_version(data_dir: Path | None = None) -> str:
    """What the footer names as the data: the members table's "Stand" and the data hash."""
    from haefen_analysis.catalogue.schema import catalogue
    from haefen_analysis.report import data_hash

    as_of = dates.german_iso(catalogue(data_dir)["members"].as_of) or "unbekannt"
    return f"Stand {as_of}, Prüfsumme {data_hash(data_dir)[:12]}"


def write_pdf(
    html_path: Path,
    pdf_path: Path,
    timeout: float = PDF_TIMEOUT,
    title: str = "",
) -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4, tagged, bookmarks, footer naming ``title``);
    ``ExportError`` if an element is wider than the page or the browser fails."""
    data, wide = print_page(html_path, title or html_path.stem, data_version(), timeout)
    if wide:
        raise ExportError(
            f"PDF: breiter als die Seite ({CONTENT_WIDTH_PX} px): {', '.join(wide[:3])}"
        )
    return atomic_write(pdf_path, data)


def page_css() -> str:
    """The ``@page`` rule of the report stylesheet (A4 and the margins above)."""
    margins = " ".join(f"{MARGIN_MM[k]:g}mm" for k in ("top", "right", "bottom", "left"))
    return f"@page {{ size: A4; margin: {margins}; }}"


def print_script() -> str:
    """The page's print helpers: scale figures, and tables whose columns cannot wrap further,
    to the text area before printing (the PDF export calls the same) and list elements that
    are still too wide."""
    return (
        "<script>window.haefenPrint = {\n"
        "  fit: function (width) {\n"
        "    document.querySelectorAll('.plotly-graph-div').forEach(function (g) {\n"
        "      var box = g.parentElement;  /* plotly's sized box: width and height in px */\n"
        "      box.style.zoom = '';\n"
        "      var avail = Math.min(width, box.parentElement.clientWidth || width);\n"
        "      if (box.offsetWidth > avail) {\n"
        "        box.style.zoom = (avail / box.offsetWidth).toFixed(4);\n"
        "      }\n"
        "    });\n"
        "    /* a table of many columns whose headers cannot wrap further: slightly smaller */\n"
        "    document.querySelectorAll('table').forEach(function (t) {\n"
        "      t.style.zoom = '';\n"
        "      var right = t.getBoundingClientRect().right;\n"
        "      if (right > width) {\n"
        "        var left = t.getBoundingClientRect().left;\n"
        "        t.style.zoom = ((width - left) / (right - left)).toFixed(4);\n"
        "      }\n"
        "    });\n"
        "  },\n"
        "  unfit: function () {\n"
        "    document.querySelectorAll('.plotly-graph-div')"
        ".forEach(function (g) { g.parentElement.style.zoom = ''; });\n"
        "    document.querySelectorAll('table').forEach(function (t) { t.style.zoom = ''; });\n"
        "  },\n"
        "  wide: function (width) {\n"
        "    var out = [];\n"
        "    /* an SVG clips its own shapes: its thousands of nodes are not measured */\n"
        "    document.querySelectorAll('body *:not(svg, svg *)').forEach(function (el) {\n"
        "      var r = el.getBoundingClientRect();\n"
        "      if (r.width > 0 && r.right > width + 1 && out.length < 10) {\n"
        "        var cls = typeof el.className === 'string' ? el.className.split(' ')[0] : '';\n"
        "        out.push(el.tagName.toLowerCase() + (cls ? '.' + cls : '') + ' ('"
        " + Math.round(r.right) + ' px)');\n"
        "      }\n"
        "    });\n"
        "    return out;\n"
        "  }\n"
        "};\n"
        "addEventListener('beforeprint', function () {"
        f" haefenPrint.fit({CONTENT_WIDTH_PX}); }});\n"
        "addEventListener('afterprint', function () { haefenPrint.unfit(); });</script>"
    )
