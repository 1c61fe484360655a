"""Benchmark: the report runner against a naive sequential ``papermill`` CLI loop.

Run: .venv/bin/python benchmarks/bench_reports.py [--limit N] [--jobs N] [--config TOML]

Targets (issue 4), measured in one run over the same notebooks and parameters:
* full set wall time <= 0.25 x the naive loop (one ``papermill in out -p …`` per notebook);
* per-notebook time of the runner (one worker, steady state) <= 1.3 x the floor: a bare kernel
  started with jupyter_client that runs the same cells and shuts down (kernel start + imports
  + the notebook's own work, nothing else).
Also shown: the cost of the rfc3987-syntax import the runner avoids (runner with and without
the trick), and the HTML sizes self-contained and with the shared plotly.js.

Without the real notebooks (notebooks/*.ipynb) use the fixture set:
``--config tests/fixtures/runner/bench.toml`` (the fixture report once per Land).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from haefen_analysis.publish import html, runner
from haefen_analysis.publish.config import load_config

WALL_TARGET = 0.25
OVERHEAD_TARGET = 1.3
SAMPLE = 4  # notebooks for the per-notebook comparison


def naive_loop(jobs: list[runner.Job], out: Path) -> float:
    """Sequential papermill CLI; text values with -r (``-p land 01`` would arrive as int 1)."""
    papermill = Path(sys.executable).with_name("papermill")
    start = time.perf_counter()
    for job in jobs:
        cmd = [str(papermill), str(job.notebook), str(out / f"{job.slug}.ipynb")]
        cmd += ["-k", runner.KERNEL_NAME, "--cwd", str(job.notebook.parent)]
        for name, value in job.parameters.items():
            cmd += ["-r" if isinstance(value, str) else "-p", name, str(value)]
        subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def bare_kernel(job: runner.Job, fast: bool) -> float:
    """Start a kernel, run the (parameterised) cells, shut it down: the floor per notebook."""
    from jupyter_client.manager import start_new_kernel
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(job.notebook)), job.parameters)
    extra = [runner.KERNEL_FAST_IMPORTS] if fast else []
    start = time.perf_counter()
    km, kc = start_new_kernel(
        kernel_name=runner.KERNEL_NAME, extra_arguments=extra, cwd=str(job.notebook.parent)
    )
    try:
        for cell in nb.cells:
            if cell.cell_type == "code":
                reply = kc.execute_interactive(cell.source, output_hook=lambda msg: None)
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(f"{job.slug}: cell failed in the bare kernel")
    finally:
        kc.stop_channels()
        km.shutdown_kernel()
    return time.perf_counter() - start


def run_runner(
    jobs: list[runner.Job], folder: Path, workers: int, fast: bool = True
) -> tuple[float, list[runner.Result]]:
    opts = runner.Options(out_dir=folder / "2000-01-01", fast_imports=fast)
    start = time.perf_counter()
    results, _ = runner.run(jobs, opts, workers=workers)
    wall = time.perf_counter() - start
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise SystemExit(
            f"runner: {len(failed)} failed, first: {failed[0].slug}: {failed[0].error}"
        )
    return wall, results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=None, help="report config (TOML)")
    parser.add_argument("--limit", type=int, default=None, help="first N sets per kind")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="runner workers")
    args = parser.parse_args(argv)

    runner.skip_iri_checker()
    cfg = load_config(args.config)
    kinds = [k.name for k in cfg.kinds.values() if k.in_all]
    missing = [str(cfg.kinds[k].notebook) for k in kinds if not cfg.kinds[k].notebook.exists()]
    if missing:
        raise SystemExit(
            f"notebooks missing: {', '.join(missing)}; "
            "try --config tests/fixtures/runner/bench.toml"
        )
    jobs = runner.plan(cfg, kinds, limit=args.limit)
    n = len(jobs)
    sample = jobs[: min(SAMPLE, n)]
    print(f"{n} notebooks ({', '.join(kinds)}), {args.jobs} workers, {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        base = Path(tmp)
        wall, results = run_runner(jobs, base / "full", args.jobs)
        (base / "naive").mkdir()
        naive = naive_loop(jobs, base / "naive")
        _, one = run_runner(sample, base / "one", 1)
        _, slow = run_runner(sample, base / "slow", 1, fast=False)
        floor = [bare_kernel(job, fast=True) for job in sample]
        floor_slow = [bare_kernel(job, fast=False) for job in sample]
        day = base / "full" / "2000-01-01"
        sizes = [len((day / r.files["html"]).read_bytes()) for r in results]
        shared = [
            len(html.share_plotlyjs((day / r.files["html"]).read_text("utf-8")).encode())
            for r in results
        ]

    def mean(values: list[Any]) -> float:
        return statistics.fmean(values)

    per_runner = mean([r.seconds for r in one])
    per_slow = mean([r.seconds for r in slow])
    print("\n== full set: wall time")
    print(
        f"runner ({args.jobs} workers, HTML included): {wall:7.1f} s  ({wall / n:.2f} s/notebook)"
    )
    print(f"naive papermill CLI loop (no HTML):   {naive:7.1f} s  ({naive / n:.2f} s/notebook)")
    print(f"ratio runner / naive: {wall / naive:.3f}  (target <= {WALL_TARGET})")
    print(f"\n== per notebook ({len(sample)} notebooks, one worker, steady state)")
    print(f"runner, incl. HTML export and atomic writes: {per_runner:.2f} s")
    print(f"bare kernel floor (start, same cells, stop): {mean(floor):.2f} s")
    print(f"ratio runner / floor: {per_runner / mean(floor):.2f}  (target <= {OVERHEAD_TARGET})")
    print(f"absolute overhead: {per_runner - mean(floor):+.2f} s per notebook")
    print("\n== rfc3987-syntax import (jsonschema 'iri' format checker)")
    print(f"runner without the trick: {per_slow:.2f} s/notebook, with: {per_runner:.2f} s")
    print(f"bare kernel without it:   {mean(floor_slow):.2f} s/notebook, with: {mean(floor):.2f} s")
    print("\n== HTML size per report")
    print(f"self-contained: max {max(sizes) / 1e6:.2f} MB (target <= 5.5 MB)")
    print(f"shared plotly.js: max {max(shared) / 1e6:.3f} MB (target <= 0.5 MB)")


if __name__ == "__main__":
    main()
