"""A principal read in the same SQL query as something else (the kiosk reads its clerk with
the enrolment, in one round trip): the columns to select and the Principal they make."""

from __future__ import annotations

from typing import Any

from app.auth.principal import Principal
from app.auth.roles import Role
from app.sql import joined_text, split_ids


def clerk_columns(user: str) -> str:
    """SELECT columns for the app_user aliased `user`: clerk_username, clerk_full_name,
    clerk_role, clerk_active and clerk_sections (the section ids, joined)."""
    sections = (f"(SELECT {joined_text('us.section')} FROM user_section us "  # noqa: S608
                f'WHERE us."user" = {user}.id)')  # (an alias, not a value)
    return (f"{user}.username AS clerk_username, {user}.full_name AS clerk_full_name, "
            f"{user}.role AS clerk_role, {user}.active AS clerk_active, "
            f"{sections} AS clerk_sections")


def clerk_principal(user_id: int, row: dict[str, Any], origin: str) -> Principal:
    """The principal from a row selected with `clerk_columns`."""
    return Principal(id=int(user_id), username=row["clerk_username"],
                     full_name=row["clerk_full_name"], role=Role(row["clerk_role"]),
                     section_ids=split_ids(row["clerk_sections"]), origin=origin)
