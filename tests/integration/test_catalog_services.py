"""The catalog on a real database: products, effective-dated prices, kiosk grid and search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.audit.tables import AuditEvent
from app.auth.principal import SYSTEM, Principal
from app.auth.roles import Role
from app.catalog import rules
from app.catalog import services as catalog
from app.catalog.demo import seed_catalog
from app.catalog.errors import NoPrice
from app.catalog.tables import Price
from app.db import engine
from app.errors import Forbidden, ValidationFailed
from tests.fixtures import make_user, unique

NOW = datetime.now(UTC)


def code(prefix: str = "P") -> str:
    return unique(prefix).upper()[:32]


async def make_category(admin: Principal, *, reduced: bool = False) -> dict:  # type: ignore[type-arg]
    category_id = await catalog.save_category(
        admin, catalog.CategoryForm(unique("cat").lower(), unique("Category "), reduced=reduced))
    return await catalog.get_category(category_id)


async def make_product(admin: Principal, kind: str = rules.DAY_PASS, *, price: int | None = 500,
                       **fields: object) -> int:
    values: dict = {"code": code(), "name": unique("Product "), "kind": kind}  # type: ignore[type-arg]
    values.update(fields)
    product_id = await catalog.save_product(admin, catalog.ProductForm(**values))
    if price is not None:
        await catalog.schedule_price(admin, product_id, price)
    return product_id


async def old_price(product_id: int, amount: int, ago: timedelta) -> None:
    """A price that took effect in the past (the service refuses to schedule one)."""
    await Price(product=product_id, amount_cents=amount, effective_from=NOW - ago,
                created_at=NOW - ago).save()


async def test_the_price_in_force_is_the_latest_that_has_started(admin: Principal) -> None:
    product_id = await make_product(admin, price=None)
    await old_price(product_id, 9_000, timedelta(days=60))
    await old_price(product_id, 9_500, timedelta(days=30))
    later = datetime.now(UTC) + timedelta(days=10)
    await catalog.schedule_price(admin, product_id, 11_000, later)

    assert await catalog.current_price(product_id, NOW - timedelta(days=45)) == 9_000
    assert await catalog.current_price(product_id, NOW - timedelta(days=1)) == 9_500
    assert await catalog.current_price(product_id, datetime.now(UTC)) == 9_500
    assert await catalog.current_price(product_id, later + timedelta(seconds=1)) == 11_000
    with pytest.raises(NoPrice):
        await catalog.current_price(product_id, NOW - timedelta(days=90))


async def test_moments_in_other_time_zones_compare_correctly(admin: Principal) -> None:
    product_id = await make_product(admin, price=None)
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    await Price(product=product_id, amount_cents=700, effective_from=start, created_at=NOW).save()
    pacific = timezone(timedelta(hours=-8))
    assert await catalog.current_price(product_id, datetime(2026, 12, 1, 0, 0, tzinfo=pacific)) == 700
    with pytest.raises(NoPrice):
        await catalog.current_price(product_id, datetime(2026, 11, 30, 23, 59, tzinfo=pacific))


async def test_a_new_price_is_a_new_row_and_history_shows_all(admin: Principal) -> None:
    product_id = await make_product(admin, price=None)
    await old_price(product_id, 400, timedelta(days=30))
    await catalog.schedule_price(admin, product_id, 450)
    await catalog.schedule_price(admin, product_id, 500, NOW + timedelta(days=30))
    history = await catalog.price_history(product_id)
    assert [(p["amount_cents"], p["status"]) for p in history] == [
        (500, "scheduled"), (450, "in force"), (400, "past")]
    assert history[1]["created_by_username"] == admin.username
    with pytest.raises(Exception, match="append-only"):
        await engine().run_ddl(f"UPDATE price SET amount_cents = 1 WHERE product = {product_id}")
    audit = await AuditEvent.select().where(
        (AuditEvent.action == "catalog.price.schedule") & (AuditEvent.object_id == str(product_id)))
    assert len(audit) == 2


async def test_a_price_never_starts_in_the_past(admin: Principal) -> None:
    product_id = await make_product(admin, price=None)
    with pytest.raises(ValidationFailed) as refused:
        await catalog.schedule_price(admin, product_id, 500, NOW - timedelta(days=1))
    assert "past" in refused.value.field_errors["effective_from"]
    with pytest.raises(ValidationFailed) as refused:
        await catalog.schedule_price(admin, product_id, -1)
    assert "amount" in refused.value.field_errors
    assert await catalog.price_history(product_id) == []


async def test_a_stored_value_load_has_limits_not_a_price(admin: Principal) -> None:
    product_id = await make_product(admin, rules.STORED_VALUE, price=None, min_cents=500,
                                    max_cents=30_000, balance_cap_cents=40_000)
    with pytest.raises(ValidationFailed, match="no price"):
        await catalog.schedule_price(admin, product_id, 500)
    product = await catalog.get_product(product_id)
    assert product["requires_card"] is True
    assert (product["min_cents"], product["max_cents"], product["balance_cap_cents"]) == (
        500, 30_000, 40_000)


async def test_only_an_administrator_changes_the_catalog() -> None:
    supervisor = await make_user(Role.SUPERVISOR)
    with pytest.raises(Forbidden):
        await catalog.save_product(supervisor, catalog.ProductForm(code(), "Nope", "day_pass"))
    with pytest.raises(Forbidden):
        await catalog.schedule_price(supervisor, 1, 100)
    with pytest.raises(Forbidden):
        await catalog.save_category(supervisor, catalog.CategoryForm("nope", "Nope"))


async def test_product_form_errors_name_each_field(admin: Principal) -> None:
    taken = await make_product(admin, barcode=unique("99"))
    existing = await catalog.get_product(taken)
    with pytest.raises(ValidationFailed) as refused:
        await catalog.save_product(admin, catalog.ProductForm(
            code=existing["code"], name="", kind="lollipop", fare_category_id=999_999,
            barcode=existing["barcode"]))
    assert set(refused.value.field_errors) == {"code", "name", "kind", "fare_category_id",
                                               "barcode"}
    with pytest.raises(ValidationFailed) as refused:
        await catalog.save_product(admin, catalog.ProductForm(
            code=code(), name="SV", kind=rules.STORED_VALUE, min_cents=5000, max_cents=500,
            balance_cap_cents=40_000))
    assert set(refused.value.field_errors) == {"max_cents"}


async def test_editing_a_product_is_audited_with_what_changed(admin: Principal) -> None:
    product_id = await make_product(admin)
    product = await catalog.get_product(product_id)
    await catalog.save_product(admin, catalog.ProductForm(
        code=product["code"], name="Renamed day pass", kind=rules.DAY_PASS), product_id)
    assert (await catalog.get_product(product_id))["name"] == "Renamed day pass"
    event = await AuditEvent.select().where(
        (AuditEvent.action == "catalog.product.update") & (AuditEvent.object_id == str(product_id))
    ).first()
    assert event is not None and "Renamed day pass" in event["summary"]


async def test_the_kiosk_grid_lists_active_priced_products(admin: Principal) -> None:
    category = await make_category(admin, reduced=True)
    priced = await make_product(admin, rules.MONTHLY_PASS, price=3_600,
                                fare_category_id=category["id"])
    unpriced = await make_product(admin, price=None)
    future = await make_product(admin, price=None)
    await catalog.schedule_price(admin, future, 800, NOW + timedelta(days=5))
    inactive = await make_product(admin, price=200)
    await catalog.set_product_active(admin, inactive, False)
    load = await make_product(admin, rules.STORED_VALUE, price=None, min_cents=500,
                              max_cents=30_000, balance_cap_cents=40_000)

    grid = {p["id"]: p for p in await catalog.sellable_products(datetime.now(UTC))}
    assert priced in grid and load in grid
    assert unpriced not in grid and future not in grid and inactive not in grid
    row = grid[priced]
    assert row["price_cents"] == 3_600 and row["kind"] == rules.MONTHLY_PASS
    assert row["fare_category_code"] == category["code"] and row["reduced"] is True
    assert row["requires_card"] is True and row["kind_label"] == "Monthly pass"
    assert grid[load]["price_cents"] is None
    later = {p["id"] for p in await catalog.sellable_products(NOW + timedelta(days=6))}
    assert future in later
    await catalog.set_product_active(admin, inactive, True)
    assert inactive in {p["id"] for p in await catalog.sellable_products(NOW + timedelta(1))}
    retired = await make_category(admin)
    retired_pass = await make_product(admin, fare_category_id=retired["id"])
    assert retired_pass in {p["id"] for p in await catalog.sellable_products(NOW + timedelta(1))}
    await catalog.save_category(admin, catalog.CategoryForm(
        retired["code"], retired["name"], active=False), retired["id"])
    assert retired_pass not in {
        p["id"] for p in await catalog.sellable_products(NOW + timedelta(1))}
    actions = await AuditEvent.select(AuditEvent.action).where(
        AuditEvent.object_id == str(inactive))
    assert {"catalog.product.deactivate", "catalog.product.activate"} <= {
        a["action"] for a in actions}


async def test_find_product_by_barcode_code_or_unique_name(admin: Principal) -> None:
    barcode = unique("77")
    name = unique("Zebra pass ")
    product_id = await make_product(admin, barcode=barcode, name=name)
    product = await catalog.get_product(product_id)
    assert (await catalog.find_product(barcode))["id"] == product_id  # type: ignore[index]
    assert (await catalog.find_product(product["code"].lower()))["id"] == product_id  # type: ignore[index]
    assert (await catalog.find_product(name[-8:]))["id"] == product_id  # type: ignore[index]
    found = await catalog.find_product(barcode)
    assert found is not None and found["price_cents"] == 500
    assert await catalog.find_product("no-such-thing-anywhere") is None
    assert await catalog.find_product("   ") is None
    await make_product(admin, name=name + " twin")
    assert await catalog.find_product(name) is None  # two names match: the clerk must choose
    assert len(await catalog.search_products(name)) == 2


async def test_the_demo_catalog_matches_the_fare_table_and_seeds_once() -> None:
    await seed_catalog()
    await seed_catalog()  # idempotent
    grid = {p["code"]: p for p in await catalog.sellable_products(datetime.now(UTC))}
    expected = {"CARD-NEW": 500, "MP-ADULT": 10_000, "MP-YOUTH": 5_000, "MP-REDUCED": 3_600,
                "MP-LOWINC": 5_000, "DP-ADULT": 500, "DP-REDUCED": 250, "TB-10": 2_500,
                "TAXI-SCRIP": 1_000, "HS-TB": 2_000, "SV-LOAD": None}
    assert {c: grid[c]["price_cents"] for c in expected} == expected
    assert all(grid[c]["barcode"] for c in expected)
    load = grid["SV-LOAD"]
    assert (load["min_cents"], load["max_cents"], load["balance_cap_cents"]) == (
        500, 30_000, 40_000)
    assert grid["MP-REDUCED"]["reduced"] and not grid["MP-ADULT"]["reduced"]
    assert (await catalog.find_product(grid["TB-10"]["barcode"]))["code"] == "TB-10"  # type: ignore[index]
    assert len(await catalog.price_history(grid["MP-ADULT"]["id"])) == 1
    assert SYSTEM.role is Role.ADMINISTRATOR
