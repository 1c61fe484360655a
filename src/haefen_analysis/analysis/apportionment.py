"""Apportionment: turn a key (shares, populations, offered places) into whole persons.

Two methods, both vectorised with numpy and both fully deterministic:

``hare_niemeyer``
    Largest remainder (Hare–Niemeyer, Hamilton). Used to split a number of persons between the
    Länder by the Königsteiner Schlüssel, the way quota tables are usually read. Every unit gets
    its quota rounded down or up, never further away ("quota rule"). It is **not** monotone in
    the total: the Alabama paradox occurs (a unit can lose a person when the total grows; see
    ``tests/analysis/test_apportionment.py::test_alabama_paradox_example``).

``capped_sainte_lague``
    Sainte-Laguë/Webster divisor method with an upper bound per unit (the places a member
    offered). Used within a Land, where a member must never receive more than it offered. A
    divisor method is house-monotone: when the total grows, no member receives fewer persons,
    so a what-if slider never takes people away from anyone. Persons left over once every
    offer with a positive weight is full are reported as unplaced.

Tie-breaking (both methods): equal claims are settled by the larger weight first, then by the
earlier position in the input (so pass units in a fixed order, e.g. AGS order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from haefen_analysis.errors import AllocationError

_INT_LIMIT = 2**62


def _as_weights(weights: npt.ArrayLike, name: str = "weights") -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1:
        raise AllocationError(f"{name} muss eindimensional sein, Form {w.shape}")
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        i = int(bad[0])
        raise AllocationError(
            f"{name}[{i}] = {w[i]!r}: jeder Wert muss endlich und ≥ 0 sein ({bad.size} falsch)"
        )
    return w


def _check_total(total: int) -> int:
    if int(total) != total or total < 0:
        raise AllocationError(f"total = {total!r}: muss eine ganze Zahl ≥ 0 sein")
    return int(total)


def _integer_weights(w: np.ndarray, total: int) -> np.ndarray | None:
    """Weights as exact int64 when they are whole numbers small enough for exact arithmetic."""
    if not np.all(w == np.round(w)):
        return None
    wi = w.astype(np.int64)
    if int(wi.sum()) * max(total, 1) >= _INT_LIMIT:
        return None
    return wi


def hare_niemeyer(weights: npt.ArrayLike, total: int) -> np.ndarray:
    """Split ``total`` persons in proportion to ``weights`` by the largest-remainder method.

    Each unit first gets the integer part of its quota ``total * w / sum(w)``; the persons left
    go one each to the largest remainders. Ties: larger weight first, then earlier position.
    Whole-number weights (populations, shares scaled to integers) are handled in exact integer
    arithmetic, so ties are real ties; other weights use float64.

    Not monotone in ``total`` (Alabama paradox): ``hare_niemeyer([6, 6, 2], 10)`` gives
    ``[4, 4, 2]`` but 11 persons give ``[5, 5, 1]``. Use ``capped_sainte_lague`` where a
    growing total must never take anyone away.
    """
    w = _as_weights(weights)
    total = _check_total(total)
    n = w.size
    if total == 0:
        return np.zeros(n, dtype=np.int64)
    if n == 0 or w.sum() == 0:
        raise AllocationError(
            f"{total} Personen nicht verteilbar: keine Einheit hat ein Gewicht > 0"
        )
    wi = _integer_weights(w, total)
    if wi is not None:
        scaled = wi * total
        seats = scaled // int(wi.sum())
        remainder: np.ndarray = scaled % int(wi.sum())
    else:
        quota = (w / w.sum()) * total  # not w * (total / sum): that overflows for tiny weights
        seats = np.floor(quota).astype(np.int64)
        remainder = quota - seats
    left = total - int(seats.sum())
    if left > 0:
        order = np.lexsort((np.arange(n), -w, -remainder))
        seats[order[: min(left, n)]] += 1
    return seats.astype(np.int64)


@dataclass(frozen=True)
class Capped:
    """Result of a capped allocation: persons per unit, how many were placed and not placed."""

    persons: np.ndarray
    placed: int
    unplaced: int


def _count_claims(w: np.ndarray, cap: np.ndarray, t: float, strict: bool) -> np.ndarray:
    """Per unit: how many of its claims ``w / (k - 0.5)``, k = 1..cap, are > t (or >= t).

    The first guess ``floor(w / t + 0.5)`` is corrected against the very float comparisons the
    tie resolution uses, so counts and ties never disagree.
    """

    def claim_passes(k: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            p = w / (k - 0.5)
        return (p > t) if strict else (p >= t)

    k = np.clip(np.floor(w / t + 0.5), 0, cap)
    while True:
        up = (k < cap) & claim_passes(k + 1)
        down = (k >= 1) & ~claim_passes(np.maximum(k, 1))
        if not (up.any() or down.any()):
            return k
        k = k + up - down


def capped_sainte_lague(
    weights: npt.ArrayLike, total: int, caps: npt.ArrayLike | None = None
) -> Capped:
    """Allocate ``total`` persons in proportion to ``weights``, no unit above its cap.

    Sainte-Laguë/Webster: the k-th person of a unit has the claim ``weight / (k - 0.5)``; the
    ``total`` strongest claims win (ties: larger weight, then earlier position). Units with
    weight 0 receive no one. When every unit with a positive weight is at its cap, the rest is
    ``unplaced``. ``caps=None`` means no caps. Monotone in ``total`` for fixed weights and caps.
    """
    w = _as_weights(weights)
    total = _check_total(total)
    n = w.size
    cap = np.full(n, float(total)) if caps is None else _as_weights(caps, "caps")
    if cap.shape != w.shape:
        raise AllocationError(f"caps hat {cap.size} Werte, weights aber {n}")
    if not np.all(cap == np.floor(cap)):
        i = int(np.flatnonzero(cap != np.floor(cap))[0])
        raise AllocationError(f"caps[{i}] = {cap[i]!r}: eine Obergrenze muss eine ganze Zahl sein")
    cap = np.where(w > 0, np.minimum(cap, total), 0.0)
    capacity = int(cap.sum())
    if total == 0 or capacity == 0:
        return Capped(np.zeros(n, dtype=np.int64), 0, total)
    if capacity <= total:
        return Capped(cap.astype(np.int64), capacity, total - capacity)

    def at_least(t: float) -> int:
        return int(_count_claims(w, cap, t, strict=False).sum())

    # Bisect on the bit patterns of positive floats (ordered like the floats themselves) for
    # the largest threshold t with at least `total` claims >= t: t is then the weakest claim
    # that wins, reached exactly.
    lo = np.array(np.finfo(float).smallest_subnormal).view(np.int64)
    hi = np.array(2.0 * w.max()).view(np.int64) + 1
    lo_val, hi_val = int(lo), int(hi)
    while hi_val - lo_val > 1:
        mid = (lo_val + hi_val) // 2
        if at_least(float(np.array(mid).view(float))) >= total:
            lo_val = mid
        else:
            hi_val = mid
    t = float(np.array(lo_val).view(float))
    persons = _count_claims(w, cap, t, strict=True)
    tied = np.flatnonzero(_count_claims(w, cap, t, strict=False) > persons)
    left = total - int(persons.sum())
    order = np.lexsort((tied, -w[tied]))
    persons[tied[order[:left]]] += 1
    return Capped(persons.astype(np.int64), total, 0)
