"""The browser behind every PNG, PDF and deck export: found the way kaleido finds it, or one
German line saying what is missing and how to get it.

kaleido (through choreographer) looks, in this order, for a Chrome it downloaded itself
(``plotly_get_chrome``, under ``$XDG_DATA_HOME/choreographer``), ``$BROWSER_PATH``, then the
names of Chrome, Chromium, Edge and Brave on ``PATH`` and their usual install paths. The PDF
export uses the same search, so a machine has one browser for all exports, and one check
(:func:`find`) answers before anything waits for a browser that is not there.
"""

from __future__ import annotations

import os

from haefen_analysis.errors import BrowserNotFoundError

BROWSER_PATH_ENV = "BROWSER_PATH"
#: How to get a browser (``make test`` and ``make reports`` try these themselves).
INSTALL_HINT = (
    "`sudo apt-get install chromium` (Debian/Ubuntu), oder `.venv/bin/plotly_get_chrome -y` "
    "(lädt Chrome for Testing), oder BROWSER_PATH auf ein Chrome/Chromium setzen"
)


def _usable(path: str | None) -> bool:
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)  # type: ignore[arg-type]


def find() -> str:
    """Path of the browser kaleido would start; ``BrowserNotFoundError`` if there is none."""
    from choreographer.browsers.chromium import Chromium

    found = Chromium.find_browser(skip_local=False)
    if _usable(found):
        return str(found)
    configured = os.environ.get(BROWSER_PATH_ENV)
    what = (
        f"{BROWSER_PATH_ENV}={configured!r} ist kein ausführbares Programm"
        if configured
        else "kein Chrome oder Chromium gefunden"
    )
    raise BrowserNotFoundError(
        f"PNG-, PDF- und Foliensatz-Export brauchen einen Browser ({what}): {INSTALL_HINT}"
    )
