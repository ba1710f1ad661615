"""A receipt printer that accepts the connection and never reads or answers never holds the clerk.

The printer is a real TCP socket that accepts and then ignores everything. The paying request
returns at once; the done screen says it is printing and asks again (htmx polling) until the
print fails, then says the receipt did not print and that the drawer did not open; the status
bar answers while the print hangs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from app.catalog import rules
from app.kiosk import after_commit
from app.sales.tables import PrintJob, Sale
from app.terminals.tables import Terminal
from tests.fixtures import Browser
from tests.hardware.test_printer_never_answers import MutePrinter
from tests.integration.test_kiosk_sale import _add, _key, _sale_id
from tests.integration.test_kiosk_support import HX, make_product, selling_counter

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture
def mute() -> Iterator[MutePrinter]:
    printer = MutePrinter()
    yield printer
    printer.close()


async def test_a_printer_that_never_answers_does_not_hold_the_paying_request(
    browser: Browser, mute: MutePrinter
) -> None:
    counter, _ = await selling_counter(browser)
    await Terminal.update({Terminal.printer_url: f"tcp://127.0.0.1:{mute.port}?timeout=2"}).where(
        Terminal.id == counter.terminal_id)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    cash = await browser.get("/kiosk/tender/cash", headers=HX)

    started = time.monotonic()
    done = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": _key(cash.text),
                                                       "tendered": "20"}, headers=HX)
    paying = time.monotonic() - started
    sale_id = await _sale_id(done)
    assert paying < 1.0, f"the paying request took {paying:.2f} s"
    assert await Sale.exists().where(Sale.id == sale_id)

    screen = await browser.get(f"/kiosk/sale/{sale_id}")
    assert 'data-testid="printing"' in screen.text  # the print runs; the screen asks again
    assert f'hx-get="/kiosk/sale/{sale_id}/print?n=1"' in screen.text
    assert 'hx-trigger="every 1s"' in screen.text

    started = time.monotonic()
    status = await browser.get("/kiosk/status", headers=HX)  # while the drawer/print hang
    assert time.monotonic() - started < 2.0
    assert "Printer:" in status.text

    for n in range(1, 100):  # the poll, as htmx makes it, until the devices have answered
        poll = await browser.get(f"/kiosk/sale/{sale_id}/print?n={n}", headers=HX)
        if "hx-trigger" not in poll.text:
            break
        await asyncio.sleep(0.1)
    assert "hx-trigger" not in poll.text  # the answer is final: polling stops
    assert "The receipt did not print" in poll.text and 'data-testid="retry-print"' in poll.text
    assert 'data-testid="drawer-problem"' in poll.text and "The cash drawer did not open" in poll.text
    assert b"\x1bp" not in mute.received()  # no kick was sent to a printer that never answered
    await after_commit.drain()
    job = await PrintJob.select().where(PrintJob.sale == sale_id).first()
    assert job is not None and job["status"] == "failed"


async def test_the_done_screen_reports_a_printed_receipt_as_it_arrives(browser: Browser) -> None:
    counter, _ = await selling_counter(browser)
    scrip = await make_product(counter.admin, rules.TAXI_SCRIP, 1_000)
    await _add(browser, scrip)
    cash = await browser.get("/kiosk/tender/cash", headers=HX)
    done = await browser.post_form("/kiosk/pay/cash", {"idempotency_key": _key(cash.text),
                                                       "tendered": "10"}, headers=HX)
    sale_id = await _sale_id(done)
    await after_commit.drain()
    poll = await browser.get(f"/kiosk/sale/{sale_id}/print", headers=HX)
    assert 'data-testid="printed"' in poll.text and "hx-trigger" not in poll.text
    assert "drawer-problem" not in poll.text
