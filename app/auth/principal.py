"""Who is acting: the signed-in user as services see it."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.auth.roles import ALL_SECTION_ROLES, DECIDING_ROLES, RECOMMENDING_ROLES, Role


@dataclass(frozen=True)
class Principal:
    id: int
    username: str
    full_name: str
    role: Role
    section_ids: tuple[int, ...] = ()
    origin: str = ""
    session_id: int | None = field(default=None, compare=False)

    @property
    def all_sections(self) -> bool:
        return self.role in ALL_SECTION_ROLES

    @property
    def can_decide(self) -> bool:
        return self.role in DECIDING_ROLES

    @property
    def can_recommend(self) -> bool:
        return self.role in RECOMMENDING_ROLES

    def in_section(self, section_id: int) -> bool:
        return self.all_sections or section_id in self.section_ids

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


#: Attributed to changes made by the command line (migrate, seed-demo, create-user).
SYSTEM = Principal(id=0, username="system", full_name="System", role=Role.ADMINISTRATOR,
                   origin="cli")
