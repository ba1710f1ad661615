"""The printed receipt in every shipped language: no message falls back to English, money and
dates in the language's format, Russian and Vietnamese on their printer code pages, Chinese
and Korean as raster images (GS v 0) with the barcode still native."""

from __future__ import annotations

import pytest

from app.i18n import catalogs, languages
from app.i18n.catalogs import translator
from app.i18n.domains import RECEIPT
from app.i18n.formatting import format_money
from app.kiosk.checkout import to_receipt
from app.sales import printing
from app.sales.queries import get_sale
from app.sales.recording import complete_sale
from app.sales.returns import refund_sale
from hardware.codepage import code_page, encode_text
from hardware.money import format_cents
from hardware.raster_text import GS_V0, decode_raster
from hardware.receipt import render_escpos, render_text
from tests.cjk import need_cjk_font
from tests.integration.test_sales_support import (
    SCRIP_CENTS,
    TICKET_BOOK_CENTS,
    Shop,
    card,
    cash,
    key,
    line,
    make_shop,
)

SHIPPED = [language.code for language in languages.SHIPPED]
TOTAL = TICKET_BOOK_CENTS + 2 * SCRIP_CENTS


@pytest.fixture
async def sale() -> tuple[Shop, int]:
    """A ticket book and two taxi scrips, paid by card ($10.00) and cash."""
    shop = await make_shop()
    card_tender = await card(shop, 1_000, last4="0042")
    result = await complete_sale(
        shop.clerk, terminal_id=shop.terminal_id, idempotency_key=key(),
        lines=[line(shop.ticket_book), line(shop.scrip, 2)],
        tenders=[card_tender, cash(TOTAL - 1_000)])
    return shop, result.sale_id


def words(code: str, english: str) -> str:
    return translator(code, RECEIPT).gettext(english)


@pytest.mark.parametrize("code", SHIPPED)
async def test_every_language_prints_the_receipt_without_a_missing_message(
        sale: tuple[Shop, int], code: str) -> None:
    _, sale_id = sale
    if languages.get(code).receipt == "raster":
        need_cjk_font()
    catalogs.reset_missing()
    data = await printing.receipt_data(sale_id, duplicate=True, locale=code)
    receipt = to_receipt(data, code)
    escpos = render_escpos(receipt, 80)
    text = render_text(receipt, 80)
    assert catalogs.missing_messages() == {}
    language = languages.get(code)
    # the words and the money in the customer's language
    assert data.title == words(code, "SALE")
    assert data.footer_lines == [words(code, "Thank you for riding."),
                                 words(code, "Keep this receipt for refunds.")]
    if code != "en":
        assert data.title != "SALE"
    if language.receipt == "raster":
        assert GS_V0 in escpos
        assert b"\x1dk" in escpos  # the barcode is still a native CODE128 command
        image = decode_raster(escpos)
        assert image is not None and image.width == 576
        assert image.histogram()[0] > 5_000  # thousands of black dots: the text was drawn
        assert words(code, "TOTAL") in text and format_money(TOTAL, code) in text
        assert "?" not in text
        return
    assert GS_V0 not in escpos
    page = code_page(language.receipt)
    assert escpos.startswith(b"\x1b@\x1bt" + bytes([page.escpos_table]))
    assert encode_text(words(code, "TOTAL"), page) in escpos
    assert encode_text(words(code, "Subtotal"), page) in escpos
    if code == "en":
        assert format_cents(TOTAL, symbol="$").encode() in escpos  # English: the printer's format
    else:
        amount = format_money(TOTAL, code).replace("\xa0", " ")
        assert encode_text(amount, page) in escpos, amount


def test_russian_uses_cp866_and_vietnamese_cp1258_with_tone_marks() -> None:
    ru = code_page("cp866")
    assert ru.escpos_table == 17
    assert encode_text("ИТОГО", ru) == "ИТОГО".encode("cp866")
    vi = code_page("cp1258")
    assert vi.escpos_table == 52
    # "Ổ" is O + circumflex + hook above: cp1258 writes Ô (0xD4) then the combining hook (0xD2)
    assert encode_text("TỔNG", vi) == b"T\xd4\xd2NG"
    assert encode_text("Tiếng Việt", vi).decode("cp1258") == "Tiê\u0301ng Viê\u0323t"


async def test_a_refund_receipt_gives_the_reason_in_the_language(sale: tuple[Shop, int]) -> None:
    shop, sale_id = sale
    original = await get_sale(sale_id)
    scrip_line = next(ln for ln in original["lines"] if ln["quantity"] == 2)
    refund = await refund_sale(
        shop.clerk, terminal_id=shop.terminal_id, original_sale_id=sale_id,
        line_quantities={int(scrip_line["id"]): 1}, reason_code="duplicate_purchase",
        idempotency_key=key(), refund_tenders=[cash(SCRIP_CENTS)])
    need_cjk_font()
    for code in SHIPPED:
        catalogs.reset_missing()
        data = await printing.receipt_data(refund.sale_id, locale=code)
        render_escpos(to_receipt(data, code), 58)
        assert catalogs.missing_messages() == {}
        reason = words(code, "Reason: {reason}").format(reason=words(code, "Duplicate purchase"))
        assert reason in data.footer_lines
        assert data.title == words(code, "REFUND")
