"""Clerk sessions at an enrolled kiosk browser: PIN sign-in, auto-lock, unlock, sign-out.

Why a table of its own rather than the back-office web session: a kiosk is a shared counter
device. A PIN must never open the back office, the session belongs to the enrolled browser
(not to a cookie a clerk could carry elsewhere), and locking keeps the clerk's cart and drawer
while nobody else can act. One open KioskSession per enrolment; another clerk signing in ends
the previous one (that clerk's cart stays, keyed by terminal and clerk).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.audit.services import record
from app.auth.errors import PIN_FAILED, SignInFailed
from app.auth.principal import Principal
from app.auth.signin import check_pin, principal_for
from app.auth.tables import User
from app.db import write_transaction
from app.errors import Forbidden
from app.settings import get_settings
from app.terminals.kiosk_tables import KioskSession
from app.terminals.services import Enrolled

#: last_activity_at is written at most this often (keeps rapid clicks from all writing).
TOUCH_EVERY = timedelta(seconds=5)


def _now() -> datetime:
    return datetime.now(UTC)


def kiosk_origin(enrolled: Enrolled, client: str) -> str:
    """Where an action came from, as the audit log shows it: terminal code and address."""
    return f"{enrolled.terminal['code']}@{client}"[:64]


@dataclass(frozen=True)
class KioskState:
    """Who is at the kiosk: no one, a clerk at work, or a clerk whose screen is locked."""

    session_id: int | None
    clerk: Principal | None
    locked: bool
    idle_seconds: int

    @property
    def active(self) -> bool:
        return self.clerk is not None and not self.locked


def _idle_limit() -> timedelta:
    return timedelta(seconds=get_settings().kiosk_idle_seconds)


async def _open_session(enrollment_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await KioskSession.select().where(
        (KioskSession.enrollment == enrollment_id) & KioskSession.ended_at.is_null()
    ).order_by(KioskSession.id, ascending=False).first()
    return row


async def current(enrolled: Enrolled, client: str, *, touch: bool = True) -> KioskState:
    """The clerk at this browser. Touching records activity (the idle clock restarts)."""
    idle = get_settings().kiosk_idle_seconds
    row = await _open_session(enrolled.enrollment_id)
    if row is None:
        return KioskState(None, None, False, idle)
    user = await User.select().where(User.id == row["clerk"]).first()
    if user is None or not user["active"]:
        await end(row["id"], "clerk deactivated")
        return KioskState(None, None, False, idle)
    clerk = await principal_for(user, kiosk_origin(enrolled, client))
    now = _now()
    locked = row["locked_at"] is not None
    if not locked and now - row["last_activity_at"] >= _idle_limit():
        await KioskSession.update({KioskSession.locked_at: now}).where(
            KioskSession.id == row["id"]
        )
        locked = True
    if touch and not locked and now - row["last_activity_at"] >= TOUCH_EVERY:
        await KioskSession.update({KioskSession.last_activity_at: now}).where(
            KioskSession.id == row["id"]
        )
    return KioskState(int(row["id"]), clerk, locked, idle)


async def sign_in(enrolled: Enrolled, login: str, pin: str, client: str) -> Principal:
    """A clerk, lead or supervisor of the terminal's section signs in with login/badge + PIN."""
    if not login.strip() or not pin.strip():
        raise SignInFailed("Enter your username (or scan your badge) and your PIN.")
    clerk = await check_pin(login, pin, kiosk_origin(enrolled, client))
    section_id = enrolled.terminal["section_id"]
    if not clerk.in_section(section_id):
        raise Forbidden(
            f"You are not assigned to the section that runs {enrolled.terminal['location_name']}. "
            "Ask your supervisor to add you."
        )
    now = _now()
    async with write_transaction():
        await KioskSession.update({KioskSession.ended_at: now,
                                   KioskSession.end_reason: "another clerk signed in"}).where(
            (KioskSession.enrollment == enrolled.enrollment_id) & KioskSession.ended_at.is_null()
        )
        row = KioskSession(enrollment=enrolled.enrollment_id, terminal=enrolled.terminal_id,
                           clerk=clerk.id, started_at=now, last_activity_at=now)
        await row.save()
        await record(clerk, "kiosk.sign_in", "terminal", enrolled.terminal_id,
                     {"terminal": enrolled.terminal["code"]})
    return clerk


async def lock(state: KioskState) -> None:
    """Lock now (the Lock button): the cart and the drawer stay, the clerk's PIN unlocks."""
    if state.session_id is not None:
        await KioskSession.update({KioskSession.locked_at: _now()}).where(
            (KioskSession.id == state.session_id) & KioskSession.locked_at.is_null()
        )


async def unlock(state: KioskState, pin: str) -> Principal:
    """Only the clerk who locked the screen unlocks it, with their own PIN."""
    if state.clerk is None or state.session_id is None:
        raise SignInFailed("Nobody is signed in at this kiosk.")
    if not pin.strip():
        raise SignInFailed("Enter your PIN.")
    try:
        clerk = await check_pin(state.clerk.username, pin, state.clerk.origin)
    except SignInFailed as exc:
        raise SignInFailed(PIN_FAILED) from exc
    await KioskSession.update({KioskSession.locked_at: None,
                               KioskSession.last_activity_at: _now()}).where(
        KioskSession.id == state.session_id
    )
    return clerk


async def end(session_id: int, reason: str) -> None:
    await KioskSession.update({KioskSession.ended_at: _now(),
                               KioskSession.end_reason: reason[:40]}).where(
        (KioskSession.id == session_id) & KioskSession.ended_at.is_null()
    )


async def sign_out(state: KioskState) -> None:
    if state.session_id is None or state.clerk is None:
        return
    async with write_transaction():
        await end(state.session_id, "signed out")
        await record(state.clerk, "kiosk.sign_out", "kiosk_session", state.session_id)


async def set_flash(state: KioskState, message: str) -> None:
    """A one-time message shown on the next kiosk screen (after a redirect)."""
    if state.session_id is not None:
        await KioskSession.update({KioskSession.flash: message[:500]}).where(
            KioskSession.id == state.session_id
        )


async def pop_flash(state: KioskState) -> str:
    if state.session_id is None:
        return ""
    row = await KioskSession.select(KioskSession.flash).where(
        KioskSession.id == state.session_id
    ).first()
    message = str(row["flash"]) if row else ""
    if message:
        await KioskSession.update({KioskSession.flash: ""}).where(
            KioskSession.id == state.session_id
        )
    return message
