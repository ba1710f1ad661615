"""Terminals (one counter kiosk and its devices) and the browsers enrolled to run them.

Administrators register terminals and enrol a browser: the browser receives a long-lived random
device token in an HttpOnly cookie; the table keeps only its SHA-256, so a copy of the database
cannot be used to impersonate a kiosk. An enrolment is revoked (never deleted) to retire it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.audit.services import record
from app.auth.capabilities import Capability, require
from app.auth.principal import Principal
from app.db import write_transaction
from app.errors import NotFound, ValidationFailed
from app.org.tables import Location
from app.pagination import Keyset, Page, keyset_page
from app.settings import get_settings
from app.terminals.tables import KioskEnrollment, Terminal

KIOSK_COOKIE = "faredesk_kiosk"
#: An enrolled browser keeps its token for years; revoking it is how it ends.
KIOSK_COOKIE_MAX_AGE = 5 * 365 * 24 * 3600
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
DEVICE_SCHEMES = ("sim", "tcp", "serial", "loop", "usb", "file", "none")
DEVICE_FIELDS = ("printer_url", "payment_url", "cardreader_url", "display_url")
PAPER_WIDTHS = (58, 80)
#: last_seen_at is written at most this often.
SEEN_EVERY = timedelta(seconds=60)


def _now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_admin(actor: Principal) -> None:
    require(actor, Capability.MANAGE_TERMINALS,
            "Only an administrator can change terminals and kiosk enrolments.")


@dataclass(frozen=True)
class TerminalForm:
    code: str
    name: str
    location_id: int
    printer_url: str = ""
    payment_url: str = ""
    cardreader_url: str = ""
    display_url: str = ""
    paper_width_mm: int = 80
    active: bool = True


def default_form(location_id: int = 0) -> TerminalForm:
    """A new terminal's devices default to the FAREDESK_*_URL settings (sim:// in development)."""
    s = get_settings()
    return TerminalForm(code="", name="", location_id=location_id, printer_url=s.printer_url,
                        payment_url=s.terminal_url, cardreader_url=s.cardreader_url,
                        display_url=s.display_url)


def _device_url_error(url: str) -> str | None:
    scheme, sep, _ = url.partition("://")
    if not sep or scheme not in DEVICE_SCHEMES:
        return "Use a device address like sim://, tcp://10.0.0.5:9100 or serial:///dev/ttyUSB0."
    if len(url) > 255:
        return "At most 255 characters."
    return None


async def _validate(form: TerminalForm, terminal_id: int | None) -> None:
    errors: dict[str, str] = {}
    if not CODE_RE.match(form.code):
        errors["code"] = "Use 1–20 capital letters, digits or dashes, like K1."
    elif await Terminal.exists().where(
        (Terminal.code == form.code) & (Terminal.id != (terminal_id or -1))
    ):
        errors["code"] = "Another terminal uses that code."
    if not form.name.strip() or len(form.name) > 80:
        errors["name"] = "Enter a name of at most 80 characters."
    if not form.location_id or not await Location.exists().where(Location.id == form.location_id):
        errors["location_id"] = "Choose the location where this counter stands."
    for name in DEVICE_FIELDS:
        if problem := _device_url_error(getattr(form, name)):
            errors[name] = problem
    if form.paper_width_mm not in PAPER_WIDTHS:
        errors["paper_width_mm"] = "Receipt paper is 58 or 80 mm wide."
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)


def _values(form: TerminalForm) -> dict[str, Any]:
    values = asdict(form)
    values["location"] = values.pop("location_id")
    values["name"] = form.name.strip()
    return values


async def save_terminal(actor: Principal, form: TerminalForm, terminal_id: int | None = None) -> int:
    """Register a terminal or change one; audited with what changed."""
    _require_admin(actor)
    await _validate(form, terminal_id)
    values = _values(form)
    async with write_transaction():
        if terminal_id is None:
            row = Terminal(**values, created_at=_now())  # type: ignore[arg-type]
            await row.save()
            terminal_id = int(row.id)
            await record(actor, "terminal.create", "terminal", terminal_id, values)
        else:
            before = await get_terminal(terminal_id)
            await Terminal.update(values).where(Terminal.id == terminal_id)  # type: ignore[arg-type]
            changes = {k: {"from": before[k], "to": v} for k, v in values.items() if before[k] != v}
            await record(actor, "terminal.update", "terminal", terminal_id, changes)
    return terminal_id


async def set_active(actor: Principal, terminal_id: int, active: bool) -> None:
    """Deactivate (or reactivate) a terminal: a deactivated terminal's kiosks stop working."""
    _require_admin(actor)
    async with write_transaction():
        await get_terminal(terminal_id)
        await Terminal.update({Terminal.active: active}).where(Terminal.id == terminal_id)
        await record(actor, "terminal.activate" if active else "terminal.deactivate",
                     "terminal", terminal_id)


#: The terminal list reads by code (unique).
BY_CODE = Keyset((Terminal.code,))


def _terminal_query() -> Any:
    return Terminal.select(
        *Terminal.all_columns(), Terminal.location.name.as_alias("location_name"),
        Terminal.location.code.as_alias("location_code"),
    )


async def terminal_page(*, after: str | None = None, size: int = 100) -> Page:
    """One page of terminals by code, each with its number of enrolled browsers."""
    found = await keyset_page(_terminal_query(), BY_CODE, after=after, size=size)
    await _count_enrolments(found.rows)
    return found


async def list_terminals() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await _terminal_query().order_by(Terminal.code)
    await _count_enrolments(rows)
    return rows


async def _count_enrolments(rows: list[dict[str, Any]]) -> None:
    ids = [row["id"] for row in rows] or [-1]
    enrolled = await KioskEnrollment.select(KioskEnrollment.terminal).where(
        KioskEnrollment.revoked_at.is_null() & KioskEnrollment.terminal.is_in(ids)
    )
    counts: dict[int, int] = {}
    for e in enrolled:
        counts[e["terminal"]] = counts.get(e["terminal"], 0) + 1
    for row in rows:
        row["enrolled"] = counts.get(row["id"], 0)


async def get_terminal(terminal_id: int) -> dict[str, Any]:
    row = await Terminal.select(
        *Terminal.all_columns(), Terminal.location.name.as_alias("location_name"),
        Terminal.location.section.as_alias("section_id"),
    ).where(Terminal.id == terminal_id).first()
    if row is None:
        raise NotFound("No such terminal.")
    return dict(row)


async def terminal_by_code(code: str) -> dict[str, Any] | None:
    row = await Terminal.select(Terminal.id).where(Terminal.code == code).first()
    return await get_terminal(row["id"]) if row else None


# --- enrolment ---------------------------------------------------------------------------

async def enrol_browser(actor: Principal, terminal_id: int, label: str = "") -> str:
    """Enrol a browser for a terminal; returns the raw token (set it as the kiosk cookie).

    The raw token is returned once and never stored.
    """
    _require_admin(actor)
    terminal = await get_terminal(terminal_id)
    if not terminal["active"]:
        raise ValidationFailed(f"Terminal {terminal['code']} is deactivated; activate it first.")
    token = secrets.token_urlsafe(32)
    label = label.strip()[:80] or f"Browser enrolled {_now():%Y-%m-%d %H:%M} UTC"
    async with write_transaction():
        row = KioskEnrollment(terminal=terminal_id, token_hash=token_hash(token), label=label,
                              enrolled_by=actor.id, enrolled_at=_now())
        await row.save()
        await record(actor, "kiosk.enrol", "kiosk_enrollment", row.id,
                     {"terminal": terminal["code"], "label": label})
    return token


async def list_enrollments(terminal_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await KioskEnrollment.select(
        *KioskEnrollment.all_columns(exclude=[KioskEnrollment.token_hash]),
        KioskEnrollment.enrolled_by.full_name.as_alias("enrolled_by_name"),
        KioskEnrollment.revoked_by.full_name.as_alias("revoked_by_name"),
    ).where(KioskEnrollment.terminal == terminal_id).order_by(KioskEnrollment.id, ascending=False)
    return rows


async def revoke_enrollment(actor: Principal, enrollment_id: int) -> dict[str, Any]:
    """Revoke an enrolled browser: from its next request on it no longer runs the kiosk."""
    _require_admin(actor)
    async with write_transaction():
        row = await KioskEnrollment.select().where(KioskEnrollment.id == enrollment_id).first()
        if row is None:
            raise NotFound("No such kiosk enrolment.")
        if row["revoked_at"] is None:
            await KioskEnrollment.update({
                KioskEnrollment.revoked_at: _now(), KioskEnrollment.revoked_by: actor.id,
            }).where(KioskEnrollment.id == enrollment_id)
            await record(actor, "kiosk.revoke", "kiosk_enrollment", enrollment_id,
                         {"terminal_id": row["terminal"], "label": row["label"]})
    return dict(row)


@dataclass(frozen=True)
class Enrolled:
    """The enrolled browser behind a kiosk cookie, and the terminal it runs."""

    enrollment_id: int
    label: str
    terminal: dict[str, Any]

    @property
    def terminal_id(self) -> int:
        return int(self.terminal["id"])


class EnrollmentProblem(Exception):
    """Why a browser may not run the kiosk: not_enrolled | revoked | terminal_inactive."""

    def __init__(self, reason: str, terminal_code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.terminal_code = terminal_code


#: The terminal's columns as `get_terminal` returns them (prefix `t.`, location as `l.`).
_TERMINAL_COLUMNS = """
    t.id, t.code, t.name, t.location, t.printer_url, t.payment_url, t.cardreader_url,
    t.display_url, t.paper_width_mm, t.active, t.created_at,
    l.name AS location_name, l.section AS section_id"""


def _kiosk_sql() -> str:
    """Everything a kiosk request starts from, in one query: the enrolment behind the cookie,
    its terminal and location, and the clerk session open at that browser (NULLs when nobody
    is signed in) with the clerk and the clerk's sections."""
    from app.auth.principal_rows import clerk_columns

    return f"""
SELECT e.id AS enrollment_id, e.label AS enrollment_label, e.revoked_at AS enrollment_revoked_at,
       e.last_seen_at AS enrollment_last_seen_at, {_TERMINAL_COLUMNS},
       s.id AS session_id, s.clerk AS session_clerk, s.locked_at AS session_locked_at,
       s.last_activity_at AS session_last_activity_at, s.flash AS session_flash,
       {clerk_columns("u")}
FROM kiosk_enrollment e
JOIN terminal t ON t.id = e.terminal
JOIN location l ON l.id = t.location
LEFT JOIN kiosk_session s ON s.enrollment = e.id AND s.ended_at IS NULL
LEFT JOIN app_user u ON u.id = s.clerk
WHERE e.token_hash = {{}}
ORDER BY s.id DESC
LIMIT 1"""  # noqa: S608 (constant fragments; the value is a parameter)


_SEEN_SQL = "UPDATE kiosk_enrollment SET last_seen_at = {} WHERE id = {}"
_SESSION_PREFIX = "session_"
_CLERK_PREFIX = "clerk_"


def _split_kiosk_row(row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The terminal (as `get_terminal` shapes it) and the open clerk session, if any."""
    terminal: dict[str, Any] = {}
    session: dict[str, Any] = {}
    for key, value in row.items():
        if key.startswith(_SESSION_PREFIX):
            session[key.removeprefix(_SESSION_PREFIX)] = value
        elif key.startswith(_CLERK_PREFIX):
            session[key] = value
        elif not key.startswith("enrollment_"):
            terminal[key] = value
    return terminal, (session if session["id"] is not None else None)


async def resolve_kiosk(token: str) -> tuple[Enrolled, dict[str, Any] | None]:
    """The enrolment behind a kiosk cookie and the clerk session open at that browser.

    Raises EnrollmentProblem saying why the browser may not run the kiosk. The session (None
    when nobody is signed in) is what `app.kiosk.sessions.current` needs: id, clerk,
    locked_at, last_activity_at, flash and the clerk's username, name, role, active flag and
    sections, all read in the same query.
    """
    from app import sql

    if not token or len(token) > 128:
        raise EnrollmentProblem("not_enrolled")
    row = await sql.fetch_one(_kiosk_sql(), token_hash(token))
    if row is None:
        raise EnrollmentProblem("not_enrolled")
    terminal, session = _split_kiosk_row(row)
    if row["enrollment_revoked_at"] is not None:
        raise EnrollmentProblem("revoked", terminal["code"])
    if not terminal["active"]:
        raise EnrollmentProblem("terminal_inactive", terminal["code"])
    now = _now()
    last_seen = row["enrollment_last_seen_at"]
    if last_seen is None or now - last_seen >= SEEN_EVERY:
        await sql.execute(_SEEN_SQL, now, row["enrollment_id"])
    enrolled = Enrolled(enrollment_id=int(row["enrollment_id"]), label=row["enrollment_label"],
                        terminal=terminal)
    return enrolled, session


async def resolve_enrollment(token: str) -> Enrolled:
    """The enrolment behind a kiosk cookie; raises EnrollmentProblem saying why not."""
    enrolled, _session = await resolve_kiosk(token)
    return enrolled


async def seed_demo_terminals() -> None:
    """Demo data: terminal K1 at CENTRAL and K2 at EASTSIDE, all devices simulated."""
    from app.auth.principal import SYSTEM

    for code, name, location_code in (("K1", "Central counter 1", "CENTRAL"),
                                      ("K2", "Eastside counter 1", "EASTSIDE")):
        if await Terminal.exists().where(Terminal.code == code):
            continue
        location = await Location.select(Location.id).where(Location.code == location_code).first()
        if location is None:
            continue
        form = default_form(int(location["id"]))
        await save_terminal(SYSTEM, TerminalForm(
            code=code, name=name, location_id=int(location["id"]), printer_url="sim://",
            payment_url="sim://", cardreader_url="sim://", display_url="sim://",
            paper_width_mm=form.paper_width_mm,
        ))
