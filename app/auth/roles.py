"""The six roles. What each may do is stated once, in `app.auth.capabilities`."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"
    COORDINATOR = "coordinator"
    LEAD = "lead"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.CLERK: "Counter clerk",
    Role.COORDINATOR: "Coordinator",
    Role.LEAD: "Coordinator – Lead",
    Role.SUPERVISOR: "Supervisor",
    Role.ADMINISTRATOR: "Administrator",
    Role.AUDITOR: "Auditor",
}


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise ValueError(f"unknown role {value!r}") from exc
