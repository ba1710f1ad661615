"""The demo agency comes with an inventory: `faredesk seed-demo` stocks the CSC vault."""

from __future__ import annotations

from app import sql
from app.inventory import queries
from app.inventory.demo import seed_inventory_demo
from app.seed import seed_demo


async def test_the_demo_vault_holds_cards_books_and_a_drawer_its_cards() -> None:
    await seed_demo()
    await seed_inventory_demo()  # a second time changes nothing
    vault = await sql.fetch_value("SELECT id FROM stock_location WHERE code = 'VAULT-CSC'")
    held = {r["item_code"]: r["quantity"] for r in await queries.position(location_id=vault)}
    assert held["CARD-STD"] == 49_800 and held["BOOK-10"] == 2_000
    [where] = await queries.where_is(70000100)
    assert where.location is not None and where.location["name"] == "Central drawer A"
    assert [m["actor_name"] for m in where.history] == ["Alex Admin", "Alex Admin"]
