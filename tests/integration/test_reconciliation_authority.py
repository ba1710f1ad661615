"""Who may do what on the day board: role × action × own/other section, in one matrix.

Each action is tried with input that passes the authority check but fails validation, so an
allowed actor gets ValidationFailed / Conflict (and nothing changes) and a refused one Forbidden.
"""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.errors import Conflict, Forbidden, ValidationFailed
from app.reconciliation import board as boards
from app.reconciliation import deposits, signoff, variances
from app.reconciliation.deposits import DepositForm
from app.reconciliation.variances import ReviewForm
from tests.fixtures import make_org, make_user
from tests.integration.test_reconciliation_support import make_day, work_shifts

ALLOWED = "allowed"
REFUSED = "refused"

#: (role, own section?) -> (read board, review, prepare deposit, sign off)
MATRIX = {
    (Role.CLERK, True): (REFUSED, REFUSED, REFUSED, REFUSED),
    (Role.COORDINATOR, True): (REFUSED, REFUSED, REFUSED, REFUSED),
    (Role.LEAD, True): (ALLOWED, ALLOWED, ALLOWED, REFUSED),
    (Role.LEAD, False): (REFUSED, REFUSED, REFUSED, REFUSED),
    (Role.SUPERVISOR, True): (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    (Role.SUPERVISOR, False): (REFUSED, REFUSED, REFUSED, REFUSED),
    (Role.ADMINISTRATOR, False): (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    (Role.AUDITOR, False): (ALLOWED, REFUSED, REFUSED, REFUSED),
}


async def outcome(action) -> str:  # type: ignore[no-untyped-def]
    try:
        await action
    except Forbidden:
        return REFUSED
    except (ValidationFailed, Conflict):
        return ALLOWED
    return ALLOWED


async def test_the_authority_matrix() -> None:
    d = await work_shifts(await make_day())
    other_section = (await make_org()).section_id
    shift_a = d.shifts["a"].shift_id
    found = {}
    for (role, own), _ in MATRIX.items():
        if role in (Role.ADMINISTRATOR, Role.AUDITOR):
            sections: tuple[int, ...] = ()
        else:
            sections = (d.org.section_id,) if own else (other_section,)
        actor = await make_user(role, sections)
        found[(role, own)] = (
            await outcome(boards.day_board(actor, d.location_id, d.day)),
            await outcome(variances.review(actor, shift_a, ReviewForm("accept", "bogus"))),
            await outcome(deposits.prepare(actor, d.location_id, d.day, DepositForm((), "B-1"))),
            await outcome(signoff.sign_off(actor, d.location_id, d.day)),
        )
    assert found == MATRIX
    # nothing changed: both shifts are still waiting for review
    board = await boards.day_board(d.supervisor, d.location_id, d.day)
    assert {s.status for s in board.shifts} == {"counted"} and not board.deposits


@pytest.mark.parametrize("role", [Role.LEAD, Role.SUPERVISOR])
async def test_nobody_reviews_or_signs_off_their_own_work(role: Role) -> None:
    d = await make_day()
    from app.reconciliation import sampledata as sd

    worker = await make_user(role, (d.org.section_id,))
    mine = await sd.open_drawer(worker, d.terminal_a, d.location_id, d.day)
    await sd.count_drawer(mine, 15_000)
    with pytest.raises(Forbidden, match="own shift"):
        await variances.review(worker, mine.shift_id, ReviewForm("accept", "none"))
    if role is Role.SUPERVISOR:
        with pytest.raises(Forbidden, match="worked a drawer"):
            await signoff.sign_off(worker, d.location_id, d.day)
