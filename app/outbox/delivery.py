"""Delivering outbox messages: claim by id, hand to the topic's handler, record the outcome.

A message is claimed with one conditional UPDATE (status `sending`, a lease), so two workers
never deliver it at once; a worker that dies mid-delivery leaves the claim to expire and the
message is delivered again. Handlers are idempotent by message id (a notification row is unique
per message and recipient; an email carries a Message-ID made from the outbox id).

Failures are retried with backoff (30 s, 1, 2, 4 min …) up to MAX_ATTEMPTS, then the message is
`failed` with the error; a handler raises `PermanentFailure` (an SMTP 5xx reply) to fail at once.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app import sql
from app.jobs.registry import job, sweep
from app.outbox.services import FAILED, PENDING, SENDING, SENT
from app.outbox.tables import OutboxMessage
from app.settings import get_settings

log = logging.getLogger("faredesk.outbox")

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 30
#: Modules whose import registers a topic's handler.
HANDLER_MODULES = ["app.mail.delivery", "app.notifications.delivery"]


@dataclass(frozen=True)
class Message:
    id: int
    key: str
    topic: str
    payload: dict[str, Any]
    attempts: int


class PermanentFailure(RuntimeError):
    """Retrying cannot help (the SMTP server refused the address, say)."""


Handler = Callable[[Message], Awaitable[None]]
FailureHook = Callable[[Message, str], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}
ON_FAILED: dict[str, FailureHook] = {}


def handler(topic: str, on_failed: FailureHook | None = None) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        HANDLERS[topic] = func
        if on_failed:
            ON_FAILED[topic] = on_failed
        return func

    return register


def _load_handlers() -> None:
    for module in HANDLER_MODULES:
        importlib.import_module(module)


def _now() -> datetime:
    return datetime.now(UTC)


async def claim(message_id: int, now: datetime | None = None) -> Message | None:
    now = now or _now()
    lease = timedelta(seconds=get_settings().job_lease_seconds)
    row = await sql.fetch_one(
        "UPDATE outbox_message SET status = {}, attempts = attempts + 1, claimed_until = {} "
        "WHERE id = {} AND ((status = {} AND available_at <= {}) OR "
        "(status = {} AND claimed_until < {})) RETURNING id, key, topic, payload, attempts",
        SENDING, now + lease, message_id, PENDING, now, SENDING, now,
    )
    if row is None:
        return None
    return Message(int(row["id"]), row["key"], row["topic"], json.loads(row["payload"] or "{}"),
                   int(row["attempts"]))


async def deliver_one(message_id: int, now: datetime | None = None) -> str:
    """Deliver one message if it is due and nobody else is delivering it."""
    _load_handlers()
    message = await claim(message_id, now)
    if message is None:
        return "not due"
    try:
        await HANDLERS[message.topic](message)
    except Exception as exc:
        error = str(exc) or type(exc).__name__
        final = isinstance(exc, PermanentFailure) or message.attempts >= MAX_ATTEMPTS
        await _record_failure(message, error, final, now or _now())
        log.warning("outbox message %s (%s) attempt %s failed: %s", message.id, message.topic,
                    message.attempts, error)
        return "failed" if final else "retrying"
    await _mark_sent(message.id)
    return "sent"


async def _mark_sent(message_id: int) -> None:
    await sql.execute(
        "UPDATE outbox_message SET status = {}, sent_at = {}, claimed_until = NULL, "
        "payload = CASE WHEN personal THEN {} ELSE payload END WHERE id = {}",
        SENT, _now(), "{}", message_id,
    )


async def _record_failure(message: Message, error: str, final: bool, now: datetime) -> None:
    if final:
        await OutboxMessage.update({OutboxMessage.status: FAILED, OutboxMessage.last_error: error,
                                    OutboxMessage.claimed_until: None}).where(
            OutboxMessage.id == message.id)
        if hook := ON_FAILED.get(message.topic):
            await hook(message, error)
        return
    retry_at = now + timedelta(seconds=BACKOFF_SECONDS * 2 ** (message.attempts - 1))
    await OutboxMessage.update({OutboxMessage.status: PENDING, OutboxMessage.last_error: error,
                                OutboxMessage.available_at: retry_at,
                                OutboxMessage.claimed_until: None}).where(
        OutboxMessage.id == message.id)


async def due_ids(now: datetime | None = None, limit: int = 200) -> list[int]:
    now = now or _now()
    rows = await sql.fetch(
        "SELECT id FROM outbox_message WHERE (status = {} AND available_at <= {}) OR "
        "(status = {} AND claimed_until < {}) ORDER BY id LIMIT {}",
        PENDING, now, SENDING, now, limit,
    )
    return [int(r["id"]) for r in rows]


@job("outbox.deliver", description="Deliver one outbox message", max_attempts=3, retry_delay=5)
async def deliver_job(message_id: int) -> str:
    return await deliver_one(message_id)


@sweep("outbox.sweep", description="Deliver every outbox message that is due (retries, missed nudges)")
async def deliver_due(now: datetime | None = None) -> int:
    delivered = 0
    for message_id in await due_ids(now):
        if await deliver_one(message_id, now) == "sent":
            delivered += 1
    return delivered
