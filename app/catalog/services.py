"""Fare categories, products and their prices.

Prices are append-only rows with an effective moment: the price in force at a moment is the
latest `effective_from <= moment` (ties: the later row). A price change is a new row, so past
sales (which copy the price they were sold at) never change. Everyone may read the catalog;
only administrators change it, and every change is audited.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app import sql
from app.audit.services import record
from app.auth.capabilities import Capability, require
from app.auth.principal import Principal
from app.catalog.errors import NoPrice
from app.catalog.rules import CARD_KINDS, PRODUCT_KINDS, STORED_VALUE
from app.catalog.tables import FareCategory, Price, Product
from app.db import write_transaction
from app.errors import NotFound, ValidationFailed
from app.pagination import Keyset, Page, keyset_page

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
BARCODE_RE = re.compile(r"^[A-Za-z0-9-]{4,64}$")
#: A price scheduled "now" may arrive a little after the form was rendered.
PAST_GRACE = timedelta(minutes=5)
MAX_PRICE_CENTS = 1_000_000
NO_PRICE_MESSAGE = "This product has no price yet; ask an administrator to set one."


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("catalog moments are timezone-aware")
    return moment.astimezone(UTC)


def aware(moment: datetime) -> datetime:
    """A timestamp read back from the database, as an aware UTC datetime on both engines."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def now() -> datetime:
    return datetime.now(UTC)


def _require_admin(actor: Principal) -> None:
    require(actor, Capability.MANAGE_CATALOG, "Only an administrator can change the catalog.")


# ---------------------------------------------------------------- fare categories


@dataclass(frozen=True)
class CategoryForm:
    code: str
    name: str
    reduced: bool = False
    sort: int = 0
    active: bool = True


async def list_categories(active_only: bool = False) -> list[dict[str, Any]]:
    query = FareCategory.select().order_by(FareCategory.sort).order_by(FareCategory.name)
    if active_only:
        query = query.where(FareCategory.active.eq(True))
    rows: list[dict[str, Any]] = await query
    return rows


async def get_category(category_id: int) -> dict[str, Any]:
    row = await FareCategory.select().where(FareCategory.id == category_id).first()
    if row is None:
        raise NotFound("No such fare category.")
    return row


async def category_by_code(code: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await FareCategory.select().where(
        FareCategory.code == code
    ).first()
    return row


async def save_category(
    actor: Principal, form: CategoryForm, category_id: int | None = None
) -> int:
    _require_admin(actor)
    errors: dict[str, str] = {}
    code = form.code.strip().lower()
    if not re.match(r"^[a-z0-9][a-z0-9_-]{0,19}$", code):
        errors["code"] = "Use 1–20 lower-case letters, digits, dashes or underscores."
    elif await FareCategory.exists().where(
        (FareCategory.code == code) & (FareCategory.id != (category_id or -1))
    ):
        errors["code"] = "Another fare category uses that code."
    if not form.name.strip() or len(form.name.strip()) > 80:
        errors["name"] = "Enter a name of at most 80 characters."
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    values: dict[str, Any] = {"code": code, "name": form.name.strip(), "reduced": form.reduced,
              "sort": form.sort, "active": form.active}
    async with write_transaction():
        if category_id is None:
            category = FareCategory(**values)
            await category.save()
            category_id = int(category.id)
            await record(actor, "catalog.category.create", "fare_category", category_id, values)
        else:
            before = await get_category(category_id)
            await FareCategory.update(values).where(  # type: ignore[arg-type]
                FareCategory.id == category_id
            )
            changes = {k: {"from": before[k], "to": v} for k, v in values.items() if before[k] != v}
            await record(actor, "catalog.category.update", "fare_category", category_id, changes)
    return category_id


# ---------------------------------------------------------------- products


@dataclass(frozen=True)
class ProductForm:
    code: str
    name: str
    kind: str
    fare_category_id: int | None = None
    barcode: str = ""
    min_cents: int | None = None
    max_cents: int | None = None
    balance_cap_cents: int | None = None
    description: str = ""
    sort: int = 0
    active: bool = True


def _product_columns() -> list[Any]:
    return [
        *Product.all_columns(),
        Product.fare_category.code.as_alias("fare_category_code"),
        Product.fare_category.name.as_alias("fare_category_name"),
        Product.fare_category.reduced.as_alias("reduced"),
        Product.fare_category.active.as_alias("fare_category_active"),
    ]


#: The product's columns with its fare category's code, name, reduced and active flags (the
#: `_product_columns` shape).
_PRODUCT_COLUMNS = """
p.id, p.code, p.name, p.kind, p.fare_category, p.barcode, p.requires_card, p.min_cents,
p.max_cents, p.balance_cap_cents, p.description, p.active, p.sort, p.created_at,
fc.code AS fare_category_code, fc.name AS fare_category_name, fc.reduced AS reduced,
fc.active AS fare_category_active
"""
_PRODUCT_FROM = "FROM product p LEFT JOIN fare_category fc ON fc.id = p.fare_category"
#: The amount of product p's price in force at a moment (latest effective_from, then the later
#: row), or NULL: a scalar subquery to select beside the product.
_PRICE_IN_FORCE = """
(SELECT pr.amount_cents FROM price pr WHERE pr.product = p.id AND pr.effective_from <= {}
 ORDER BY pr.effective_from DESC, pr.id DESC LIMIT 1)
"""
#: One product.
PRODUCT_SQL = f"SELECT {_PRODUCT_COLUMNS} {_PRODUCT_FROM} WHERE p.id = {{}}"
#: One product with `price_cents`, its price in force at a moment (NULL when none).
PRODUCT_WITH_PRICE_SQL = (f"SELECT {_PRODUCT_COLUMNS}, {_PRICE_IN_FORCE} AS price_cents "
                          f"{_PRODUCT_FROM} WHERE p.id = {{}}")
#: Several products ({ids}: `app.sql.in_list`) with `price_cents` as above.
PRODUCTS_WITH_PRICES_SQL = (f"SELECT {_PRODUCT_COLUMNS}, {_PRICE_IN_FORCE} AS price_cents "
                            f"{_PRODUCT_FROM} WHERE p.id IN {{ids}}")
#: The price in force for one product at a moment: its amount_cents, or no row.
CURRENT_PRICE_SQL = """
SELECT amount_cents FROM price WHERE product = {} AND effective_from <= {}
ORDER BY effective_from DESC, id DESC LIMIT 1
"""
#: Up to 25 active products whose barcode equals a term or whose code or name contains it
#: (case-insensitive), each with `price_cents` in force at a moment, in display order.
SEARCH_PRODUCTS_SQL = (
    f"SELECT {_PRODUCT_COLUMNS}, {_PRICE_IN_FORCE} AS price_cents {_PRODUCT_FROM} "
    "WHERE p.active = {} AND (p.barcode = {} OR lower(p.code) LIKE lower({}) "
    "OR lower(p.name) LIKE lower({})) ORDER BY p.sort, p.name LIMIT 25"
)


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    row["reduced"] = bool(row.get("reduced"))
    row["kind_label"] = PRODUCT_KINDS.get(row["kind"], row["kind"])
    return row


def _shape_priced(row: dict[str, Any]) -> dict[str, Any]:
    """`_shape`, and `price_cents` as an int (or None) on both engines."""
    if row["price_cents"] is not None:
        row["price_cents"] = int(row["price_cents"])
    return _shape(row)


async def get_product(product_id: int) -> dict[str, Any]:
    row = await sql.fetch_one(PRODUCT_SQL, product_id)
    if row is None:
        raise NotFound("No such product.")
    return _shape(row)


async def product_with_price(product_id: int, at: datetime) -> dict[str, Any]:
    """`get_product` plus `price_cents`, the price in force at `at` (timezone-aware; None when
    there is none yet), in one statement. Raises NotFound."""
    row = await sql.fetch_one(PRODUCT_WITH_PRICE_SQL, utc(at), product_id)
    if row is None:
        raise NotFound("No such product.")
    return _shape_priced(row)


async def products_with_prices(product_ids: set[int], at: datetime) -> dict[int, dict[str, Any]]:
    """`product_with_price` for several products in one statement: id -> product (a product
    that does not exist is simply missing)."""
    if not product_ids:
        return {}
    ids = sorted(product_ids)
    query = PRODUCTS_WITH_PRICES_SQL.replace("{ids}", sql.in_list(ids))
    return {int(row["id"]): _shape_priced(row)
            for row in await sql.fetch(query, utc(at), *ids)}


async def _prices_in_force(at: datetime) -> dict[int, int]:
    """product id -> price in force at `at`, in one query (latest effective_from, then id)."""
    rows = await Price.select(Price.product, Price.amount_cents).where(
        Price.effective_from <= utc(at)
    ).order_by(Price.effective_from).order_by(Price.id)
    prices: dict[int, int] = {}
    for row in rows:  # ascending: the last row seen for a product is the one in force
        prices[int(row["product"])] = int(row["amount_cents"])
    return prices


async def current_price(product_id: int, at: datetime) -> int:
    """The product's price in cents at `at` (timezone-aware). Raises NoPrice when none."""
    amount = await sql.fetch_value(CURRENT_PRICE_SQL, product_id, utc(at))
    if amount is None:
        raise NoPrice(NO_PRICE_MESSAGE)
    return int(amount)


async def list_products(at: datetime | None = None, *, active_only: bool = False
                        ) -> list[dict[str, Any]]:
    """Every product with `price_cents` in force at `at` (None when none) and the next price."""
    query = Product.select(*_product_columns()).order_by(Product.sort).order_by(Product.name)
    if active_only:
        query = query.where(Product.active.eq(True))
    return await _with_prices(await query, at or now())


#: The product list reads in display order (sort, then name; the id breaks ties).
DISPLAY_ORDER = Keyset((Product.sort, Product.name, Product.id))


async def product_page(at: datetime | None = None, *, after: str | None = None,
                       size: int = 100) -> Page:
    """One page of products in display order, with prices as in `list_products`."""
    found = await keyset_page(Product.select(*_product_columns()), DISPLAY_ORDER, after=after,
                              size=size)
    await _with_prices(found.rows, at or now())
    return found


async def _with_prices(rows: list[dict[str, Any]], moment: datetime) -> list[dict[str, Any]]:
    prices = await _prices_in_force(moment)
    upcoming = await _next_prices(moment)
    for row in rows:
        _shape(row)
        row["price_cents"] = prices.get(int(row["id"]))
        row["next_price"] = upcoming.get(int(row["id"]))
    return rows


async def _next_prices(at: datetime) -> dict[int, dict[str, Any]]:
    rows = await Price.select(Price.product, Price.amount_cents, Price.effective_from).where(
        Price.effective_from > utc(at)
    ).order_by(Price.effective_from, ascending=False).order_by(Price.id, ascending=False)
    upcoming: dict[int, dict[str, Any]] = {}
    for row in rows:  # descending: the last row seen is the soonest
        upcoming[int(row["product"])] = {"amount_cents": int(row["amount_cents"]),
                                         "effective_from": aware(row["effective_from"])}
    return upcoming


async def sellable_products(at: datetime) -> list[dict[str, Any]]:
    """Active products on sale at `at`, for the kiosk grid, in display order.

    Each has: id, code, name, kind, kind_label, barcode, requires_card, price_cents (None for a
    stored-value load, whose amount the customer chooses), fare_category_code/_name, reduced,
    min_cents, max_cents, balance_cap_cents. A product with no price in force yet, or whose fare
    category is inactive, is left out.
    """
    rows = await list_products(at, active_only=True)
    return [
        row for row in rows
        if (row["price_cents"] is not None or row["kind"] == STORED_VALUE)
        and (row["fare_category"] is None or row["fare_category_active"])
    ]


async def find_product(query: str, at: datetime | None = None) -> dict[str, Any] | None:
    """The one active product a scan or a typed code names: barcode, then code, then a name
    that only one product contains. None when nothing (or more than one name) matches."""
    term = query.strip()
    if not term:
        return None
    rows = await search_products(term, at)
    exact = [r for r in rows if (r["barcode"] or "") == term or r["code"].lower() == term.lower()]
    if exact:
        return exact[0]
    return rows[0] if len(rows) == 1 else None


async def search_products(query: str, at: datetime | None = None) -> list[dict[str, Any]]:
    """Active products whose barcode or code equals, or whose name/code contains, `query`;
    exact barcode/code matches first. Each row carries its price in force."""
    term = query.strip()
    if not term:
        return []
    like = f"%{term}%"
    rows = await sql.fetch(SEARCH_PRODUCTS_SQL, utc(at or now()), True, term, like, like)
    for row in rows:
        _shape_priced(row)
    rows.sort(key=lambda r: 0 if (r["barcode"] == term or r["code"].lower() == term.lower()) else 1)
    return rows


def _product_values(form: ProductForm) -> dict[str, Any]:
    return {
        "code": form.code.strip().upper(),
        "name": form.name.strip(),
        "kind": form.kind,
        "fare_category": form.fare_category_id,
        "barcode": form.barcode.strip() or None,
        "requires_card": form.kind in CARD_KINDS,
        "min_cents": form.min_cents if form.kind == STORED_VALUE else None,
        "max_cents": form.max_cents if form.kind == STORED_VALUE else None,
        "balance_cap_cents": form.balance_cap_cents if form.kind == STORED_VALUE else None,
        "description": form.description.strip(),
        "sort": form.sort,
        "active": form.active,
    }


async def _product_errors(form: ProductForm, product_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    code = form.code.strip().upper()
    other = Product.id != (product_id or -1)
    if not CODE_RE.match(code):
        errors["code"] = "Use 1–32 capital letters, digits, dashes or underscores."
    elif await Product.exists().where((Product.code == code) & other):
        errors["code"] = "Another product uses that code."
    if not form.name.strip() or len(form.name.strip()) > 120:
        errors["name"] = "Enter a name of at most 120 characters."
    if form.kind not in PRODUCT_KINDS:
        errors["kind"] = "Choose a kind of product."
    if form.fare_category_id is not None and not await FareCategory.exists().where(
        FareCategory.id == form.fare_category_id
    ):
        errors["fare_category_id"] = "Choose a fare category from the list."
    barcode = form.barcode.strip()
    if barcode:
        if not BARCODE_RE.match(barcode):
            errors["barcode"] = "A barcode is 4–64 letters, digits or dashes."
        elif await Product.exists().where((Product.barcode == barcode) & other):
            errors["barcode"] = "Another product has that barcode."
    if form.kind == STORED_VALUE:
        for field, value in (("min_cents", form.min_cents), ("max_cents", form.max_cents),
                             ("balance_cap_cents", form.balance_cap_cents)):
            if value is None or value <= 0:
                errors[field] = "Enter an amount greater than zero."
        if not errors.keys() & {"min_cents", "max_cents", "balance_cap_cents"}:
            assert form.min_cents is not None and form.max_cents is not None
            assert form.balance_cap_cents is not None
            if form.min_cents > form.max_cents:
                errors["max_cents"] = "The largest load must be at least the smallest."
            elif form.max_cents > form.balance_cap_cents:
                errors["balance_cap_cents"] = "The balance cap must be at least the largest load."
    return errors


async def save_product(actor: Principal, form: ProductForm, product_id: int | None = None) -> int:
    _require_admin(actor)
    errors = await _product_errors(form, product_id)
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    values = _product_values(form)
    async with write_transaction():
        if product_id is None:
            product = Product(**values, created_at=now())
            await product.save()
            product_id = int(product.id)
            await record(actor, "catalog.product.create", "product", product_id, values)
        else:
            before = await Product.select().where(Product.id == product_id).first()
            if before is None:
                raise NotFound("No such product.")
            await Product.update(values).where(Product.id == product_id)  # type: ignore[arg-type]
            changes = {k: {"from": before[k], "to": v} for k, v in values.items() if before[k] != v}
            await record(actor, "catalog.product.update", "product", product_id, changes)
    return product_id


async def set_product_active(actor: Principal, product_id: int, active: bool) -> None:
    _require_admin(actor)
    async with write_transaction():
        product = await get_product(product_id)
        if product["active"] == active:
            return
        await Product.update({Product.active: active}).where(Product.id == product_id)
        await record(actor, "catalog.product.activate" if active else "catalog.product.deactivate",
                     "product", product_id, {"code": product["code"], "name": product["name"]})


# ---------------------------------------------------------------- prices


async def schedule_price(
    actor: Principal, product_id: int, amount_cents: int, effective_from: datetime | None = None
) -> int:
    """Add a price that takes effect at `effective_from` (now when None; never in the past)."""
    _require_admin(actor)
    errors: dict[str, str] = {}
    if type(amount_cents) is not int or amount_cents < 0 or amount_cents > MAX_PRICE_CENTS:
        errors["amount"] = "Enter a price between $0.00 and $10,000.00."
    moment = utc(effective_from) if effective_from is not None else now()
    if moment < now() - PAST_GRACE:
        errors["effective_from"] = (
            "A price cannot start in the past: past sales keep the price they were sold at."
        )
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    async with write_transaction():
        product = await get_product(product_id)
        if product["kind"] == STORED_VALUE:
            raise ValidationFailed(
                "A stored-value load has no price: the customer chooses the amount.",
                field_errors={"amount": "Stored value has load limits instead of a price."},
            )
        price = Price(product=product_id, amount_cents=amount_cents, effective_from=moment,
                      created_by=actor.id or None, created_at=now())
        await price.save()
        await record(actor, "catalog.price.schedule", "product", product_id, {
            "code": product["code"], "amount_cents": amount_cents,
            "effective_from": moment.isoformat(),
        })
    return int(price.id)


async def price_history(product_id: int) -> list[dict[str, Any]]:
    """Every price row of the product, newest effective first, with who set it and whether it
    is past, in force, or scheduled."""
    rows: list[dict[str, Any]] = await Price.select(
        Price.id, Price.amount_cents, Price.effective_from, Price.created_at,
        Price.created_by.username.as_alias("created_by_username"),
    ).where(Price.product == product_id).order_by(
        Price.effective_from, ascending=False
    ).order_by(Price.id, ascending=False)
    moment = now()
    in_force_seen = False
    for row in rows:
        if aware(row["effective_from"]) > moment:
            row["status"] = "scheduled"
        elif not in_force_seen:
            row["status"] = "in force"
            in_force_seen = True
        else:
            row["status"] = "past"
    return rows


def form_values(form: ProductForm) -> dict[str, Any]:
    return asdict(form)
