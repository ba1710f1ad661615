"""A worked business day for a demo or the browser test: `python -m app.reconciliation.demo_day`.

At the demo location CENTRAL (or --location CODE), on yesterday's business day (or --day), two
new clerks each work a drawer on a new terminal:

* clerk A sells three $5.00 day passes for cash and counts $163.50: $1.50 short;
* clerk B sells two for cash, one paid by check (no. 1001) and one by card, and counts $162.00
  cash, the check and the card batch: $2.00 over.

Prints one JSON line: {"location_id", "day", "shifts": {"a", "b"}, "clerks": {"a", "b"}}.
Needs the demo agency (`faredesk seed-demo`) and the same FAREDESK_* environment as the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
from datetime import date, timedelta

os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")


async def work_demo_day(location_code: str, day: date | None) -> dict[str, object]:
    from app.auth.principal import SYSTEM, Principal
    from app.auth.roles import Role
    from app.auth.users import UserForm, create_user
    from app.formatting import business_date
    from app.org.tables import Location
    from app.reconciliation import sampledata as sd
    from app.settings import get_settings

    location = await Location.select(Location.id, Location.section).where(
        Location.code == location_code).first()
    if location is None:
        raise SystemExit(f"no location {location_code!r}: run `faredesk seed-demo` first")
    day = day or business_date() - timedelta(days=1)
    tag = secrets.token_hex(2)
    clerks = {}
    for key, name in (("a", "Avery"), ("b", "Blake")):
        username = f"clerk{key}{tag}"
        user_id = await create_user(
            SYSTEM, UserForm(username, f"{name} Clerk {tag}", "", Role.CLERK.value,
                             (int(location["section"]),)),
            get_settings().demo_password, "2468")
        clerks[key] = Principal(user_id, username, f"{name} Clerk {tag}", Role.CLERK,
                                (int(location["section"]),))
    item = await sd.product()
    loc = int(location["id"])
    a = await sd.open_drawer(clerks["a"], await sd.terminal(loc, f"DA{tag}".upper()), loc, day)
    for _ in range(3):
        await sd.sell(a, loc, day, [item], [sd.Pay("cash", 500)])
    await sd.count_drawer(a, 16_350)
    b = await sd.open_drawer(clerks["b"], await sd.terminal(loc, f"DB{tag}".upper()), loc, day)
    for _ in range(2):
        await sd.sell(b, loc, day, [item], [sd.Pay("cash", 500)])
    await sd.sell(b, loc, day, [item], [sd.Pay("check", 500, "1001")])
    await sd.sell(b, loc, day, [item], [sd.Pay("card", 500)])
    await sd.count_drawer(b, 16_200, checks_cents=500, checks_count=1, card_cents=500)
    return {"location_id": loc, "day": day.isoformat(),
            "shifts": {"a": a.shift_id, "b": b.shift_id},
            "clerks": {k: c.full_name for k, c in clerks.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--location", default="CENTRAL")
    parser.add_argument("--day", type=date.fromisoformat, default=None)
    args = parser.parse_args()

    async def run() -> dict[str, object]:
        from app.db import close_pool, start_pool

        await start_pool()
        try:
            return await work_demo_day(args.location, args.day)
        finally:
            await close_pool()

    print(json.dumps(asyncio.run(run())))


if __name__ == "__main__":
    main()
