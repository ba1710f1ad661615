"""Checking passwords and PINs under attack (issue 9 item 9).

Three limits, all kept in the database so every worker shares them:

* Per account: each attempt first *reserves* one of the account's `lockout_attempts` in one
  atomic UPDATE (`failed_logins = failed_logins + 1 WHERE failed_logins < limit`), and only
  then is the password checked. A parallel burst therefore gets exactly `limit` guesses
  before the account locks for `lockout_minutes`; a success gives the reservation back.
* Per source address: failures from one address since its last success are counted
  (`signin_attempt`); past SOURCE_FREE_FAILURES each further attempt from it must wait a delay
  that doubles with every failure (capped at SOURCE_MAX_DELAY), and is refused unchecked
  before then. One address can lock an account or two, never every PIN.
* The lock is not a weapon: a locked account still signs in from an address where that
  person signed in within KNOWN_SOURCE_DAYS (their own desk or kiosk), so an attacker
  elsewhere cannot lock the administrator out; and an administrator can unlock anyone.

Hashing runs in a small dedicated thread pool (passwords.HASH_WORKERS threads, at most
MAX_QUEUED waiting), never on the event loop, so a sign-in flood cannot slow the counter. Every failure
is written to the audit log with the user name tried and the source (never the password).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app import sql
from app.audit.services import record
from app.auth.capabilities import PIN_ROLES
from app.auth.errors import PIN_FAILED, SIGN_IN_FAILED, SignInFailed
from app.auth.passwords import off_loop, verify_secret
from app.auth.principal import Principal
from app.auth.roles import Role
from app.auth.tables import User, UserSection, UserSession
from app.db import write_transaction
from app.settings import get_settings

SOURCE_FREE_FAILURES = 20
SOURCE_WINDOW = timedelta(minutes=15)
SOURCE_MAX_DELAY = timedelta(minutes=15)
KNOWN_SOURCE_DAYS = 30
MAX_QUEUED = 64

_queued = 0


class SignInThrottled(SignInFailed):
    status_code = 429
    title = "Too many attempts"


def _now() -> datetime:
    return datetime.now(UTC)


async def verify_off_loop(stored_hash: str | None, secret: str) -> bool:
    """argon2 verification in the hash pool; refuses (as busy) past MAX_QUEUED waiting."""
    global _queued
    if _queued >= MAX_QUEUED:
        raise SignInThrottled("faredesk is busy checking sign-ins; try again in a moment.")
    _queued += 1
    try:
        return bool(await off_loop(verify_secret, stored_hash, secret))
    finally:
        _queued -= 1


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


def _anonymous(origin: str) -> Principal:
    return Principal(id=0, username="(anonymous)", full_name="Not signed in",
                     role=Role.CLERK, origin=origin)


# ---------------------------------------------------------------- per source


_SOURCE_FAILURES = """
SELECT COUNT(*) AS n, MAX(at) AS last FROM signin_attempt
WHERE source = {} AND at > {} AND kind <> 'success'"""
_LAST_SUCCESS = "SELECT MAX(at) AS at FROM signin_attempt WHERE source = {} AND kind = 'success'"
_INSERT = "INSERT INTO signin_attempt (at, source, username, kind) VALUES ({}, {}, {}, {})"


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))  # SQLite returns aggregates as text
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def source_delay(failures: int) -> timedelta:
    """How long an address waits after its latest failure: nothing within the free budget,
    then 1 s, 2 s, 4 s … doubling per failure, at most SOURCE_MAX_DELAY."""
    extra = failures - SOURCE_FREE_FAILURES
    if extra < 0:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(extra, 20)), SOURCE_MAX_DELAY)


async def _check_source(origin: str, now: datetime) -> None:
    since = now - SOURCE_WINDOW
    last_success = _as_datetime(await sql.fetch_value(_LAST_SUCCESS, origin))
    if last_success and last_success > since:
        since = last_success
    row = await sql.fetch_one(_SOURCE_FAILURES, origin, since) or {}
    failures, last = int(row.get("n") or 0), _as_datetime(row.get("last"))
    delay = source_delay(failures)
    if last is not None and delay and now < last + delay:
        wait = int((last + delay - now).total_seconds()) + 1
        unit = "second" if wait == 1 else "seconds"
        raise SignInThrottled(f"Too many failed sign-ins from this computer. Wait {wait} "
                              f"{unit}, then try again.")


async def _note(origin: str, username: str, kind: str) -> None:
    await sql.execute(_INSERT, _now(), origin[:64], username[:64], kind)


async def _known_source(user_id: int, origin: str, now: datetime) -> bool:
    return bool(origin) and await UserSession.exists().where(
        (UserSession.user == user_id) & (UserSession.origin == origin)
        & (UserSession.created_at > now - timedelta(days=KNOWN_SOURCE_DAYS)))


# ---------------------------------------------------------------- per account


async def _reserve(user_id: int, counter: Any, lock: Any, now: datetime) -> bool:
    """Take one attempt of the account's budget atomically; False when none is left."""
    limit = get_settings().lockout_attempts
    rows = await User.update({counter: counter + 1}).where(
        (User.id == user_id) & (counter < limit) & (lock.is_null() | (lock <= now))
    ).returning(User.id)
    return bool(rows)


async def _after_failure(user_id: int, counter: Any, lock: Any, origin: str, action: str,
                         now: datetime) -> None:
    """Lock the account once its reserved attempts reach the limit (one lock, one event)."""
    settings = get_settings()
    locked = await User.update({
        counter: 0, lock: now + timedelta(minutes=settings.lockout_minutes),
    }).where((User.id == user_id) & (counter >= settings.lockout_attempts)
             & (lock.is_null() | (lock <= now))).returning(User.id)
    if locked:
        await record(_anonymous(origin), action, "user", user_id,
                     {"failed_attempts": settings.lockout_attempts, "origin": origin})


async def _check(login: str, secret: str, origin: str, *, kind: str) -> Principal:
    pin = kind == "pin"
    counter, lock = (User.failed_pins, User.pin_locked_until) if pin else (
        User.failed_logins, User.locked_until)
    message = PIN_FAILED if pin else SIGN_IN_FAILED
    now = _now()
    await _check_source(origin, now)
    name = login.strip().lower()
    query = User.select()
    user = await query.where(
        (User.username == name) | (User.badge_code == login.strip())).first() if pin else \
        await query.where(User.username == name).first()
    if user is None or (pin and user["role"] not in PIN_ROLES):
        await verify_off_loop(None, secret)  # the same work as a real check
        await _failed(origin, login, kind, "unknown user")
        raise SignInFailed(message)
    locked_until = user["pin_locked_until" if pin else "locked_until"]
    locked = locked_until is not None and locked_until > now
    reserved = not locked and await _reserve(user["id"], counter, lock, now)
    if not reserved and not await _known_source(user["id"], origin, now):
        await _failed(origin, login, kind, "locked")
        raise SignInFailed(message)
    ok = await verify_off_loop(user[f"{kind}_hash"], secret)
    if ok and user["active"]:
        async with write_transaction():
            if reserved:  # give the attempt back: a success clears the count (and an old lock)
                await User.update({counter: 0, lock: None}).where(User.id == user["id"])
            await _note(origin, name, "success")
            principal = await principal_for(user, origin)
            if not pin:
                await record(principal, "auth.sign_in", "user", user["id"])
        return principal
    async with write_transaction():
        await _failed(origin, login, kind, "inactive" if ok else f"wrong {kind}")
        if reserved and not ok:
            await _after_failure(user["id"], counter, lock, origin,
                                 "auth.pin_locked" if pin else "auth.locked", now)
    raise SignInFailed(message)


async def _failed(origin: str, login: str, kind: str, reason: str) -> None:
    """Count the failure for the source and write it to the audit log (never the secret)."""
    await _note(origin, login.strip().lower(), kind)
    await record(_anonymous(origin), f"auth.{kind}_failed", "user", login.strip()[:64], {
        "username": login.strip()[:64], "origin": origin, "reason": reason})


async def check_password(username: str, password: str, origin: str) -> Principal:
    """The principal for a correct password; SignInFailed (one message for every cause)."""
    return await _check(username, password, origin, kind="password")


async def check_pin(login: str, pin: str, origin: str) -> Principal:
    """A counter sign-in or override by username (or badge code) and PIN."""
    return await _check(login, pin, origin, kind="pin")
