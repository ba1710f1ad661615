"""Time-based rules of reconciliation, run by the worker (app.jobs).

The overdue-deposit flag itself is a rule over the day's counts and deposits
(rules.deposit_overdue, shown on the board); this sweep makes sure somebody hears about it:
each overdue day notifies the location's supervisors once (key deposit-overdue:<loc>:<day>).
"""

from __future__ import annotations

from app.auth.principal import SYSTEM
from app.db import write_transaction
from app.formatting import local_time
from app.jobs.marks import first_time
from app.jobs.registry import sweep
from app.notifications.recipients import deciders
from app.notifications.services import notify
from app.org.tables import Location
from app.reconciliation import deposits

SWEEP = "reconciliation.deposit-overdue"


@sweep(SWEEP, minute="*/10", description="Tell supervisors about deposits overdue past 24 hours")
async def overdue_deposits() -> int:
    done = 0
    overdue = await deposits.overdue_days(SYSTEM)
    sections = {int(r["id"]): int(r["section"]) for r in await Location.select(
        Location.id, Location.section)}
    for day in overdue:
        location, business_date = int(day["location"]), day["business_date"]
        async with write_transaction():
            if not await first_time(f"deposit-overdue:{location}:{business_date}", SWEEP):
                continue
            await notify(
                await deciders(sections[location]), "deposit.overdue",
                title=f"Deposit overdue: {day['location_name']}, {business_date.isoformat()}",
                link=f"/reconciliation/{location}/{business_date.isoformat()}",
                body=f"The deposit was due {local_time(day['due_at'])} and is not prepared yet.",
                key=f"notify:deposit-overdue:{location}:{business_date}",
            )
            done += 1
    return done
