"""Paid-outs and safe drops print a slip for the bag or the file, after the drawer opened."""

from __future__ import annotations

from datetime import datetime

from app.audit.tables import AuditEvent
from app.auth.roles import Role
from app.kiosk import after_commit, devices
from app.settings import get_settings
from tests.fixtures import PIN, Browser, make_user
from tests.integration.test_kiosk_support import (
    clerk_signs_in,
    make_counter,
    open_shift,
    terminal_row,
)


async def test_a_safe_drop_prints_a_slip_with_amount_reason_clerk_witness_and_time(
    browser: Browser,
) -> None:
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=10)
    witness = await make_user(Role.LEAD, (counter.org.section_id,))
    done = await browser.post_form("/kiosk/drawer/safe_drop", {
        "amount": "120", "reason": "Over the drawer limit", "witness_login": witness.username,
        "witness_pin": PIN})
    assert done.status_code == 303
    await after_commit.drain()
    slip = devices.printed_receipts(await terminal_row(counter))[0]["text"]
    assert "S A F E   D R O P" in slip
    assert "$120.00" in slip and "Reason: Over the drawer limit" in slip
    assert clerk.username in slip and witness.username in slip, slip
    assert "Witness signature" in slip
    event = await AuditEvent.select().where(AuditEvent.action == "slip.printed").first()
    assert event is not None and event["object_type"] == "cash_movement"
    local = datetime.now(get_settings().tz)
    assert f"Date {local:%Y-%m-%d %H}:" in " ".join(slip.split())  # the agency's local time


async def test_a_paid_out_prints_its_slip_and_a_paid_in_prints_none(browser: Browser) -> None:
    counter = await make_counter()
    await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=10)
    terminal = await terminal_row(counter)
    await browser.post_form("/kiosk/drawer/paid_in", {"amount": "5", "reason": "change"})
    await after_commit.drain()
    assert "Slip" not in devices.printed_receipts(terminal)[0]["text"]  # a kick only
    await browser.post_form("/kiosk/drawer/paid_out", {"amount": "3.50", "reason": "stamps"})
    await after_commit.drain()
    slip = devices.printed_receipts(terminal)[0]["text"]
    assert "P A I D   O U T" in slip and "$3.50" in slip and "Reason: stamps" in slip
    assert "Witness" not in slip


async def test_a_slip_the_printer_cannot_print_is_recorded(browser: Browser) -> None:
    counter = await make_counter()
    await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=10)
    devices.control(await terminal_row(counter), "printer", "paper_out")
    try:
        await browser.post_form("/kiosk/drawer/paid_out", {"amount": "2", "reason": "tape"})
        await after_commit.drain()
    finally:
        devices.control(await terminal_row(counter), "printer", "normal")
    event = await AuditEvent.select().where(AuditEvent.action == "slip.print_failed").first()
    assert event is not None and "paper" in event["summary"]


async def test_the_close_form_shows_the_terminals_batch_total(browser: Browser) -> None:
    counter = await make_counter()
    await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=10)
    terminal = await terminal_row(counter)
    pad = devices.device_set(terminal).terminal
    assert (await pad.sale(1_250, "R-batch-1")).approved
    assert (await pad.sale(500, "R-batch-2")).approved
    form = await browser.get("/kiosk/shift/close")
    assert form.status_code == 200
    assert "The payment terminal&#39;s batch report says $17.50." in form.text
    pad.simulator.control("silent")
    try:
        quiet = await browser.get("/kiosk/shift/close")
    finally:
        pad.simulator.control("approve")
    assert "From the payment terminal&#39;s batch report" in quiet.text  # asked, not held up


async def test_a_read_card_names_its_products_in_words(browser: Browser) -> None:
    from app.catalog import rules
    from app.catalog.tables import Product
    from hardware.cardreader import CardProduct
    from hardware.sim.cardreader import SimCard
    from tests.integration.test_kiosk_support import HX, make_product

    counter = await make_counter()
    await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=5)
    product = await Product.select(Product.code, Product.name).where(
        Product.id == await make_product(counter.admin, rules.DAY_PASS, 500)).first()
    assert product is not None
    reader = devices.device_set(await terminal_row(counter)).reader.simulator
    reader.present(SimCard(products=[CardProduct(product["code"]), CardProduct("UNKNOWN-9")]))
    panel = await browser.post_form("/kiosk/card/read", {}, headers=HX)
    assert panel.status_code == 200
    shown = panel.text.split('data-testid="card-products">', 1)[1].split("</dd>", 1)[0]
    assert product["name"] in shown and product["code"] not in shown
    assert "UNKNOWN-9" in shown  # a code the catalog does not know stays readable as it is
