"""The shift state machine, declared on the shared helper (`app.states`).

    open ──submit count──▶ counted ──approve──▶ approved
                            │   ▲
              request recount   submit recount
                            ▼   │
                           recount

Every transition goes through `transition` (`SHIFT.transition`), which checks it is allowed,
moves the row only if it is still in the state the caller saw (a concurrent change loses
cleanly), and audits it as `shift.<new status>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from app.auth.principal import Principal
from app.drawers.tables import Shift
from app.states import StateMachine


class ShiftStatus(StrEnum):
    OPEN = "open"
    COUNTED = "counted"
    RECOUNT = "recount"
    APPROVED = "approved"


OPEN = ShiftStatus.OPEN
COUNTED = ShiftStatus.COUNTED
RECOUNT = ShiftStatus.RECOUNT
APPROVED = ShiftStatus.APPROVED

STATES = tuple(ShiftStatus)

SHIFT: StateMachine[ShiftStatus] = StateMachine(
    "shift", Shift, ShiftStatus,
    allowed={OPEN: {COUNTED}, COUNTED: {RECOUNT, APPROVED}, RECOUNT: {COUNTED}},
    labels={OPEN: "Open", COUNTED: "Counted", RECOUNT: "Recount requested",
            APPROVED: "Approved"},
    tones={OPEN: "ok", COUNTED: "warn", RECOUNT: "warn", APPROVED: "ok"},
)

ALLOWED = SHIFT.allowed
LABELS = SHIFT.labels

#: States in which the drawer is still physically in use at its terminal.
DRAWER_IN_USE = frozenset({OPEN, RECOUNT})


def can_transition(current: str, to: str) -> bool:
    return SHIFT.can(current, to)


def check_transition(current: str, to: str) -> None:
    SHIFT.check(current, to)


async def transition(
    shift: Mapping[str, Any],
    to: ShiftStatus,
    actor: Principal,
    *,
    values: Mapping[Any, Any] | None = None,
    summary: Mapping[str, Any] | None = None,
) -> None:
    """Move `shift` (a row as read, with `id` and `status`) to state `to`; call inside the
    operation's write_transaction. `values` are further Shift columns set in the same UPDATE
    (closed_at, approved_by ...)."""
    await SHIFT.transition(shift, to, actor, values=values, summary=summary)
