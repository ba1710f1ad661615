"""Who is acting: the signed-in user as services see it."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.auth import capabilities
from app.auth.capabilities import Capability
from app.auth.roles import Role


@dataclass(frozen=True)
class Principal:
    id: int
    username: str
    full_name: str
    role: Role
    section_ids: tuple[int, ...] = ()
    origin: str = ""
    session_id: int | None = field(default=None, compare=False)

    def can(self, capability: Capability | str) -> bool:
        """Whether this person's role carries the capability (`app.auth.capabilities`)."""
        return capabilities.can(self, capability)

    @property
    def all_sections(self) -> bool:
        return self.can(Capability.ACT_IN_ALL_SECTIONS)

    def in_section(self, section_id: int) -> bool:
        return capabilities.in_section(self, section_id)


#: Attributed to changes made by the command line (migrate, seed-demo, create-user).
SYSTEM = Principal(id=0, username="system", full_name="System", role=Role.ADMINISTRATOR,
                   origin="cli")
