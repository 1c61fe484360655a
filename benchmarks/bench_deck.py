"""Deck benchmark: Germany and the 16 Länder as `make reports` builds them (`haefen deck --all`,
one process) against the naive way (one `haefen deck --land X` process per deck, 17 starts).
Prints both wall times; needs a browser (the maps).

Run: .venv/bin/python benchmarks/bench_deck.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from haefen_analysis.ingest import codes

HAEFEN = Path(sys.executable).with_name("haefen")


def run(args: list[str], reports: Path) -> float:
    start = time.perf_counter()
    env = {**os.environ, "HAEFEN_REPORTS_DIR": str(reports)}
    subprocess.run([str(HAEFEN), "deck", *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-deck-") as tmp:
        together = run(["--all"], Path(tmp) / "all")
        scopes = ["DE", *(land.short for land in codes.laender())]
        apart = sum(run(["--land", code], Path(tmp) / "apart") for code in scopes)
        decks = len(list((Path(tmp) / "all").rglob("deck-*.pptx")))
    print(f"{decks} Foliensätze, ein Prozess (haefen deck --all): {together:.1f} s")
    print(f"naiv, ein Prozess je Foliensatz ({len(scopes)} Starts): {apart:.1f} s")


if __name__ == "__main__":
    main()
