"""Checking passwords and PINs, with lockout counted in the database (works across workers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.audit.services import record
from app.auth.capabilities import PIN_ROLES
from app.auth.errors import PIN_FAILED, SIGN_IN_FAILED, SignInFailed
from app.auth.passwords import verify_secret
from app.auth.principal import Principal
from app.auth.roles import Role
from app.auth.tables import User, UserSection
from app.db import write_transaction
from app.settings import get_settings


def _now() -> datetime:
    return datetime.now(UTC)


async def principal_for(user: dict[str, Any], origin: str) -> Principal:
    sections = await UserSection.select(UserSection.section).where(UserSection.user == user["id"])
    return Principal(
        id=user["id"],
        username=user["username"],
        full_name=user["full_name"],
        role=Role(user["role"]),
        section_ids=tuple(sorted(s["section"] for s in sections)),
        origin=origin,
    )


async def check_password(username: str, password: str, origin: str) -> Principal:
    """The principal for a correct password; SignInFailed (one message for every cause)."""
    settings = get_settings()
    async with write_transaction():
        user = await User.select().where(User.username == username.strip().lower()).first()
        now = _now()
        if user is None:
            verify_secret(None, password)  # same work as a real check
            raise SignInFailed(SIGN_IN_FAILED)
        locked = user["locked_until"] is not None and user["locked_until"] > now
        ok = verify_secret(user["password_hash"], password)
        if ok and user["active"] and not locked:
            await User.update({User.failed_logins: 0, User.locked_until: None}).where(
                User.id == user["id"]
            )
            principal = await principal_for(user, origin)
            await record(principal, "auth.sign_in", "user", user["id"])
            return principal
        if not ok and not locked:
            failures = user["failed_logins"] + 1
            values: dict[Any, Any] = {User.failed_logins: failures}
            if failures >= settings.lockout_attempts:
                values = {
                    User.failed_logins: 0,
                    User.locked_until: now + timedelta(minutes=settings.lockout_minutes),
                }
            await User.update(values).where(User.id == user["id"])
            if User.locked_until in values:
                await record(None, "auth.locked", "user", user["id"],
                             {"failed_attempts": failures, "origin": origin})
    raise SignInFailed(SIGN_IN_FAILED)


async def check_pin(login: str, pin: str, origin: str) -> Principal:
    """A counter sign-in or override by username (or badge code) and PIN."""
    settings = get_settings()
    login = login.strip()
    async with write_transaction():
        user = await User.select().where(
            (User.username == login.lower()) | (User.badge_code == login)
        ).first()
        now = _now()
        if user is None or user["role"] not in PIN_ROLES:
            verify_secret(None, pin)
            raise SignInFailed(PIN_FAILED)
        locked = user["pin_locked_until"] is not None and user["pin_locked_until"] > now
        ok = verify_secret(user["pin_hash"], pin)
        if ok and user["active"] and not locked:
            await User.update({User.failed_pins: 0, User.pin_locked_until: None}).where(
                User.id == user["id"]
            )
            return await principal_for(user, origin)
        if not ok and not locked:
            failures = user["failed_pins"] + 1
            values: dict[Any, Any] = {User.failed_pins: failures}
            if failures >= settings.lockout_attempts:
                values = {
                    User.failed_pins: 0,
                    User.pin_locked_until: now + timedelta(minutes=settings.lockout_minutes),
                }
                await record(None, "auth.pin_locked", "user", user["id"], {"origin": origin})
            await User.update(values).where(User.id == user["id"])
    raise SignInFailed(PIN_FAILED)
