"""The outbox's `notify` topic: one notification per recipient, and the emails they asked for.

All in one transaction: the notification rows (unique per message and recipient) and the mail
messages (outbox key `notify-mail:<message>:<user>`) commit together, so a delivery repeated
after a crash adds nothing twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app import sql
from app.auth.tables import User
from app.db import write_transaction
from app.mail.services import queue_mail
from app.notifications.services import KINDS, wants_email
from app.outbox.delivery import Message, handler


@handler("notify")
async def deliver_notification(message: Message) -> None:
    p = message.payload
    kind = KINDS[p["kind"]]
    now = datetime.now(UTC)
    async with write_transaction():
        users = await User.select(User.id, User.email, User.full_name, User.active).where(
            User.id.is_in(list(p["recipients"])))
        for user in users:
            if not user["active"]:
                continue
            await sql.execute(
                "INSERT INTO notification (recipient, kind, title, link, message, created_at) "
                "VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (message, recipient) DO NOTHING",
                user["id"], kind.name, p["title"], p["link"], message.id, now,
            )
            if user["email"] and await wants_email(int(user["id"]), kind.name):
                await queue_mail(
                    user["email"], kind.template,
                    {"name": user["full_name"], "title": p["title"], "link": p["link"],
                     "body": p.get("body", ""), "kind_label": kind.label, **p.get("context", {})},
                    kind=kind.name, essential=False, key=f"notify-mail:{message.id}:{user['id']}",
                )
