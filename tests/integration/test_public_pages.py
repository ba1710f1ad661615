"""Public pages for riders: every shipped language renders the fares page with no message
falling back to English, the picker keeps the choice, Accept-Language is honoured."""

from __future__ import annotations

import re

import pytest

from app.catalog import services as catalog
from app.catalog.demo import seed_catalog
from app.i18n import catalogs, languages
from app.i18n.catalogs import translator
from app.i18n.domains import PUBLIC
from app.i18n.formatting import format_money
from tests.fixtures import Browser

SHIPPED = [language.code for language in languages.SHIPPED]


@pytest.fixture
async def demo_fares() -> dict[str, int]:
    """The demo catalog (idempotent), and its adult monthly pass price."""
    await seed_catalog()
    products = {p["code"]: p for p in await catalog.list_products(active_only=True)}
    return {"MP-ADULT": int(products["MP-ADULT"]["price_cents"])}


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', page)
    assert match
    return match.group(1)


@pytest.mark.parametrize("code", SHIPPED)
async def test_every_language_renders_the_fares_page_without_a_missing_message(
        browser: Browser, demo_fares: dict[str, int], code: str) -> None:
    catalogs.reset_missing()
    page = await browser.get(f"/fares?lang={code}")
    assert page.status_code == 200
    language = languages.get(code)
    assert html_lang(page.text) == language.html_lang
    assert page.headers["content-language"] == language.html_lang
    t = translator(code, PUBLIC)
    heading = t.gettext("Fares and passes")
    if code != "en":
        assert heading != "Fares and passes"
    assert f"<h1>{heading}</h1>" in page.text
    assert t.gettext("Monthly pass") in page.text and t.gettext("Adult") in page.text
    # the price in the language's own money format, from integer cents
    assert format_money(demo_fares["MP-ADULT"], code) in page.text
    assert catalogs.missing_messages() == {}
    # a public page has no staff navigation and no sign-in
    assert 'class="mainnav"' not in page.text and "/logout" not in page.text
    assert "/login" not in page.text


async def test_money_is_formatted_per_locale(browser: Browser, demo_fares: dict[str, int]) -> None:
    vi = await browser.get("/fares?lang=vi")
    ru = await browser.get("/fares?lang=ru")
    en = await browser.get("/fares?lang=en")
    assert "100,00\xa0US$" in vi.text  # the adult monthly pass, 10000 cents
    assert "100,00\xa0$" in ru.text
    assert "$100.00" in en.text


@pytest.mark.parametrize(("header", "expected"), [
    ("vi-VN,vi;q=0.9,en;q=0.5", "vi"),
    ("zh-TW,zh;q=0.8", "zh_Hant"),
    ("zh-CN,ko;q=0.4", "ko"),        # Simplified is not shipped: the next choice wins
    ("fr-FR,de;q=0.8", "en"),        # nothing shipped: English
    ("es-MX;q=0.2,ru;q=0.9", "ru"),  # q decides, not the order
])
async def test_accept_language_is_honoured(browser: Browser, header: str, expected: str) -> None:
    page = await browser.get("/fares", headers={"Accept-Language": header})
    assert html_lang(page.text) == languages.get(expected).html_lang


async def test_the_picker_keeps_the_choice_over_accept_language(browser: Browser) -> None:
    page = await browser.get("/fares", headers={"Accept-Language": "es"})
    assert html_lang(page.text) == "es"
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token and 'data-testid="lang-so"' in page.text
    response = await browser.post("/language", data={
        "_csrf_token": token.group(1), "lang": "so", "next": "/fares"})
    assert response.status_code == 303 and response.headers["location"] == "/fares"
    assert "faredesk_lang=so" in response.headers["set-cookie"]
    again = await browser.get("/fares", headers={"Accept-Language": "es"})
    assert html_lang(again.text) == "so"
    assert 'aria-current="true"\n            data-testid="lang-so"' in again.text
    # ?lang= shows one page in another language without changing the kept choice
    assert html_lang((await browser.get("/fares?lang=ko")).text) == "ko"
    assert html_lang((await browser.get("/fares")).text) == "so"


async def test_the_picker_refuses_other_sites_and_unknown_languages(browser: Browser) -> None:
    page = await browser.get("/fares")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token
    response = await browser.post("/language", data={
        "_csrf_token": token.group(1), "lang": "xx", "next": "//evil.example/"})
    assert response.status_code == 303 and response.headers["location"] == "/fares"
    assert "faredesk_lang" not in response.headers.get("set-cookie", "")


async def test_the_picker_needs_the_csrf_token(browser: Browser) -> None:
    await browser.get("/fares")
    response = await browser.post("/language", data={"lang": "es", "next": "/fares"})
    assert response.status_code == 403


async def test_languages_are_configurable(browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAREDESK_LANGUAGES", "es,vi")
    languages.enabled_codes.cache_clear()
    try:
        page = await browser.get("/fares", headers={"Accept-Language": "ko"})
        assert html_lang(page.text) == "en"  # Korean is not offered here
        assert 'data-testid="lang-vi"' in page.text and 'data-testid="lang-ko"' not in page.text
        assert html_lang((await browser.get("/fares?lang=ko")).text) == "en"
    finally:
        monkeypatch.delenv("FAREDESK_LANGUAGES")
        languages.enabled_codes.cache_clear()
