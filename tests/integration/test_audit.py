"""The audit log: written by every administrator action, immutable in the database on both
engines, searchable by user, object, action and date, exported as spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.audit.services import record
from app.audit.tables import AuditEvent
from app.auth.principal import Principal
from app.auth.roles import Role
from app.db import engine, is_sqlite
from app.formatting import business_date
from app.org.tables import Section
from tests.fixtures import Browser, app_instance, make_org, make_user, signed_in, unique
from tests.integration.test_auth_support import fingerprint, state_changing

NEW_PASSWORD = "another-long-passphrase"


async def _events_for(object_type: str, object_id: object) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await AuditEvent.select().where(
        (AuditEvent.object_type == object_type) & (AuditEvent.object_id == str(object_id))
    ).order_by(AuditEvent.id)
    return rows


def _assert_event(row: dict[str, Any], actor: Principal, action: str) -> dict[str, Any]:
    assert row["action"] == action
    assert row["actor"] == actor.id
    assert row["actor_name"] == actor.username
    assert row["origin"] == "127.0.0.1"  # the client address of the request
    assert datetime.now(UTC) - row["at"] < timedelta(minutes=1)
    summary: dict[str, Any] = json.loads(row["summary"]) if row["summary"] else {}
    return summary


# --- every administrator action is recorded ----------------------------------------------


async def test_every_user_administration_action_is_recorded(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    org, other = await make_org(), await make_org()
    await signed_in(browser, admin)
    username = unique("audited")

    created = await browser.post_form("/admin/users/new", {
        "username": username, "full_name": "Audited Person", "role": "clerk",
        "section_ids": str(org.section_id), "password": NEW_PASSWORD, "pin": "5791",
    })
    assert created.status_code == 303
    user_id = int(created.headers["location"].rsplit("/", 1)[1])
    base = f"/admin/users/{user_id}"
    assert (await browser.post_form(base, {
        "username": username, "full_name": "Audited Person Renamed", "role": "lead",
        "section_ids": [str(org.section_id), str(other.section_id)],
    })).status_code == 303
    assert (await browser.post_form(f"{base}/active", {"active": "0"})).status_code == 303
    assert (await browser.post_form(f"{base}/active", {"active": "1"})).status_code == 303
    assert (await browser.post_form(f"{base}/password", {"password": NEW_PASSWORD + "!"})).status_code == 303
    assert (await browser.post_form(f"{base}/pin", {"pin": "8264"})).status_code == 303

    events = await _events_for("user", user_id)
    assert [e["action"] for e in events] == [
        "user.create", "user.update", "user.deactivate", "user.activate",
        "user.reset_password", "user.set_pin",
    ]
    summary = _assert_event(events[0], admin, "user.create")
    assert summary == {"username": username, "role": "clerk", "sections": [org.section_id],
                       "pin_set": True}
    changes = _assert_event(events[1], admin, "user.update")
    assert changes["full_name"] == {"from": "Audited Person", "to": "Audited Person Renamed"}
    assert changes["role"] == {"from": "clerk", "to": "lead"}
    assert changes["sections"]["to"] == sorted([org.section_id, other.section_id])
    for event in events[2:]:
        _assert_event(event, admin, event["action"])
    # Secrets never reach the log.
    for event in events:
        assert NEW_PASSWORD not in event["summary"] and "5791" not in event["summary"]
        assert "8264" not in event["summary"]


async def test_every_org_administration_action_is_recorded(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    code = unique("AU").upper()[:18]
    assert (await browser.post_form("/admin/sections/new", {
        "code": code, "name": f"Audited {code}", "active": "1"})).status_code == 303
    section_id = (await Section.select(Section.id).where(Section.code == code).first())["id"]  # type: ignore[index]
    assert (await browser.post_form(f"/admin/sections/{section_id}", {
        "code": code, "name": f"Audited {code} renamed", "active": "1"})).status_code == 303
    assert (await browser.post_form("/admin/locations/new", {
        "code": f"L{code}"[:20], "name": "Audited desk", "section_id": str(section_id),
        "address": "2 Side St", "opening_hours": "Mon 9–5", "active": "1"})).status_code == 303

    section_events = await _events_for("section", section_id)
    assert [e["action"] for e in section_events] == ["section.create", "section.update"]
    assert _assert_event(section_events[0], admin, "section.create")["code"] == code
    assert _assert_event(section_events[1], admin, "section.update") == {
        "name": {"from": f"Audited {code}", "to": f"Audited {code} renamed"}}
    location = await AuditEvent.select().where(
        (AuditEvent.action == "location.create") & (AuditEvent.summary.like(f"%L{code}%"))
    ).first()
    assert location is not None
    assert _assert_event(location, admin, "location.create")["address"] == "2 Side St"


async def test_refused_changes_are_not_recorded(browser: Browser) -> None:
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    before = await AuditEvent.count()
    response = await browser.post_form("/admin/sections/new", {"code": "bad code", "name": ""})
    assert response.status_code == 400
    assert await AuditEvent.count() == before


# --- immutability, enforced by the database ----------------------------------------------


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'rewritten' WHERE id = {id}",
    "UPDATE audit_event SET summary = '' WHERE id = {id}",
    "DELETE FROM audit_event WHERE id = {id}",
    "DELETE FROM audit_event",
])
async def test_the_database_rejects_rewriting_the_audit_log(statement: str) -> None:
    await record(None, "test.immutable", "thing", unique("imm"), {"before": 1})
    row = await AuditEvent.select().order_by(AuditEvent.id, ascending=False).first()
    assert row is not None
    total = await AuditEvent.count()
    with pytest.raises(Exception, match="append-only"):
        await engine().run_ddl(statement.format(id=row["id"]))
    after = await AuditEvent.select().where(AuditEvent.id == row["id"]).first()
    assert after == row
    assert await AuditEvent.count() == total


async def test_truncate_is_rejected_on_postgresql() -> None:
    if is_sqlite():
        pytest.skip("SQLite has no TRUNCATE")
    total = await AuditEvent.count()
    with pytest.raises(Exception, match="append-only"):
        await engine().run_ddl("TRUNCATE audit_event")
    assert await AuditEvent.count() == total


async def test_the_orm_cannot_rewrite_it_either() -> None:
    await record(None, "test.orm_immutable", "thing", "1")
    with pytest.raises(Exception, match="append-only"):
        await AuditEvent.update({AuditEvent.action: "x"}).where(
            AuditEvent.action == "test.orm_immutable"
        )
    with pytest.raises(Exception, match="append-only"):
        await AuditEvent.delete().where(AuditEvent.action == "test.orm_immutable")


# --- the audit page: filters -------------------------------------------------------------


async def _scenario() -> tuple[Principal, Principal, str]:
    """Two people and a handful of events with a unique action prefix."""
    tag = unique("flt")
    alice = await make_user(Role.SUPERVISOR)
    bob = await make_user(Role.LEAD)
    await record(alice, f"{tag}.approve", "shift", "101", {"note": "alice approves 101"})
    await record(alice, f"{tag}.approve", "shift", "102", {"note": "alice approves 102"})
    await record(bob, f"{tag}.recommend", "shift", "101", {"note": "bob recommends 101"})
    await record(bob, f"{tag}.recommend", "voucher", "7", {"note": "bob recommends voucher"})
    return alice, bob, tag


async def test_filters_by_action_user_and_object(browser: Browser) -> None:
    alice, bob, tag = await _scenario()
    auditor = await make_user(Role.AUDITOR)
    await signed_in(browser, auditor)

    by_action = (await browser.get("/audit", params={"action": f"{tag}.approve"})).text
    assert "alice approves 101" in by_action and "alice approves 102" in by_action
    assert "bob recommends" not in by_action and "2 events." in by_action

    by_user = (await browser.get("/audit", params={"user": bob.username})).text
    assert "bob recommends 101" in by_user and "bob recommends voucher" in by_user
    assert "alice approves" not in by_user

    by_object = (await browser.get("/audit", params={"object_type": "shift", "object_id": "101",
                                                     "user": alice.username})).text
    assert "alice approves 101" in by_object and "alice approves 102" not in by_object
    assert "1 event." in by_object

    voucher = (await browser.get("/audit", params={"object_type": "voucher", "user": bob.username})).text
    assert "bob recommends voucher" in voucher and "bob recommends 101" not in voucher


async def test_filter_by_date_range_uses_the_agency_day(browser: Browser) -> None:
    tag = unique("day")
    # 03:00 UTC on 15 March 2020 is the evening of 14 March in the agency's time zone.
    moment = datetime(2020, 3, 15, 3, 0, tzinfo=UTC)
    local_day = business_date(moment)
    assert local_day == date(2020, 3, 14)
    await AuditEvent.insert(AuditEvent(
        at=moment, actor=None, actor_name="system", origin="cli", action=tag,
        object_type="thing", object_id="1", summary="the dated event",
    ))
    auditor = await make_user(Role.AUDITOR)
    await signed_in(browser, auditor)

    async def count(**dates: str) -> str:
        html = (await browser.get("/audit", params={"action": tag, **dates})).text
        return "in" if "the dated event" in html else "out"

    assert await count(**{"from": "2020-03-14", "to": "2020-03-14"}) == "in"
    assert await count(**{"from": "2020-03-15"}) == "out"
    assert await count(to="2020-03-13") == "out"
    assert await count(**{"from": "2020-03-01", "to": "2020-03-31"}) == "in"


async def test_a_bad_date_is_reported_and_ignored(browser: Browser) -> None:
    auditor = await make_user(Role.AUDITOR)
    await signed_in(browser, auditor)
    response = await browser.get("/audit", params={"from": "yesterday"})
    assert response.status_code == 200
    assert "is not a date (use YYYY-MM-DD); it was ignored." in response.text


async def test_htmx_filter_returns_only_the_rows(browser: Browser) -> None:
    _, _, tag = await _scenario()
    admin = await make_user(Role.ADMINISTRATOR)
    await signed_in(browser, admin)
    response = await browser.get("/audit", params={"action": f"{tag}.approve"},
                                 headers={"hx-request": "true", "hx-target": "audit-rows"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'data-testid="audit-table"' in response.text and "alice approves 101" in response.text


# --- CSV export --------------------------------------------------------------------------


def _csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # UTF-8 with a byte-order mark, for spreadsheets
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


async def test_csv_export_follows_the_filter(browser: Browser) -> None:
    alice, _, tag = await _scenario()
    auditor = await make_user(Role.AUDITOR)
    await signed_in(browser, auditor)
    response = await browser.get("/audit.csv", params={"action": f"{tag}.approve"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = _csv(response.text)
    assert list(rows[0]) == ["id", "at", "actor_name", "origin", "action", "object_type",
                             "object_id", "summary"]
    assert [(r["actor_name"], r["object_id"]) for r in rows] == [
        (alice.username, "102"), (alice.username, "101")]  # newest first
    assert json.loads(rows[1]["summary"]) == {"note": "alice approves 101"}


async def test_csv_cells_cannot_run_spreadsheet_formulas(browser: Browser) -> None:
    tag = unique("inj")
    attacker = await make_user(Role.CLERK)
    await record(attacker, tag, "note", "=1+2", '=HYPERLINK("http://evil.example","x")')
    await record(attacker, tag, "note", "+1", "@SUM(A1:A9)")
    await record(attacker, tag, "note", "-5", "\tcmd")
    await record(attacker, tag, "note", "plain", "harmless text")
    auditor = await make_user(Role.AUDITOR)
    await signed_in(browser, auditor)
    rows = _csv((await browser.get("/audit.csv", params={"action": tag})).text)
    cells = {(r["object_id"], r["summary"]) for r in rows}
    assert cells == {
        ("'=1+2", '\'=HYPERLINK("http://evil.example","x")'),
        ("'+1", "'@SUM(A1:A9)"),
        ("'-5", "'\tcmd"),
        ("plain", "harmless text"),
    }


# --- auditors read and export, and change nothing ----------------------------------------


async def test_auditor_can_read_and_export(browser: Browser) -> None:
    auditor = await make_user(Role.AUDITOR)
    await signed_in(browser, auditor)
    assert (await browser.get("/audit")).status_code == 200
    assert (await browser.get("/audit.csv")).status_code == 200


async def test_every_state_changing_route_is_forbidden_to_an_auditor(browser: Browser) -> None:
    auditor = await make_user(Role.AUDITOR)
    await signed_in(browser, auditor)
    before = await fingerprint()
    allowed = []
    for endpoint in state_changing(app_instance()):
        if endpoint.capability == "public":
            continue  # signing in and out, public pages (a language cookie) change no record
        response = await browser.request(
            endpoint.method, endpoint.path,
            data={"_csrf_token": browser.csrf, "active": "0", "password": NEW_PASSWORD},
            headers={"x-csrftoken": browser.csrf},
        )
        if response.status_code != 403:
            allowed.append(f"{endpoint} -> {response.status_code}")
    assert allowed == []
    assert await fingerprint() == before
