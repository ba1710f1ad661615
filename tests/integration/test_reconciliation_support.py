"""Helpers for the reconciliation tests (no tests here): a location's day with two clerks.

Clerk A ends $1.50 short, clerk B $2.00 over (with a check and a card sale), as in the issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.auth.principal import Principal
from app.auth.roles import Role
from app.formatting import business_date
from app.reconciliation import sampledata as sd
from tests.fixtures import Org, make_org, make_user

FLOAT_CENTS = 15_000


@dataclass
class Day:
    org: Org
    day: date
    clerk_a: Principal
    clerk_b: Principal
    lead: Principal
    supervisor: Principal
    supervisor2: Principal
    terminal_a: int
    terminal_b: int
    shifts: dict[str, sd.WorkedShift] = field(default_factory=dict)

    @property
    def location_id(self) -> int:
        return self.org.location_id


async def make_day(days_ago: int = 1) -> Day:
    org = await make_org()
    s = (org.section_id,)
    return Day(
        org=org, day=business_date() - timedelta(days=days_ago),
        clerk_a=await make_user(Role.CLERK, s), clerk_b=await make_user(Role.CLERK, s),
        lead=await make_user(Role.LEAD, s), supervisor=await make_user(Role.SUPERVISOR, s),
        supervisor2=await make_user(Role.SUPERVISOR, s),
        terminal_a=await sd.terminal(org.location_id), terminal_b=await sd.terminal(org.location_id),
    )


async def work_shifts(d: Day, *, count: bool = True) -> Day:
    """A: three $5 cash sales, counts $163.50 (expected $165.00: $1.50 short).
    B: two $5 cash, one $5 check, one $5 card; counts $162.00 cash (expected $160.00: $2.00
    over), the check and the card batch."""
    item = await sd.product()
    a = await sd.open_drawer(d.clerk_a, d.terminal_a, d.location_id, d.day)
    for _ in range(3):
        await sd.sell(a, d.location_id, d.day, [item], [sd.Pay("cash", 500)])
    b = await sd.open_drawer(d.clerk_b, d.terminal_b, d.location_id, d.day)
    for _ in range(2):
        await sd.sell(b, d.location_id, d.day, [item], [sd.Pay("cash", 500)])
    await sd.sell(b, d.location_id, d.day, [item], [sd.Pay("check", 500, "1001")])
    await sd.sell(b, d.location_id, d.day, [item], [sd.Pay("card", 500)])
    d.shifts = {"a": a, "b": b}
    if count:
        await sd.count_drawer(a, 16_350)
        await sd.count_drawer(b, 16_200, checks_cents=500, checks_count=1, card_cents=500)
    return d
