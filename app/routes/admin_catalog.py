"""Administrator pages for the catalog: fare categories, products, prices with effective dates."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.auth.capabilities import Capability
from app.catalog import services as catalog
from app.catalog.rules import PRODUCT_KINDS
from app.errors import ValidationFailed
from app.formatting import money
from app.forms import FormReader
from app.web.guards import requires
from app.web.render import (
    is_htmx,
    list_page,
    page,
    partial,
    principal,
    redirect,
)

ADMIN = [requires(Capability.MANAGE_CATALOG)]


# ---------------------------------------------------------------- form parsing

MAX_SORT = 999_999


def _product_form(reader: FormReader) -> catalog.ProductForm:
    return catalog.ProductForm(
        code=reader.text("code", 32).upper(), name=reader.text("name", 120),
        kind=reader.text("kind", 24), fare_category_id=reader.id("fare_category_id"),
        barcode=reader.text("barcode", 64),
        min_cents=reader.money("min_cents", required=False),
        max_cents=reader.money("max_cents", required=False),
        balance_cap_cents=reader.money("balance_cap_cents", required=False),
        description=reader.text("description", 2000),
        sort=reader.count("sort", maximum=MAX_SORT, default=0) or 0,
        active=reader.flag("active"),
    )


def _category_form(reader: FormReader) -> catalog.CategoryForm:
    return catalog.CategoryForm(
        code=reader.text("code", 20).lower(), name=reader.text("name", 80),
        reduced=reader.flag("reduced"),
        sort=reader.count("sort", maximum=MAX_SORT, default=0) or 0,
        active=reader.flag("active"),
    )


def _amount_text(cents: int | None) -> str:
    """Cents as the form shows them: 1234 -> '12.34' (no $ or separators)."""
    return money(cents).removeprefix("$").replace(",", "") if cents is not None else ""


# ---------------------------------------------------------------- catalog overview


@get("/admin/catalog", name="admin.catalog", guards=ADMIN)
async def catalog_index(request: Request, after: FromQuery[str] = "") -> Template:
    found = (await catalog.product_page(after=after or None)).with_links(
        "/admin/catalog", request.query_params)
    return list_page(request, "catalog/index.html", "catalog/_product_rows.html", "product-rows", {
        "categories": await catalog.list_categories(), "page": found, "products": found.rows,
    })


# ---------------------------------------------------------------- products


async def _product_page(request: Request, product_id: int | None, values: dict[str, Any],
                        error: ValidationFailed | None = None, *,
                        prices: dict[str, Any] | None = None) -> Template:
    context: dict[str, Any] = {
        "product_id": product_id, "values": values, "kinds": list(PRODUCT_KINDS.items()),
        "categories": await catalog.list_categories(),
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
    }
    if product_id is not None:
        context.update(prices or await _prices_context(product_id))
    failed = error is not None or bool(prices and prices["price_error"])
    return page(request, "catalog/product.html", context, status=400 if failed else 200)


async def _prices_context(product_id: int, price_values: dict[str, str] | None = None,
                          price_error: ValidationFailed | None = None) -> dict[str, Any]:
    product = await catalog.get_product(product_id)
    return {
        "product": product, "prices": await catalog.price_history(product_id),
        "price_values": price_values or {},
        "price_errors": price_error.field_errors if price_error else {},
        "price_error": price_error.message if price_error else "",
    }


def _product_values(product: dict[str, Any]) -> dict[str, Any]:
    values = dict(product)
    values["fare_category_id"] = product["fare_category"]
    for name in ("min_cents", "max_cents", "balance_cap_cents"):
        values[name] = _amount_text(product[name])
    values["barcode"] = product["barcode"] or ""
    return values


@get("/admin/catalog/products/new", name="admin.catalog.products.new", guards=ADMIN)
async def new_product(request: Request) -> Template:
    return await _product_page(request, None, {"active": True, "kind": ""})


@get("/admin/catalog/products/{product_id:int}", name="admin.catalog.products.edit",
     guards=ADMIN)
async def edit_product(request: Request, product_id: FromPath[int]) -> Template:
    return await _product_page(request, product_id,
                               _product_values(await catalog.get_product(product_id)))


@post("/admin/catalog/products/new", name="admin.catalog.products.create", guards=ADMIN)
async def create_product(request: Request) -> Template | Redirect:
    return await _save_product(request, None)


@post("/admin/catalog/products/{product_id:int}", name="admin.catalog.products.save", guards=ADMIN)
async def save_product(request: Request, product_id: FromPath[int]) -> Template | Redirect:
    return await _save_product(request, product_id)


async def _save_product(request: Request, product_id: int | None) -> Template | Redirect:
    reader = FormReader(await request.form())
    data = _product_form(reader)
    try:
        reader.raise_if_invalid()
        saved_id = await catalog.save_product(principal(request), data, product_id)
    except ValidationFailed as exc:
        return await _product_page(request, product_id, reader.values, exc)
    return await redirect(request, f"/admin/catalog/products/{saved_id}",
                          f"Product {data.name} saved.")


@post("/admin/catalog/products/{product_id:int}/prices", name="admin.catalog.prices.add",
      guards=ADMIN)
async def schedule_price(request: Request, product_id: FromPath[int]) -> Template | Redirect:
    reader = FormReader(await request.form())
    amount = reader.money("amount") or 0
    effective_from = reader.local_datetime("effective_from")
    values = reader.values
    try:
        reader.raise_if_invalid()
        await catalog.schedule_price(principal(request), product_id, amount, effective_from)
    except ValidationFailed as exc:
        context = await _prices_context(product_id, values, exc)
        if is_htmx(request):  # htmx swaps only 2xx: the panel comes back with its errors
            return partial(request, "catalog/_prices.html", context)
        return await _product_page(request, product_id, _product_values(context["product"]),
                                   prices=context)
    message = f"Price {money(amount)} scheduled."
    if is_htmx(request):
        context = await _prices_context(product_id)
        context["price_flash"] = message
        return partial(request, "catalog/_prices.html", context)
    return await redirect(request, f"/admin/catalog/products/{product_id}", message)


@post("/admin/catalog/products/{product_id:int}/active", name="admin.catalog.products.active",
      guards=ADMIN)
async def set_active(request: Request, product_id: FromPath[int]) -> Redirect:
    active = FormReader(await request.form()).flag("active")
    await catalog.set_product_active(principal(request), product_id, active)
    product = await catalog.get_product(product_id)
    state = "back on sale" if active else "taken off sale"
    return await redirect(request, f"/admin/catalog/products/{product_id}",
                          f"{product['name']} {state}.")


# ---------------------------------------------------------------- fare categories


async def _category_page(request: Request, category_id: int | None, values: dict[str, Any],
                         error: ValidationFailed | None = None) -> Template:
    return page(request, "catalog/category_form.html", {
        "category_id": category_id, "values": values,
        "errors": error.field_errors if error else {}, "error": error.message if error else "",
    }, status=400 if error else 200)


@get("/admin/catalog/categories/new", name="admin.catalog.categories.new", guards=ADMIN)
async def new_category(request: Request) -> Template:
    return await _category_page(request, None, {"active": True})


@get("/admin/catalog/categories/{category_id:int}", name="admin.catalog.categories.edit",
     guards=ADMIN)
async def edit_category(request: Request, category_id: FromPath[int]) -> Template:
    return await _category_page(request, category_id, await catalog.get_category(category_id))


@post("/admin/catalog/categories/new", name="admin.catalog.categories.create", guards=ADMIN)
async def create_category(request: Request) -> Template | Redirect:
    return await _save_category(request, None)


@post("/admin/catalog/categories/{category_id:int}", name="admin.catalog.categories.save", guards=ADMIN)
async def save_category(request: Request, category_id: FromPath[int]) -> Template | Redirect:
    return await _save_category(request, category_id)


async def _save_category(request: Request, category_id: int | None) -> Template | Redirect:
    reader = FormReader(await request.form())
    data = _category_form(reader)
    try:
        reader.raise_if_invalid()
        await catalog.save_category(principal(request), data, category_id)
    except ValidationFailed as exc:
        return await _category_page(request, category_id, reader.values, exc)
    return await redirect(request, "/admin/catalog", f"Fare category {data.name} saved.")


ROUTES = [catalog_index, new_product, edit_product, create_product, save_product, schedule_price, set_active,
          new_category, edit_category, create_category, save_category]
