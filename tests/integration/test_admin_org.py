"""Administrators edit sections and locations (name, address, opening hours)."""

from __future__ import annotations

from html import unescape
from typing import Any

from app.auth.roles import Role
from app.org.tables import Location, Section
from tests.fixtures import Browser, make_org, make_user, signed_in, unique
from tests.integration.test_auth_support import fingerprint


async def _section(code: str) -> dict[str, Any]:
    row = await Section.select().where(Section.code == code).first()
    assert row is not None
    return row


async def _admin(browser: Browser) -> None:
    await signed_in(browser, await make_user(Role.ADMINISTRATOR))


async def test_create_and_edit_a_section(browser: Browser) -> None:
    await _admin(browser)
    code = unique("SEC").upper()[:18]
    created = await browser.post_form("/admin/sections/new", {
        "code": code.lower(), "name": f"Outreach {code}", "description": "Community outreach",
        "active": "1",
    })
    assert created.status_code == 303 and created.headers["location"] == "/admin/org"
    section = await _section(code)  # codes are kept in capitals
    assert (section["name"], section["description"], section["active"]) == (
        f"Outreach {code}", "Community outreach", True)
    listing = (await browser.get("/admin/org")).text
    assert f"Section Outreach {code} saved." in listing and f">{code}</a>" in listing

    form = (await browser.get(f"/admin/sections/{section['id']}")).text
    assert f'value="Outreach {code}"' in form
    edited = await browser.post_form(f"/admin/sections/{section['id']}", {
        "code": code, "name": f"Outreach {code}", "description": "Paused"})  # no "active": off
    assert edited.status_code == 303
    section = await _section(code)
    assert section["description"] == "Paused" and section["active"] is False
    assert "inactive" in (await browser.get("/admin/org")).text


async def test_section_validation_re_renders_and_changes_nothing(browser: Browser) -> None:
    await _admin(browser)
    taken = await make_org()
    before = await fingerprint()
    cases = [
        ({"code": "", "name": "Anything"}, "code", "Use 1–20 capital letters, digits or dashes."),
        ({"code": "HAS SPACE", "name": "Anything"}, "code", "Use 1–20 capital letters"),
        ({"code": taken.code, "name": "Anything"}, "code", "Another section uses that code."),
        ({"code": unique("X").upper(), "name": ""}, "name", "Enter a name of at most 120 characters."),
        ({"code": unique("X").upper(), "name": f"Section {taken.code}"}, "name",
         "Another section has that name."),
        ({"code": unique("X").upper(), "name": "N" * 121}, "name", "Use at most 120 characters."),
    ]
    for data, field, message in cases:
        response = await browser.post_form("/admin/sections/new", data)
        assert response.status_code == 400, data
        text = unescape(response.text)
        assert message in text, data
        assert f'id="e-{field}"' in text, data
        assert "Please correct the marked fields." in text
    assert await fingerprint() == before


async def test_create_and_edit_a_location(browser: Browser) -> None:
    await _admin(browser)
    org = await make_org()
    code = unique("LOC").upper()[:18]
    created = await browser.post_form("/admin/locations/new", {
        "code": code, "name": "Airport Kiosk", "section_id": str(org.section_id),
        "address": "Terminal 2, Arrivals", "opening_hours": "Daily 6:00–22:00", "active": "1",
    })
    assert created.status_code == 303
    location = await Location.select().where(Location.code == code).first()
    assert location is not None
    assert (location["section"], location["address"], location["opening_hours"]) == (
        org.section_id, "Terminal 2, Arrivals", "Daily 6:00–22:00")
    edited = await browser.post_form(f"/admin/locations/{location['id']}", {
        "code": code, "name": "Airport Kiosk", "section_id": str(org.section_id),
        "address": "Terminal 3, Departures", "opening_hours": "Daily 5:00–23:00", "active": "1",
    })
    assert edited.status_code == 303
    html = (await browser.get("/admin/org")).text
    assert "Terminal 3, Departures" in html and "Daily 5:00–23:00" in html


async def test_location_validation_re_renders_and_changes_nothing(browser: Browser) -> None:
    await _admin(browser)
    org = await make_org()
    location = await Location.select().where(Location.id == org.location_id).first()
    assert location is not None
    before = await fingerprint()
    response = await browser.post_form(f"/admin/locations/{org.location_id}", {
        "code": f"L{org.code}"[:20], "name": "", "section_id": "999999", "address": "A" * 501,
        "opening_hours": "ok",
    })
    assert response.status_code == 400
    text = unescape(response.text)
    assert "Enter a name of at most 120 characters." in text or "Use at most" in text
    assert 'id="e-address"' in text
    assert await fingerprint() == before
    assert await Location.select().where(Location.id == org.location_id).first() == location


async def test_missing_section_or_location_is_a_404(browser: Browser) -> None:
    await _admin(browser)
    assert (await browser.get("/admin/sections/987654321")).status_code == 404
    assert (await browser.get("/admin/locations/987654321")).status_code == 404
    response = await browser.post_form("/admin/sections/987654321", {"code": "NOPE", "name": "Nope"})
    assert response.status_code == 404
