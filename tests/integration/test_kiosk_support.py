"""Shared setup for the kiosk tests (no tests here): a terminal, an enrolled browser, a clerk."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.principal import Principal
from app.auth.roles import Role
from app.terminals import services as terminals
from tests.fixtures import PIN, Browser, Org, make_org, make_user, unique


@dataclass
class Counter:
    org: Org
    admin: Principal
    terminal_id: int
    code: str
    token: str


async def make_terminal(org: Org | None = None) -> tuple[Org, Principal, int, str]:
    org = org or await make_org()
    admin = await make_user(Role.ADMINISTRATOR)
    code = unique("K").upper()[:20]
    form = terminals.default_form(org.location_id)
    terminal_id = await terminals.save_terminal(admin, terminals.TerminalForm(
        code=code, name=f"Counter {code}", location_id=org.location_id,
        printer_url=form.printer_url, payment_url=form.payment_url,
        cardreader_url=form.cardreader_url, display_url=form.display_url))
    return org, admin, terminal_id, code


async def make_counter(org: Org | None = None) -> Counter:
    org, admin, terminal_id, code = await make_terminal(org)
    token = await terminals.enrol_browser(admin, terminal_id, "test window")
    return Counter(org, admin, terminal_id, code, token)


def enrol(browser: Browser, counter: Counter) -> Browser:
    browser.cookies.set(terminals.KIOSK_COOKIE, counter.token)
    return browser


async def clerk_signs_in(browser: Browser, counter: Counter, role: Role = Role.CLERK,
                         ) -> Principal:
    clerk = await make_user(role, (counter.org.section_id,))
    enrol(browser, counter)
    response = await browser.post_form("/kiosk/sign-in", {"login": clerk.username, "pin": PIN})
    assert response.status_code == 303, response.text
    return clerk


def float_form(**counts: int) -> dict[str, str]:
    """A denomination count form: float_form(d2000=5, d100=10)."""
    return {name: str(n) for name, n in counts.items()}


async def open_shift(browser: Browser, **counts: int) -> None:
    response = await browser.post_form("/kiosk/shift/open", float_form(**(counts or {"d2000": 5})))
    assert response.status_code == 303, response.text


# --- selling -------------------------------------------------------------------------------

async def make_product(admin: Principal, kind: str, price: int | None, **fields: object) -> int:
    from app.catalog import services as catalog

    product_id = await catalog.save_product(admin, catalog.ProductForm(
        code=unique("KP").upper()[:32], name=unique(f"{kind} "), kind=kind,
        **fields))  # type: ignore[arg-type]
    if price is not None:
        await catalog.schedule_price(admin, product_id, price)
    return product_id


async def selling_counter(browser: Browser) -> tuple[Counter, Principal]:
    """An enrolled counter, a clerk signed in with an open shift ($100 float)."""
    counter = await make_counter()
    clerk = await clerk_signs_in(browser, counter)
    await open_shift(browser, d2000=5)
    return counter, clerk


async def terminal_row(counter: Counter) -> dict:  # type: ignore[type-arg]
    return await terminals.get_terminal(counter.terminal_id)


HX = {"HX-Request": "true"}
