"""Who should hear about something in a section (read from users and their sections)."""

from __future__ import annotations

from app.auth.roles import Role
from app.auth.tables import User, UserSection


async def section_users(section_id: int, *roles: Role) -> list[int]:
    """Active users with one of `roles` who work in the section."""
    rows = await UserSection.select(UserSection.user).where(
        (UserSection.section == section_id)
        & UserSection.user.role.is_in([r.value for r in roles])
        & (UserSection.user.active == True)  # noqa: E712
    )
    return sorted({int(r["user"]) for r in rows})


async def deciders(section_id: int) -> list[int]:
    """The section's supervisors; the administrators when it has none."""
    people = await section_users(section_id, Role.SUPERVISOR)
    if people:
        return people
    rows = await User.select(User.id).where(
        (User.role == Role.ADMINISTRATOR.value) & User.active.eq(True))
    return [int(r["id"]) for r in rows]
