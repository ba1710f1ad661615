"""The shift state machine, in one place.

    open ──submit count──▶ counted ──approve──▶ approved
                            │   ▲
              request recount   submit recount
                            ▼   │
                           recount

Every transition goes through `transition`, which checks it is allowed, moves the row only if
it is still in the state the caller saw (a concurrent change loses cleanly), and audits it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.audit.services import record
from app.auth.principal import Principal
from app.drawers.tables import Shift
from app.errors import Conflict

OPEN = "open"
COUNTED = "counted"
RECOUNT = "recount"
APPROVED = "approved"

STATES = (OPEN, COUNTED, RECOUNT, APPROVED)

ALLOWED: dict[str, frozenset[str]] = {
    OPEN: frozenset({COUNTED}),
    COUNTED: frozenset({RECOUNT, APPROVED}),
    RECOUNT: frozenset({COUNTED}),
    APPROVED: frozenset(),
}

LABELS = {OPEN: "Open", COUNTED: "Counted", RECOUNT: "Recount requested", APPROVED: "Approved"}

#: States in which the drawer is still physically in use at its terminal.
DRAWER_IN_USE = frozenset({OPEN, RECOUNT})


def can_transition(current: str, to: str) -> bool:
    return to in ALLOWED.get(current, frozenset())


def check_transition(current: str, to: str) -> None:
    if not can_transition(current, to):
        raise Conflict(
            f"A shift that is {LABELS.get(current, current).lower()} cannot become "
            f"{LABELS.get(to, to).lower()}."
        )


async def transition(
    shift: Mapping[str, Any],
    to: str,
    actor: Principal,
    *,
    values: Mapping[Any, Any] | None = None,
    summary: Mapping[str, Any] | None = None,
) -> None:
    """Move `shift` (a row as read, with `id` and `status`) to state `to`; call inside the
    operation's write_transaction. `values` are further Shift columns set in the same UPDATE
    (closed_at, approved_by ...)."""
    current = str(shift["status"])
    check_transition(current, to)
    changes: dict[Any, Any] = {Shift.status: to}
    for key, value in (values or {}).items():
        changes[getattr(Shift, key) if isinstance(key, str) else key] = value
    moved = await Shift.update(changes).where(
        (Shift.id == shift["id"]) & (Shift.status == current)
    ).returning(Shift.id)
    if not moved:
        raise Conflict("Someone else changed this shift just now; reload and try again.")
    await record(actor, f"shift.{to}", "shift", shift["id"],
                 {"from": current, "to": to, **dict(summary or {})})
