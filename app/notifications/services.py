"""In-app notifications, sent through the outbox; each person chooses per kind whether an
email comes too.

    from app.notifications.services import notify, register_kind

    register_kind("variance.recommended", "A variance waits for your decision", email=True)

    async with write_transaction():
        ...                                           # the change
        await notify([user_id, ...], "variance.recommended",
                     title="Drawer K1 of Casey Clerk: lead recommends accept",
                     link="/reconciliation/3/2026-11-30", key=f"variance-rec:{review_id}")

`notify` writes one outbox message; the worker turns it into a notification per recipient
(unique per message and recipient) and, where the recipient wants email for that kind and has
an address, an email from the `notification` template (or the kind's own template).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app import sql
from app.notifications.tables import Notification, NotificationPreference
from app.outbox import services as outbox


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    email: bool  # the default when the person has not chosen
    template: str = "notification"


KINDS: dict[str, Kind] = {}


def register_kind(name: str, label: str, *, email: bool = False,
                  template: str = "notification") -> Kind:
    KINDS[name] = Kind(name, label, email, template)
    return KINDS[name]


register_kind("deposit.overdue", "A deposit is overdue at one of your locations", email=True)
register_kind("variance.recommended", "A lead recommended a variance decision to you", email=True)


async def notify(recipients: list[int], kind: str, *, title: str, link: str = "",
                 body: str = "", key: str | None = None,
                 context: dict[str, Any] | None = None) -> int | None:
    """Queue a notification to these users in the caller's transaction (outbox message id)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r} (register_kind first)")
    people = sorted({int(r) for r in recipients})
    if not people:
        return None
    return await outbox.put("notify", {
        "recipients": people, "kind": kind, "title": title[:300], "link": link[:500],
        "body": body, "context": context or {},
    }, key=key)


async def unread_count(user_id: int) -> int:
    n: int = await Notification.count().where(
        (Notification.recipient == user_id) & Notification.read_at.is_null())
    return n


async def recent(user_id: int, limit: int = 50) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Notification.select().where(
        Notification.recipient == user_id).order_by(Notification.id, ascending=False).limit(limit)
    return rows


async def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of this user read."""
    where = (Notification.recipient == user_id) & Notification.read_at.is_null()
    if notification_id is not None:
        where = where & (Notification.id == notification_id)
    n: int = await Notification.count().where(where)
    await Notification.update({Notification.read_at: datetime.now(UTC)}).where(where)
    return n


async def preferences(user_id: int) -> list[dict[str, Any]]:
    chosen = {r["kind"]: bool(r["email"]) for r in await NotificationPreference.select(
        NotificationPreference.kind, NotificationPreference.email).where(
        NotificationPreference.recipient == user_id)}
    return [{"kind": k.name, "label": k.label, "email": chosen.get(k.name, k.email)}
            for k in sorted(KINDS.values(), key=lambda k: k.label)]


async def wants_email(user_id: int, kind: str) -> bool:
    row = await NotificationPreference.select(NotificationPreference.email).where(
        (NotificationPreference.recipient == user_id) & (NotificationPreference.kind == kind)
    ).first()
    return bool(row["email"]) if row else KINDS[kind].email


async def save_preferences(user_id: int, email_kinds: set[str]) -> None:
    for kind in KINDS:
        await sql.execute(
            "INSERT INTO notification_preference (recipient, kind, email) VALUES ({}, {}, {}) "
            "ON CONFLICT (recipient, kind) DO UPDATE SET email = excluded.email",
            user_id, kind, kind in email_kinds,
        )
