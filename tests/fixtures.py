"""Fixtures and factories: a test reads like the workflow it checks."""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from app.auth.principal import SYSTEM, Principal
from app.auth.roles import Role
from app.auth.users import UserForm, create_user
from app.org.services import LocationForm, SectionForm, save_location, save_section

PASSWORD = "correct-horse-battery"
PIN = "4821"
_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}{secrets.token_hex(2)}"


@dataclass
class Org:
    section_id: int
    location_id: int
    code: str


async def make_org() -> Org:
    code = unique("S").upper()[:18]
    section_id = await save_section(SYSTEM, SectionForm(code, f"Section {code}"))
    location_id = await save_location(
        SYSTEM, LocationForm(f"L{code}"[:20], f"Location {code}", section_id, "1 Main St", "9–5")
    )
    return Org(section_id, location_id, code)


async def make_user(
    role: Role | str, sections: tuple[int, ...] = (), *, pin: str | None = None,
    password: str = PASSWORD,
) -> Principal:
    role = Role(role)
    username = unique(role.value[:4])
    if role not in (Role.ADMINISTRATOR, Role.AUDITOR) and not sections:
        sections = ((await make_org()).section_id,)
    if pin is None:
        pin = PIN if role in (Role.CLERK, Role.LEAD, Role.SUPERVISOR) else ""
    user_id = await create_user(
        SYSTEM, UserForm(username, f"Test {role.value.title()} {username}", "", role.value,
                         sections), password, pin,
    )
    return Principal(id=user_id, username=username, full_name=f"Test {username}", role=role,
                     section_ids=tuple(sorted(sections)), origin="127.0.0.1")


@pytest.fixture
async def org() -> Org:
    return await make_org()


@pytest.fixture
async def admin() -> Principal:
    return await make_user(Role.ADMINISTRATOR)


def _app():  # type: ignore[no-untyped-def]
    from app.main import create_app

    return create_app()


_APP = None


def app_instance():  # type: ignore[no-untyped-def]
    global _APP
    if _APP is None:
        _APP = _app()
    return _APP


class Browser(httpx.AsyncClient):
    """An HTTP client that behaves like a browser: cookies, CSRF token from the page."""

    csrf: str = ""

    async def refresh_csrf(self) -> str:
        page = await self.get("/login")
        match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        if match:
            self.csrf = match.group(1)
        else:  # already signed in: the token cookie is what the header must echo
            self.csrf = self.cookies.get("faredesk_csrf", "")
        return self.csrf

    async def post_form(self, url: str, data: dict | None = None, **kwargs) -> httpx.Response:  # type: ignore[type-arg]
        if not self.csrf:
            await self.refresh_csrf()
        payload = {"_csrf_token": self.csrf, **(data or {})}
        return await self.post(url, data=payload, **kwargs)

    async def sign_in(self, username: str, password: str = PASSWORD) -> httpx.Response:
        await self.refresh_csrf()
        response = await self.post_form("/login", {"username": username, "password": password})
        self.csrf = self.cookies.get("faredesk_csrf", self.csrf)
        return response


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    transport = httpx.ASGITransport(app=app_instance(), client=("127.0.0.1", 50000))
    async with Browser(transport=transport, base_url="http://testserver") as client:
        yield client


async def signed_in(browser: Browser, principal: Principal) -> Browser:
    response = await browser.sign_in(principal.username)
    assert response.status_code == 303, response.text
    return browser
