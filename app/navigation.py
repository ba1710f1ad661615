"""Navigation by role: each entry names the roles that see it. Areas add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.principal import Principal
from app.auth.roles import Role

R = Role


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    roles: frozenset[Role]
    badge_url: str = ""  # an htmx partial showing a count beside the label


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "/", frozenset(Role)),
    NavItem("My work", "/my-work", frozenset(Role) - {R.AUDITOR}, badge_url="/my-work/count"),
    NavItem("Kiosk", "/kiosk", frozenset({R.CLERK, R.LEAD, R.SUPERVISOR})),
    NavItem("Day board", "/reconciliation",
            frozenset({R.LEAD, R.SUPERVISOR, R.ADMINISTRATOR, R.AUDITOR})),
    NavItem("Inventory", "/inventory",
            frozenset({R.COORDINATOR, R.LEAD, R.SUPERVISOR, R.ADMINISTRATOR, R.AUDITOR})),
    NavItem("Reports", "/reports", frozenset({R.LEAD, R.SUPERVISOR, R.ADMINISTRATOR, R.AUDITOR})),
    NavItem("Catalog", "/admin/catalog", frozenset({R.ADMINISTRATOR})),
    NavItem("Terminals", "/admin/terminals", frozenset({R.ADMINISTRATOR})),
    NavItem("Users", "/admin/users", frozenset({R.ADMINISTRATOR})),
    NavItem("Sections & locations", "/admin/org", frozenset({R.ADMINISTRATOR})),
    NavItem("Audit log", "/audit", frozenset({R.ADMINISTRATOR, R.AUDITOR})),
    NavItem("Jobs", "/admin/jobs", frozenset({R.ADMINISTRATOR})),
    NavItem("Languages", "/admin/languages", frozenset({R.ADMINISTRATOR, R.AUDITOR})),
)

#: Entries whose pages are served by this build (an area registers its href when it ships).
ENABLED_HREFS: set[str] = {"/", "/admin/catalog", "/admin/users", "/admin/org", "/audit",
                            "/admin/terminals", "/kiosk"}
ENABLED_HREFS |= {"/reconciliation", "/reports"}
ENABLED_HREFS |= {"/my-work", "/admin/jobs"}
ENABLED_HREFS |= {"/inventory"}
ENABLED_HREFS |= {"/admin/languages"}


def enable(*hrefs: str) -> None:
    ENABLED_HREFS.update(hrefs)


def nav_for(principal: Principal | None) -> list[NavItem]:
    if principal is None:
        return []
    return [
        item for item in NAV_ITEMS
        if principal.role in item.roles and item.href in ENABLED_HREFS
    ]
