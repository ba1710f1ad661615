"""The administrator's catalog pages, through the ASGI app as a browser uses them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx

from app.auth.principal import Principal
from app.auth.roles import Role
from app.catalog import services as catalog
from app.catalog.tables import Product
from app.settings import get_settings
from tests.fixtures import Browser, app_instance, signed_in, unique
from tests.integration.test_drawers_support import quick_user

HX = {"HX-Request": "true"}


def local_input(moment: datetime) -> str:
    """What a datetime-local field sends, in the agency's time zone."""
    return moment.astimezone(get_settings().tz).strftime("%Y-%m-%dT%H:%M")


async def create_product(browser: Browser, **fields: str) -> int:
    data = {"code": unique("RT").upper(), "name": unique("Route pass "), "kind": "day_pass",
            "active": "1", **fields}
    response = await browser.post_form("/admin/catalog/products/new", data)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/admin/catalog/products/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


async def test_the_catalog_page_lists_products_with_their_price(
    browser: Browser, admin: Principal
) -> None:
    await signed_in(browser, admin)
    product_id = await create_product(browser, barcode=unique("55"))
    await catalog.schedule_price(admin, product_id, 725)
    product = await catalog.get_product(product_id)
    page = await browser.get("/admin/catalog")
    assert page.status_code == 200
    assert 'href="/admin/catalog"' in page.text  # in the navigation
    row = re.search(rf'<tr>\s*<td><a href="/admin/catalog/products/{product_id}">'
                    rf'{product["code"]}</a></td>.*?</tr>', page.text, re.S)
    assert row and "$7.25" in row.group(0) and "on sale" in row.group(0)
    assert product["barcode"] in row.group(0)


async def test_only_administrators_reach_the_catalog_pages(browser: Browser) -> None:
    supervisor = await quick_user(Role.SUPERVISOR, ())
    await signed_in(browser, supervisor)
    assert (await browser.get("/admin/catalog")).status_code == 403
    response = await browser.post_form("/admin/catalog/products/new",
                                       {"code": "NOPE", "name": "Nope", "kind": "day_pass"})
    assert response.status_code == 403
    assert not await Product.exists().where(Product.code == "NOPE")


async def test_creating_a_product_then_editing_it(browser: Browser, admin: Principal) -> None:
    await signed_in(browser, admin)
    code = unique("MP").upper()
    product_id = await create_product(browser, code=code, name="Monthly pass – Test",
                                      kind="monthly_pass")
    page = await browser.get(f"/admin/catalog/products/{product_id}")
    assert "Product Monthly pass – Test saved." in page.text
    assert "No price yet" in page.text
    response = await browser.post_form(f"/admin/catalog/products/{product_id}", {
        "code": code, "name": "Monthly pass – Renamed", "kind": "monthly_pass", "active": "1"})
    assert response.status_code == 303
    assert (await catalog.get_product(product_id))["name"] == "Monthly pass – Renamed"


async def test_a_bad_product_form_comes_back_with_field_errors_and_saves_nothing(
    browser: Browser, admin: Principal
) -> None:
    await signed_in(browser, admin)
    code = unique("SV").upper()
    response = await browser.post_form("/admin/catalog/products/new", {
        "code": code, "name": "Stored value", "kind": "stored_value", "min_cents": "five",
        "max_cents": "300", "balance_cap_cents": "400"})
    assert response.status_code == 400
    assert 'id="e-min_cents"' in response.text and "Enter an amount like 12.50." in response.text
    assert f'value="{code}"' in response.text and 'value="300"' in response.text  # input kept
    assert not await Product.exists().where(Product.code == code)


async def test_scheduling_a_price_with_a_plain_form(browser: Browser, admin: Principal) -> None:
    await signed_in(browser, admin)
    product_id = await create_product(browser)
    response = await browser.post_form(f"/admin/catalog/products/{product_id}/prices",
                                       {"amount": "5.00", "effective_from": ""})
    assert response.status_code == 303
    later = datetime.now(UTC) + timedelta(days=14)
    response = await browser.post_form(f"/admin/catalog/products/{product_id}/prices",
                                       {"amount": "5.50", "effective_from": local_input(later)})
    assert response.status_code == 303
    page = await browser.get(f"/admin/catalog/products/{product_id}")
    history = re.search(r'data-testid="price-history".*?</table>', page.text, re.S)
    assert history
    assert re.search(r"\$5\.50</td>.*?scheduled", history.group(0), re.S)
    assert re.search(r"\$5\.00</td>.*?in force", history.group(0), re.S)
    assert await catalog.current_price(product_id, datetime.now(UTC)) == 500
    assert await catalog.current_price(product_id, later + timedelta(minutes=1)) == 550


async def test_a_price_in_the_past_is_refused_on_the_page(
    browser: Browser, admin: Principal
) -> None:
    await signed_in(browser, admin)
    product_id = await create_product(browser)
    yesterday = local_input(datetime.now(UTC) - timedelta(days=1))
    response = await browser.post_form(f"/admin/catalog/products/{product_id}/prices",
                                       {"amount": "4.00", "effective_from": yesterday})
    assert response.status_code == 400
    assert "A price cannot start in the past" in response.text
    assert f'value="{yesterday}"' in response.text
    assert await catalog.price_history(product_id) == []


async def test_htmx_swaps_the_price_panel(browser: Browser, admin: Principal) -> None:
    await signed_in(browser, admin)
    product_id = await create_product(browser)
    refused = await browser.post_form(f"/admin/catalog/products/{product_id}/prices",
                                      {"amount": "abc"}, headers=HX)
    assert refused.status_code == 200  # htmx swaps only 2xx: the panel shows its own error
    assert refused.text.lstrip().startswith('<div id="prices"') and "<html" not in refused.text
    assert "Enter an amount like 12.50." in refused.text
    accepted = await browser.post_form(f"/admin/catalog/products/{product_id}/prices",
                                       {"amount": "3.25"}, headers=HX)
    assert accepted.status_code == 200
    assert "Price $3.25 scheduled." in accepted.text and "in force" in accepted.text


async def test_taking_a_product_off_sale_and_back(browser: Browser, admin: Principal) -> None:
    await signed_in(browser, admin)
    product_id = await create_product(browser)
    await catalog.schedule_price(admin, product_id, 100)
    response = await browser.post_form(f"/admin/catalog/products/{product_id}/active",
                                       {"active": "0"})
    assert response.status_code == 303
    now = datetime.now(UTC)
    assert product_id not in {p["id"] for p in await catalog.sellable_products(now)}
    page = await browser.get(f"/admin/catalog/products/{product_id}")
    assert "taken off sale." in page.text and "Put back on sale" in page.text
    await browser.post_form(f"/admin/catalog/products/{product_id}/active", {"active": "1"})
    assert product_id in {p["id"] for p in await catalog.sellable_products(now)}


async def test_fare_categories_are_created_and_edited(browser: Browser, admin: Principal) -> None:
    await signed_in(browser, admin)
    code = unique("veteran").lower()
    response = await browser.post_form("/admin/catalog/categories/new", {
        "code": code, "name": "Veteran", "reduced": "1", "active": "1"})
    assert response.status_code == 303
    category = await catalog.category_by_code(code)
    assert category is not None and category["reduced"] is True
    page = await browser.get("/admin/catalog")
    assert "Fare category Veteran saved." in page.text and code in page.text
    response = await browser.post_form(f"/admin/catalog/categories/{category['id']}", {
        "code": code, "name": "", "active": "1"})
    assert response.status_code == 400 and "Enter a name" in response.text
    assert (await catalog.get_category(category["id"]))["name"] == "Veteran"


async def test_the_administrators_home_shows_the_catalog_panel(
    browser: Browser, admin: Principal
) -> None:
    product_id = await catalog.save_product(admin, catalog.ProductForm(
        unique("NP").upper(), unique("Unpriced book "), "ticket_book"))
    priced = await catalog.save_product(admin, catalog.ProductForm(
        unique("UP").upper(), unique("Repriced pass "), "day_pass"))
    await catalog.schedule_price(admin, priced, 500)
    await catalog.schedule_price(admin, priced, 600,
                                 datetime.now(UTC) + timedelta(days=3))
    await signed_in(browser, admin)
    home = await browser.get("/")
    panel = re.search(r'data-testid="catalog-panel".*?</section>', home.text, re.S)
    assert panel, home.text
    assert f'href="/admin/catalog/products/{product_id}"' in panel.group(0)
    assert re.search(rf'products/{priced}">[^<]+</a>: \$5\.00 → \$6\.00', panel.group(0))
    supervisor = await quick_user(Role.SUPERVISOR, ())
    transport = httpx.ASGITransport(app=app_instance(), client=("127.0.0.1", 50001))
    async with Browser(transport=transport, base_url="http://testserver") as other:
        await signed_in(other, supervisor)
        assert 'data-testid="catalog-panel"' not in (await other.get("/")).text
