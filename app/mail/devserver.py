"""A real SMTP server for development and tests (aiosmtpd), keeping what it receives.

`make run` starts one on 127.0.0.1:8025 (`faredesk dev-smtp`); every message it accepts is
written, as received, to the Maildir `var/dev-mail/`, which the development-only page
`/dev/mail` lists. Tests start their own on a free port (`DevSmtpServer`), with the same code.
"""

from __future__ import annotations

import mailbox
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def maildir_path(var_dir: Path) -> Path:
    return var_dir / "dev-mail"


class MaildirHandler:
    """Accept every message and add it to a Maildir (the envelope recipients in X-Rcpt-To)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.maildir = mailbox.Maildir(str(path), create=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        header = f"X-Rcpt-To: {', '.join(envelope.rcpt_tos)}\r\n".encode()
        self.maildir.add(header + content)
        return "250 Message accepted for delivery"


class DevSmtpServer:
    """aiosmtpd in a thread of its own on 127.0.0.1:port."""

    def __init__(self, path: Path, port: int = 8025, handler: Any = None) -> None:
        self.path = path
        self.handler = handler or MaildirHandler(path)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def start(self) -> DevSmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller._thread is not None:  # stopping twice is harmless
            self.controller.stop()


def received(path: Path) -> list[EmailMessage]:
    """Every message in the Maildir, oldest first, parsed with the email package."""
    if not (path / "cur").exists():
        return []
    box = mailbox.Maildir(str(path), create=False)
    messages = []
    for key in box.iterkeys():
        raw = box.get_bytes(key)
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        messages.append((box.get_message(key).get_date(), key, parsed))
    return [m for _, _, m in sorted(messages, key=lambda t: (t[0], t[1]))]
