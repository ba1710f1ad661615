"""Queue an email (through the outbox), opt-outs of non-essential mail, the mail log.

    from app.mail.services import Attachment, queue_mail

    async with write_transaction():
        ...                                         # the change the email tells about
        await queue_mail("someone@example.org", "variance_recommended", {...},
                         kind="variance.recommended", essential=False, section_code="CSC",
                         attachments=[Attachment("slip.pdf", pdf_bytes)], locale="es")

The message is rendered now (subject, text and HTML parts) and written to the outbox with a
`mail_log` row (to, subject, when, status — never the body). The worker sends it; once sent,
the body is removed from the outbox (mail may carry personal data). Essential mail (decisions,
statements) is always sent; other mail is not sent to an address that opted out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.mail.render import render
from app.mail.tables import MailLog, MailOptOut
from app.outbox import services as outbox
from app.settings import get_settings

QUEUED, SENT, FAILED, SUPPRESSED = "queued", "sent", "failed", "suppressed"


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    content_type: str = "application/pdf"


def reply_to_for(section_code: str | None) -> str:
    return dict(get_settings().mail_reply_to).get((section_code or "").upper(), "")


async def queue_mail(to: str, template: str, context: dict[str, Any], *, kind: str,
                     essential: bool = False, section_code: str | None = None,
                     attachments: list[Attachment] | None = None, locale: str = "en",
                     key: str | None = None) -> int | None:
    """Render and queue one email in the caller's transaction; returns the outbox id.

    `key` makes the message unique (a second call with the same key adds nothing).
    """
    opt_out = "" if essential else opt_out_url(to)
    rendered = render(template, {"opt_out_url": opt_out, **context}, locale)
    payload = {
        "to": to.strip(), "subject": rendered.subject, "text": rendered.text,
        "html": rendered.html, "reply_to": reply_to_for(section_code), "kind": kind,
        "essential": essential, "opt_out_url": opt_out,
        "attachments": [{"filename": a.filename, "content_type": a.content_type,
                         "data": base64.b64encode(a.data).decode()} for a in attachments or []],
    }
    message_id = await outbox.put("mail", payload, key=key, personal=True)
    if message_id is None:
        return None
    now = datetime.now(UTC)
    await MailLog.insert(MailLog(message=message_id, kind=kind, to_address=to.strip()[:320],
                                 subject=rendered.subject, essential=essential, status=QUEUED,
                                 created_at=now, updated_at=now))
    return message_id


async def set_log_status(message_id: int, status: str, reply: str = "") -> None:
    await MailLog.update({MailLog.status: status, MailLog.smtp_reply: reply[:2000],
                          MailLog.updated_at: datetime.now(UTC)}).where(
        MailLog.message == message_id)


def opt_out_token(address: str) -> str:
    """The token in an opt-out link: only someone who received mail at the address has it."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"opt-out:" + address.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def opt_out_url(address: str) -> str:
    from urllib.parse import urlencode

    query = urlencode({"address": address.strip().lower(), "token": opt_out_token(address)})
    return f"{get_settings().public_url}/mail/opt-out?{query}"


def valid_opt_out(address: str, token: str) -> bool:
    return hmac.compare_digest(opt_out_token(address), token.strip())


async def opt_out(address: str, source: str = "") -> bool:
    """Stop non-essential mail to `address`; False when it had already opted out."""
    from app import sql

    row = await sql.fetch_one(
        "INSERT INTO mail_opt_out (address, source, created_at) VALUES ({}, {}, {}) "
        "ON CONFLICT (address) DO NOTHING RETURNING id",
        address.strip().lower()[:320], source[:64], datetime.now(UTC),
    )
    return row is not None


async def opt_in(address: str) -> None:
    await MailOptOut.delete().where(MailOptOut.address == address.strip().lower())


async def has_opted_out(address: str) -> bool:
    return bool(await MailOptOut.exists().where(MailOptOut.address == address.strip().lower()))


async def log(limit: int = 100) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await MailLog.select().order_by(
        MailLog.id, ascending=False).limit(limit)
    return rows
