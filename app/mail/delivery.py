"""The outbox's `mail` topic: build the MIME message and hand it to the SMTP server.

The Message-ID is made from the outbox message id, so a delivery repeated after a crash (the
server took the message, the worker died before recording it) carries the same id and the
receiving side can drop the copy.
"""

from __future__ import annotations

import asyncio
import base64
from email.message import EmailMessage
from email.utils import formatdate

from app.mail import services
from app.mail.smtp import SmtpFailure, SmtpTarget, send
from app.outbox.delivery import Message, PermanentFailure, handler
from app.settings import get_settings


def build_message(message: Message) -> EmailMessage:
    settings = get_settings()
    p = message.payload
    mail = EmailMessage()
    mail["From"] = settings.mail_from
    mail["To"] = p["to"]
    mail["Subject"] = p["subject"]
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Message-ID"] = f"<outbox-{message.id}@{_domain(settings.mail_from)}>"
    if p.get("reply_to"):
        mail["Reply-To"] = p["reply_to"]
    if p.get("opt_out_url"):
        mail["List-Unsubscribe"] = f"<{p['opt_out_url']}>"
    mail.set_content(p["text"])
    mail.add_alternative(p["html"], subtype="html")
    for attachment in p.get("attachments", []):
        maintype, _, subtype = attachment["content_type"].partition("/")
        mail.add_attachment(base64.b64decode(attachment["data"]), maintype=maintype,
                            subtype=subtype, filename=attachment["filename"])
    return mail


def _domain(sender: str) -> str:
    return sender.rsplit("@", 1)[-1].strip(" >") or "faredesk.invalid"


async def _failed(message: Message, error: str) -> None:
    await services.set_log_status(message.id, services.FAILED, error)


@handler("mail", on_failed=_failed)
async def deliver_mail(message: Message) -> None:
    p = message.payload
    if not p.get("essential") and await services.has_opted_out(p["to"]):
        await services.set_log_status(message.id, services.SUPPRESSED,
                                      "not sent: the address opted out of non-essential mail")
        return
    target = SmtpTarget.from_url(get_settings().smtp_url)
    try:
        reply = await asyncio.to_thread(send, target, build_message(message))
    except SmtpFailure as exc:
        await services.set_log_status(message.id, services.QUEUED, f"retrying: {exc.reply}")
        if exc.permanent:
            raise PermanentFailure(exc.reply) from exc
        raise
    await services.set_log_status(message.id, services.SENT, reply)
