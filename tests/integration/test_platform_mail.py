"""Mail through the outbox to a real SMTP server (aiosmtpd on loopback), parsed with the email
package: a rolled-back change sends nothing, a committed one is sent once with its parts and
attachment, failures are retried and then marked failed with the server's reply, opt-outs hold
for non-essential mail only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fpdf import FPDF

from app.db import write_transaction
from app.mail import services as mail
from app.mail.tables import MailLog
from app.outbox import delivery
from app.outbox.tables import OutboxMessage
from tests.fixtures import unique
from tests.platform_fixtures import Smtp, use_settings


def a_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Deposit slip")
    return bytes(pdf.output())


async def queue_notice(to: str, **extra: object) -> int | None:
    return await mail.queue_mail(
        to, "notification",
        {"name": "Sam", "title": "Your statement", "link": "/statements/1", "body": "Attached.",
         "kind_label": "Statements"},
        kind="statement", **extra)  # type: ignore[arg-type]


async def test_a_rolled_back_change_sends_no_mail(smtp: Smtp) -> None:
    to = f"{unique('r')}@example.org"
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await queue_notice(to)
            raise RuntimeError("the change failed")
    assert await MailLog.count().where(MailLog.to_address == to) == 0
    await delivery.deliver_due()
    assert [m for m in smtp.messages() if m["To"] == to] == []


async def test_committed_mail_arrives_once_with_text_html_and_the_pdf(smtp: Smtp) -> None:
    to = f"{unique('m')}@example.org"
    pdf = a_pdf()
    use_settings(FAREDESK_MAIL_REPLY_TO="CSC=csc@transit.example,EMP=emp@transit.example")
    async with write_transaction():
        message_id = await queue_notice(to, essential=True, section_code="EMP",
                                        attachments=[mail.Attachment("slip.pdf", pdf)])
    assert message_id is not None
    # the process stops between commit and delivery: nothing is lost, the sweep sends it
    assert await delivery.deliver_due() >= 1
    assert await delivery.deliver_one(message_id) == "not due"  # a retried delivery: no copy
    await delivery.deliver_due()

    [received] = [m for m in smtp.messages() if m["To"] == to]
    assert received["Subject"] == "[Metro Transit] Your statement"
    assert received["Reply-To"] == "emp@transit.example"
    assert received["Message-ID"].startswith(f"<outbox-{message_id}@")
    assert received.get_content_type() == "multipart/mixed"
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None and "Hello Sam," in text.get_content()
    assert "http://127.0.0.1:8000/statements/1" in text.get_content()
    assert html is not None and "<strong>Your statement</strong>" in html.get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "slip.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_payload(decode=True) == pdf

    log = await MailLog.select().where(MailLog.message == message_id).first()
    assert log["status"] == "sent" and log["subject"] == "[Metro Transit] Your statement"
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert row["status"] == "sent" and row["payload"] == "{}"  # the body is not kept


async def test_a_delivery_cut_off_mid_way_is_made_again_once(smtp: Smtp) -> None:
    to = f"{unique('c')}@example.org"
    async with write_transaction():
        message_id = await queue_notice(to)
    assert message_id is not None
    claimed = await delivery.claim(message_id)  # a worker took it, then died
    assert claimed is not None
    assert await delivery.deliver_one(message_id) == "not due"  # its claim still holds
    later = datetime.now(UTC) + timedelta(hours=1)  # the claim has expired
    assert await delivery.deliver_one(message_id, now=later) == "sent"
    assert await delivery.deliver_one(message_id, now=later) == "not due"
    assert len([m for m in smtp.messages() if m["To"] == to]) == 1
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert row["attempts"] == 2


async def test_a_refused_address_is_marked_failed_with_the_smtp_reply(smtp: Smtp) -> None:
    to = f"{unique('x')}@example.org"
    smtp.handler.refuse[to] = "550 5.1.1 No such mailbox here"
    async with write_transaction():
        message_id = await queue_notice(to)
    assert await delivery.deliver_one(int(message_id or 0)) == "failed"
    log = await MailLog.select().where(MailLog.message == message_id).first()
    assert log["status"] == "failed"
    assert "550" in log["smtp_reply"] and "No such mailbox" in log["smtp_reply"]


async def test_an_unreachable_server_is_retried_with_backoff_then_failed(smtp: Smtp) -> None:
    to = f"{unique('u')}@example.org"
    async with write_transaction():
        message_id = int(await queue_notice(to) or 0)
    smtp.server.stop()
    now = datetime.now(UTC)
    waits = []
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        outcome = await delivery.deliver_one(message_id, now=now)
        row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
        assert row["attempts"] == attempt
        if attempt < delivery.MAX_ATTEMPTS:
            assert outcome == "retrying" and row["status"] == "pending"
            waits.append((row["available_at"] - now).total_seconds())
            assert await delivery.deliver_one(message_id, now=now) == "not due"
            now = row["available_at"]
    assert outcome == "failed"
    assert waits == [30, 60, 120, 240]  # backoff doubles
    log = await MailLog.select().where(MailLog.message == message_id).first()
    assert log["status"] == "failed" and "Connection" in log["smtp_reply"]


async def test_an_opt_out_stops_non_essential_mail_but_not_essential(smtp: Smtp) -> None:
    to = f"{unique('o')}@example.org"
    assert await mail.opt_out(to.upper(), "customer request")
    assert not await mail.opt_out(to, "again")
    async with write_transaction():
        newsletter = await queue_notice(to)
        decision = await queue_notice(to, essential=True)
    await delivery.deliver_due()
    statuses = {r["message"]: r["status"] for r in await MailLog.select().where(
        MailLog.to_address == to)}
    assert statuses == {newsletter: "suppressed", decision: "sent"}
    assert len([m for m in smtp.messages() if m["To"] == to]) == 1


async def test_the_link_in_non_essential_mail_opts_the_address_out(smtp: Smtp) -> None:
    from tests.fixtures import Browser, app_instance

    to = f"{unique('l')}@example.org"
    async with write_transaction():
        await queue_notice(to)
    await delivery.deliver_due()
    [received] = [m for m in smtp.messages() if m["To"] == to]
    link = received["List-Unsubscribe"].strip("<>")
    assert link in received.get_body(preferencelist=("plain",)).get_content()
    path = link.removeprefix("http://127.0.0.1:8000")

    import httpx

    transport = httpx.ASGITransport(app=app_instance(), client=("127.0.0.1", 50000))
    async with Browser(transport=transport, base_url="http://testserver") as reader:
        forged = await reader.get(f"/mail/opt-out?address={to}&token=0123456789abcdef")
        assert "This link is not valid" in forged.text
        page = await reader.get(path)
        assert 'data-testid="confirm-opt-out"' in page.text  # GET changes nothing
        assert not await mail.has_opted_out(to)
        reader.csrf = reader.cookies.get("faredesk_csrf", "")
        token = path.split("token=")[1]
        bad = await reader.post_form("/mail/opt-out", {"address": to, "token": "x" * 32})
        assert bad.status_code == 400 and not await mail.has_opted_out(to)
        done = await reader.post_form("/mail/opt-out", {"address": to, "token": token})
        assert 'data-testid="opted-out"' in done.text
    assert await mail.has_opted_out(to)


async def test_essential_mail_has_no_opt_out_link(smtp: Smtp) -> None:
    to = f"{unique('e')}@example.org"
    async with write_transaction():
        await queue_notice(to, essential=True)
    await delivery.deliver_due()
    [received] = [m for m in smtp.messages() if m["To"] == to]
    assert received["List-Unsubscribe"] is None
    assert "Stop emails" not in received.get_body(preferencelist=("plain",)).get_content()


async def test_the_development_mail_page_shows_what_the_server_received(
        smtp: Smtp, browser) -> None:  # type: ignore[no-untyped-def]
    from app.mail.devserver import DevSmtpServer, maildir_path
    from app.settings import get_settings
    from tests.fixtures import make_user, signed_in
    from tests.platform_fixtures import free_port

    dev = DevSmtpServer(maildir_path(get_settings().var_dir), port=free_port()).start()
    try:
        use_settings(FAREDESK_SMTP_URL=f"smtp://127.0.0.1:{dev.port}")
        to = f"{unique('d')}@example.org"
        async with write_transaction():
            await queue_notice(to, attachments=[mail.Attachment("slip.pdf", a_pdf())])
        await delivery.deliver_due()
    finally:
        dev.stop()
    await signed_in(browser, await make_user("coordinator"))
    page = await browser.get("/dev/mail")
    assert page.status_code == 200
    assert f'data-testid="dev-mail-to">{to}<' in page.text
    assert "attachment slip.pdf (application/pdf" in page.text


def test_the_development_mail_page_is_not_routed_in_production() -> None:
    import os
    import subprocess
    import sys

    code = ("from app.routes import ROUTE_HANDLERS; "
            "print(sorted(p for h in ROUTE_HANDLERS for p in getattr(h, 'paths', ())))")
    env = {**os.environ, "FAREDESK_ENV": "production", "FAREDESK_SECRET_KEY": "p" * 48}
    paths = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                           check=True, timeout=120).stdout
    assert "/my-work" in paths and "/mail/opt-out" in paths
    assert "/dev/mail" not in paths
