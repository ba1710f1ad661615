"""Day board and shift close at scale, on PostgreSQL (issue: reconciliation).

Builds, in a dedicated database (FAREDESK_BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/faredesk_bench, dropped and re-created each run):

* one location with a day of 100 shifts × 500 sales (50,000 sales, 100,000+ postings), every
  drawer counted, a few with over/short, unresolved card outcomes and print failures;
* three open shifts of 10,000 sales each on another day.

Rows are bulk-loaded with COPY from a generator (the same shapes the kiosk writes: sale, line,
tender, one balanced journal transaction with two postings per sale). Then it measures:

* day_board_p95_ms_50k: p95 of 30 GETs of the day board page through the ASGI app (signed in,
  full HTML render), after 5 warm-ups; day_board_service_p95_ms_50k: the board service alone;
* shift_close_ms_10k: the blind close of a 10,000-sale shift (`drawers.submit_count`, which
  stores the count, moves the shift and computes the expected totals); the median of three.

Targets: day board p95 < 300 ms, shift close < 500 ms.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

BENCH_URL = os.environ.get("FAREDESK_BENCH_DATABASE_URL",
                           "postgresql://postgres@127.0.0.1:5432/faredesk_bench")
os.environ["FAREDESK_DATABASE_URL"] = BENCH_URL
os.environ.setdefault("FAREDESK_VAR_DIR", "/tmp/faredesk-bench-var")
os.environ.setdefault("FAREDESK_SECRET_KEY", "bench-secret-" + "x" * 40)
os.environ["PICCOLO_CONF"] = "app.piccolo_conf"
os.environ.setdefault("FAREDESK_LOG_LEVEL", "WARNING")

SHIFTS = 100
SALES_PER_SHIFT = 500
BIG_SHIFTS = 3
BIG_SALES = 10_000
BOARD_RUNS = 30
WARMUP = 5
PASSWORD = "bench-password-1234"
FLOAT = {2000: 5, 1000: 4, 500: 2}
FLOAT_CENTS = 15_000
PRICES = (250, 500, 2_500, 10_000)


async def _recreate_database() -> None:
    import asyncpg

    u = urlparse(BENCH_URL)
    conn = await asyncpg.connect(host=u.hostname, port=u.port or 5432,
                                 user=u.username or "postgres", password=u.password or None,
                                 database="postgres")
    name = (u.path or "/faredesk_bench").lstrip("/")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _raw_connection() -> Any:
    import asyncpg

    u = urlparse(BENCH_URL)
    return await asyncpg.connect(host=u.hostname, port=u.port or 5432,
                                 user=u.username or "postgres", password=u.password or None,
                                 database=(u.path or "/faredesk_bench").lstrip("/"))


class Ids:
    """Explicit ids for COPY (the sequences are moved past them afterwards)."""

    def __init__(self, start: dict[str, int]) -> None:
        self.next = dict(start)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _counts_json(cents: int) -> str:
    result: dict[str, int] = {}
    for value in (10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1):
        pieces, cents = divmod(cents, value)
        if pieces:
            result[str(value)] = pieces
    return json.dumps(result)


class Loader:
    def __init__(self, ids: Ids, accounts: dict[str, int], products: list[tuple[int, str]],
                 admin_id: int, location_id: int) -> None:
        self.ids, self.accounts, self.products = ids, accounts, products
        self.admin_id, self.location_id = admin_id, location_id
        self.rows: dict[str, list[tuple[Any, ...]]] = {
            t: [] for t in ("shift", "shift_count", "journal_txn", "posting", "sale", "sale_line",
                            "tender", "payment_attempt", "print_job")}
        self.rng = random.Random(42)

    def txn(self, kind: str, day: date, shift: int, clerk: int, at: datetime, source: str,
            source_id: int, legs: list[tuple[str, int, int | None, str | None, str | None]],
            terminal: int) -> int:
        txn_id = self.ids.take("journal_txn")
        self.rows["journal_txn"].append((txn_id, kind, day, self.location_id, shift, at, clerk,
                                         source, str(source_id)))
        for account, amount, product, category, tender in legs:
            self.rows["posting"].append((
                self.ids.take("posting"), txn_id, self.accounts[account], amount, day,
                self.location_id, shift, terminal, clerk, product, category, tender))
        return txn_id

    def shift(self, terminal: int, clerk: int, day: date, sales: int, *, counted: bool) -> int:
        shift_id = self.ids.take("shift")
        opened = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=15)
        closed = opened + timedelta(hours=8)
        self.rows["shift"].append((shift_id, terminal, self.location_id, clerk, day,
                                   "counted" if counted else "open", opened,
                                   closed if counted else None))
        self.rows["shift_count"].append((self.ids.take("shift_count"), shift_id, "open", clerk,
                                         FLOAT_CENTS, json.dumps({str(k): v for k, v in FLOAT.items()}),
                                         0, 0, 0, opened))
        self.txn("shift_open", day, shift_id, clerk, opened, "shift_count", 0,
                 [("drawer_cash", FLOAT_CENTS, None, None, "cash"), ("safe", -FLOAT_CENTS, None, None, None)],
                 terminal)
        totals = {"cash": 0, "card": 0, "check": 0}
        checks = 0
        for n in range(1, sales + 1):
            product, category = self.rng.choice(self.products)
            price = self.rng.choice(PRICES)
            roll = self.rng.random()
            tender = "cash" if roll < 0.75 else "card" if roll < 0.95 else "check"
            totals[tender] += price
            checks += tender == "check"
            sale_id = self.ids.take("sale")
            at = opened + timedelta(seconds=n * 50)
            account = {"cash": "drawer_cash", "card": "card_clearing",
                       "check": "checks_on_hand"}[tender]
            txn_id = self.txn("sale", day, shift_id, clerk, at, "sale", sale_id,
                              [(account, price, None, None, tender),
                               ("fare_revenue", -price, product, category, None)], terminal)
            self.rows["sale"].append((sale_id, "sale", terminal, shift_id, self.location_id,
                                      clerk, day, n, secrets.token_hex(16), price, txn_id, at))
            self.rows["sale_line"].append((self.ids.take("sale_line"), sale_id, 1, product,
                                           "Fare", 1, price, price, category))
            self.rows["tender"].append((self.ids.take("tender"), sale_id, tender, price,
                                        price if tender == "cash" else 0,
                                        f"{1000 + n}" if tender == "check" else None))
        if counted:
            variance = self.rng.choice((0, 0, 0, -150, 200, -25))
            cash = FLOAT_CENTS + totals["cash"] + variance
            self.rows["shift_count"].append((
                self.ids.take("shift_count"), shift_id, "close", clerk, cash, _counts_json(cash),
                totals["check"], checks, totals["card"], closed))
        return shift_id

    async def copy(self, conn: Any) -> None:
        columns = {
            "shift": ("id", "terminal", "location", "clerk", "business_date", "status",
                      "opened_at", "closed_at"),
            "shift_count": ("id", "shift", "kind", "counted_by", "cash_cents", "denominations",
                            "checks_cents", "checks_count", "card_cents", "submitted_at"),
            "journal_txn": ("id", "kind", "business_date", "location", "shift", "occurred_at",
                            "created_by", "source_type", "source_id"),
            "posting": ("id", "txn", "account", "amount_cents", "business_date", "location",
                        "shift", "terminal", "clerk", "product", "fare_category", "tender_kind"),
            "sale": ("id", "kind", "terminal", "shift", "location", "clerk", "business_date",
                     "receipt_number", "idempotency_key", "total_cents", "journal_txn_id",
                     "created_at"),
            "sale_line": ("id", "sale", "line_no", "product", "description", "quantity",
                          "unit_cents", "amount_cents", "fare_category"),
            "tender": ("id", "sale", "kind", "amount_cents", "tendered_cents", "check_number"),
            "payment_attempt": ("reference", "terminal", "shift", "clerk", "amount_cents",
                                "status"),
            "print_job": ("terminal", "sale", "status", "last_error"),
        }
        for table, cols in columns.items():
            if self.rows[table]:
                await conn.copy_records_to_table(table, records=self.rows[table], columns=cols)
            self.rows[table] = []


async def build() -> dict[str, Any]:
    """Create the data set; returns what the measurements need."""
    from app.auth.principal import SYSTEM, Principal
    from app.auth.roles import Role
    from app.auth.users import UserForm, create_user
    from app.ledger.tables import Account
    from app.migrate import migrate
    from app.org.services import LocationForm, SectionForm, save_location, save_section
    from app.reconciliation import sampledata as sd

    await migrate()
    section = await save_section(SYSTEM, SectionForm("BENCH", "Bench section"))
    location = await save_location(SYSTEM, LocationForm("BENCHLOC", "Bench location", section))
    admin_id = await create_user(SYSTEM, UserForm("benchadmin", "Bench Admin", "",
                                                  "administrator", ()), PASSWORD, "")
    products = []
    for code, category in (("RC-ADULT", "adult"), ("RC-YOUTH", "youth"),
                           ("RC-SENIOR", "senior")):
        item = await sd.product(code, "ticket_book", category, f"{category.title()} ticket")
        products.append((item.product_id, category))
    accounts = {r["code"]: int(r["id"]) for r in await Account.select(Account.id, Account.code)}
    conn = await _raw_connection()
    try:
        maxima = {}
        for table in ("app_user", "terminal", "shift", "shift_count", "journal_txn", "posting",
                      "sale", "sale_line", "tender"):
            maxima[table] = int(await conn.fetchval(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"))
        ids = Ids(maxima)
        clerks = [ids.take("app_user") for _ in range(SHIFTS + BIG_SHIFTS)]
        await conn.copy_records_to_table("app_user", records=[
            (c, f"benchclerk{c}", f"Bench Clerk {c}", "clerk", "!") for c in clerks
        ], columns=("id", "username", "full_name", "role", "password_hash"))
        await conn.copy_records_to_table("user_section", records=[(c, section) for c in clerks],
                                         columns=("user", "section"))
        terminals = [ids.take("terminal") for _ in range(SHIFTS + BIG_SHIFTS)]
        await conn.copy_records_to_table("terminal", records=[
            (t, f"BT{t}", f"Bench counter {t}", location) for t in terminals
        ], columns=("id", "code", "name", "location"))
        day = date(2026, 1, 15)
        loader = Loader(ids, accounts, products, admin_id, location)
        started = time.perf_counter()
        board_shifts = []
        for i in range(SHIFTS):
            board_shifts.append(loader.shift(terminals[i], clerks[i], day, SALES_PER_SHIFT,
                                             counted=True))
            if i % 20 == 19:
                await loader.copy(conn)
        # a few problems for the board to flag
        for shift_id, terminal, clerk in zip(board_shifts[:5], terminals, clerks, strict=False):
            loader.rows["payment_attempt"].append((f"BENCH-{shift_id}", terminal, shift_id, clerk,
                                                   1_234, "unknown"))
        await loader.copy(conn)
        await conn.execute(
            "INSERT INTO print_job (terminal, sale, status, last_error) "
            "SELECT terminal, id, 'failed', 'paper out' FROM sale WHERE receipt_number = 7 "
            "AND business_date = $1", day)
        big_day = day + timedelta(days=1)
        big_shifts = []
        for j in range(BIG_SHIFTS):
            k = SHIFTS + j
            big_shifts.append((loader.shift(terminals[k], clerks[k], big_day, BIG_SALES,
                                            counted=False), clerks[k]))
            await loader.copy(conn)
        for table, value in ids.next.items():
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {value})")
        await conn.execute("VACUUM ANALYZE")
        await conn.execute("CHECKPOINT")  # flush the bulk load before anything is timed
        load_s = time.perf_counter() - started
        sales = int(await conn.fetchval("SELECT COUNT(*) FROM sale WHERE business_date = $1", day))
        postings = int(await conn.fetchval("SELECT COUNT(*) FROM posting"))
    finally:
        await conn.close()
    admin = Principal(admin_id, "benchadmin", "Bench Admin", Role.ADMINISTRATOR)
    big = [(s, Principal(c, f"benchclerk{c}", "Bench clerk", Role.CLERK, (section,)))
           for s, c in big_shifts]
    return {"location": location, "day": day, "admin": admin, "big": big, "load_s": load_s,
            "sales": sales, "postings": postings}


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


async def _asgi_board(url: str) -> list[float]:
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)

    from app.main import create_app

    app = create_app()
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        login = await client.get("/login")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', login.text)
        assert token, "no CSRF token on the sign-in page"
        signed = await client.post("/login", data={"_csrf_token": token.group(1),
                                                   "username": "benchadmin",
                                                   "password": PASSWORD})
        assert signed.status_code == 303, signed.text[:300]
        timings = []
        for i in range(WARMUP + BOARD_RUNS):
            t0 = time.perf_counter()
            response = await client.get(url)
            took = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200, response.text[:500]
            if i >= WARMUP:
                timings.append(took)
        print("day board page ms:", " ".join(f"{t:.0f}" for t in sorted(timings)), flush=True)
        assert response.text.count('data-testid="shift-') >= SHIFTS
    return timings


async def run(results: dict[str, Any]) -> None:
    await _recreate_database()
    from app import db

    data = await build()
    await db.start_pool()
    try:
        from app.drawers import services as drawers
        from app.reconciliation import board as boards

        page = await _asgi_board(f"/reconciliation/{data['location']}/{data['day'].isoformat()}")
        service = []
        for i in range(WARMUP + BOARD_RUNS):
            t0 = time.perf_counter()
            board = await boards.day_board(data["admin"], data["location"], data["day"])
            if i >= WARMUP:
                service.append((time.perf_counter() - t0) * 1000)
        assert len(board.shifts) == SHIFTS
        closes = []
        for shift_id, clerk in data["big"]:
            expected = await drawers.expected_totals(shift_id)
            t0 = time.perf_counter()
            result = await drawers.submit_count(
                clerk, shift_id=shift_id, denominations={10000: expected.expected_cash_cents // 10000},
                checks_cents=expected.expected_checks_cents, checks_count=1,
                card_cents=expected.expected_card_cents)
            closes.append((time.perf_counter() - t0) * 1000)
            assert result.expected_cash_cents == expected.expected_cash_cents
    finally:
        await db.close_pool()
    results.update({
        "day_board_p95_ms_50k": round(p95(page), 1),
        "day_board_p50_ms_50k": round(statistics.median(page), 1),
        "day_board_service_p95_ms_50k": round(p95(service), 1),
        "day_board_service_p50_ms_50k": round(statistics.median(service), 1),
        "shift_close_ms_10k": round(statistics.median(closes), 1),
        "shift_close_max_ms_10k": round(max(closes), 1),
        "reconciliation_bench_sales": data["sales"],
        "reconciliation_bench_postings": data["postings"],
        "reconciliation_bench_load_s": round(data["load_s"], 1),
    })

