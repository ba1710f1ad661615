"""Receipt layout and byte-exact ESC/POS at 58 mm and 80 mm."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.codepage import code_page, encode_text
from hardware.money import format_cents
from hardware.receipt import Receipt, ReceiptLine, ReceiptTender, render_escpos, render_text
from hardware.sim.escpos_parser import EscposParser
from hardware.testprint import sample_receipt

GOLDEN = Path(__file__).parent / "golden"

ESC_INIT = b"\x1b@"
CODE_PAGE_858 = b"\x1bt\x13"  # ESC t 19
SIZE_2X, SIZE_TALL, SIZE_NORMAL = b"\x1d!\x11", b"\x1d!\x01", b"\x1d!\x00"  # GS ! n
CENTER, LEFT = b"\x1ba\x01", b"\x1ba\x00"
BOLD_ON, BOLD_OFF = b"\x1bE\x01", b"\x1bE\x00"
FEED_AND_CUT = b"\x1bd\x06\x1dV\x00"  # ESC d 6, GS V 0


def barcode(width: int, data: bytes) -> bytes:
    # GS h 60, GS w width, GS f 0 (font A), GS H 2 (text below), GS k 73 len {B...
    return (
        b"\x1dh<\x1dw" + bytes([width]) + b"\x1df\x00\x1dH\x02\x1dkI" + bytes([len(data) + 2]) + b"{B" + data
    )


def small_receipt() -> Receipt:
    return Receipt(
        agency_name="Metro Transit",
        agency_lines=[],
        location_name="Downtown",
        terminal_name="C3",
        clerk_name="Ann",
        receipt_number="R-1",
        issued_at=datetime(2026, 11, 23, 9, 5),
        lines=[ReceiptLine("Day Pass", 2, 500, 1000)],
        subtotal_cents=1000,
        total_cents=1000,
        tenders=[ReceiptTender("cash", 2000)],
        change_cents=1000,
        footer_lines=["Thanks!"],
    )


def expected_small(columns: int, barcode_width: int) -> bytes:
    def pair(left: str, right: str) -> bytes:
        return (left + right.rjust(columns - len(left))).encode() + b"\n"

    rule = b"-" * columns + b"\n"
    return b"".join(
        [
            ESC_INIT,
            CODE_PAGE_858,
            SIZE_2X,
            CENTER,
            BOLD_ON,
            b"Metro Transit\n",
            SIZE_NORMAL,
            BOLD_OFF,
            b"Downtown\n",
            b"\n",
            SIZE_2X,
            BOLD_ON,
            b"SALE\n",
            SIZE_NORMAL,
            LEFT,
            BOLD_OFF,
            pair("Receipt", "R-1"),
            pair("Date", "2026-11-23 09:05"),
            pair("Terminal", "C3"),
            pair("Clerk", "Ann"),
            rule,
            pair("Day Pass", "10.00"),
            b"  2 x 5.00\n",
            rule,
            pair("Subtotal", "10.00"),
            SIZE_TALL,
            BOLD_ON,
            pair("TOTAL", "$10.00"),
            SIZE_NORMAL,
            BOLD_OFF,
            pair("Cash", "20.00"),
            pair("Change", "10.00"),
            rule,
            CENTER,
            b"Thanks!\n",
            b"\n",
            barcode(barcode_width, b"R-1"),
            b"\n",
            FEED_AND_CUT,
        ]
    )


@pytest.mark.parametrize(("width_mm", "columns", "barcode_width"), [(58, 32, 2), (80, 48, 3)])
def test_reference_receipt_is_byte_exact(width_mm: int, columns: int, barcode_width: int) -> None:
    assert render_escpos(small_receipt(), width_mm) == expected_small(columns, barcode_width)


@pytest.mark.parametrize("width_mm", [58, 80])
def test_sample_receipt_matches_golden_bytes(width_mm: int) -> None:
    """Full receipt (card tender, detail lines, accents, duplicate banner) against reviewed bytes.

    Regenerate after an intended layout change with FAREDESK_REGEN_GOLDEN=1 and review the .txt.
    """
    receipt = sample_receipt(duplicate=True, title="SALE")
    data = render_escpos(receipt, width_mm)
    golden = GOLDEN / f"sample_{width_mm}mm.bin"
    if os.environ.get("FAREDESK_REGEN_GOLDEN"):
        golden.write_bytes(data)
        golden.with_suffix(".txt").write_text(render_text(receipt, width_mm), encoding="utf-8")
    assert data == golden.read_bytes()
    assert render_text(receipt, width_mm) == golden.with_suffix(".txt").read_text(encoding="utf-8")


def test_duplicate_banner_is_inverted_and_double() -> None:
    data = render_escpos(sample_receipt(duplicate=True), 80)
    assert b"\x1dB\x01DUPLICATE\n" in data  # GS B 1: white on black
    assert b"DUPLICATE" not in render_escpos(sample_receipt(duplicate=False), 80)


def test_card_tender_shows_brand_and_last_four_only() -> None:
    text = render_text(sample_receipt(), 58)
    assert "VISA ****4242" in text
    assert "Auth A1B2C3" in text
    with pytest.raises(ValueError, match="four digits"):
        ReceiptTender("card", 100, brand="VISA", last4="4111111111111111")


def test_amounts_are_right_aligned_to_the_paper_edge() -> None:
    for width_mm, columns in ((58, 32), (80, 48)):
        lines = render_text(sample_receipt(), width_mm).splitlines()
        assert max(len(line) for line in lines) <= columns
        for label, amount in (("Day Pass", "10.00"), ("Subtotal", "128.00"), ("TOTAL", "$128.00")):
            line = next(line for line in lines if line.startswith(label))
            assert line.endswith(amount) and len(line) == columns


def test_text_is_mapped_to_the_code_page_with_fallbacks() -> None:
    cp858, cp437 = code_page("cp858"), code_page("cp437")
    assert encode_text("Zoë €5", cp858) == b"Zo\x89 \xd55"  # ë and € exist in cp858
    assert encode_text("Zoë €5", cp437) == b"Zo\x89 EUR5"  # no € in cp437
    assert encode_text("“Ő” – 漢\x07", cp437) == b'"O" - ??'
    data = render_escpos(sample_receipt(), 80, code_page_name="cp437")
    assert data.startswith(ESC_INIT + b"\x1bt\x00")
    assert "Zoë Núñez".encode("cp437") in data


def test_qr_code_option_uses_native_gs_k() -> None:
    data = render_escpos(replace(small_receipt(), code="qr"), 80)
    assert b"\x1d(k\x06\x001P0R-1" in data  # store data (cn=1, fn=P)
    assert b"\x1d(k\x03\x001Q0" in data  # print it


def test_money_is_integer_cents_only() -> None:
    assert format_cents(0) == "0.00"
    assert format_cents(-5) == "-0.05"
    assert format_cents(123456789) == "1,234,567.89"
    with pytest.raises(TypeError):
        format_cents(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ReceiptLine("x", 1, 100, 1.0)  # type: ignore[arg-type]


words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
)
cents = st.integers(min_value=-(10**9), max_value=10**9)


@st.composite
def receipts(draw: st.DrawFn) -> Receipt:
    lines = draw(
        st.lists(
            st.builds(ReceiptLine, words, st.integers(1, 99), cents, cents, st.none() | words), max_size=4
        )
    )
    tenders = draw(
        st.lists(
            st.builds(
                ReceiptTender,
                st.sampled_from(["cash", "card", "check"]),
                cents,
                st.none() | st.just("MC"),
                st.none() | st.from_regex(r"\A[0-9]{4}\Z"),
                st.none() | st.just("OK1234"),
                st.none(),
            ),
            max_size=2,
        )
    )
    return Receipt(
        draw(words),
        draw(st.lists(words, max_size=2)),
        draw(words),
        draw(words),
        draw(words),
        draw(st.from_regex(r"\AR-[0-9A-Z]{1,12}\Z")),
        datetime(2026, 1, 2, 3, 4),
        lines,
        draw(cents),
        draw(cents),
        tenders,
        draw(cents),
        draw(st.lists(words, max_size=2)),
        draw(st.booleans()),
        code=draw(st.sampled_from(["barcode", "qr", "none"])),
    )


@settings(max_examples=60, deadline=None)
@given(receipts(), st.sampled_from([58, 80]))
def test_printed_bytes_parse_back_to_the_text_rendering(receipt: Receipt, width_mm: int) -> None:
    """The simulator's parser and the text preview agree on every receipt, and nothing overflows."""
    parser = EscposParser(32 if width_mm == 58 else 48)
    parser.feed(render_escpos(receipt, width_mm))
    out = parser.finish()
    assert out.text() == render_text(receipt, width_mm)
    assert out.cuts == 1
    assert all(len(line) <= (32 if width_mm == 58 else 48) for line in out.lines)
