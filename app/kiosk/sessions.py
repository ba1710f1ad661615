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

from app import sql
from app.audit.services import record
from app.auth.errors import PIN_FAILED, SignInFailed
from app.auth.principal import Principal
from app.auth.principal_rows import clerk_columns, clerk_principal
from app.auth.signin import check_pin
from app.db import write_transaction
from app.errors import Forbidden
from app.kiosk.tables import KioskSession
from app.settings import get_settings
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
    #: the one-time message waiting for the next screen, as read with the session
    flash: str = ""

    @property
    def active(self) -> bool:
        return self.clerk is not None and not self.locked


def _idle_limit() -> timedelta:
    return timedelta(seconds=get_settings().kiosk_idle_seconds)


def _open_session_sql() -> str:
    """The clerk session open at an enrolled browser, with the clerk (as `resolve_kiosk`)."""
    return f"""
SELECT s.id, s.clerk, s.locked_at, s.last_activity_at, s.flash, {clerk_columns("u")}
FROM kiosk_session s JOIN app_user u ON u.id = s.clerk
WHERE s.enrollment = {{}} AND s.ended_at IS NULL
ORDER BY s.id DESC
LIMIT 1"""  # noqa: S608 (constant fragments; the value is a parameter)


_LOCK_SQL = "UPDATE kiosk_session SET locked_at = {} WHERE id = {}"
#: The clerk's cart at this terminal outlived a lock or a sign-in: it is marked kept, so the
#: clerk confirms or clears it before the next customer's first item (app.kiosk.cart_store).
_KEEP_CART_SQL = """
UPDATE kiosk_cart SET kept_since = {} WHERE cart_key = {} AND kept_since IS NULL
AND (lines <> '[]' OR tenders <> '[]')
"""


async def _mark_cart_kept(terminal_id: int, clerk_id: int) -> None:
    await sql.execute(_KEEP_CART_SQL, _now(), f"{terminal_id}:{clerk_id}")
_TOUCH_SQL = "UPDATE kiosk_session SET last_activity_at = {} WHERE id = {}"
_CLEAR_FLASH_SQL = "UPDATE kiosk_session SET flash = '' WHERE id = {} AND flash = {}"

#: `current(..., session=NOT_READ)`: read the open session from the database.
NOT_READ: Any = object()


async def current(enrolled: Enrolled, client: str, *, touch: bool = True,
                  session: dict[str, Any] | None = NOT_READ) -> KioskState:
    """The clerk at this browser. Touching records activity (the idle clock restarts).

    `session` is the open session as `app.terminals.services.resolve_kiosk` read it with the
    enrolment (None: nobody signed in); by default it is read here.
    """
    idle = get_settings().kiosk_idle_seconds
    if session is NOT_READ:
        session = await sql.fetch_one(_open_session_sql(), enrolled.enrollment_id)
    if session is None:
        return KioskState(None, None, False, idle)
    if not session["clerk_active"]:
        await end(session["id"], "clerk deactivated")
        return KioskState(None, None, False, idle)
    clerk = clerk_principal(session["clerk"], session, kiosk_origin(enrolled, client))
    now = _now()
    locked = session["locked_at"] is not None
    if not locked and now - session["last_activity_at"] >= _idle_limit():
        await sql.execute(_LOCK_SQL, now, session["id"])
        locked = True
    if touch and not locked and now - session["last_activity_at"] >= TOUCH_EVERY:
        await sql.execute(_TOUCH_SQL, now, session["id"])
    return KioskState(int(session["id"]), clerk, locked, idle, flash=session["flash"] or "")


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
        await _mark_cart_kept(enrolled.terminal_id, clerk.id)
    return clerk


async def lock(state: KioskState) -> None:
    """Lock now (the Lock button): the cart and the drawer stay, the clerk's PIN unlocks."""
    if state.session_id is not None:
        await KioskSession.update({KioskSession.locked_at: _now()}).where(
            (KioskSession.id == state.session_id) & KioskSession.locked_at.is_null()
        )


async def unlock(state: KioskState, pin: str, terminal_id: int | None = None) -> Principal:
    """Only the clerk who locked the screen unlocks it, with their own PIN. The cart the lock
    kept is marked kept (confirm or clear it before the next customer)."""
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
    if terminal_id is not None:
        await _mark_cart_kept(terminal_id, clerk.id)
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
    """The one-time message read with the session; cleared so it shows only once."""
    if state.session_id is None or not state.flash:
        return ""
    await sql.execute(_CLEAR_FLASH_SQL, state.session_id, state.flash)
    return state.flash
