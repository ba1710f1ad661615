"""Helpers shared by the catalog, ledger and drawer tests (no tests here).

A counter needs a terminal; the terminals service belongs to the kiosk area, so tests insert
the row directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from app.auth.passwords import hash_secret
from app.auth.principal import Principal
from app.auth.roles import Role
from app.auth.tables import User, UserSection
from app.drawers import services as drawers
from app.terminals.tables import Terminal
from tests.fixtures import PASSWORD, PIN, Org, make_org, unique

#: A float of $150.00: 5 × $20, 4 × $10, 2 × $5.
FLOAT = {2000: 5, 1000: 4, 500: 2}
FLOAT_CENTS = 15_000


@lru_cache(maxsize=1)
def _hashes() -> tuple[str, str]:
    return hash_secret(PASSWORD), hash_secret(PIN)


async def quick_user(role: Role, sections: tuple[int, ...]) -> Principal:
    """A user like tests.fixtures.make_user (same password and PIN), without hashing each time:
    the drawer tests need many staff, and argon2 takes most of a second per secret."""
    password_hash, pin_hash = _hashes()
    username = unique(role.value[:4])
    now = datetime.now(UTC)
    user = User(username=username, full_name=f"Test {role.value.title()} {username}",
                role=role.value, password_hash=password_hash, pin_hash=pin_hash,
                created_at=now, password_changed_at=now)
    await user.save()
    for section_id in sections:
        await UserSection(user=user.id, section=section_id).save()
    return Principal(id=int(user.id), username=username,
                     full_name=f"Test {role.value.title()} {username}", role=role,
                     section_ids=tuple(sorted(sections)), origin="127.0.0.1")


async def make_terminal(location_id: int, *, active: bool = True) -> int:
    terminal = Terminal(code=unique("T")[:20], name="Counter test", location=location_id,
                        active=active)
    await terminal.save()
    return int(terminal.id)


@dataclass
class Counter:
    """One location with a terminal and its staff."""

    org: Org
    terminal_id: int
    clerk: Principal
    lead: Principal
    supervisor: Principal

    @property
    def location_id(self) -> int:
        return self.org.location_id


async def make_counter() -> Counter:
    org = await make_org()
    sections = (org.section_id,)
    return Counter(
        org=org,
        terminal_id=await make_terminal(org.location_id),
        clerk=await quick_user(Role.CLERK, sections),
        lead=await quick_user(Role.LEAD, sections),
        supervisor=await quick_user(Role.SUPERVISOR, sections),
    )


async def open_counter(counter: Counter, *, day: date | None = None,
                       float_counts: dict[int, int] | None = None) -> int:
    return await drawers.open_shift(
        counter.clerk, terminal_id=counter.terminal_id, location_id=counter.location_id,
        denominations=float_counts or FLOAT, business_date=day,
    )
