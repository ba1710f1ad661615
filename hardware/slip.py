"""Drawer slips: the paper that goes in the safe-drop bag or the paid-out file.

A :class:`Slip` is laid out with the receipt's own line model and renderers
(:func:`hardware.receipt.blocks_to_text` / :func:`hardware.receipt.blocks_to_escpos`), so a
slip prints on the same paper widths and code pages as a receipt. It names the amount, the
reason, the clerk, the witness (and an approver, when one signed), and the local time; it
ends with lines to sign, since the bag or the file is checked by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from hardware.codepage import DEFAULT_CODE_PAGE, CodePage, code_page, printable
from hardware.money import format_cents
from hardware.receipt import (
    Block,
    Line,
    _two_columns,
    _wrapped,
    blocks_to_escpos,
    blocks_to_text,
    columns_for,
)


@dataclass(frozen=True)
class Slip:
    agency_name: str
    location_name: str
    terminal_name: str
    title: str  # "PAID OUT", "SAFE DROP"
    number: str  # the movement's reference, e.g. "SD-42"
    amount_cents: int
    reason: str
    clerk_name: str
    issued_at: datetime  # local time
    witness_name: str | None = None
    approved_by: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.amount_cents, bool) or not isinstance(self.amount_cents, int):
            raise TypeError("money must be integer cents")


def layout_slip(slip: Slip, width_mm: int = 80, page: CodePage | None = None) -> list[Block]:
    columns = columns_for(width_mm)
    page = page or code_page(DEFAULT_CODE_PAGE)

    def p(text: str) -> str:
        return printable(" ".join(text.split()), page)

    def pairs(left: str, right: str, **style: object) -> Iterator[Line]:
        for text in _two_columns(p(left), p(right), columns):
            yield Line(text, **style)  # type: ignore[arg-type]

    blocks: list[Block] = []
    blocks += _wrapped(p(slip.agency_name), columns // 2, align="center", bold=True, double=True)
    blocks += _wrapped(p(slip.location_name), columns, align="center")
    blocks.append(Line(""))
    blocks += _wrapped(p(slip.title), columns // 2, align="center", bold=True, double=True)
    blocks += pairs("Slip", slip.number)
    blocks += pairs("Date", slip.issued_at.strftime("%Y-%m-%d %H:%M"))
    blocks += pairs("Terminal", slip.terminal_name)
    blocks.append(Line("-" * columns))
    blocks += pairs("AMOUNT", format_cents(slip.amount_cents, symbol="$"), bold=True, tall=True)
    blocks += _wrapped(p(f"Reason: {slip.reason}"), columns)
    blocks += pairs("Clerk", slip.clerk_name)
    if slip.witness_name:
        blocks += pairs("Witness", slip.witness_name)
    if slip.approved_by:
        blocks += pairs("Approved by", slip.approved_by)
    blocks.append(Line("-" * columns))
    for role in ("Clerk", *(("Witness",) if slip.witness_name else ())):
        blocks.append(Line(""))
        blocks.append(Line(p(f"{role} signature ").ljust(columns, "_")))
    return blocks


def render_slip_text(slip: Slip, width_mm: int = 80) -> str:
    return blocks_to_text(layout_slip(slip, width_mm), columns_for(width_mm))


def render_slip_escpos(slip: Slip, width_mm: int = 80, *, code_page_name: str = DEFAULT_CODE_PAGE) -> bytes:
    page = code_page(code_page_name)
    return blocks_to_escpos(layout_slip(slip, width_mm, page), width_mm, page)
