"""Property tests of the serial-range algebra against a model that keeps one location per
serial: however cards move, ranges never overlap, stay canonical (touching ranges at one
location are one row), and no card is lost or invented."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import ValidationFailed
from app.inventory.errors import RangeConflict
from app.inventory.rules import (
    Holding,
    SerialRange,
    apply_plan,
    format_ranges,
    parse_ranges,
    plan_move,
    subtract,
)

LOCATIONS = (1, 2, 3)
SPAN = 60


@st.composite
def moves(draw: st.DrawFn) -> tuple[int, int, int | None, int | None]:
    first = draw(st.integers(0, SPAN))
    last = draw(st.integers(first, min(SPAN, first + 25)))
    source = draw(st.sampled_from((None, *LOCATIONS)))
    target = draw(st.sampled_from((None, *LOCATIONS)).filter(lambda t: t != source or t is None))
    return first, last, source, target


def model_of(holdings: list[Holding]) -> dict[int, int]:
    return {s: h.location for h in holdings for s in range(h.first, h.last + 1)}


def check_invariants(holdings: list[Holding]) -> None:
    ordered = sorted(holdings, key=lambda h: h.first)
    for a, b in itertools.pairwise(ordered):
        assert a.last < b.first, f"{a} overlaps {b}"
        assert not (a.last + 1 == b.first and a.location == b.location), f"{a} {b} not merged"
        assert a.first <= a.last


def nearby(holdings: list[Holding], r: SerialRange) -> list[Holding]:
    return [h for h in holdings if h.first <= r.last + 1 and h.last >= r.first - 1]


@settings(max_examples=400, deadline=None)
@given(st.lists(moves(), min_size=1, max_size=40))
def test_moves_never_overlap_lose_or_invent_a_card(steps: list) -> None:  # type: ignore[type-arg]
    """Random receipts, moves and write-offs, valid or not: valid ones are planned exactly as
    the model moves the cards, invalid ones are refused, and the invariants always hold."""
    holdings: list[Holding] = []
    model: dict[int, int] = {}
    next_id = 1
    for first, last, source, target in steps:
        if source is None and target is None:
            continue
        if source is not None and first in model and first % 3:
            source = model[first]  # mostly aim at where the first card really is
            last = first
            while last + 1 in model and model[last + 1] == source and last - first < 20:
                last += 1
            if target == source:
                continue
        r = SerialRange(first, last)
        serials = range(first, last + 1)
        allowed = (all(s not in model for s in serials) if source is None
                   else all(model.get(s) == source for s in serials))
        try:
            plan = plan_move(nearby(holdings, r), r, source, target)
        except RangeConflict:
            assert not allowed, f"refused a valid move {r} {source}->{target}"
            continue
        assert allowed, f"allowed an invalid move {r} {source}->{target}"
        before = sum(h.last - h.first + 1 for h in holdings)
        holdings = apply_plan(holdings, plan, next_id)
        next_id += len(plan.insert)
        for s in serials:
            if target is None:
                model.pop(s, None)
            else:
                model[s] = target
        check_invariants(holdings)
        assert model_of(holdings) == model
        after = sum(h.last - h.first + 1 for h in holdings)
        entered = r.size if source is None else 0
        left = r.size if target is None else 0
        assert after == before + entered - left  # conservation: only receipts and write-offs


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 30)), max_size=20))
def test_parsed_ranges_are_canonical_and_round_trip(pairs: list[tuple[int, int]]) -> None:
    ranges = sorted({SerialRange(a, a + n) for a, n in pairs})
    text = ", ".join(f"{r.first}-{r.last}" for r in ranges)
    serials = {s for r in ranges for s in range(r.first, r.last + 1)}
    overlapping = sum(r.size for r in ranges) != len(serials)
    if not ranges:
        return
    if overlapping:
        with pytest.raises(ValidationFailed):
            parse_ranges(text)
        return
    parsed = parse_ranges(text)
    assert {s for r in parsed for s in range(r.first, r.last + 1)} == serials
    assert parse_ranges(format_ranges(parsed)) == parsed
    for a, b in itertools.pairwise(parsed):
        assert a.last + 1 < b.first


@given(st.sets(st.integers(0, 200)), st.sets(st.integers(0, 200)))
def test_subtract_is_set_difference(a: set[int], b: set[int]) -> None:
    def ranges_of(values: set[int]) -> list[SerialRange]:
        out: list[SerialRange] = []
        for v in sorted(values):
            if out and out[-1].last + 1 == v:
                out[-1] = SerialRange(out[-1].first, v)
            else:
                out.append(SerialRange(v, v))
        return out

    result = subtract(ranges_of(a), ranges_of(b))
    assert {s for r in result for s in range(r.first, r.last + 1)} == a - b


@pytest.mark.parametrize("text, message", [
    ("", "at least one"), ("12-abc", "is not a serial"), ("500-100", "comes before"),
    ("1-10, 5-20", "overlap"),
])
def test_unreadable_ranges_are_refused_with_a_message(text: str, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        parse_ranges(text)


def test_en_dashes_and_single_serials_are_read() -> None:
    assert parse_ranges("60000000–60000009\n60000010; 7") == [
        SerialRange(7, 7), SerialRange(60000000, 60000010)]


def test_a_move_out_of_the_middle_splits_and_a_move_back_merges() -> None:
    vault = [Holding(1, 100, 199, 1)]
    plan = plan_move(vault, SerialRange(120, 129), 1, 2)
    after = apply_plan(vault, plan, 10)
    assert [(h.first, h.last, h.location) for h in after] == [
        (100, 119, 1), (120, 129, 2), (130, 199, 1)]
    back = plan_move(after, SerialRange(120, 129), 2, 1)
    assert [(h.first, h.last, h.location) for h in apply_plan(after, back, 20)] == [
        (100, 199, 1)]
