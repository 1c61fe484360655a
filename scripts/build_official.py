"""Build data/gemeinden.csv and data/kreise.csv (with data/official_provenance.json) from the
official downloads: Zensus 2022 1000A-0000, Regionalstatistik 12411-01-01-4, GENESIS
12531-0043 (see ``haefen_analysis.ingest.official_build``). Reproducible byte for byte; nothing
is written unless everything is built and valid.

Usage: ``.venv/bin/python scripts/build_official.py [--source DIR] [--out DIR]``
(``make official`` runs it, then ``haefen data keys``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from haefen_analysis import config
from haefen_analysis.datasets import geo
from haefen_analysis.errors import HaefenError
from haefen_analysis.ingest.official_build import DEFAULT_SOURCE, build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder of downloads")
    parser.add_argument("--out", type=Path, default=config.data_dir(), help="output folder")
    args = parser.parse_args()
    try:
        written = build(args.source, args.out, geo.kreise()[["ags", "name", "bez"]])
    except HaefenError as exc:
        sys.exit(f"Fehler: {exc}")
    for path in written:
        print(f"{path.stat().st_size:>10,d}  {path}")


if __name__ == "__main__":
    main()
