"""Server-side sign-in sessions kept in the database.

The cookie holds a random token; the table keeps only its SHA-256, so a database copy cannot be
used to sign in. Sessions survive restarts and work across workers. A new token is issued at every
sign-in (no fixation), sessions end on sign-out, on deactivation, after the idle timeout and at the
absolute lifetime.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.auth.principal import Principal
from app.auth.roles import Role
from app.auth.tables import UserSection, UserSession
from app.db import write_transaction
from app.settings import get_settings

COOKIE_NAME = "faredesk_session"
#: last_seen_at is written at most this often (keeps a read-mostly request from writing).
TOUCH_EVERY = timedelta(seconds=30)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


async def start_session(user_id: int, origin: str, user_agent: str) -> str:
    settings = get_settings()
    token = secrets.token_urlsafe(32)
    now = _now()
    await UserSession.insert(
        UserSession(
            token_hash=_hash(token),
            user=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
            origin=origin[:64],
            user_agent=user_agent[:255],
        )
    )
    return token


async def end_session(token: str) -> None:
    await UserSession.update({UserSession.ended_at: _now()}).where(
        (UserSession.token_hash == _hash(token)) & UserSession.ended_at.is_null()
    )


async def end_all_sessions(user_id: int) -> None:
    await UserSession.update({UserSession.ended_at: _now()}).where(
        (UserSession.user == user_id) & UserSession.ended_at.is_null()
    )


@dataclass(frozen=True)
class ActiveSession:
    principal: Principal
    session_id: int
    flash: str


async def load_session(token: str, origin: str) -> ActiveSession | None:
    """The principal behind a cookie, or None when it is unknown, ended, idle or expired."""
    if not token or len(token) > 128:
        return None
    row = await (
        UserSession.select(
            UserSession.id,
            UserSession.last_seen_at,
            UserSession.expires_at,
            UserSession.flash,
            UserSession.user.id.as_alias("user_id"),
            UserSession.user.username.as_alias("username"),
            UserSession.user.full_name.as_alias("full_name"),
            UserSession.user.role.as_alias("role"),
            UserSession.user.active.as_alias("active"),
        )
        .where((UserSession.token_hash == _hash(token)) & UserSession.ended_at.is_null())
        .first()
    )
    if row is None:
        return None
    now = _now()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if not row["active"] or now >= row["expires_at"] or now - row["last_seen_at"] >= idle:
        await UserSession.update({UserSession.ended_at: now}).where(UserSession.id == row["id"])
        return None
    if now - row["last_seen_at"] >= TOUCH_EVERY:
        await UserSession.update({UserSession.last_seen_at: now}).where(
            UserSession.id == row["id"]
        )
    sections = await UserSection.select(UserSection.section).where(
        UserSection.user == row["user_id"]
    )
    principal = Principal(
        id=row["user_id"],
        username=row["username"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        section_ids=tuple(sorted(s["section"] for s in sections)),
        origin=origin,
        session_id=row["id"],
    )
    return ActiveSession(principal=principal, session_id=row["id"], flash=row["flash"])


async def set_flash(session_id: int, message: str) -> None:
    await UserSession.update({UserSession.flash: message[:500]}).where(
        UserSession.id == session_id
    )


async def pop_flash(session_id: int) -> None:
    async with write_transaction():
        await UserSession.update({UserSession.flash: ""}).where(UserSession.id == session_id)



async def end_expired_sessions(now: datetime | None = None) -> int:
    """End every session past its idle timeout or absolute lifetime (the `auth.sessions` sweep).

    A signed-out browser is also refused when it comes back (load_session); this keeps the
    table telling the truth about who is signed in. Idempotent: only open sessions change.
    """
    now = now or _now()
    idle_since = now - timedelta(minutes=get_settings().session_idle_minutes)
    where = UserSession.ended_at.is_null() & (
        (UserSession.expires_at <= now) | (UserSession.last_seen_at <= idle_since))
    n: int = await UserSession.count().where(where)
    if n:
        await UserSession.update({UserSession.ended_at: now}).where(where)
    return n
