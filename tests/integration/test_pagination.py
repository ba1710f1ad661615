"""Keyset pagination on a real database: every list pages by its key, and one URL answers with
the full page or, for htmx, only the rows."""

from __future__ import annotations

import re

from app.audit.services import NEWEST_FIRST, AuditFilter, record, search
from app.auth import users
from app.auth.roles import Role
from app.auth.tables import User
from app.catalog.tables import Product
from app.pagination import Keyset, decode_cursor, encode_cursor, keyset_page
from tests.fixtures import Browser, make_user, signed_in, unique


async def test_pages_follow_one_another_without_repeats_or_gaps() -> None:
    marker = unique("page-")
    for n in range(7):
        await record(None, "test.page", marker, n)
    f = AuditFilter(object_type=marker)
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        found = await search(f, after=after, size=3)
        seen += [int(row["object_id"]) for row in found.rows]
        pages += 1
        if not (after := found.next_after):
            break
    assert seen == [6, 5, 4, 3, 2, 1, 0] and pages == 3  # newest first, 3 + 3 + 1
    first = await search(f, size=3)
    assert first.first and first.next_after is not None
    # a row added after page one was read does not shift page two (no OFFSET)
    await record(None, "test.page", marker, 7)
    second = await search(f, after=first.next_after, size=3)
    assert [int(r["object_id"]) for r in second.rows] == [3, 2, 1]
    assert NEWEST_FIRST.descending


async def test_a_composite_key_pages_through_ties() -> None:
    """Products in display order: many share a sort value, the id breaks the tie."""
    code = unique("PG").upper()
    ids = []
    for n in range(5):
        product = Product(code=f"{code}{n}", name="Same name", kind="pass", sort=-77)
        await product.save()
        ids.append(int(product.id))
    keyset = Keyset((Product.sort, Product.name, Product.id))
    query = Product.select(Product.id, Product.sort, Product.name).where(Product.sort == -77)
    one = await keyset_page(query, keyset, size=2)
    two = await keyset_page(Product.select(Product.id, Product.sort, Product.name).where(
        Product.sort == -77), keyset, after=one.next_after, size=2)
    three = await keyset_page(Product.select(Product.id, Product.sort, Product.name).where(
        Product.sort == -77), keyset, after=two.next_after, size=2)
    assert [r["id"] for r in one.rows + two.rows + three.rows] == sorted(ids)
    assert three.next_after is None


def test_a_damaged_cursor_means_the_first_page() -> None:
    assert decode_cursor(encode_cursor((3, "abc")), 2) == (3, "abc")
    for bad in ("", "!!!", encode_cursor((1,)), encode_cursor(([1],)), "e30", None):
        assert decode_cursor(bad, 2) is None


async def test_the_user_list_pages_and_reads_sections_for_its_page_only() -> None:
    made = {(await make_user(Role.CLERK)).username for _ in range(3)}
    names: list[str] = []
    after = None
    while True:
        found = await users.list_users(after=after, size=2)
        assert len(found.rows) <= 2 and all("sections" in row for row in found.rows)
        names += [row["username"] for row in found.rows]
        if not (after := found.next_after):
            break
    assert names == sorted(names) and len(names) == len(set(names)) == await User.count()
    assert made <= set(names)


async def test_the_audit_log_is_a_full_page_or_only_its_rows(browser: Browser) -> None:
    auditor = await make_user(Role.AUDITOR)
    for n in range(120):
        await record(None, "test.audit_page", "pagetest", n)
    await signed_in(browser, auditor)
    full = await browser.get("/audit?action=test.audit_page")
    assert full.status_code == 200 and "<html" in full.text and 'id="audit-rows"' in full.text
    next_link = re.search(r'href="(/audit\?[^"]*after=[^"]+)" data-testid="pager-next"', full.text)
    assert next_link is not None
    url = next_link.group(1).replace("&amp;", "&")
    assert "action=test.audit_page" in url  # the filter is kept
    rows = await browser.get(url, headers={"HX-Request": "true", "HX-Target": "audit-rows"})
    assert rows.status_code == 200 and "<html" not in rows.text
    assert 'data-testid="audit-table"' in rows.text and 'data-testid="pager-first"' in rows.text
    ids_one = [int(i) for i in re.findall(r'<td class="num">(\d+)</td>', full.text)]
    ids_two = [int(i) for i in re.findall(r'<td class="num">(\d+)</td>', rows.text)]
    assert len(ids_one) == 100 and len(ids_two) == 20
    assert ids_one == sorted(ids_one, reverse=True) and max(ids_two) < min(ids_one)
    # a boosted navigation (htmx, but not aimed at the rows) still gets the whole page
    boosted = await browser.get("/audit", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text


async def test_every_back_office_list_renders_its_rows_for_htmx(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    for url, target, table in [("/admin/users", "user-rows", "user-table"),
                               ("/admin/terminals", "terminal-rows", "terminal-table"),
                               ("/admin/catalog", "product-rows", "product-table")]:
        full = await browser.get(url)
        assert f'id="{target}"' in full.text and f'data-testid="{table}"' in full.text, url
        rows = await browser.get(url, headers={"HX-Request": "true", "HX-Target": target})
        assert rows.status_code == 200 and "<html" not in rows.text, url
        assert f'data-testid="{table}"' in rows.text, url
