"""``haefen import genesis PATH``: read an official statistics download and summarise it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from haefen_analysis.cli import common
from haefen_analysis.cli.common import fail, say

app = common.app("Amtliche Statistik einlesen (GENESIS-Online, Regionalstatistik).")


@app.callback()
def _group() -> None:
    """Amtliche Statistik einlesen (GENESIS-Online, Regionalstatistik)."""


@app.command("genesis")
def genesis_command(
    path: Annotated[Path, typer.Argument(help="GENESIS-Tabelle (CSV) oder Flatfile (ffcsv).")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Ergebnis als Tabelle speichern (.csv oder .parquet)."),
    ] = None,
    cache: Annotated[
        bool, typer.Option("--cache/--no-cache", help="Zwischenspeicher nutzen.")
    ] = True,
    allow_negative: Annotated[
        bool,
        typer.Option("--allow-negative", help="Negative Werte auch bei Personenzahlen zulassen."),
    ] = False,
) -> None:
    """Eine GENESIS-/Regionalstatistik-Datei einlesen und zusammenfassen."""
    from haefen_analysis.common.files import write_csv, write_parquet
    from haefen_analysis.ingest.genesis import read_genesis

    if out is not None and out.suffix.lower() not in {".csv", ".parquet"}:
        fail(f"--out {out.name}: nur .csv oder .parquet")
    df = read_genesis(path, cache=cache, allow_negative=allow_negative or None)
    for line in summary(df):
        say(line)
    if out is not None:  # a path that cannot be written: OutputError, one line naming it
        (write_csv if out.suffix.lower() == ".csv" else write_parquet)(df, out)
        say(f"Gespeichert: {out}")


def summary(df) -> list[str]:
    """German summary lines of a tidy GENESIS frame (what the analyst checks first)."""
    attrs = df.attrs
    statistic = df["statistic"].iloc[0]
    label = df["statistic_label"].iloc[0]
    table = df["table"].iloc[0]
    markers = df["missing_marker"].value_counts()
    marker_text = ", ".join(f"'{m}' {n}" for m, n in markers.items()) or "keine"
    times = sorted(df["time"].dropna().unique())
    lines = [
        f"Datei: {attrs.get('path', '')}",
        f"Format: {attrs['format_label']}",
        f"Statistik: {statistic} {label}"
        + (f" (Tabelle {table})" if isinstance(table, str) else ""),
        f"Merkmale: {', '.join(f'{k} ({v})' for k, v in attrs['variables'].items())}",
        f"Zeit: {times[0]} bis {times[-1]} ({len(times)} Zeitpunkt{'e' * (len(times) > 1)})"
        if times
        else "Zeit: keine",
        f"Zeilen: {len(df)}",
        f"Fehlende Werte: {marker_text}",
        f"Summenzeilen (Insgesamt): {int(df['is_total'].sum())}",
        f"Kodierung: {attrs['encoding']}",
    ]
    for key, counts in attrs.get("levels", {}).items():
        if len(counts) > 1:
            shown = ", ".join(f"{level} {n}" for level, n in counts.items())
            lines.append(f"Ebenen {key}: {shown} (Summen und Details getrennt: {key}_level)")
    if attrs.get("stand"):
        lines.append(f"Stand: {attrs['stand']}")
    lines += [f"Korrektur: {c}" for c in attrs.get("corrections", [])]
    if attrs.get("from_cache"):
        lines.append("Aus dem Zwischenspeicher gelesen.")
    return lines
