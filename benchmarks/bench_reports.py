"""Benchmark: report builds (issue 16) against a naive sequential ``papermill`` CLI loop.

Run: .venv/bin/python benchmarks/bench_reports.py [--jobs 2] [--sample 6] [--limit N]

Every figure is printed with its target and the baseline of the same run:
* full set (``haefen report all``), cold (fresh folder), 2 workers, warm engine:
  <= 0.05 x the naive loop (one ``papermill in out -k haefen -p …`` process per notebook),
  and about a minute; the naive loop runs on a sample (per kind) and is extrapolated per report
  (the whole loop would take ~20 minutes), which the output says;
* the same set with ``--engine kernel`` (the reference engine), for comparison (``--kernel``);
* second run, nothing changed: <= 10 s (every report reused);
* after a change to one member's row (Lübeck's council body): <= 15 s, and exactly its
  profile, its Land report and the overview rebuilt;
* ``haefen report member Lübeck`` in a cold process, fresh folder: <= 3 s; also with its
  earlier output reusable;
* peak memory of the full build (the sum over the command and its workers) <= 2 GB.

Whole commands run as subprocesses on a private copy of data/ (``$HAEFEN_DATA_DIR``), so the
member row change touches nothing of the project.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import psutil
from bench_intake import fresh_data  # the same private copy of data/ (this folder is on the path)

from haefen_analysis import config
from haefen_analysis.publish import runner
from haefen_analysis.publish.config import load_config

FULL_RATIO, FULL_SECONDS = 0.05, 60
UNCHANGED_SECONDS, ONE_ROW_SECONDS, ONE_REPORT_SECONDS = 10, 15, 3
PEAK_BYTES = 2e9
HAEFEN = Path(sys.executable).with_name("haefen")


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak memory (bytes, summed over the process tree, sampled) and output."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = [0.0]

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            time.sleep(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    thread.join()
    text = out.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: exit {proc.returncode}\n{text[-2000:]}")
    return wall, peak[0], text


def statuses(out: Path) -> Counter:
    day = next(p for p in out.iterdir() if p.is_dir())
    records = json.loads((day / "manifest.json").read_text(encoding="utf-8"))["reports"]
    return Counter(r["status"] for r in records.values())


def rebuilt(out: Path) -> list[str]:
    day = next(p for p in out.iterdir() if p.is_dir())
    records = json.loads((day / "manifest.json").read_text(encoding="utf-8"))["reports"]
    return sorted(slug for slug, r in records.items() if r["status"] == "ok")


def naive(jobs: list[runner.Job], sample: int, folder: Path) -> tuple[float, int]:
    """Seconds per report of a sequential papermill CLI loop, averaged per kind over a sample
    of each kind and weighted by the kinds' counts in the full set; and the sample size."""
    papermill = Path(sys.executable).with_name("papermill")
    by_kind: dict[str, list[runner.Job]] = defaultdict(list)
    for job in jobs:
        by_kind[job.kind].append(job)
    per_kind, measured = {}, 0
    for kind, kind_jobs in by_kind.items():
        chosen = kind_jobs[: max(1, sample // len(by_kind))]
        start = time.perf_counter()
        for job in chosen:
            cmd = [str(papermill), str(job.notebook), str(folder / f"{job.slug}.ipynb")]
            cmd += ["-k", runner.KERNEL_NAME, "--cwd", str(job.notebook.parent)]
            for name, value in job.parameters.items():
                cmd += ["-r" if isinstance(value, str) else "-p", name, str(value)]
            subprocess.run(cmd, check=True, capture_output=True)
        per_kind[kind] = (time.perf_counter() - start) / len(chosen)
        measured += len(chosen)
    total = sum(per_kind[job.kind] for job in jobs)
    return total / len(jobs), measured


def edit_member_row(data_dir: Path) -> None:
    path = data_dir / "members.csv"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("42 Ja / 4 Nein", "42 Ja / 4 Nein, Benchmark", 1)
    assert changed != text, "Lübeck's row changed: update the benchmark's edit"
    path.write_text(changed, encoding="utf-8")


def line(label: str, value: float, unit: str, target: float | None = None) -> None:
    verdict = (
        ""
        if target is None
        else f"  (target <= {target:g}: {'ok' if value <= target else 'VERFEHLT'})"
    )
    print(f"{label:<58} {value:9.2f} {unit}{verdict}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="workers (target: 2)")
    parser.add_argument("--sample", type=int, default=6, help="naive loop: reports sampled")
    parser.add_argument("--limit", type=int, default=None, help="first N sets per kind")
    parser.add_argument("--kernel", action="store_true", help="also the full set with kernels")
    args = parser.parse_args(argv)

    runner.skip_iri_checker()
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        base = Path(tmp)
        env = dict(os.environ, **{config.DATA_DIR_ENV: str(fresh_data(base))})
        os.environ[config.DATA_DIR_ENV] = env[config.DATA_DIR_ENV]
        cfg = load_config()
        kinds = [k.name for k in cfg.kinds.values() if k.in_all]
        jobs = runner.plan(cfg, kinds, limit=args.limit)
        n = len(jobs)
        counts = Counter(j.kind for j in jobs)
        print(f"{n} reports ({', '.join(f'{k} {v}' for k, v in counts.items())})")
        print(f"{args.jobs} workers, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}\n")
        common = ["report", "all", "--shared-plotlyjs", "--jobs", str(args.jobs)]
        if args.limit:
            common += ["--limit", str(args.limit)]
        out = base / "out"
        full, peak, _ = timed([str(HAEFEN), *common, "--out", str(out)], env)
        assert statuses(out) == Counter(ok=n), statuses(out)
        (base / "naive").mkdir()
        per_naive, measured = naive(jobs, args.sample, base / "naive")
        naive_total = per_naive * n
        kernel = None
        if args.kernel:
            kernel_out = base / "kernel"
            kernel, _, _ = timed(
                [str(HAEFEN), *common, "--engine", "kernel", "--out", str(kernel_out)], env
            )
        unchanged, _, _ = timed([str(HAEFEN), *common, "--out", str(out)], env)
        assert statuses(out) == Counter(reused=n), statuses(out)
        edit_member_row(base / "data")
        one_row, _, _ = timed([str(HAEFEN), *common, "--out", str(out)], env)
        again = rebuilt(out)
        single = ["report", "member", "Lübeck", "--jobs", "1", "--shared-plotlyjs"]
        one_cold, _, _ = timed([str(HAEFEN), *single, "--out", str(base / "single")], env)
        one_reused, _, _ = timed([str(HAEFEN), *single, "--out", str(base / "single")], env)

    print("== full set, cold, warm engine")
    line(f"haefen report all ({args.jobs} workers)", full, "s", FULL_SECONDS)
    line(f"naive papermill loop (measured {measured}, extrapolated)", naive_total, "s")
    line("  per report: naive", per_naive, "s")
    line("  per report: runner (wall / reports)", full / n, "s")
    line("ratio runner / naive", full / naive_total, "", FULL_RATIO)
    if kernel is not None:
        line(f"--engine kernel ({args.jobs} workers, the reference)", kernel, "s")
        line("ratio warm / kernel", full / kernel, "")
    line("peak memory of the full build (GB, all processes)", peak / 1e9, "GB", PEAK_BYTES / 1e9)
    print("\n== incremental")
    line("second run, nothing changed", unchanged, "s", UNCHANGED_SECONDS)
    line("after one member row change (Lübeck)", one_row, "s", ONE_ROW_SECONDS)
    print(f"{'  rebuilt:':<58} {', '.join(again)}")
    print("\n== one report")
    line(
        "haefen report member Lübeck, cold process, fresh folder", one_cold, "s", ONE_REPORT_SECONDS
    )
    line("the same again (reused)", one_reused, "s")


if __name__ == "__main__":
    main()
