"""At the counter the clerk picks the customer's language: the receipt the simulated printer
prints and the customer display follow it."""

from __future__ import annotations

import asyncio
import re

from app.catalog import rules
from app.kiosk import after_commit, devices
from app.settings import get_settings
from tests.cjk import need_cjk_font
from tests.fixtures import Browser
from tests.integration.test_kiosk_support import HX, make_product, selling_counter, terminal_row


async def _sell_cash(browser: Browser, product_id: int, tendered: str) -> None:
    added = await browser.post_form("/kiosk/cart/add", {"product_id": str(product_id)}, headers=HX)
    assert added.status_code == 200
    form = await browser.get("/kiosk/tender/cash", headers=HX)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form.text)
    assert key
    done = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": key.group(1),
                                                       "tendered": tendered}, headers=HX)
    assert "/kiosk/sale/" in done.headers.get("hx-redirect", ""), done.text[:300]
    await after_commit.drain()  # the receipt prints apart from the paying request


async def _display(terminal: dict, first: str) -> tuple[str, str]:  # type: ignore[type-arg]
    for _ in range(40):
        shown = devices.display_text(terminal)
        if shown[0].startswith(first):
            return shown
        await asyncio.sleep(0.05)
    return devices.display_text(terminal)


async def test_the_counter_screen_offers_the_customer_language_english_first(browser: Browser) -> None:
    await selling_counter(browser)
    page = await browser.get("/kiosk")
    assert 'data-testid="customer-language"' in page.text
    assert '<option value="en" lang="en" selected>' in page.text
    assert 'value="zh_Hant" lang="zh-Hant"' in page.text


async def test_a_spanish_customer_gets_a_spanish_receipt_and_display(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    scrip = await make_product(counter.admin, rules.HS_TICKET_BOOK, 1_000)
    chosen = await browser.post_form("/kiosk/customer-language", {"lang": "es"}, headers=HX)
    assert chosen.status_code == 200 and '<option value="es" lang="es" selected>' in chosen.text
    assert await _display(terminal, "Bienvenido") == ("Bienvenido", "")
    await _sell_cash(browser, scrip, "20")
    [receipt] = devices.printed_receipts(terminal, limit=1)
    assert "Subtotal" in receipt["text"] and "Cambio" in receipt["text"]
    assert "Gracias por viajar con nosotros." in receipt["text"]
    line1, line2 = await _display(terminal, "¡Gracias!")
    assert line1.startswith("¡Gracias!") and line2.startswith("Cambio $10.00")
    # the choice is kept for the next customer until the clerk changes it
    assert '<option value="es" lang="es" selected>' in (await browser.get("/kiosk")).text


async def test_a_korean_receipt_prints_as_a_raster_image(browser: Browser) -> None:
    need_cjk_font()
    counter, _ = await selling_counter(browser)
    terminal = await terminal_row(counter)
    book = await make_product(counter.admin, rules.TICKET_BOOK, 2_500)
    response = await browser.post_form("/kiosk/customer-language", {"lang": "ko", "back": "/kiosk"})
    assert response.status_code == 303
    await _sell_cash(browser, book, "25")
    [receipt] = devices.printed_receipts(terminal, limit=1)
    assert "[IMAGE]" in receipt["text"] and "[BARCODE " in receipt["text"]
    png = get_settings().sim_dir / str(terminal["code"]) / "printer" / f"{receipt['name']}.png"
    assert png.is_file() and png.stat().st_size > 1_000
    # a 2×20 pole display has no Hangul: it thanks the customer in English
    line1, _ = await _display(terminal, "Thank you!")
    assert line1.startswith("Thank you!")


async def test_the_admin_page_shows_a_raster_receipt_as_an_image(browser: Browser) -> None:
    need_cjk_font()
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.HS_TICKET_BOOK, 1_000)
    await browser.post_form("/kiosk/customer-language", {"lang": "zh_Hant"}, headers=HX)
    await _sell_cash(browser, scrip, "10")
    await browser.sign_in(counter.admin.username)
    page = await browser.get(f"/admin/terminals/{counter.terminal_id}/receipts")
    image = re.search(r'<img src="([^"]+)"[^>]*data-testid="sim-receipt-image"', page.text)
    assert image, page.text[-2000:]
    png = await browser.get(image.group(1))
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    missing = await browser.get(f"/admin/terminals/{counter.terminal_id}/receipt-images/..%2Fsecret")
    assert missing.status_code == 404
