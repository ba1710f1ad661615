"""Codes typed or scanned at the counter are plain ASCII (issue 9 item 2): other digits are no
receipt number, never a server error."""

from __future__ import annotations

import pytest

from app.sales.numbers import parse_receipt_code


@pytest.mark.parametrize("typed", ["²", "٣٤", "1²", "１２"])
def test_a_receipt_number_in_other_digits_is_no_receipt(typed: str) -> None:
    assert parse_receipt_code(typed) is None


def test_a_plain_receipt_number_is_read() -> None:
    parsed = parse_receipt_code(" 42 ")
    assert parsed is not None and parsed.number == 42
