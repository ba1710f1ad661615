"""Administering users: create, edit, deactivate, reset passwords and PINs. All audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.audit.services import record
from app.auth.capabilities import PIN_ROLES, Capability, require, role_can
from app.auth.passwords import hash_secret, off_loop, password_problem, pin_problem
from app.auth.principal import Principal
from app.auth.roles import Role
from app.auth.sessions import end_all_sessions
from app.auth.tables import User, UserSection
from app.db import write_transaction
from app.errors import NotFound, ValidationFailed
from app.org.tables import Section
from app.pagination import Keyset, Page, keyset_page

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")


@dataclass(frozen=True)
class UserForm:
    username: str
    full_name: str
    email: str
    role: str
    section_ids: tuple[int, ...]
    badge_code: str = ""


def _current_lock(locked_until: datetime | None) -> datetime | None:
    """A lock whose time has passed is no lock (it is cleared at the next sign-in)."""
    return locked_until if locked_until and locked_until > datetime.now(UTC) else None


def _require_admin(actor: Principal) -> None:
    require(actor, Capability.MANAGE_USERS, "Only an administrator can manage users.")


async def _validate(form: UserForm, *, user_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not USERNAME_RE.match(form.username):
        errors["username"] = (
            "Use 2–64 lower-case letters, digits, dots, dashes or underscores, starting with a letter."
        )
    elif await User.exists().where(
        (User.username == form.username) & (User.id != (user_id or -1))
    ):
        errors["username"] = "That username is taken."
    if not form.full_name.strip() or len(form.full_name) > 120:
        errors["full_name"] = "Enter the person's name (at most 120 characters)."
    if form.email and (len(form.email) > 200 or "@" not in form.email):
        errors["email"] = "Enter a valid e-mail address or leave it empty."
    if form.role not in {r.value for r in Role}:
        errors["role"] = "Choose a role."
    if not role_can(form.role, Capability.ACT_IN_ALL_SECTIONS) and not form.section_ids:
        errors["section_ids"] = "Choose at least one section."
    if form.section_ids:
        known = await Section.count().where(Section.id.is_in(list(form.section_ids)))
        if known != len(set(form.section_ids)):
            errors["section_ids"] = "Choose sections from the list."
    if form.badge_code and await User.exists().where(
        (User.badge_code == form.badge_code) & (User.id != (user_id or -1))
    ):
        errors["badge_code"] = "That badge is assigned to someone else."
    return errors


async def _set_sections(user_id: int, section_ids: tuple[int, ...]) -> None:
    await UserSection.delete().where(UserSection.user == user_id)
    for section_id in sorted(set(section_ids)):
        await UserSection.insert(UserSection(user=user_id, section=section_id))


async def create_user(actor: Principal, form: UserForm, password: str, pin: str = "") -> int:
    _require_admin(actor)
    errors = await _validate(form, user_id=None)
    if problem := password_problem(password):
        errors["password"] = problem
    if pin and (problem := pin_problem(pin)):
        errors["pin"] = problem
    if pin and form.role not in PIN_ROLES:
        errors["pin"] = "Only clerks, leads and supervisors use a kiosk PIN."
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    now = datetime.now(UTC)
    password_hash = await off_loop(hash_secret, password)
    pin_hash = await off_loop(hash_secret, pin) if pin else None
    async with write_transaction():
        user = User(
            username=form.username,
            full_name=form.full_name.strip(),
            email=form.email.strip(),
            role=form.role,
            password_hash=password_hash,
            pin_hash=pin_hash,
            badge_code=form.badge_code or None,
            created_at=now,
            password_changed_at=now,
        )
        await user.save()
        await _set_sections(user.id, form.section_ids)
        await record(actor, "user.create", "user", user.id, {
            "username": form.username, "role": form.role,
            "sections": list(form.section_ids), "pin_set": bool(pin),
        })
    return int(user.id)


async def get_user(user_id: int) -> dict[str, Any]:
    user = await User.select(
        User.id, User.username, User.full_name, User.email, User.role, User.active,
        User.badge_code, User.locked_until, User.pin_locked_until, User.created_at, User.pin_hash,
    ).where(User.id == user_id).first()
    if user is None:
        raise NotFound("No such user.")
    user["has_pin"] = bool(user.pop("pin_hash"))
    user["locked_until"] = _current_lock(user["locked_until"])
    user["pin_locked_until"] = _current_lock(user["pin_locked_until"])
    sections = await UserSection.select(UserSection.section).where(UserSection.user == user_id)
    user["section_ids"] = [s["section"] for s in sections]
    return user


async def update_user(actor: Principal, user_id: int, form: UserForm) -> None:
    _require_admin(actor)
    before = await get_user(user_id)
    errors = await _validate(form, user_id=user_id)
    if user_id == actor.id and form.role != before["role"]:
        errors["role"] = "You cannot change your own role."
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    changes = {
        key: {"from": before[key], "to": value}
        for key, value in {
            "username": form.username, "full_name": form.full_name.strip(),
            "email": form.email.strip(), "role": form.role,
            "badge_code": form.badge_code or None,
        }.items()
        if before[key] != value
    }
    if sorted(before["section_ids"]) != sorted(set(form.section_ids)):
        changes["sections"] = {"from": sorted(before["section_ids"]),
                               "to": sorted(set(form.section_ids))}
    async with write_transaction():
        await User.update({
            User.username: form.username, User.full_name: form.full_name.strip(),
            User.email: form.email.strip(), User.role: form.role,
            User.badge_code: form.badge_code or None,
        }).where(User.id == user_id)
        await _set_sections(user_id, form.section_ids)
        if "role" in changes or "sections" in changes:
            await end_all_sessions(user_id)  # new authority takes effect at next sign-in
        await record(actor, "user.update", "user", user_id, changes)


async def set_active(actor: Principal, user_id: int, active: bool) -> None:
    _require_admin(actor)
    await get_user(user_id)
    if user_id == actor.id and not active:
        raise ValidationFailed("You cannot deactivate your own account.")
    async with write_transaction():
        await User.update({User.active: active}).where(User.id == user_id)
        if not active:
            await end_all_sessions(user_id)
        await record(actor, "user.activate" if active else "user.deactivate", "user", user_id)


async def reset_password(actor: Principal, user_id: int, password: str) -> None:
    _require_admin(actor)
    await get_user(user_id)
    if problem := password_problem(password):
        raise ValidationFailed(problem, field_errors={"password": problem})
    password_hash = await off_loop(hash_secret, password)
    async with write_transaction():
        await User.update({
            User.password_hash: password_hash,
            User.password_changed_at: datetime.now(UTC),
            User.failed_logins: 0, User.locked_until: None,
        }).where(User.id == user_id)
        await end_all_sessions(user_id)
        await record(actor, "user.reset_password", "user", user_id)


async def set_pin(actor: Principal, user_id: int, pin: str) -> None:
    _require_admin(actor)
    user = await get_user(user_id)
    if user["role"] not in PIN_ROLES:
        raise ValidationFailed("Only clerks, leads and supervisors use a kiosk PIN.")
    if problem := pin_problem(pin):
        raise ValidationFailed(problem, field_errors={"pin": problem})
    pin_hash = await off_loop(hash_secret, pin)
    async with write_transaction():
        await User.update({
            User.pin_hash: pin_hash, User.failed_pins: 0, User.pin_locked_until: None,
        }).where(User.id == user_id)
        await record(actor, "user.set_pin", "user", user_id)


async def unlock(actor: Principal, user_id: int) -> None:
    """Lift a sign-in and PIN lock now (an attacker's lockout never waits out its 30 minutes
    for the person it hit)."""
    _require_admin(actor)
    user = await get_user(user_id)
    async with write_transaction():
        await User.update({
            User.failed_logins: 0, User.locked_until: None,
            User.failed_pins: 0, User.pin_locked_until: None,
        }).where(User.id == user_id)
        await record(actor, "user.unlock", "user", user_id, {
            "username": user["username"],
            "password_locked": user["locked_until"] is not None,
            "pin_locked": user["pin_locked_until"] is not None,
        })


#: The user list reads by username (unique).
BY_USERNAME = Keyset((User.username,))


async def list_users(include_inactive: bool = True, *, after: str | None = None,
                     size: int = 100) -> Page:
    """One page of users by username, each with the names of their sections."""
    query = User.select(
        User.id, User.username, User.full_name, User.role, User.active, User.locked_until
    )
    if not include_inactive:
        query = query.where(User.active.eq(True))
    users = await keyset_page(query, BY_USERNAME, after=after, size=size)
    ids = [user["id"] for user in users.rows] or [-1]
    links = await UserSection.select(
        UserSection.user, UserSection.section.name.as_alias("name")
    ).where(UserSection.user.is_in(ids))
    by_user: dict[int, list[str]] = {}
    for link in links:
        by_user.setdefault(link["user"], []).append(link["name"])
    for user in users.rows:
        user["sections"] = sorted(by_user.get(user["id"], []))
        user["locked_until"] = _current_lock(user["locked_until"])
    return users
