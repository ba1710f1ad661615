"""The demo catalog (registered in app.seed.AFTER_SEED): fare categories, products, prices.

Idempotent: a category or product whose code exists is left alone.
"""

from __future__ import annotations

from app.auth.principal import SYSTEM
from app.catalog import rules
from app.catalog import services as catalog
from app.catalog.tables import Product

CATEGORIES = [
    catalog.CategoryForm("adult", "Adult", reduced=False, sort=10),
    catalog.CategoryForm("youth", "Youth (6–18)", reduced=True, sort=20),
    catalog.CategoryForm("reduced", "Senior / disabled reduced fare", reduced=True, sort=30),
    catalog.CategoryForm("low_income", "Low-income", reduced=True, sort=40),
]

# code, name, kind, category code, price cents (None: stored value), barcode
PRODUCTS: list[tuple[str, str, str, str | None, int | None, str]] = [
    ("CARD-NEW", "New fare card", rules.CARD_FEE, None, 500, "2000000000011"),
    ("SV-LOAD", "Stored value load", rules.STORED_VALUE, None, None, "2000000000028"),
    ("MP-ADULT", "Monthly pass – Adult", rules.MONTHLY_PASS, "adult", 10_000, "2000000000035"),
    ("MP-YOUTH", "Monthly pass – Youth", rules.MONTHLY_PASS, "youth", 5_000, "2000000000042"),
    ("MP-REDUCED", "Monthly pass – Senior/Disabled", rules.MONTHLY_PASS, "reduced", 3_600,
     "2000000000059"),
    ("MP-LOWINC", "Monthly pass – Low-income", rules.MONTHLY_PASS, "low_income", 5_000,
     "2000000000066"),
    ("DP-ADULT", "Day pass – Adult", rules.DAY_PASS, "adult", 500, "2000000000073"),
    ("DP-REDUCED", "Day pass – Senior/Disabled", rules.DAY_PASS, "reduced", 250,
     "2000000000080"),
    ("TB-10", "10-ride ticket book", rules.TICKET_BOOK, None, 2_500, "2000000000097"),
    ("TAXI-SCRIP", "Taxi scrip", rules.TAXI_SCRIP, None, 1_000, "2000000000103"),
    ("HS-TB", "Human-service ticket book", rules.HS_TICKET_BOOK, None, 2_000,
     "2000000000110"),
]

STORED_VALUE_LIMITS = {"min_cents": 500, "max_cents": 30_000, "balance_cap_cents": 40_000}


async def seed_catalog() -> None:
    category_ids: dict[str, int] = {}
    for form in CATEGORIES:
        existing = await catalog.category_by_code(form.code)
        category_ids[form.code] = (
            int(existing["id"]) if existing else await catalog.save_category(SYSTEM, form)
        )
    for sort, (code, name, kind, category, price, barcode) in enumerate(PRODUCTS, start=1):
        if await Product.exists().where(Product.code == code):
            continue
        limits = STORED_VALUE_LIMITS if kind == rules.STORED_VALUE else {}
        product_id = await catalog.save_product(SYSTEM, catalog.ProductForm(
            code=code, name=name, kind=kind,
            fare_category_id=category_ids[category] if category else None,
            barcode=barcode, sort=sort * 10, min_cents=limits.get("min_cents"),
            max_cents=limits.get("max_cents"), balance_cap_cents=limits.get("balance_cap_cents"),
        ))
        if price is not None:
            await catalog.schedule_price(SYSTEM, product_id, price)
