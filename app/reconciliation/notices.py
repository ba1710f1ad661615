"""Messages reconciliation sends through the outbox (written in the service's transaction)."""

from __future__ import annotations

from typing import Any

from app.auth.principal import Principal
from app.formatting import money
from app.notifications.recipients import deciders
from app.notifications.services import notify
from app.reconciliation import rules


async def variance_recommended(actor: Principal, shift: dict[str, Any], review_id: int,
                               outcome: str, over_short_cents: int) -> None:
    """Tell the section's supervisors a lead's recommendation waits for their decision."""
    people = [p for p in await deciders(int(shift["section_id"]))
              if p not in (actor.id, int(shift["clerk"]))]
    day = shift["business_date"].isoformat()
    await notify(
        people, "variance.recommended",
        title=(f"Decide: drawer {shift['terminal_code']} of {shift['clerk_name']} on {day} "
               f"({money(over_short_cents, sign=True)}); {actor.full_name} recommends "
               f"{rules.OUTCOMES[outcome].lower()}"),
        link=f"/reconciliation/shift/{shift['id']}",
        key=f"variance-recommended:{review_id}",
    )
