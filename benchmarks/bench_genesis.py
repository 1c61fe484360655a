"""Benchmark: read a GENESIS flat file of the 12531-0043 shape (~117,000 rows, ~20 MB).

Targets (issue 6): <= 2 s cold (parse + write cache), <= 0.2 s from the cache. The file is
synthetic (made-up values in the real layout); official data is never committed. The naive
baseline reads the same file with the csv module row by row, the way a quick script would.

Run: .venv/bin/python benchmarks/bench_genesis.py
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from pathlib import Path

import pandas as pd

from haefen_analysis.ingest.genesis import read_genesis

TARGET_COLD_S = 2.0
TARGET_CACHED_S = 0.2
HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;"
    "1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;"
    "2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;"
    "3_variable_code;3_variable_label;3_variable_attribute_code;3_variable_attribute_label;"
    "value;value_unit;value_variable_code;value_variable_label;value_q"
)
SEXES = (("", "Insgesamt"), ("GESM", "männlich"), ("GESW", "weiblich"))
STATUSES = [("", "Insgesamt")] + [(f"SCHST2-{i:02d}", f"Status {i}") for i in range(1, 6)]


def write_synthetic(path: Path, years: int = 16, kreise: int = 406) -> int:
    """Made-up values, 12531-0043 layout: Stichtag x Kreis x Geschlecht x Schutzstatus."""
    rng = random.Random(12531)
    lines = [HEADER]
    for year in range(2024 - years, 2024):
        for k in range(kreise):
            ags = f"{k // 30 + 1:02d}{k % 30 + 1:03d}"
            for ges, ges_label in SEXES:
                for st, st_label in STATUSES:
                    roll = rng.random()
                    value = (
                        "-"
                        if roll < 0.05
                        else "."
                        if roll < 0.06
                        else str(rng.randrange(0, 40000, 5))
                    )
                    lines.append(
                        f"12531;Statistik über Schutzsuchende;STAG;Stichtag;{year}-12-31;"
                        f"KREISE;Kreise und kreisfreie Städte;{ags};Kreis {ags};"
                        f"GES;Geschlecht;{ges};{ges_label};SCHST2;Schutzstatuskategorie;{st};{st_label};"
                        f"{value};Anzahl;BEV030;Schutzsuchende;{'' if value in '-.' else 'e'}"
                    )
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def naive(path: Path) -> pd.DataFrame:
    """Row loop with the csv module and per-value number parsing."""
    records = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            raw = row["value"]
            marker = raw if raw in {"-", ".", "...", "/", "x"} else None
            value = None if marker else float(raw.replace(".", "").replace(",", "."))
            records.append({**row, "value": value, "missing_marker": marker})
    return pd.DataFrame.from_records(records)


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        source = tmp_path / "12531-0043_synthetisch_flat.csv"
        n = write_synthetic(source)
        size_mb = source.stat().st_size / 1e6
        cold, df = timed(read_genesis, source, data_dir=tmp_path)
        assert len(df) == n and not df.attrs["from_cache"]
        cached_runs = [timed(read_genesis, source, data_dir=tmp_path)[0] for _ in range(5)]
        cached = min(cached_runs)
        baseline, naive_df = timed(naive, source)
        assert len(naive_df) == n
    print(f"file: {n:,} rows, {size_mb:.1f} MB (synthetic, 12531-0043 layout)")
    print(f"cold parse + cache write: {cold:.2f} s  (target <= {TARGET_COLD_S} s)")
    print(f"from cache (best of 5):   {cached:.3f} s  (target <= {TARGET_CACHED_S} s)")
    print(f"naive csv row loop:       {baseline:.2f} s  (no checks, no tidy columns)")
    print(f"ratio naive / cold:  {baseline / cold:.1f}x")
    print(f"ratio naive / cache: {baseline / cached:.0f}x")


if __name__ == "__main__":
    main()
