"""Talking SMTP to the server named by FAREDESK_SMTP_URL (smtplib from the standard library).

    smtp://host:25                      plain (development: the project's aiosmtpd on loopback)
    smtp://user:pass@host:587?starttls=1  STARTTLS, then AUTH
    smtps://user:pass@host:465           TLS from the first byte
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlparse

TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: bool  # implicit TLS (smtps://)
    starttls: bool
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> SmtpTarget:
        parsed = urlparse(url)
        tls = parsed.scheme == "smtps"
        query = parse_qs(parsed.query)
        return cls(
            host=parsed.hostname or "127.0.0.1", port=parsed.port or (465 if tls else 25),
            tls=tls, starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
            user=unquote(parsed.username or ""), password=unquote(parsed.password or ""),
        )


class SmtpFailure(RuntimeError):
    """The server refused or could not be reached: `reply` is what it said."""

    def __init__(self, reply: str, permanent: bool) -> None:
        super().__init__(reply)
        self.reply = reply
        self.permanent = permanent


def send(target: SmtpTarget, message: EmailMessage) -> str:
    """Send one message; returns the server's reply to DATA (blocking: run it in a thread)."""
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if target.tls:
            client = smtplib.SMTP_SSL(target.host, target.port, timeout=TIMEOUT_SECONDS,
                                      context=context)
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
        with client:
            client.ehlo()
            if target.starttls:
                client.starttls(context=context)
                client.ehlo()
            if target.user:
                client.login(target.user, target.password)
            refused = client.send_message(message)
            if refused:
                details = "; ".join(f"{a}: {c} {r.decode(errors='replace')}"
                                    for a, (c, r) in refused.items())
                raise SmtpFailure(details, permanent=True)
            return "250 accepted"
    except smtplib.SMTPRecipientsRefused as exc:
        details = "; ".join(f"{c} {r.decode(errors='replace')}" for c, r in exc.recipients.values())
        raise SmtpFailure(details, permanent=True) from exc
    except smtplib.SMTPResponseException as exc:
        said = exc.smtp_error
        reply = f"{exc.smtp_code} {said.decode(errors='replace') if isinstance(said, bytes) else said}"
        raise SmtpFailure(reply, permanent=500 <= exc.smtp_code < 600) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise SmtpFailure(f"{type(exc).__name__}: {exc}", permanent=False) from exc
