"""``haefen deck``: the meeting deck (PPTX) for a Land or Germany.

One command; the main app registers the function ``deck`` (``app.command("deck")(deck)``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from haefen_analysis.cli.common import DataDir, SkipWithoutBrowser, fail, say, skipped


def deck(
    land: Annotated[
        str | None,
        typer.Option(
            help="Land in beliebiger Schreibweise (SH, 01, Schleswig-Holstein); ohne: Deutschland."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Zieldatei (sonst reports/<Datum>/deck-<Land>.pptx)."),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(help="Jahr, dessen Königsteiner Schlüssel gezeigt wird (sonst 2020)."),
    ] = None,
    data_dir: DataDir = None,
    skip_without_browser: SkipWithoutBrowser = False,
) -> None:
    """Foliensatz (PPTX, 16:9) für eine Sitzung: Kennzahlen, Karte, Ländervergleich, Quellen."""
    from haefen_analysis.errors import BrowserNotFoundError, KeyNotFoundError, UnknownLandError
    from haefen_analysis.publish.deck import build_deck

    try:
        path = build_deck(land, out, data_dir=data_dir, year=year)
    except (UnknownLandError, KeyNotFoundError) as exc:
        fail(f"{'--land' if isinstance(exc, UnknownLandError) else '--year'}: {exc}")
    except BrowserNotFoundError as exc:
        if not skip_without_browser:
            raise
        skipped(f"Foliensatz {land or 'Deutschland'}", exc)
        return
    say(f"Foliensatz geschrieben: {path}")
