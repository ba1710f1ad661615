"""Helpers shared by the catalog, ledger and drawer tests (no tests here).

A counter needs a terminal; the terminals service belongs to the kiosk area, so tests insert
the row directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.auth.principal import Principal
from app.auth.roles import Role
from app.drawers import services as drawers
from app.terminals.tables import Terminal
from tests.fixtures import Org, make_org, make_user, unique

#: A float of $150.00: 5 × $20, 4 × $10, 2 × $5.
FLOAT = {2000: 5, 1000: 4, 500: 2}
FLOAT_CENTS = 15_000


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
        clerk=await make_user(Role.CLERK, sections),
        lead=await make_user(Role.LEAD, sections),
        supervisor=await make_user(Role.SUPERVISOR, sections),
    )


async def open_counter(counter: Counter, *, day: date | None = None,
                       float_counts: dict[int, int] | None = None) -> int:
    return await drawers.open_shift(
        counter.clerk, terminal_id=counter.terminal_id, location_id=counter.location_id,
        denominations=float_counts or FLOAT, business_date=day,
    )
