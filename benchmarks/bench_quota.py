"""Benchmark: allocation over ~11,000 municipalities and the per-Land table.

Run: .venv/bin/python benchmarks/bench_quota.py

Targets (issue 5): 100,000 persons over ~11,000 municipalities by population <= 50 ms; the
per-Land table <= 50 ms warm. Municipality populations are synthetic (seeded log-normal, the
shape of German municipality sizes); the per-Land table runs on the curated data.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from haefen_analysis import datasets
from haefen_analysis.analysis.apportionment import capped_sainte_lague, hare_niemeyer
from haefen_analysis.analysis.per_land import per_land_table
from haefen_analysis.ingest import codes

TARGET_MS = 50.0
PERSONS = 100_000
MUNICIPALITIES = 11_000


def best_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    """Best of ``repeat`` runs in milliseconds (after one warm-up run)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def naive_hare_niemeyer(weights: list[int], total: int) -> list[int]:
    """Pure-Python largest remainder, same tie rule."""
    s = sum(weights)
    seats = [w * total // s for w in weights]
    remainders = [w * total % s for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], -weights[i], i))
    for i in order[: total - sum(seats)]:
        seats[i] += 1
    return seats


def naive_capped_webster(weights: list[int], total: int, caps: list[int]) -> list[int]:
    """Pure-Python Sainte-Laguë, one person at a time from a heap of claims."""
    seats = [0] * len(weights)
    heap = [(-2.0 * w, -w, i) for i, w in enumerate(weights) if w > 0 and caps[i] > 0]
    heapq.heapify(heap)
    for _ in range(total):
        if not heap:
            break
        _, neg_w, i = heapq.heappop(heap)
        seats[i] += 1
        if seats[i] < caps[i]:
            heapq.heappush(heap, (neg_w / (seats[i] + 0.5), neg_w, i))
    return seats


def naive_land_counts(members, pledges, admissions) -> dict[str, list[int]]:
    """Row-by-row loop for the count columns of the per-Land table (members, Bündnis, places,
    admissions) — the non-vectorised way, for comparison."""
    out: dict[str, list[int]] = {}
    for land in [x.ags for x in codes.laender()]:
        m = sum(1 for r in members.itertuples() if r.land == land and r.status == "declared")
        b = sum(1 for r in members.itertuples() if r.land == land and r.buendnis_member == "yes")
        p = sum(r.places for r in pledges.itertuples() if r.land == land and pd.notna(r.places))
        a = sum(
            r.value
            for r in admissions.itertuples()
            if r.scope == land and r.metric == "arrived" and pd.notna(r.value)
        )
        out[land] = [m, b, p, a]
    return out


def line(label: str, fast_ms: float, naive_ms: float | None = None) -> None:
    verdict = "ok" if fast_ms <= TARGET_MS else "OVER TARGET"
    text = f"{label:<58} {fast_ms:8.2f} ms (target <= {TARGET_MS:.0f} ms, {verdict})"
    if naive_ms is not None:
        text += f" | naive {naive_ms:9.1f} ms, ratio {naive_ms / fast_ms:6.1f}x"
    print(text)


def main() -> None:
    rng = np.random.default_rng(2020)
    population = np.maximum(rng.lognormal(7.8, 1.3, MUNICIPALITIES).round(), 1).astype(np.int64)
    caps = rng.integers(0, 40, MUNICIPALITIES)
    pop_list, caps_list = population.tolist(), caps.tolist()

    seats = hare_niemeyer(population, PERSONS)
    assert seats.tolist() == naive_hare_niemeyer(pop_list, PERSONS)
    line(
        f"Hare-Niemeyer {PERSONS:,} persons / {MUNICIPALITIES:,} municipalities",
        best_ms(lambda: hare_niemeyer(population, PERSONS)),
        best_ms(lambda: naive_hare_niemeyer(pop_list, PERSONS), repeat=3),
    )
    line(
        f"Sainte-Laguë uncapped, {PERSONS:,} / {MUNICIPALITIES:,}",
        best_ms(lambda: capped_sainte_lague(population, PERSONS)),
        best_ms(lambda: naive_capped_webster(pop_list, PERSONS, [PERSONS] * MUNICIPALITIES), 3),
    )
    capped = capped_sainte_lague(population, 150_000, caps)
    naive = naive_capped_webster(pop_list, 150_000, caps_list)
    same = capped.persons.tolist() == naive
    print(f"  (capped check: placed {capped.placed:,}, equal to the naive result: {same})")
    line(
        f"Sainte-Laguë capped by offers (0-39 places), {sum(caps_list):,} capacity",
        best_ms(lambda: capped_sainte_lague(population, PERSONS, caps)),
        best_ms(lambda: naive_capped_webster(pop_list, PERSONS, caps_list), repeat=3),
    )

    frames = dict(
        members=datasets.members(),
        pledges=datasets.pledges(),
        admissions=datasets.admissions(),
        population=datasets.population(),
        keys=datasets.quota_keys(),
        land_rules=datasets.land_rules(),
    )
    line(
        "per-Land table, warm (frames loaded once)",
        best_ms(lambda: per_land_table(**frames, year=2022)),
        best_ms(
            lambda: naive_land_counts(frames["members"], frames["pledges"], frames["admissions"])
        ),
    )
    print("  (naive = row-by-row loops for only 4 of the table's columns)")


if __name__ == "__main__":
    main()
