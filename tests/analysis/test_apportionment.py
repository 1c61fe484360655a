"""Apportionment: hand-checked examples, tie rules and properties (hypothesis)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from haefen_analysis.analysis.apportionment import (
    AllocationError,
    capped_sainte_lague,
    hare_niemeyer,
)

weights_st = st.lists(st.integers(0, 10_000), min_size=1, max_size=12).filter(lambda w: sum(w) > 0)
float_weights_st = st.lists(
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=12
).filter(lambda w: sum(w) > 0)


def test_alabama_paradox_example() -> None:
    # 6, 6, 2 of 14. 10 persons: quotas 4.286, 4.286, 1.429 -> 4, 4, 1 and the 1 left goes to
    # the largest remainder (.429) -> [4, 4, 2]. 11 persons: quotas 4.714, 4.714, 1.571 ->
    # 4, 4, 1 and the 2 left go to .714 and .714 -> [5, 5, 1]: the third unit loses one.
    assert hare_niemeyer([6, 6, 2], 10).tolist() == [4, 4, 2]
    assert hare_niemeyer([6, 6, 2], 11).tolist() == [5, 5, 1]


def test_hypothesis_finds_the_alabama_paradox() -> None:
    """Hare–Niemeyer is not monotone in N: hypothesis finds a case on its own."""

    def loses_someone(case: tuple[list[int], int]) -> bool:
        weights, total = case
        return bool((hare_niemeyer(weights, total + 1) < hare_niemeyer(weights, total)).any())

    weights, total = find(
        st.tuples(weights_st, st.integers(1, 60)),
        loses_someone,
        settings=settings(max_examples=5_000, database=None),
    )
    assert (hare_niemeyer(weights, total + 1) < hare_niemeyer(weights, total)).any()


def test_hare_niemeyer_ties_go_to_the_larger_weight_then_the_earlier_position() -> None:
    # [1, 3] of 2: quotas 0.5 and 1.5, equal remainders; the larger weight wins.
    assert hare_niemeyer([1, 3], 2).tolist() == [0, 2]
    # Three equal weights, 2 persons: equal everything, earlier positions win.
    assert hare_niemeyer([1, 1, 1], 2).tolist() == [1, 1, 0]


@given(weights_st | float_weights_st, st.integers(0, 5_000))
def test_hare_niemeyer_sums_to_total_and_keeps_the_quota_rule(weights, total) -> None:
    seats = hare_niemeyer(weights, total)
    assert seats.dtype == np.int64
    assert seats.sum() == total
    assert (seats >= 0).all()
    exact = [Fraction(w) * total / sum(Fraction(x) for x in weights) for w in weights]
    for s, q in zip(seats.tolist(), exact, strict=True):
        assert math.floor(q) <= s <= math.ceil(q)


def test_hare_niemeyer_with_subnormal_weights() -> None:
    # total / sum(weights) overflows to inf for a weight this small (found by hypothesis)
    assert hare_niemeyer([2.2250738585e-313], 1).tolist() == [1]
    assert hare_niemeyer([5e-324, 5e-324, 1e-323], 4).tolist() == [1, 1, 2]


@pytest.mark.parametrize(
    ("weights", "total"), [([1, -1], 3), ([1, float("nan")], 3), ([1, 2], 2.5), ([0, 0], 3)]
)
def test_bad_input_is_refused(weights, total) -> None:
    with pytest.raises(AllocationError):
        hare_niemeyer(weights, total)


def test_capped_example_where_an_offer_runs_out() -> None:
    # Populations 50,000 / 30,000 / 20,000, offers 10 / 40 / 40, 61 persons by population.
    # Uncapped: 30.5 / 18.3 / 12.2 -> A would exceed its 10 places, so A gets 10 and the other
    # 51 are split 3:2 -> 30.6 / 20.4 -> 31 / 20.
    result = capped_sainte_lague([50_000, 30_000, 20_000], 61, [10, 40, 40])
    assert result.persons.tolist() == [10, 31, 20]
    assert (result.placed, result.unplaced) == (61, 0)


def test_capped_reports_what_cannot_be_placed() -> None:
    result = capped_sainte_lague([50_000, 30_000, 20_000], 100, [10, 40, 40])
    assert result.persons.tolist() == [10, 40, 40]
    assert (result.placed, result.unplaced) == (90, 10)


def test_capped_gives_nothing_to_zero_weight_even_with_places() -> None:
    result = capped_sainte_lague([0, 1], 5, [10, 2])
    assert result.persons.tolist() == [0, 2]
    assert result.unplaced == 3


def test_capped_ties_and_exact_ties_of_claims() -> None:
    assert capped_sainte_lague([1, 1, 1], 2).persons.tolist() == [1, 1, 0]
    # Claims 3/0.5 = 6 and 9/1.5 = 6 tie exactly for the 4th person: the larger weight wins.
    assert capped_sainte_lague([3, 9], 4).persons.tolist() == [1, 3]


def _webster_oracle(weights: list[int], total: int, caps: list[int]) -> list[int]:
    """Seat-by-seat Sainte-Laguë in exact fractions: the strongest `total` claims win."""
    claims = [
        (-Fraction(2 * w, 2 * k - 1), -w, i)
        for i, (w, c) in enumerate(zip(weights, caps, strict=True))
        if w > 0
        for k in range(1, min(c, total) + 1)
    ]
    seats = [0] * len(weights)
    for _, _, i in sorted(claims)[:total]:
        seats[i] += 1
    return seats


capped_case = st.integers(1, 8).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 50), min_size=n, max_size=n),
        st.lists(st.integers(0, 30), min_size=n, max_size=n),
        st.integers(0, 120),
    )
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(capped_case)
def test_capped_matches_the_exact_seat_by_seat_method(case) -> None:
    weights, caps, total = case
    result = capped_sainte_lague(weights, total, caps)
    assert result.persons.tolist() == _webster_oracle(weights, total, caps)


@given(capped_case)
def test_capped_properties(case) -> None:
    weights, caps, total = case
    result = capped_sainte_lague(weights, total, caps)
    capacity = sum(c for w, c in zip(weights, caps, strict=True) if w > 0)
    assert (result.persons >= 0).all()
    assert (result.persons <= np.array(caps)).all()
    assert result.placed == result.persons.sum() == min(total, capacity)
    assert result.unplaced == total - result.placed
    bigger = capped_sainte_lague(weights, total + 1, caps)
    assert (bigger.persons >= result.persons).all()  # monotone in N: no Alabama paradox


@given(st.lists(st.integers(1, 10**7), min_size=1, max_size=40), st.integers(0, 10**5))
def test_uncapped_sums_to_total_for_large_numbers(weights, total) -> None:
    result = capped_sainte_lague(weights, total)
    assert result.persons.sum() == total
    assert result.unplaced == 0
