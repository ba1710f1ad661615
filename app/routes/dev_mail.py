"""Development only: /dev/mail shows what the project's SMTP server received (var/dev-mail).

Not routed with FAREDESK_ENV=production (see app/routes/__init__.py)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from litestar import Request, get
from litestar.response import Template

from app.auth.capabilities import Capability
from app.mail.devserver import maildir_path, received
from app.settings import get_settings
from app.web.guards import requires
from app.web.render import page

STAFF = [requires(Capability.VIEW_HOME)]


def _summary(message: EmailMessage) -> dict[str, Any]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return {
        "to": message["To"], "rcpt": message["X-Rcpt-To"], "subject": message["Subject"],
        "date": message["Date"], "reply_to": message["Reply-To"] or "",
        "message_id": message["Message-ID"],
        "text": text.get_content() if text is not None else "",
        "has_html": html is not None,
        "attachments": [(part.get_filename(), part.get_content_type(),
                         len(part.get_payload(decode=True) or b""))
                        for part in message.iter_attachments()],
    }


@get("/dev/mail", name="dev.mail", guards=STAFF)
async def dev_mail(request: Request) -> Template:
    messages = received(maildir_path(get_settings().var_dir))
    return page(request, "dev/mail.html",
                {"messages": [_summary(m) for m in reversed(messages)][:100]})


ROUTES = [dev_mail]
