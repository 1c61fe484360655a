"""plotly.js in German, offline: the "de" locale of the npm package ``plotly.js-locales``
(3.7.0, MIT, copied to ``vendor/`` with its licence) registered in the page, and the figure
config that selects it. The toolbar ("Graphen als PNG herunterladen", "Verschieben", …),
month names and number separators are then German; nothing is fetched.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

LOCALE = "de"
#: Figure config of every figure: German locale, no plotly logo in the toolbar, and no
#: "Share chart..." button (it uploads the chart; plotly.js 4 added it, the locale has no
#: German for it).
CONFIG: dict[str, object] = {
    "locale": LOCALE,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["sendChartToCloud"],
}
_VENDOR = Path(__file__).with_name("vendor") / "plotly-locale-de.js"


@cache
def script() -> str:
    """A ``<script>`` that registers the German locale with the page's plotly.js (to be placed
    after plotly.js and before the first figure)."""
    module = _VENDOR.read_text(encoding="utf-8")
    return (
        "<script>(function () { var module = {exports: {}};\n"
        f"{module}\n"
        "if (window.Plotly) { window.Plotly.register(module.exports); } })();</script>"
    )
