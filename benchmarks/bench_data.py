"""Foundation benchmarks: load all curated data cold and warm, normalise 11,000 municipality
names, import time of the package. Prints each figure, its target and the naive alternative.

Run: .venv/bin/python benchmarks/bench_data.py
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import warnings

import pandas as pd


def timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def fresh_process(code: str) -> float:
    """Wall time of ``code`` in a new interpreter (cold: nothing cached, imports included)."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from haefen_analysis import datasets
    from haefen_analysis.catalogue.schema import catalogue
    from haefen_analysis.ingest import names

    imp = min(fresh_process("import haefen_analysis") for _ in range(3))
    print(f"import haefen_analysis: {imp:.3f} s (target ≤ 1 s)")

    cold = min(
        fresh_process("from haefen_analysis import datasets; datasets.load_all()") for _ in range(3)
    )
    print(f"load all tables, cold (new process, imports included): {cold:.3f} s")

    datasets.load_all()
    warm = timed(datasets.load_all)
    files = [r.path for r in catalogue().values()]
    data = datasets.config.data_dir()
    naive = timed(lambda: [pd.read_csv(data / f) for f in files])
    print(
        f"load all tables, warm: {warm:.4f} s (target ≤ 0.2 s); naive re-read of the CSVs "
        f"without validation: {naive:.4f} s; ratio {warm / naive:.2f}"
    )

    # 11,000 names as they arrive from sources: spellings of members repeat, many are unknown
    members = datasets.members()
    spellings = [f"Stadt {n}" for n in members["name"]] + [f"{n}, Stadt" for n in members["name"]]
    unknown = [f"Ort {i}" for i in range(400)]
    sample = pd.Series((spellings + unknown) * (11_000 // (len(spellings) + len(unknown)) + 1))
    sample = sample.iloc[:11_000]
    resolver = names.resolver()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = timed(lambda: resolver.harmonise(sample), repeat=3)

        def naive_loop() -> None:  # a fresh resolver per name: no index reuse, no cache
            for name in sample.iloc[:1_100]:
                with contextlib.suppress(ValueError):
                    names.NameResolver(members, datasets.load("aliases")).resolve(name)

        slow = timed(naive_loop, repeat=1) * 10
    print(
        f"normalise 11,000 names: {fast:.3f} s (target ≤ 0.5 s); naive (index rebuilt per "
        f"name, extrapolated from 1,100): {slow:.2f} s; ratio {fast / slow:.3f}"
    )


if __name__ == "__main__":
    main()
