"""Receipt document model and its renderings for 58 mm and 80 mm paper.

One layout step turns a :class:`Receipt` into printed lines (:class:`Line`) and a code
(:class:`Code`); two renderers turn those into plain text (for previews, the simulator and
logs) or ESC/POS bytes (for the printer). Because both renderings share the layout, what the
clerk sees in a preview is what the printer prints.

Money is integer cents throughout. A card tender carries its brand and last four digits only;
anything that looks like more of a card number is refused.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from escpos.printer import Dummy

from hardware.codepage import DEFAULT_CODE_PAGE, CodePage, code_page, encode_text, printable
from hardware.money import format_cents

Align = Literal["left", "center", "right"]
TENDER_KINDS = ("cash", "card", "check", "account")
TENDER_LABELS = {"cash": "Cash", "card": "Card", "check": "Check", "account": "On account"}
COLUMNS = {58: 32, 80: 48}  # font A, 12 dots per character: 384 and 576 printable dots


@dataclass(frozen=True)
class ReceiptLine:
    description: str
    quantity: int
    unit_cents: int
    amount_cents: int
    detail: str | None = None

    def __post_init__(self) -> None:
        _require_cents(self.unit_cents, self.amount_cents)
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise TypeError("quantity must be an integer")


@dataclass(frozen=True)
class ReceiptTender:
    kind: str
    amount_cents: int
    brand: str | None = None
    last4: str | None = None
    auth_code: str | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        _require_cents(self.amount_cents)
        if self.kind not in TENDER_KINDS:
            raise ValueError(f"tender kind must be one of {TENDER_KINDS}, got {self.kind!r}")
        if self.last4 is not None and not (len(self.last4) == 4 and self.last4.isdigit()):
            raise ValueError("last4 must be exactly four digits; a receipt never shows more of a card")


@dataclass(frozen=True)
class Receipt:
    agency_name: str
    agency_lines: list[str]
    location_name: str
    terminal_name: str
    clerk_name: str
    receipt_number: str
    issued_at: datetime
    lines: list[ReceiptLine]
    subtotal_cents: int
    total_cents: int
    tenders: list[ReceiptTender]
    change_cents: int
    footer_lines: list[str] = field(default_factory=list)
    duplicate: bool = False
    title: str = "SALE"
    code: Literal["barcode", "qr", "none"] = "barcode"
    # The customer's language (app.i18n.receipts fills these; the defaults print English):
    labels: Mapping[str, str] = field(default_factory=dict)  # English label -> translation
    money: Callable[[int], str] | None = None  # cents -> amount as the language writes it
    issued_text: str = ""  # issued_at as the language writes it
    script: str = ""  # "": the printer's code page; a code page name (cp866); "raster"

    def __post_init__(self) -> None:
        _require_cents(self.subtotal_cents, self.total_cents, self.change_cents)

    def label(self, english: str) -> str:
        return self.labels.get(english, english)

    def amount(self, cents: int, *, symbol: str = "") -> str:
        return self.money(cents) if self.money is not None else format_cents(cents, symbol=symbol)


def _require_cents(*values: int) -> None:
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"money must be integer cents, got {value!r}")


# --- layout ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One printed line, already fitted to the paper width."""

    text: str
    align: Align = "left"
    bold: bool = False
    tall: bool = False  # double height, same width: columns do not change
    double: bool = False  # double height and width: half the columns
    invert: bool = False


@dataclass(frozen=True)
class Code:
    kind: Literal["barcode", "qr"]
    data: str


Block = Line | Code


def columns_for(width_mm: int) -> int:
    try:
        return COLUMNS[width_mm]
    except KeyError:
        raise ValueError(f"paper width must be 58 or 80 mm, got {width_mm}") from None


# The characters textwrap rewrites before wrapping (tabs are expanded, the others become spaces)
_WRAP_REWRITES = re.compile("[\t\n\x0b\x0c\r]")


def _wrap(text: str, width: int) -> list[str]:
    """``textwrap.wrap(text, width)``, without its work for the common line that already fits.

    Such a line comes back unchanged unless textwrap would rewrite a character, or drop
    trailing whitespace (all of it, when the line is blank).
    """
    if len(text) <= width and text and not text[-1].isspace() and _WRAP_REWRITES.search(text) is None:
        return [text]
    return textwrap.wrap(text, width)


def _two_columns(left: str, right: str, columns: int) -> list[str]:
    """``left`` wrapped, ``right`` right-aligned on the last line (or alone if no room)."""
    room = columns - len(right) - 1
    if room < 1:
        return [
            *_wrap(left, columns),
            *(part.rjust(columns) for part in _wrap(right, columns)),
        ]
    wrapped = _wrap(left, room) or [""]
    *head, last = wrapped
    return [*head, last.ljust(room) + " " + right]


def _wrapped(text: str, columns: int, **style: object) -> Iterator[Line]:
    for chunk in _wrap(text, columns) or [""]:
        yield Line(chunk, **style)  # type: ignore[arg-type]


def layout(receipt: Receipt, width_mm: int = 80, page: CodePage | None = None) -> list[Block]:
    """Lay a receipt out in printed lines for the given paper width."""
    columns = columns_for(width_mm)
    page = page or code_page(receipt.script if receipt.script not in ("", "raster") else DEFAULT_CODE_PAGE)
    if receipt.script == "raster" and page.escpos_table >= 0:
        from hardware.raster_text import UNICODE

        page = UNICODE  # drawn as an image: every character stays as it is
    t, amount = receipt.label, receipt.amount

    def p(text: str) -> str:
        return printable(" ".join(text.split()), page)

    def pairs(left: str, right: str, **style: object) -> Iterator[Line]:
        for text in _two_columns(p(left), p(right), columns):
            yield Line(text, **style)  # type: ignore[arg-type]

    rule = Line("-" * columns)
    blocks: list[Block] = []
    blocks += _wrapped(p(receipt.agency_name), columns // 2, align="center", bold=True, double=True)
    for extra in receipt.agency_lines:
        blocks += _wrapped(p(extra), columns, align="center")
    blocks += _wrapped(p(receipt.location_name), columns, align="center")
    blocks.append(Line(""))
    if receipt.duplicate:
        blocks.append(Line(p(t("DUPLICATE")), align="center", bold=True, double=True, invert=True))
        blocks += _wrapped(p(t("Reprint - not a new transaction")), columns, align="center")
        blocks.append(Line(""))
    blocks += _wrapped(p(receipt.title), columns // 2, align="center", bold=True, double=True)
    blocks += pairs(t("Receipt"), receipt.receipt_number)
    blocks += pairs(t("Date"), receipt.issued_text or receipt.issued_at.strftime("%Y-%m-%d %H:%M"))
    blocks += pairs(t("Terminal"), receipt.terminal_name)
    blocks += pairs(t("Clerk"), receipt.clerk_name)
    blocks.append(rule)
    for item in receipt.lines:
        blocks += pairs(item.description, amount(item.amount_cents))
        if item.quantity != 1:
            blocks += _wrapped("  " + p(f"{item.quantity} x {amount(item.unit_cents)}"), columns)
        if item.detail:
            blocks += _wrapped("  " + p(item.detail), columns)
    blocks.append(rule)
    blocks += pairs(t("Subtotal"), amount(receipt.subtotal_cents))
    blocks += pairs(t("TOTAL"), amount(receipt.total_cents, symbol="$"), bold=True, tall=True)
    blocks += _tender_blocks(receipt, pairs, columns)
    if receipt.change_cents:
        blocks += pairs(t("Change"), amount(receipt.change_cents))
    blocks.append(rule)
    for footer in receipt.footer_lines:
        blocks += _wrapped(p(footer), columns, align="center")
    if receipt.code != "none":
        blocks.append(Line(""))
        blocks.append(Code(receipt.code, receipt.receipt_number))
    return blocks


def _tender_blocks(
    receipt: Receipt, pairs: Callable[[str, str], Iterator[Line]], columns: int
) -> Iterator[Line]:
    t = receipt.label
    for tender in receipt.tenders:
        label = t(TENDER_LABELS[tender.kind])
        if tender.kind == "card":
            label = " ".join(
                x for x in (tender.brand or t("Card"), f"****{tender.last4}" if tender.last4 else "") if x
            )
        yield from pairs(label, receipt.amount(tender.amount_cents))
        details = []
        if tender.auth_code:
            details.append(f"{t('Auth')} {tender.auth_code}")
        if tender.reference:
            details.append(f"{t('Ref')} {tender.reference}")
        if details:
            yield from _wrapped("  " + "  ".join(details), columns)


# --- plain text --------------------------------------------------------------------------


def render_text(receipt: Receipt, width_mm: int = 80) -> str:
    """The receipt as the printer would lay it out, in plain text."""
    return blocks_to_text(layout(receipt, width_mm), columns_for(width_mm))


def blocks_to_text(blocks: Iterable[Block], columns: int) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Code):
            label = "[BARCODE " if block.kind == "barcode" else "[QR "
            out.append((label + block.data + "]").center(columns).rstrip())
            continue
        text = " ".join(block.text) if block.double else block.text
        if block.align == "center":
            text = text.center(columns)
        elif block.align == "right":
            text = text.rjust(columns)
        out.append(text.rstrip())
    return "\n".join(out) + "\n"


# --- ESC/POS -----------------------------------------------------------------------------


class _Capture(Dummy):
    """A python-escpos printer that only collects bytes (profile: generic Epson)."""


def render_escpos(
    receipt: Receipt, width_mm: int = 80, *, code_page_name: str = DEFAULT_CODE_PAGE, cut: bool = True
) -> bytes:
    """ESC/POS bytes for the receipt: initialise, select code page, print, code, feed and cut.

    A receipt in a language with its own code page (``receipt.script``, e.g. cp866) uses that
    page; one in a script no code page holds (``"raster"``) prints its text as images."""
    if receipt.script == "raster":
        from hardware import raster_text

        return raster_text.render_escpos(receipt, width_mm, cut=cut)
    page = code_page(receipt.script or code_page_name)
    return blocks_to_escpos(layout(receipt, width_mm, page), width_mm, page, cut=cut)


def blocks_to_escpos(blocks: Iterable[Block], width_mm: int, page: CodePage, *, cut: bool = True) -> bytes:
    printer = _Capture()
    printer.hw("INIT")  # python-escpos never sends ESC @ by itself
    printer._raw(b"\x1bt" + bytes([page.escpos_table]))
    style = _Style(printer)
    for block in blocks:
        if isinstance(block, Code):
            style.apply(Line(block.data, align="center"))
            _print_code(printer, block, width_mm)
            continue
        if block.text:  # a blank line keeps the current style: no commands for nothing
            style.apply(block)
        printer._raw(encode_text(block.text, page) + b"\n")
    if cut:
        printer.cut()  # ESC d 6 (feed past the cutter), GS V 0
    return printer.output


def _print_code(printer: Dummy, code: Code, width_mm: int) -> None:
    if code.kind == "qr":
        printer.qr(code.data, native=True, size=6 if width_mm == 80 else 4)
        return
    # CODE128 subset B; _hw_barcode avoids barcode()'s print to stdout.
    printer._hw_barcode(
        "{B" + code.data,
        "CODE128",
        height=60,
        width=3 if width_mm == 80 else 2,
        pos="BELOW",
        font="A",
        align_ct=False,
        function_type="B",
    )
    printer._raw(b"\n")


class _Style:
    """Sends only the style commands that change, so the byte stream stays small."""

    def __init__(self, printer: Dummy) -> None:
        self.printer = printer
        self.align: Align = "left"
        self.bold = False
        self.size = "normal"
        self.invert = False

    def apply(self, line: Line) -> None:
        size = "2x" if line.double else "2h" if line.tall else "normal"
        if size != self.size:
            # GS ! n: one command for width and height multipliers
            self.printer.set(
                custom_size=True, width=2 if line.double else 1, height=1 if size == "normal" else 2
            )
            self.size = size
        if line.align != self.align:
            self.printer.set(align=line.align)
            self.align = line.align
        if line.bold != self.bold:
            self.printer.set(bold=line.bold)
            self.bold = line.bold
        if line.invert != self.invert:
            self.printer.set(invert=line.invert)
            self.invert = line.invert
