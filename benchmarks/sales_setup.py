"""Counter-kiosk benchmark, part 1: a fresh PostgreSQL database with the demo agency plus one
terminal, one enrolled browser and one clerk per simulated kiosk.

The database is dropped and re-created, then `faredesk migrate` and `faredesk seed-demo` run
as commands (as an operator would). The extra terminals, enrolments and clerks go through the
services an administrator's pages call (save_terminal, enrol_browser, create_user), so they are
audited like any other. Import this module only after the environment points at the bench
database (bench_sales does that first).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PIN = "4821"
CLERK_PASSWORD = "bench-clerk-password-1234"
#: Products a kiosk sells in every benchmark sale (no fare card needed): $25.00 + $10.00.
SALE_PRODUCTS = ("TB-10", "TAXI-SCRIP")


@dataclass(frozen=True)
class Kiosk:
    """One simulated counter: its terminal, the enrolled browser's token, its clerk."""

    terminal_id: int
    code: str
    token: str
    clerk_login: str


async def recreate_database(url: str) -> None:
    import asyncpg

    u = urlparse(url)
    name = (u.path or "/faredesk_bench_sales").lstrip("/")
    conn = await asyncpg.connect(host=u.hostname, port=u.port or 5432,
                                 user=u.username or "postgres", password=u.password or None,
                                 database="postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def faredesk_command(*args: str) -> None:
    """`faredesk migrate` / `faredesk seed-demo` in a child process with the bench environment."""
    faredesk = Path(sys.executable).with_name("faredesk")
    command = [str(faredesk), *args] if faredesk.exists() else [
        sys.executable, "-m", "app.cli", *args]
    done = subprocess.run(command, cwd=ROOT, env=os.environ.copy(), capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"faredesk {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


async def make_kiosks(count: int) -> tuple[list[Kiosk], dict[str, int]]:
    """`count` terminals at the demo CENTRAL location, each with an enrolled browser and a
    clerk of its section; returns them and the ids of SALE_PRODUCTS."""
    from argon2 import PasswordHasher

    from app.auth import passwords
    from app.auth.principal import SYSTEM, Principal
    from app.auth.roles import Role
    from app.auth.tables import User
    from app.auth.users import UserForm, create_user
    from app.catalog.tables import Product
    from app.org.tables import Location
    from app.terminals import services as terminals

    # Setup only: the bench clerks' password and PIN hashes use a cheap argon2id parameter set
    # (argon2 verifies with the parameters stored in the hash), so 32 clerks are created and
    # signed in in seconds on a busy machine. Nothing timed signs in.
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    admin_row = await User.select().where(User.username == "admin").first()
    assert admin_row is not None, "seed-demo creates the admin user"
    admin = Principal(int(admin_row["id"]), "admin", str(admin_row["full_name"]),
                      Role.ADMINISTRATOR)
    location = await Location.select().where(Location.code == "CENTRAL").first()
    assert location is not None, "seed-demo creates the CENTRAL location"
    defaults = terminals.default_form(int(location["id"]))
    kiosks = []
    for n in range(1, count + 1):
        code = f"BS{n:02d}"
        terminal_id = await terminals.save_terminal(admin, terminals.TerminalForm(
            code=code, name=f"Bench counter {n}", location_id=int(location["id"]),
            printer_url="sim://", payment_url="sim://", cardreader_url="sim://",
            display_url="sim://", paper_width_mm=defaults.paper_width_mm))
        token = await terminals.enrol_browser(admin, terminal_id, f"bench browser {n}")
        login = f"benchclerk{n:02d}"
        await create_user(SYSTEM, UserForm(login, f"Bench Clerk {n}", "", Role.CLERK.value,
                                           (int(location["section"]),)), CLERK_PASSWORD, PIN)
        kiosks.append(Kiosk(terminal_id, code, token, login))
    products = {str(r["code"]): int(r["id"]) for r in await Product.select(
        Product.id, Product.code).where(Product.code.is_in(list(SALE_PRODUCTS)))}
    assert set(products) == set(SALE_PRODUCTS), f"demo catalog lacks {SALE_PRODUCTS}: {products}"
    return kiosks, products


async def ledger_check(url: str) -> tuple[int, int]:
    """(number of sales, sum of all postings) straight from the database after the run."""
    import asyncpg

    u = urlparse(url)
    conn = await asyncpg.connect(host=u.hostname, port=u.port or 5432,
                                 user=u.username or "postgres", password=u.password or None,
                                 database=(u.path or "/faredesk_bench_sales").lstrip("/"))
    try:
        sales = int(await conn.fetchval("SELECT COUNT(*) FROM sale"))
        balance = int(await conn.fetchval("SELECT COALESCE(SUM(amount_cents), 0) FROM posting"))
    finally:
        await conn.close()
    return sales, balance
