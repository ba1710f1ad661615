"""Navigation by capability: each entry names the capability that shows it (the one its page's
guard requires). Areas add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.capabilities import Capability, can
from app.auth.principal import Principal

C = Capability


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    capability: Capability
    badge_url: str = ""  # an htmx partial showing a count beside the label


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "/", C.VIEW_HOME),
    NavItem("My work", "/my-work", C.VIEW_MY_WORK, badge_url="/my-work/count"),
    NavItem("Kiosk", "/kiosk", C.USE_KIOSK),
    NavItem("Day board", "/reconciliation", C.VIEW_RECONCILIATION),
    NavItem("Inventory", "/inventory", C.VIEW_INVENTORY),
    NavItem("Reports", "/reports", C.VIEW_REPORTS),
    NavItem("Catalog", "/admin/catalog", C.MANAGE_CATALOG),
    NavItem("Terminals", "/admin/terminals", C.MANAGE_TERMINALS),
    NavItem("Users", "/admin/users", C.MANAGE_USERS),
    NavItem("Sections & locations", "/admin/org", C.MANAGE_ORG),
    NavItem("Audit log", "/audit", C.VIEW_AUDIT),
    NavItem("Jobs", "/admin/jobs", C.MANAGE_JOBS),
    NavItem("Languages", "/admin/languages", C.VIEW_LANGUAGES),
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
        if can(principal, item.capability) and item.href in ENABLED_HREFS
    ]
