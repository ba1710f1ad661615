"""Fare media inventory at scale, on PostgreSQL (issue 12, item 10).

Builds, in a dedicated database (FAREDESK_BENCH_INVENTORY_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/faredesk_bench_inventory, dropped and re-created each run):

* a vault that receives 1,100,000 serialized cards through the real service (11 boxes of
  100,000), then hands 1,000 slices of 100 cards to 200 counter drawers, also through the real
  services: the vault is left holding exactly 1,000,000 cards in 1,000 ranges (a fragmented
  position, not one tidy row);
* background bulk-loaded with plain INSERT … SELECT so the indexes are deep: 300,000 more
  ranges of other card types at other locations and 600,000 movement-range rows of history.

Then it measures, each after warm-ups:

* inventory_position_1m_p95_ms: p95 of 50 `queries.position(location_id=vault)` calls (the
  service behind the location page's stock position), and the location page itself through
  the ASGI app (signed in, full HTML render): inventory_location_page_p95_ms;
* inventory_serial_lookup_p95_ms: p95 of 200 `queries.where_is(serial)` calls for random serials
  held in the vault (where it is now plus every movement that moved it), and the lookup page
  through ASGI: inventory_lookup_page_p95_ms.

Targets: position < 100 ms, serial lookup < 20 ms.

    .venv/bin/python -m benchmarks.run inventory
"""

from __future__ import annotations

import os
import random
import re
import statistics
import time
from typing import Any
from urllib.parse import urlparse

BENCH_URL = os.environ.get("FAREDESK_BENCH_INVENTORY_DATABASE_URL",
                           "postgresql://postgres@127.0.0.1:5432/faredesk_bench_inventory")
os.environ["FAREDESK_DATABASE_URL"] = BENCH_URL
os.environ.setdefault("FAREDESK_VAR_DIR", "/tmp/faredesk-bench-inventory-var")
os.environ.setdefault("FAREDESK_SECRET_KEY", "bench-secret-" + "x" * 40)
os.environ["PICCOLO_CONF"] = "app.piccolo_conf"
os.environ.setdefault("FAREDESK_LOG_LEVEL", "WARNING")

FIRST = 60_000_000
BOXES = 11
BOX = 100_000
SLICES = 1_000
SLICE = 100
DRAWERS = 200
BACKGROUND_RANGES = 300_000
BACKGROUND_HISTORY = 600_000
POSITION_RUNS = 50
LOOKUP_RUNS = 200
WARMUP = 5
PASSWORD = "bench-password-1234"


async def _recreate_database() -> None:
    import asyncpg

    u = urlparse(BENCH_URL)
    conn = await asyncpg.connect(host=u.hostname, port=u.port or 5432,
                                 user=u.username or "postgres", password=u.password or None,
                                 database="postgres")
    name = (u.path or "/faredesk_bench_inventory").lstrip("/")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


async def build() -> dict[str, Any]:
    from app import sql
    from app.auth.principal import SYSTEM
    from app.auth.signin import check_password
    from app.auth.users import UserForm, create_user
    from app.inventory import services, setup
    from app.inventory.services import MovementForm
    from app.inventory.states import Category, LocationKind
    from app.migrate import migrate
    from app.org.services import SectionForm, save_section

    await migrate()
    started = time.perf_counter()
    section = await save_section(SYSTEM, SectionForm("BENCH", "Bench section"))
    await create_user(SYSTEM, UserForm("benchadmin", "Bench Admin", "", "administrator", ()),
                      PASSWORD)
    await create_user(SYSTEM, UserForm("benchsup", "Bench Supervisor", "", "supervisor",
                                       (section,)), PASSWORD)
    sup = await check_password("benchsup", PASSWORD, "bench")
    card = await setup.create_item_type(SYSTEM, setup.ItemTypeForm(
        "CARD-BENCH", "Blank smart card", Category.SMART_CARD, True))
    vault = await setup.create_location(SYSTEM, setup.LocationForm(
        "VAULT-BENCH", "Bench vault", LocationKind.VAULT, section))
    drawers = [await setup.create_location(SYSTEM, setup.LocationForm(
        f"DRAWER-{i}", f"Drawer {i}", LocationKind.DRAWER, section)) for i in range(DRAWERS)]
    for box in range(BOXES):
        first = FIRST + box * BOX
        await services.record_movement(sup, MovementForm(
            kind="received", item_type_id=card, to_location_id=vault,
            ranges=f"{first}-{first + BOX - 1}", reference=f"PO-{box}"))
    stride = BOXES * BOX // SLICES
    for i in range(SLICES):
        first = FIRST + i * stride
        await services.record_movement(sup, MovementForm(
            kind="issued", item_type_id=card, from_location_id=vault,
            to_location_id=drawers[i % DRAWERS], ranges=f"{first}-{first + SLICE - 1}"))
    service_s = time.perf_counter() - started
    # background: other card types' ranges elsewhere, and a deep movement history
    others = [await setup.create_item_type(SYSTEM, setup.ItemTypeForm(
        f"CARD-OTHER-{i}", f"Other card {i}", Category.SMART_CARD, True)) for i in range(3)]
    admin = await sql.fetch_value("SELECT id FROM app_user WHERE username = 'benchadmin'")
    for n, item in enumerate(others):
        per = BACKGROUND_RANGES // len(others)
        await sql.execute(
            "INSERT INTO stock_range (item_type, first_serial, last_serial, location) "
            "SELECT {}, g * 20, g * 20 + 9, {} FROM generate_series(1, {}) g",
            item, drawers[n], per)
        movement = await sql.fetch_value(
            "INSERT INTO stock_movement (kind, item_type, to_location, quantity, reference, "
            "note, actor, created_at) VALUES ('received', {}, {}, {}, 'bulk', '', {}, now()) "
            "RETURNING id", item, drawers[n], per * 10, admin)
        await sql.execute(
            "INSERT INTO stock_movement_range (movement, item_type, first_serial, last_serial) "
            "SELECT {}, {}, g * 20, g * 20 + 9 FROM generate_series(1, {}) g",
            movement, item, BACKGROUND_HISTORY // len(others))
    await sql.execute("ANALYZE")
    held = await sql.fetch_one(
        "SELECT COUNT(*) AS ranges, SUM(last_serial - first_serial + 1) AS cards "
        "FROM stock_range WHERE location = {}", vault)
    assert held is not None and int(held["cards"]) == BOXES * BOX - SLICES * SLICE
    return {"card": card, "vault": vault, "ranges": int(held["ranges"]),
            "cards": int(held["cards"]), "service_s": service_s,
            "load_s": time.perf_counter() - started,
            "rows": await sql.fetch_value("SELECT COUNT(*) FROM stock_range"),
            "history": await sql.fetch_value("SELECT COUNT(*) FROM stock_movement_range")}


async def _pages(data: dict[str, Any], serials: list[int]) -> tuple[list[float], list[float]]:
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from app.main import create_app

    transport = httpx.ASGITransport(app=create_app(), client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        login = await client.get("/login")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', login.text)
        assert token, "no CSRF token on the sign-in page"
        signed = await client.post("/login", data={"_csrf_token": token.group(1),
                                                   "username": "benchadmin",
                                                   "password": PASSWORD})
        assert signed.status_code == 303, signed.text[:300]
        location, lookup = [], []
        for i in range(WARMUP + POSITION_RUNS):
            t0 = time.perf_counter()
            response = await client.get(f"/inventory/locations/{data['vault']}")
            if i >= WARMUP:
                location.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200 and "1,000,000" in response.text
        for i, serial in enumerate(serials[:WARMUP + POSITION_RUNS]):
            t0 = time.perf_counter()
            response = await client.get(f"/inventory/lookup?serial={serial}")
            if i >= WARMUP:
                lookup.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200 and "Now at" in response.text
    return location, lookup


async def run(results: dict[str, Any]) -> None:
    await _recreate_database()
    from app import db
    from app.inventory import queries

    await db.start_pool()
    try:
        data = await build()
        position = []
        for i in range(WARMUP + POSITION_RUNS):
            t0 = time.perf_counter()
            rows = await queries.position(location_id=data["vault"])
            if i >= WARMUP:
                position.append((time.perf_counter() - t0) * 1000)
        assert rows[0]["quantity"] == 1_000_000, rows
        rng = random.Random(12)
        stride = BOXES * BOX // SLICES
        serials = []
        while len(serials) < WARMUP + LOOKUP_RUNS:
            serial = FIRST + rng.randrange(BOXES * BOX)
            if (serial - FIRST) % stride >= SLICE:  # held by the vault, not issued
                serials.append(serial)
        lookups = []
        for i, serial in enumerate(serials):
            t0 = time.perf_counter()
            [where] = await queries.where_is(serial)
            if i >= WARMUP:
                lookups.append((time.perf_counter() - t0) * 1000)
            assert where.location is not None and where.location["id"] == data["vault"]
            assert [m["kind"] for m in where.history] == ["received"]
        location_page, lookup_page = await _pages(data, serials)
    finally:
        await db.close_pool()
    print(f"vault: {data['cards']:,} cards in {data['ranges']:,} ranges; "
          f"{data['rows']:,} range rows and {data['history']:,} history rows in all", flush=True)
    results.update({
        "inventory_position_1m_p95_ms": round(p95(position), 2),
        "inventory_position_1m_p50_ms": round(statistics.median(position), 2),
        "inventory_location_page_p95_ms": round(p95(location_page), 1),
        "inventory_serial_lookup_p95_ms": round(p95(lookups), 2),
        "inventory_serial_lookup_p50_ms": round(statistics.median(lookups), 2),
        "inventory_lookup_page_p95_ms": round(p95(lookup_page), 1),
        "inventory_bench_vault_cards": data["cards"],
        "inventory_bench_vault_ranges": data["ranges"],
        "inventory_bench_range_rows": data["rows"],
        "inventory_bench_history_rows": data["history"],
        "inventory_bench_service_moves_s": round(data["service_s"], 1),
    })
