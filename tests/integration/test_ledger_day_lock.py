"""The day lock is append-only in the database (issue 9 item 4): deleting or rewriting its
row must not reopen a signed-off day, on either engine."""

from __future__ import annotations

from datetime import date

import pytest

from app.auth.roles import Role
from app.db import engine
from app.ledger import services as ledger
from app.ledger.errors import DayLocked
from app.ledger.services import Leg
from app.ledger.tables import DayLock
from tests.fixtures import make_org, make_user

DAY = date(2026, 11, 19)


@pytest.mark.parametrize("statement", [
    "DELETE FROM day_lock WHERE id = {row}",
    "UPDATE day_lock SET business_date = '2026-11-18' WHERE id = {row}",
    "UPDATE day_lock SET location = location WHERE id = {row}",
])
async def test_a_signed_off_day_cannot_be_reopened_in_the_database(statement: str) -> None:
    org = await make_org()
    supervisor = await make_user(Role.SUPERVISOR, (org.section_id,))
    lock_id = await ledger.lock_day(supervisor, org.location_id, DAY)
    with pytest.raises(Exception, match="append-only"):
        await engine().run_ddl(statement.format(row=lock_id))
    assert await DayLock.count().where(DayLock.id == lock_id) == 1
    assert await ledger.is_day_locked(org.location_id, DAY)
    clerk = await make_user(Role.CLERK, (org.section_id,))
    with pytest.raises(DayLocked):
        await ledger.post(kind="sale", actor=clerk, location_id=org.location_id,
                          business_date=DAY,
                          legs=[Leg("drawer_cash", 100), Leg("fare_revenue", -100)])
