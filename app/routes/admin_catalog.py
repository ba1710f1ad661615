"""Administrator pages for the catalog: fare categories, products, prices with effective dates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.auth.capabilities import Capability
from app.catalog import services as catalog
from app.catalog.rules import PRODUCT_KINDS
from app.errors import ValidationFailed
from app.formatting import money, parse_money
from app.settings import get_settings
from app.web.guards import requires
from app.web.render import (
    int_or_none,
    is_htmx,
    list_page,
    page,
    partial,
    principal,
    redirect,
    text,
)

ADMIN = [requires(Capability.MANAGE_CATALOG)]


# ---------------------------------------------------------------- form parsing


def _cents(form: FormMultiDict, name: str, errors: dict[str, str]) -> int | None:
    raw = text(form, name, 20)
    if not raw:
        return None
    try:
        return parse_money(raw)
    except ValueError as exc:
        errors[name] = str(exc)
        return None


def _product_form(form: FormMultiDict) -> tuple[catalog.ProductForm, dict[str, str]]:
    errors: dict[str, str] = {}
    data = catalog.ProductForm(
        code=text(form, "code", 32).upper(), name=text(form, "name", 120),
        kind=text(form, "kind", 24), fare_category_id=int_or_none(text(form, "fare_category_id")),
        barcode=text(form, "barcode", 64),
        min_cents=_cents(form, "min_cents", errors), max_cents=_cents(form, "max_cents", errors),
        balance_cap_cents=_cents(form, "balance_cap_cents", errors),
        description=text(form, "description", 2000),
        sort=int_or_none(text(form, "sort", 6)) or 0, active=text(form, "active") == "1",
    )
    return data, errors


def _category_form(form: FormMultiDict) -> catalog.CategoryForm:
    return catalog.CategoryForm(
        code=text(form, "code", 20).lower(), name=text(form, "name", 80),
        reduced=text(form, "reduced") == "1", sort=int_or_none(text(form, "sort", 6)) or 0,
        active=text(form, "active") == "1",
    )


def _effective_from(raw: str) -> datetime | None:
    """A `datetime-local` value in the agency's time zone; blank means now."""
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=get_settings().tz)
    except ValueError as exc:
        raise ValidationFailed("Please correct the marked fields.", field_errors={
            "effective_from": "Enter a date and time like 2026-12-01 00:00."}) from exc


def _money_field(cents: int | None) -> str:
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
        values[name] = _money_field(product[name])
    values["barcode"] = product["barcode"] or ""
    return values


def _echo(data: catalog.ProductForm, form: FormMultiDict) -> dict[str, Any]:
    """What the user typed, to re-render the form unchanged."""
    values = dict(data.__dict__)
    for name in ("min_cents", "max_cents", "balance_cap_cents"):
        values[name] = text(form, name, 20)
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
    form = await request.form()
    data, parse_errors = _product_form(form)
    try:
        if parse_errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=parse_errors)
        saved_id = await catalog.save_product(principal(request), data, product_id)
    except ValidationFailed as exc:
        return await _product_page(request, product_id, _echo(data, form), exc)
    return await redirect(request, f"/admin/catalog/products/{saved_id}",
                          f"Product {data.name} saved.")


@post("/admin/catalog/products/{product_id:int}/prices", name="admin.catalog.prices.add",
      guards=ADMIN)
async def schedule_price(request: Request, product_id: FromPath[int]) -> Template | Redirect:
    form = await request.form()
    values = {"amount": text(form, "amount", 20), "effective_from": text(form, "effective_from", 30)}
    try:
        try:
            amount = parse_money(values["amount"])
        except ValueError as exc:
            raise ValidationFailed("Please correct the marked fields.",
                                   field_errors={"amount": str(exc)}) from exc
        await catalog.schedule_price(principal(request), product_id, amount,
                                     _effective_from(values["effective_from"]))
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
    form = await request.form()
    active = text(form, "active") == "1"
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
    data = _category_form(await request.form())
    try:
        await catalog.save_category(principal(request), data, category_id)
    except ValidationFailed as exc:
        return await _category_page(request, category_id, data.__dict__, exc)
    return await redirect(request, "/admin/catalog", f"Fare category {data.name} saved.")


ROUTES = [catalog_index, new_product, edit_product, create_product, save_product, schedule_price, set_active,
          new_category, edit_category, create_category, save_category]
