"""In a real browser: stock received into the vault, part of it transferred to a counter drawer
(the lead sends, the supervisor at the receiving end confirms), and one card looked up by
serial with its whole history."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, sign_in, sign_out

pytestmark = pytest.mark.e2e


def add_location(page: Page, code: str, name: str, kind: str) -> None:
    page.goto("/inventory/locations/new")
    page.fill("#f-code", code)
    page.fill("#f-name", name)
    page.select_option("#f-kind", kind)
    page.select_option("#f-section_id", label="Customer Service Centers")
    page.click("main button[type=submit]")
    expect(page.locator("#alerts")).to_contain_text(f"Stock location {name} added")


def test_receive_transfer_confirm_and_look_up_a_card(live_server: LiveServer, page: Page) -> None:
    # the administrator adds the card type
    sign_in(page, "admin")
    page.goto("/inventory/items/new")
    page.fill("#f-code", "CARD-E2E")
    page.fill("#f-name", "Blank smart card (E2E)")
    page.select_option("#f-category", "smart_card")
    page.check("#f-serialized")
    page.click("main button[type=submit]")
    expect(page.locator("#alerts")).to_contain_text("Item type Blank smart card (E2E) added")
    sign_out(page)

    # the supervisor sets up the vault and a counter drawer, and receives a box of cards
    sign_in(page, "supervisor")
    page.click("nav.mainnav >> text=Inventory")
    add_location(page, "VAULT-E2E", "Central vault", "vault")
    add_location(page, "DRAWER-E2E", "Central counter 1", "drawer")
    page.goto("/inventory")
    page.click("[data-testid=move-received]")
    page.select_option("#f-item_type_id", label="Blank smart card (E2E) (serialized)")
    page.select_option("#f-to_location_id", label="Central vault · Vault · Customer Service Centers")
    page.fill("#f-ranges", "60000000-60000999")
    page.fill("#f-reference", "PO-2026-118")
    page.click("[data-testid=submit]")
    expect(page.locator("#alerts")).to_contain_text("Received from vendor: movement")
    expect(page.locator("[data-testid=location-position]")).to_contain_text("1,000")
    # the same serials a second time are refused, naming the range already in stock
    page.goto("/inventory/move/received")
    page.select_option("#f-item_type_id", label="Blank smart card (E2E) (serialized)")
    page.select_option("#f-to_location_id", label="Central vault · Vault · Customer Service Centers")
    page.fill("#f-ranges", "60000990-60001010")
    page.fill("#f-reference", "PO-2026-119")
    page.click("[data-testid=submit]")
    expect(page.locator("main")).to_contain_text(
        "Serials 60000990–60000999 are already in stock at Central vault")
    sign_out(page)

    # the lead sends a hundred cards to the counter drawer
    sign_in(page, "lead")
    page.goto("/inventory/move/transfer_out")
    page.select_option("#f-item_type_id", label="Blank smart card (E2E) (serialized)")
    page.select_option("#f-from_location_id", label="Central vault · Vault")
    page.select_option("#f-to_location_id",
                       label="Central counter 1 · Counter drawer · Customer Service Centers")
    page.fill("#f-ranges", "60000100-60000199")
    page.click("[data-testid=submit]")
    expect(page.locator("#alerts")).to_contain_text("Transfer sent")
    page.goto("/inventory")
    transfers = page.locator("[data-testid=transfers]")
    expect(transfers).to_contain_text("60000100–60000199")
    sign_out(page)

    # the supervisor at the receiving end confirms it
    sign_in(page, "supervisor")
    page.goto("/inventory")
    page.locator("[data-testid=transfers] button", has_text="Confirm received").first.click()
    expect(page.locator("#alerts")).to_contain_text("received")
    expect(page.locator("[data-testid=transfers]")).to_contain_text("Nothing in transit")
    expect(page.locator("[data-testid=position]")).to_contain_text("Central counter 1")
    page.screenshot(path=str(live_server.log_path.parent / "inventory-index.png"), full_page=True)

    # where is card 60000150? The answer arrives as the serial is typed (htmx)
    page.click("text=Find a card by serial")
    page.fill("[data-testid=serial]", "60000150")
    where = page.locator("[data-testid=where]")
    expect(where).to_contain_text("Now at Central counter 1")
    expect(where).to_contain_text("60000100–60000199")
    history = page.locator("[data-testid=serial-history] tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("Received from vendor")
    expect(history.nth(1)).to_contain_text("Transfer sent")
    expect(history.nth(2)).to_contain_text("Transfer received")
    page.screenshot(path=str(live_server.log_path.parent / "inventory-lookup.png"), full_page=True)
