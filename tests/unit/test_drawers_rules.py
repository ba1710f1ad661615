"""Drawer counting by denomination and the shift state machine (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.drawers import states
from app.drawers.denominations import (
    count_total,
    denominations,
    from_json,
    parse_count_form,
    to_json,
)
from app.errors import Conflict, ValidationFailed


def test_us_denominations_in_cents() -> None:
    cents = [d.cents for d in denominations()]
    assert cents == [10000, 5000, 2000, 1000, 500, 200, 100, 50, 25, 10, 5, 1]


def test_count_total_adds_pieces_times_value() -> None:
    assert count_total({10000: 1, 2000: 3, 25: 4, 1: 7}) == 10000 + 6000 + 100 + 7
    assert count_total({}) == 0


@pytest.mark.parametrize("counts", [
    {300: 1},          # no $3 bill
    {2000: -1},        # negative
    {2000: 1.5},       # not whole
    {2000: True},      # a bool is not a count
    {"2000": 1},       # keys are integer cents
    {2000: 10**9},     # more than a drawer holds
])
def test_count_total_refuses_bad_counts(counts: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationFailed) as refused:
        count_total(counts)
    assert refused.value.field_errors


@given(st.dictionaries(st.sampled_from([d.cents for d in denominations()]),
                       st.integers(0, 5000)))
def test_count_total_is_the_sum_and_survives_storage(counts: dict[int, int]) -> None:
    total = count_total(counts)
    assert total == sum(c * n for c, n in counts.items())
    assert count_total(from_json(to_json(counts))) == total


def test_the_count_form_reads_d_fields_and_blank_is_zero() -> None:
    counts = parse_count_form({"d2000": "5", "d25": " 4 ", "d1": ""})
    assert counts[2000] == 5 and counts[25] == 4 and counts[1] == 0 and counts[10000] == 0
    with pytest.raises(ValidationFailed) as refused:
        parse_count_form({"d2000": "five", "d100": "-1"})
    assert set(refused.value.field_errors) == {"d2000", "d100"}


@pytest.mark.parametrize(("current", "to"), [
    ("open", "counted"), ("counted", "recount"), ("recount", "counted"),
    ("counted", "approved"),
])
def test_allowed_transitions(current: str, to: str) -> None:
    assert states.can_transition(current, to)
    states.check_transition(current, to)


@pytest.mark.parametrize(("current", "to"), [
    ("open", "approved"), ("open", "recount"), ("recount", "approved"),
    ("approved", "open"), ("approved", "recount"), ("counted", "open"), ("counted", "counted"),
])
def test_refused_transitions(current: str, to: str) -> None:
    assert not states.can_transition(current, to)
    with pytest.raises(Conflict):
        states.check_transition(current, to)


def test_an_agency_can_choose_its_denominations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAREDESK_DRAWER_DENOMINATIONS", "100, 2000,25")
    denominations.cache_clear()
    try:
        assert [d.cents for d in denominations()] == [2000, 100, 25]
        assert count_total({2000: 1, 25: 2}) == 2050
        with pytest.raises(ValidationFailed):
            count_total({10000: 1})  # $100 bills are not counted here
    finally:
        monkeypatch.delenv("FAREDESK_DRAWER_DENOMINATIONS")
        denominations.cache_clear()
    assert 10000 in [d.cents for d in denominations()]
