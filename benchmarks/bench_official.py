"""Benchmark: the official statistics (issue 13), each figure beside a plain-pandas baseline.

Targets:
- reading the 12531-0043 flat file (33.5 MB, ~117,000 rows) with ``read_genesis`` (no cache)
  <= 2.5 x a plain ``pandas.read_csv(dtype=str)`` of the same file;
- resolving all 10,786 directory names against themselves (within Land and Kreis) <= 1 s;
- the build step (``scripts/build_official.py``: three downloads -> two tables) <= 30 s.

The real downloads are read from ``../shared/official`` when present; otherwise the reading
benchmark falls back to a synthetic file in the 12531 layout and the build to the test fixtures
(the figures say which).

Run: .venv/bin/python benchmarks/bench_official.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd
from bench_genesis import write_synthetic

from haefen_analysis import config, datasets
from haefen_analysis.datasets import geo
from haefen_analysis.errors import NameResolutionError
from haefen_analysis.ingest.directory import Directory
from haefen_analysis.ingest.genesis import read_genesis
from haefen_analysis.ingest.official_build import DEFAULT_SOURCE, build

TARGET_READ_RATIO = 2.5
TARGET_RESOLVE_S = 1.0
TARGET_BUILD_S = 30.0
FIXTURES = config.PROJECT_DIR / "tests" / "fixtures" / "official"


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def best(func, *args, runs: int = 3, **kwargs) -> float:
    return min(timed(func, *args, **kwargs)[0] for _ in range(runs))


def bench_read(tmp: Path) -> None:
    found = sorted(DEFAULT_SOURCE.glob("*12531-0043*.csv"))
    if found:
        path, what = found[0], "real download"
    else:
        path, what = tmp / "12531_synthetic.csv", "synthetic, 12531 layout"
        write_synthetic(path)
    ours = best(read_genesis, path, cache=False)
    plain = best(pd.read_csv, path, sep=";", dtype=str)
    size = path.stat().st_size / 1e6
    print(f"12531-0043 ({what}, {size:.1f} MB):")
    print(f"  read_genesis (no cache):   {ours:.2f} s")
    print(f"  pandas.read_csv(dtype=str): {plain:.2f} s  (baseline: no markers, levels, checks)")
    print(f"  ratio: {ours / plain:.2f} x  (target <= {TARGET_READ_RATIO} x)")


def bench_resolve() -> None:
    gemeinden, kreise = datasets.gemeinden(), datasets.kreise()
    index_s, directory = timed(Directory, gemeinden, kreise)

    def resolve_all() -> tuple[int, int, int]:
        unique = shared = wrong = 0
        for entry in directory.entries:
            try:
                hit = directory.resolve_gemeinde(entry.name, entry.land, kreis=entry.kreis)
            except NameResolutionError:
                shared += 1  # the same name twice in one Kreis
                continue
            unique += 1
            wrong += hit.ars != entry.ars
        return unique, shared, wrong

    seconds, (unique, shared, wrong) = timed(resolve_all)
    plain_s, joined = timed(
        lambda: gemeinden.merge(gemeinden, on=["name", "land", "kreis"], suffixes=("", "_hit"))
    )
    print(f"directory: {len(directory.entries):,} Gemeinden, index built in {index_s:.2f} s")
    print(f"  resolve all against themselves: {seconds:.2f} s  (target <= {TARGET_RESOLVE_S} s)")
    print(f"  {unique:,} unique, {shared} refused (same name twice in a Kreis), {wrong} wrong")
    print(
        f"  pandas exact-name self-join:    {plain_s:.3f} s  ({len(joined):,} pairs; no variants)"
    )


def bench_build(tmp: Path) -> None:
    source, what = (
        (DEFAULT_SOURCE, "real downloads")
        if DEFAULT_SOURCE.is_dir()
        else (
            FIXTURES,
            "test fixtures (real downloads absent)",
        )
    )
    kreise = geo.kreise()[["ags", "name", "bez"]]
    if source == FIXTURES:
        kreise = kreise[kreise["ags"].isin(["01001", "01054", "02000", "03241", "03459", "06611"])]
        kreise = pd.concat([kreise, geo.kreise().query("ags == '06633'")[["ags", "name", "bez"]]])
    seconds, _ = timed(build, source, tmp / "out", kreise)
    plain = sum(timed(pd.read_csv, path, sep=";", dtype=str)[0] for path in source.glob("*.csv"))
    print(f"build step ({what}): {seconds:.2f} s  (target <= {TARGET_BUILD_S} s)")
    print(f"  pandas.read_csv of the three files alone: {plain:.2f} s")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_read(Path(tmp))
        bench_resolve()
        bench_build(Path(tmp))


if __name__ == "__main__":
    main()
