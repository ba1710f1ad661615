"""The six roles and what each may do (DOMAIN.md: leads recommend, supervisors decide)."""

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

#: Roles that see every section (administrators act across sections, auditors read all).
ALL_SECTION_ROLES = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})
#: Roles that use a kiosk PIN.
PIN_ROLES = frozenset({Role.CLERK, Role.LEAD, Role.SUPERVISOR})
#: Roles that may decide (approve) within their scope.
DECIDING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
#: Roles that may recommend.
RECOMMENDING_ROLES = frozenset({Role.LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR})
#: Back-office staff.
OFFICE_ROLES = frozenset(
    {Role.COORDINATOR, Role.LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.AUDITOR}
)
#: Roles that change nothing.
READ_ONLY_ROLES = frozenset({Role.AUDITOR})


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise ValueError(f"unknown role {value!r}") from exc
