"""The demo agency: sections, two locations and one user per role. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.principal import SYSTEM
from app.auth.roles import Role
from app.auth.tables import User
from app.auth.users import UserForm, create_user
from app.catalog.demo import seed_catalog
from app.inventory.demo import seed_inventory_demo
from app.org.services import LocationForm, SectionForm, save_location, save_section
from app.org.tables import Section
from app.settings import SettingsError, get_settings
from app.terminals.services import seed_demo_terminals

SECTIONS = [
    SectionForm("CSC", "Customer Service Centers", "Counter sales and revenue intake"),
    SectionForm("EMP", "Employer Programs", "Employer pass accounts and outreach"),
    SectionForm("RFP", "Reduced Fare Programs", "Senior, disability, youth and low-income programs"),
    SectionForm("RET", "Retail Sales", "Retail outlets and consignment"),
]

LOCATIONS = [
    ("CENTRAL", "Central Station Customer Service Center", "CSC",
     "401 Main Street, Concourse Level", "Mon–Fri 7:00–18:00, Sat 9:00–14:00"),
    ("EASTSIDE", "Eastside Transit Center", "CSC",
     "1200 E. Harbor Boulevard", "Mon–Fri 8:00–17:00"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    sections: tuple[str, ...]
    pin: str = ""


DEMO_USERS = [
    DemoUser("admin", "Alex Admin", Role.ADMINISTRATOR, ()),
    DemoUser("supervisor", "Sam Supervisor", Role.SUPERVISOR, ("CSC", "EMP"), "8642"),
    DemoUser("lead", "Lee Lead", Role.LEAD, ("CSC",), "1357"),
    DemoUser("coordinator", "Cory Coordinator", Role.COORDINATOR, ("EMP", "RFP")),
    DemoUser("clerk", "Casey Clerk", Role.CLERK, ("CSC",), "2468"),
    DemoUser("auditor", "Aubrey Auditor", Role.AUDITOR, ()),
]


async def seed_demo() -> bool:
    """Create the demo agency; False when it already exists (nothing changes)."""
    settings = get_settings()
    if settings.is_production:
        raise SettingsError("refusing to seed demo data with FAREDESK_ENV=production")
    if await User.exists().where(User.username == "admin"):
        return False
    codes: dict[str, int] = {}
    for form in SECTIONS:
        existing = await Section.select(Section.id).where(Section.code == form.code).first()
        codes[form.code] = existing["id"] if existing else await save_section(SYSTEM, form)
    for code, name, section, address, hours in LOCATIONS:
        await save_location(SYSTEM, LocationForm(code, name, codes[section], address, hours))
    for user in DEMO_USERS:
        await create_user(
            SYSTEM,
            UserForm(user.username, user.full_name, f"{user.username}@transit.example",
                     user.role.value, tuple(codes[c] for c in user.sections)),
            settings.demo_password,
            user.pin,
        )
    for hook in AFTER_SEED:
        await hook()
    return True


#: Areas add their demo data here (catalog, terminals ...): async () -> None.
AFTER_SEED: list = [seed_catalog, seed_demo_terminals]  # type: ignore[type-arg]
AFTER_SEED.append(seed_inventory_demo)


def demo_logins_text() -> str:
    password = get_settings().demo_password
    lines = ["Demo sign-ins (password for all: " + password + "):"]
    for user in DEMO_USERS:
        pin = f"  kiosk PIN {user.pin}" if user.pin else ""
        lines.append(f"  {user.username:<12} {user.role.label:<20}{pin}")
    return "\n".join(lines)
