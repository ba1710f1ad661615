"""Write a message to the outbox, inside the business transaction that has something to tell.

    async with write_transaction():
        ...                                   # the change
        await outbox.put("mail", payload)     # commits with it, or not at all

A rolled-back change leaves no message; a committed one is delivered by the worker even if the
process stops right after the commit (the row waits for the outbox sweep). Services never send
mail or notifications themselves: they put messages here (app.mail.queue_mail and
app.notifications.notify do it for them).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from app import sql
from app.db import in_transaction

log = logging.getLogger("faredesk.outbox")

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
#: seconds before a worker is told about a new message (the business transaction commits first)
NUDGE_DELAY_SECONDS = 1.0


class OutboxError(RuntimeError):
    pass


async def put(topic: str, payload: dict[str, Any], *, key: str | None = None,
              personal: bool = False) -> int | None:
    """Queue a message; returns its id, or None when `key` was already queued (nothing added).

    Must run inside a transaction (`app.db.write_transaction`): that is the point of an outbox.
    """
    if not in_transaction():
        raise OutboxError("outbox.put must be called inside the business transaction")
    now = datetime.now(UTC)
    row = await sql.fetch_one(
        "INSERT INTO outbox_message (key, topic, payload, personal, status, attempts, "
        "created_at, available_at, last_error) VALUES ({}, {}, {}, {}, {}, 0, {}, {}, '') "
        "ON CONFLICT (key) DO NOTHING RETURNING id",
        (key or f"{topic}:{uuid.uuid4()}")[:200], topic, json.dumps(payload), personal, PENDING,
        now, now,
    )
    if row is None:
        return None
    message_id = int(row["id"])
    await _nudge(message_id)
    return message_id


async def _nudge(message_id: int) -> None:
    """Ask a worker to deliver this message soon (the outbox sweep is the safety net)."""
    from app.jobs.execute import enqueue

    try:
        await enqueue("outbox.deliver", delay=NUDGE_DELAY_SECONDS, message_id=message_id)
    except Exception:
        log.exception("could not queue delivery of outbox message %s", message_id)
