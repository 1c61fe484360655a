"""``haefen deck``: the meeting deck (PPTX) for Germany, a Land or a member.

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
            " Mit --member: das Land, wenn der Name mehrdeutig ist."
        ),
    ] = None,
    member: Annotated[
        str | None,
        typer.Option(help="Mitglied (Gemeinde, Kreis; Name oder member_id) statt eines Landes."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Zieldatei (sonst reports/<Datum>/deck-<Land oder Mitglied>.pptx)."),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(help="Jahr, dessen Königsteiner Schlüssel gezeigt wird (sonst 2020)."),
    ] = None,
    all_laender: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Deutschland und alle 16 Länder in einem Lauf (deck-DE.pptx, deck-SH.pptx, …).",
        ),
    ] = False,
    data_dir: DataDir = None,
    skip_without_browser: SkipWithoutBrowser = False,
) -> None:
    """Foliensatz (PPTX, 16:9) für eine Sitzung: Kennzahlen, Mitglieder, Zusagen und Aufnahmen,
    Zeitverlauf, Treffen, Karte, Unbekanntes, Quellen. Ohne Browser und mit
    --skip-without-browser fehlt nur die Karte (die Folie sagt es)."""
    from haefen_analysis.errors import (
        BrowserNotFoundError,
        KeyNotFoundError,
        NameResolutionError,
        UnknownLandError,
    )
    from haefen_analysis.ingest import codes
    from haefen_analysis.publish import portal
    from haefen_analysis.publish.deck import build_deck, build_decks

    if all_laender and (land or member or out):
        fail(
            "--all schreibt Deutschland und alle Länder an ihren Ort: ohne --land, --member, --out"
        )
    if skip_without_browser:
        from haefen_analysis.common import browser

        try:
            browser.find()
        except BrowserNotFoundError as exc:
            what = (
                "Foliensätzen" if all_laender else f"Foliensatz {member or land or 'Deutschland'}"
            )
            skipped(f"Karte im {what}", exc)
    options = {"data_dir": data_dir, "year": year, "skip_map": skip_without_browser}
    try:
        if all_laender:
            scopes = [None, *(one.short for one in codes.laender())]
            written = build_decks(scopes, **options)
        else:
            written = iter([build_deck(land, out, member=member, **options)])
        paths = []
        for path in written:  # each line as soon as its deck is written
            say(f"Foliensatz geschrieben: {path}")
            paths.append(path)
        # the set's portal links a deck once it exists (nothing if the folder holds no set)
        for folder in {path.parent for path in paths}:
            portal.refresh(folder)
    except (UnknownLandError, KeyNotFoundError, NameResolutionError) as exc:
        option = {UnknownLandError: "--land", NameResolutionError: "--member"}
        fail(f"{next((o for t, o in option.items() if isinstance(exc, t)), '--year')}: {exc}")
