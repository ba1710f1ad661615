"""The kiosk's hot-path reads in hand-written SQL (app.sql) answer exactly as the ORM queries
they replaced did — same keys, values and types on both engines — in as few statements as
promised: shifts, products with their price in force, product search, the kiosk cart."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from app.auth.principal import Principal
from app.catalog import rules
from app.catalog import services as catalog
from app.catalog.errors import NoPrice
from app.catalog.tables import Price, Product
from app.db import engine, is_sqlite, write_transaction
from app.drawers import services as drawers
from app.drawers import states
from app.drawers.errors import NoOpenShift
from app.drawers.tables import Shift
from app.errors import Forbidden, NotFound
from app.kiosk import cart_store as carts
from tests.fixtures import unique
from tests.integration.test_drawers_support import (
    FLOAT,
    Counter,
    make_counter,
    open_counter,
)

NOW = datetime.now(UTC)


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Every statement the engine runs inside the block (ORM queries and app.sql alike)."""
    db = engine()
    seen: list[str] = []
    original = db.run_querystring

    async def counting(querystring: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(querystring))
        return await original(querystring, *args, **kwargs)

    db.run_querystring = counting  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del db.run_querystring


def same(actual: dict[str, Any] | None, expected: dict[str, Any] | None) -> None:
    """Equal dicts whose values also have the same types (a date is not a datetime)."""
    assert actual == expected
    if actual is not None and expected is not None:
        assert list(actual) == list(expected)
        assert {k: type(v) for k, v in actual.items()} == {
            k: type(v) for k, v in expected.items()}


# ---------------------------------------------------------------- shifts, as the ORM read them


def _orm_shift_columns() -> list[Any]:
    return [
        *Shift.all_columns(),
        Shift.terminal.code.as_alias("terminal_code"),
        Shift.terminal.name.as_alias("terminal_name"),
        Shift.location.name.as_alias("location_name"),
        Shift.location.section.as_alias("section_id"),
        Shift.clerk.username.as_alias("clerk_username"),
        Shift.clerk.full_name.as_alias("clerk_name"),
    ]


async def orm_shift(shift_id: int) -> dict[str, Any]:
    row = await Shift.select(*_orm_shift_columns()).where(Shift.id == shift_id).first()
    assert row is not None
    row["status_label"] = states.LABELS[row["status"]]
    return row


@pytest.fixture
async def counter() -> Counter:
    return await make_counter()


async def test_shift_reads_match_the_orm_through_the_drawers_life(counter: Counter) -> None:
    assert await drawers.open_shift_for_terminal(counter.terminal_id) is None
    assert await drawers.shift_in_use_for_terminal(counter.terminal_id) is None
    with pytest.raises(NotFound):
        await drawers.get_shift(10**9)
    shift_id = await open_counter(counter)
    opened = await orm_shift(shift_id)
    same(await drawers.get_shift(shift_id), opened)
    same(await drawers.open_shift_for_terminal(counter.terminal_id), opened)
    same(await drawers.shift_in_use_for_terminal(counter.terminal_id), opened)
    day = await drawers.shifts_for_day(counter.location_id, opened["business_date"])
    assert len(day) == 1
    same(day[0], opened)

    await drawers.submit_count(counter.clerk, shift_id=shift_id, denominations=FLOAT,
                               checks_cents=0, checks_count=0, card_cents=0)
    counted = await orm_shift(shift_id)
    assert counted["closed_at"] is not None
    same(await drawers.get_shift(shift_id), counted)
    assert await drawers.open_shift_for_terminal(counter.terminal_id) is None
    assert await drawers.shift_in_use_for_terminal(counter.terminal_id) is None

    await drawers.request_recount(counter.lead, shift_id, "Recount, please")
    recount = await orm_shift(shift_id)
    assert recount["status"] == states.RECOUNT
    same(await drawers.shift_in_use_for_terminal(counter.terminal_id), recount)
    assert await drawers.open_shift_for_terminal(counter.terminal_id) is None


async def test_require_open_shift_is_one_statement_in_or_out_of_a_transaction(
    counter: Counter,
) -> None:
    with pytest.raises(NoOpenShift):
        await drawers.require_open_shift(counter.clerk, counter.terminal_id)
    shift_id = await open_counter(counter)
    expected = await orm_shift(shift_id)
    with counted_statements() as seen:
        same(await drawers.require_open_shift(counter.clerk, counter.terminal_id), expected)
    assert len(seen) == 1
    async with write_transaction():
        with counted_statements() as seen:
            same(await drawers.require_open_shift(counter.lead, counter.terminal_id), expected)
        assert len(seen) == 1
        assert ("FOR UPDATE" in seen[0]) is not is_sqlite()
    stranger = await make_counter()
    with pytest.raises(Forbidden):
        await drawers.require_open_shift(stranger.clerk, counter.terminal_id)
    await drawers.submit_count(counter.clerk, shift_id=shift_id, denominations=FLOAT,
                               checks_cents=0, checks_count=0, card_cents=0)
    async with write_transaction():
        with pytest.raises(NoOpenShift):
            await drawers.require_open_shift(counter.clerk, counter.terminal_id)


# ---------------------------------------------------------------- products, as the ORM read them


async def orm_product(product_id: int) -> dict[str, Any]:
    row = await Product.select(
        *Product.all_columns(),
        Product.fare_category.code.as_alias("fare_category_code"),
        Product.fare_category.name.as_alias("fare_category_name"),
        Product.fare_category.reduced.as_alias("reduced"),
        Product.fare_category.active.as_alias("fare_category_active"),
    ).where(Product.id == product_id).first()
    assert row is not None
    row["reduced"] = bool(row.get("reduced"))
    row["kind_label"] = rules.PRODUCT_KINDS.get(row["kind"], row["kind"])
    return row


async def new_product(admin: Principal, kind: str = rules.DAY_PASS, **fields: Any) -> int:
    values: dict[str, Any] = {"code": unique("Q").upper()[:32], "name": unique("Sqlprod "),
                              "kind": kind, **fields}
    return await catalog.save_product(admin, catalog.ProductForm(**values))


async def price_at(product_id: int, amount: int, moment: datetime) -> None:
    await Price(product=product_id, amount_cents=amount, effective_from=moment,
                created_at=moment).save()


async def test_products_read_as_the_orm_did_with_their_price_in_force(admin: Principal) -> None:
    category_id = await catalog.save_category(
        admin, catalog.CategoryForm(unique("sq").lower(), unique("Sql cat "), reduced=True))
    with_category = await new_product(admin, rules.MONTHLY_PASS,
                                      fare_category_id=category_id, barcode=unique("SQLB"))
    plain = await new_product(admin)
    load = await new_product(admin, rules.STORED_VALUE, min_cents=500, max_cents=5_000,
                             balance_cap_cents=10_000)
    for product_id in (with_category, plain, load):
        same(await catalog.get_product(product_id), await orm_product(product_id))
    assert (await catalog.get_product(with_category))["reduced"] is True
    assert (await catalog.get_product(plain))["reduced"] is False

    # same effective moment twice: the later row wins; a future price is not yet in force
    start = NOW - timedelta(days=3)
    await price_at(plain, 700, NOW - timedelta(days=9))
    await price_at(plain, 800, start)
    await price_at(plain, 850, start)
    await price_at(plain, 990, NOW + timedelta(days=2))
    assert await catalog.current_price(plain, NOW) == 850
    assert await catalog.current_price(plain, NOW - timedelta(days=5)) == 700
    assert await catalog.current_price(plain, NOW + timedelta(days=3)) == 990
    with pytest.raises(NoPrice):
        await catalog.current_price(plain, NOW - timedelta(days=30))

    with counted_statements() as seen:
        priced = await catalog.product_with_price(plain, NOW)
    assert len(seen) == 1
    same({k: v for k, v in priced.items() if k != "price_cents"}, await orm_product(plain))
    assert priced["price_cents"] == 850 and type(priced["price_cents"]) is int
    assert (await catalog.product_with_price(plain, NOW - timedelta(days=30)))["price_cents"] is None
    assert (await catalog.product_with_price(load, NOW))["price_cents"] is None
    with pytest.raises(NotFound):
        await catalog.product_with_price(10**9, NOW)
    with pytest.raises(NotFound):
        await catalog.get_product(10**9)


async def test_search_is_case_insensitive_and_one_statement(admin: Principal) -> None:
    word = unique("Okapi").lower()
    first = await new_product(admin, name=f"Day {word.upper()} pass", sort=1)
    second = await new_product(admin, name=f"Night {word} pass", sort=2,
                               barcode=unique("BC"))
    await price_at(first, 400, NOW - timedelta(days=1))
    with counted_statements() as seen:
        found = await catalog.search_products(word.title())
    assert len(seen) == 1
    assert [r["id"] for r in found] == [first, second]
    assert found[0]["price_cents"] == 400 and found[1]["price_cents"] is None
    same({k: v for k, v in found[0].items() if k != "price_cents"}, await orm_product(first))
    barcode = (await catalog.get_product(second))["barcode"]
    assert [r["id"] for r in await catalog.search_products(barcode)] == [second]
    code = (await catalog.get_product(first))["code"]
    assert (await catalog.find_product(code.lower()))["id"] == first  # type: ignore[index]
    assert await catalog.find_product(word) is None  # two names match
    await catalog.set_product_active(admin, second, False)
    assert [r["id"] for r in await catalog.search_products(word)] == [first]


# ---------------------------------------------------------------- the kiosk cart


async def test_adding_to_the_cart_reads_the_product_once_and_saves_once(
    admin: Principal, counter: Counter,
) -> None:
    product_id = await new_product(admin, rules.TICKET_BOOK)
    await price_at(product_id, 275, NOW - timedelta(hours=1))
    at: Any = SimpleNamespace(terminal_id=counter.terminal_id, clerk=counter.clerk)
    state = await carts.load(at)  # the first load makes the row
    assert state.lines == [] and state.fare_card is None
    with counted_statements() as seen:
        state = await carts.load(at)
        await carts.add_product(at, state, product_id)
    assert len(seen) == 3  # load, the product with its price, save
    with counted_statements() as seen:
        await carts.add_product(at, state, product_id, product=await catalog.find_product(
            (await catalog.get_product(product_id))["code"]))
    assert len(seen) == 3  # get_product, find_product, save: none by add_product itself
    state.tenders.append({"kind": "check", "amount_cents": 100, "check_number": "12"})
    state.fare_card = {"serial": "FC-1", "read_at": datetime.now(UTC)}
    state.payment_reference, state.payment_prompt = "ref-1", "x" * 300
    await carts.save(state)
    again = await carts.load(at)
    assert again.row_id == state.row_id
    assert again.lines == state.lines and again.lines[0]["quantity"] == 2
    assert again.lines[0]["unit_cents"] == 275
    assert again.tenders == state.tenders
    assert again.fare_card is not None and again.fare_card["serial"] == "FC-1"
    assert (again.payment_reference, again.payment_prompt) == ("ref-1", "x" * 200)
    await carts.set_prompt(state.row_id, "Insert card")
    assert (await carts.load(at)).payment_prompt == "Insert card"

    unpriced = await new_product(admin, rules.TICKET_BOOK)
    again.lines, again.tenders, again.fare_card, again.payment_reference = [], [], None, ""
    await carts.save(again)  # the sale ended the cart (carts.end_in_sale)
    with pytest.raises(NoPrice):
        await carts.add_product(at, again, unpriced)
    with pytest.raises(NotFound):
        await carts.add_product(at, again, 10**9)


async def test_the_shift_and_the_cart_are_read_together_for_selling(
    admin: Principal, counter: Counter,
) -> None:
    at: Any = SimpleNamespace(terminal_id=counter.terminal_id, clerk=counter.clerk)
    with pytest.raises(NoOpenShift):
        await carts.load_for_selling(at)
    assert await Shift.count().where(Shift.terminal == counter.terminal_id) == 0
    shift_id = await open_counter(counter)
    expected = await orm_shift(shift_id)

    with counted_statements() as seen:  # no cart yet: it is made
        shift, state = await carts.load_for_selling(at)
    same(shift, expected)
    assert state.lines == [] and len(seen) >= 2
    product_id = await new_product(admin, rules.TICKET_BOOK)
    await price_at(product_id, 300, NOW - timedelta(hours=1))
    await carts.add_product(at, state, product_id)

    with counted_statements() as seen:
        shift, again = await carts.load_for_selling(at)
    assert len(seen) == 1
    same(shift, expected)
    assert again == (await carts.load(at)) and again.lines[0]["unit_cents"] == 300
    async with write_transaction():
        with counted_statements() as seen:
            shift, inside = await carts.load_for_selling(at)
        assert len(seen) == 2 and inside == again
    same(shift, expected)

    lead_at: Any = SimpleNamespace(terminal_id=counter.terminal_id, clerk=counter.lead)
    with pytest.raises(Forbidden, match="Selling needs your own open shift"):
        await carts.load_for_selling(lead_at)  # a lead never sells into the clerk's drawer
    stranger: Any = SimpleNamespace(terminal_id=counter.terminal_id,
                                    clerk=(await make_counter()).clerk)
    with pytest.raises(Forbidden):
        await carts.load_for_selling(stranger)
    await drawers.submit_count(counter.clerk, shift_id=shift_id, denominations=FLOAT,
                               checks_cents=0, checks_count=0, card_cents=0)
    with pytest.raises(NoOpenShift):
        await carts.load_for_selling(at)
