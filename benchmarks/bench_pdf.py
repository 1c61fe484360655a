"""Benchmark: PDFs of reports (one kept browser) and the cost of ``--pdf`` for a report set.

Run: .venv/bin/python benchmarks/bench_pdf.py [--limit N] [--jobs N]

Targets (issue 15), measured in one run over the same reports:
* PDF of one report <= 2 s after the first (one browser kept for the batch), side by side with
  the naive way: one ``chromium --print-to-pdf`` process per report (a cold browser each);
* the set with ``--pdf`` <= 1.5 x the same set without it (``--limit`` sets per kind, default
  2: overview, 2 Länder, 2 profiles, …).
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

from haefen_analysis.common import browser
from haefen_analysis.common.devtools import CHROMIUM_FLAGS
from haefen_analysis.publish import pdf, runner
from haefen_analysis.publish.config import load_config

PER_PDF_TARGET = 2.0
SET_TARGET = 1.5


def run_set(jobs: list[runner.Job], folder: Path, workers: int, with_pdf: bool) -> float:
    opts = runner.Options(out_dir=folder / "2000-01-01", pdf=with_pdf)
    start = time.perf_counter()
    results, _ = runner.run(jobs, opts, workers=workers)
    wall = time.perf_counter() - start
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} failed, first: {failed[0].slug}: {failed[0].error}")
    return wall


def naive_pdf(page: Path, target: Path, profile: Path) -> float:
    """One cold headless Chromium per report (``--print-to-pdf``), as before issue 15."""
    cmd = [browser.find(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    cmd += [f"--print-to-pdf={target}", "--no-pdf-header-footer", page.as_uri()]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=2, help="first N sets per kind")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="runner workers")
    args = parser.parse_args(argv)
    try:
        browser.find()
    except Exception as exc:  # the benchmark needs one; say why in one line
        raise SystemExit(f"kein Browser: {exc}") from None

    runner.skip_iri_checker()
    cfg = load_config()
    kinds = [k.name for k in cfg.kinds.values() if k.in_all]
    jobs = runner.plan(cfg, kinds, limit=args.limit)
    print(f"{len(jobs)} reports ({', '.join(kinds)}), {args.jobs} workers, {os.cpu_count()} cores")
    print("load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        base = Path(tmp)
        without = run_set(jobs, base / "html", args.jobs, with_pdf=False)
        with_pdf = run_set(jobs, base / "pdf", args.jobs, with_pdf=True)
        pages = sorted((base / "html" / "2000-01-01").glob("*.html"))
        pages = [p for p in pages if p.name != "index.html"]
        kept = []
        for page in pages:
            start = time.perf_counter()
            pdf.write_pdf(page, base / f"{page.stem}.pdf", title=page.stem)
            kept.append(time.perf_counter() - start)
        pdf.discard()
        naive = [
            naive_pdf(page, base / f"{page.stem}-naive.pdf", base / f"profile-{i}")
            for i, page in enumerate(pages)
        ]

    later = statistics.fmean(kept[1:]) if len(kept) > 1 else float("nan")
    print(f"\n== PDF per report ({len(pages)} reports, one process)")
    print(f"{'':34}{'kept browser':>14}{'naive (cold each)':>20}")
    print(f"{'first PDF':34}{kept[0]:>12.2f} s{naive[0]:>18.2f} s")
    naive_later = statistics.fmean(naive[1:]) if len(naive) > 1 else float("nan")
    print(f"{'later PDFs, mean':34}{later:>12.2f} s{naive_later:>18.2f} s")
    print(f"{'later PDFs, max':34}{max(kept[1:], default=float('nan')):>12.2f} s")
    for page, seconds, cold in zip(pages, kept, naive, strict=True):
        print(f"  {page.stem:32}{seconds:>12.2f} s{cold:>18.2f} s")
    print(f"target: later PDFs <= {PER_PDF_TARGET:g} s (the kept browser also checks widths,")
    print("waits for the figures and writes a tagged PDF with bookmarks; the naive one does not)")
    print(f"\n== report set ({len(jobs)} reports, {args.jobs} workers)")
    print(f"without --pdf: {without:7.1f} s")
    print(f"with --pdf:    {with_pdf:7.1f} s")
    print(f"ratio: {with_pdf / without:.2f}  (target <= {SET_TARGET})")


if __name__ == "__main__":
    sys.exit(main())
