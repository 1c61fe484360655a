"""``haefen data``: what is loaded (tables, rows, as-of dates, sources), coverage per Land, and
the table reference in data/README.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from haefen_analysis.cli import common
from haefen_analysis.cli.common import DataDir, console, fail, say, table

app = common.app("Was geladen ist: Tabellen, Stand, Abdeckung.", no_args_is_help=False)


@app.callback(invoke_without_command=True)
def data_summary(ctx: typer.Context, data_dir: DataDir = None) -> None:
    """Tabellen, Zeilen, Stand und Quellen der geladenen Daten."""
    if ctx.invoked_subcommand:
        return
    from haefen_analysis.analysis.coverage import data_summary as summarise
    from haefen_analysis.catalogue import labels

    frame = summarise(data_dir)
    columns = ["table", "title", "rows", "as_of", "sources"]
    console.print(table("Geladene Daten", frame, labels.titles(columns)))
    console.print(_coverage_table(data_dir))


def _coverage_table(data_dir: Path | None) -> Table:
    from haefen_analysis.analysis.coverage import SHOWN_COLUMNS, member_coverage
    from haefen_analysis.analysis.members import DECLARED
    from haefen_analysis.catalogue import labels

    cov = member_coverage(data_dir)
    out = table("Sichere Häfen: Abdeckung je Land", cov, labels.titles(SHOWN_COLUMNS))
    counted = " oder ".join(labels.value_label("status", s) for s in DECLARED)
    out.caption = (
        f"Gesamt: {cov['in_data'].sum()} in den Daten ({counted}), "
        f"{cov['dated'].sum()} mit Beschlussdatum."
    )
    return out


@app.command("coverage")
def data_coverage(data_dir: DataDir = None) -> None:
    """Abdeckung je Land: Mitglieder in den Daten vs. zuletzt veröffentlichte Zahl; Mitglieder
    ohne amtlichen Schlüssel mit dem Grund."""
    from haefen_analysis.analysis.coverage import members_without_key
    from haefen_analysis.catalogue import labels

    console.print(_coverage_table(data_dir))
    missing = members_without_key(data_dir)
    if missing.empty:
        say("Alle Mitglieder haben einen amtlichen Schlüssel (data/member_keys.csv).")
        return
    columns = ["name", "land_name", "reason"]
    titles = labels.titles(columns)
    console.print(table(f"Ohne amtlichen Schlüssel: {len(missing)}", missing, titles))


@app.command("keys")
def data_keys(
    check: Annotated[
        bool, typer.Option(help="Nur auflösen und melden, data/member_keys.csv nicht schreiben.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Amtliche Schlüssel der Mitglieder aus dem Gemeindeverzeichnis (data/member_keys.csv)."""
    from haefen_analysis.ingest.member_keys import resolve_keys

    result = resolve_keys(data_dir, write=not check)
    target = result.written or "data/member_keys.csv (nicht geschrieben)"
    say(
        f"{target}: {len(result.keys)} Mitglieder mit Schlüssel, davon {result.kept} von Hand "
        f"(mit Quelle); {len(result.unresolved)} nicht aufgelöst."
    )
    for member_id, name, land, reason in result.unresolved:
        say(f"nicht aufgelöst: {name} ({member_id}, Land {land}): {reason}")
    if result.unresolved:
        say(
            "Von Hand ergänzen: eine Zeile in data/member_keys.csv mit match=manual (ars, ags, "
            "level) oder match=kreis (ags = Kreis), jeweils mit Quelle; dann erneut ausführen."
        )


@app.command("merge-research")
def data_merge_research(
    check: Annotated[
        bool, typer.Option(help="Nur prüfen: Exit-Code 1, wenn das Zusammenführen etwas ändert.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Führt die Recherche (data/research/) in data/members.csv zusammen, geprüft."""
    from haefen_analysis.ingest.research import merge_research

    result = merge_research(data_dir, check=check)
    done = "zu übernehmen" if check else "übernommen"
    say(
        f"members.csv: {len(result.added)} neue Mitglieder und {len(result.updated)} "
        f"Aktualisierungen {done}; {result.already_applied} schon enthalten."
    )
    for member_id, column in result.updated:
        say(f"  {member_id}: {column}")
    for member_id in result.added:
        say(f"  neu: {member_id}")
    if check and result.changed:
        fail("members.csv ist nicht auf dem Stand der Recherche: `haefen data merge-research`")


@app.command("docs")
def data_docs(
    check: Annotated[bool, typer.Option(help="Nur prüfen, ob data/README.md aktuell ist.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Schreibt die Tabellen-Dokumentation in data/README.md (aus datapackage.json)."""
    from haefen_analysis.catalogue.docs import update_data_readme

    changed = update_data_readme(data_dir, write=not check)
    if check and changed:
        fail("data/README.md ist nicht aktuell: `haefen data docs` ausführen")
    say("data/README.md " + ("aktualisiert" if changed else "ist aktuell"))
