"""In a real browser, with a real worker and a real SMTP server: a clerk closes a short drawer,
the lead sees it in My work and recommends, the supervisor gets a notification and an email,
decides, and the item leaves both inboxes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.mail.devserver import DevSmtpServer, maildir_path, received
from tests.e2e.conftest import PROJECT_ROOT, LiveServer, sign_in
from tests.e2e.test_kiosk import open_counter, pay_cash, tap
from tests.platform_fixtures import free_port

pytestmark = pytest.mark.e2e
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def worker_and_smtp(live_server: LiveServer) -> Iterator[DevSmtpServer]:
    """The SMTP server writes where the live server's /dev/mail reads; one `faredesk worker`."""
    smtp = DevSmtpServer(maildir_path(Path(live_server.env["FAREDESK_VAR_DIR"])),
                         port=free_port()).start()
    log = (Path(live_server.env["FAREDESK_VAR_DIR"]) / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "worker"], cwd=PROJECT_ROOT,
        env={**live_server.env, "FAREDESK_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}"},
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        yield smtp
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        smtp.stop()


def my_item(page: Page, clerk_name: str):  # type: ignore[no-untyped-def]
    page.goto("/my-work")
    return page.locator("[data-testid=work-item]", has_text=clerk_name)


def test_a_short_drawer_goes_through_both_inboxes(
        page: Page, chromium: Browser, live_server: LiveServer,
        worker_and_smtp: DevSmtpServer) -> None:
    # the clerk sells $10 and counts $105 against $110: $5.00 short
    counter = open_counter(page, live_server, float_twenties=5)
    tap(page, "TAXI-SCRIP")
    pay_cash(page, quick="exact")
    page.click("[data-testid=next-customer]")
    page.click("[data-testid=nav-close]")
    page.fill("[data-testid=count-2000]", "5")
    page.fill("[data-testid=count-500]", "1")
    page.click("[data-testid=submit-count]")
    page.click("[data-testid=confirm-go]")  # the in-page confirmation: a count is final
    expect(page.locator("[data-testid=over-short]")).to_have_text("Short by $5.00.")
    clerk_name = f"Erin {counter.clerk[-4:].upper()} Clerk"

    def person(username: str) -> Page:
        context = chromium.new_context(base_url=live_server.url,
                                       viewport={"width": 1280, "height": 800})
        context.set_default_timeout(15_000)
        tab = context.new_page()
        sign_in(tab, username)
        return tab

    # the lead finds it in My work, counted in the navigation, and recommends
    lead = person("lead")
    expect(lead.locator("[data-testid=nav-count-my-work]")).not_to_be_empty()
    item = my_item(lead, clerk_name)
    expect(item).to_have_count(1)
    expect(item.locator("[data-testid=work-action]")).to_have_text("Recommend")
    item.locator("[data-testid=work-action]").click()
    lead.check("[data-testid=outcome-accept]")
    lead.select_option("#f-reason_code", "change_error")
    lead.fill("#f-note", "gave change for a twenty as a ten")
    lead.click("[data-testid=recommend]")
    expect(lead.locator("#alerts")).to_contain_text("Recommendation recorded")
    expect(my_item(lead, clerk_name)).to_have_count(0)

    # the supervisor: a notification under the bell and an email, then the decision
    supervisor = person("supervisor")
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        supervisor.goto("/notifications")
        if supervisor.locator("[data-testid=notification]", has_text=clerk_name).count():
            break
        time.sleep(1)
    note = supervisor.locator("[data-testid=notification]", has_text=clerk_name)
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Lee Lead recommends accept")
    expect(supervisor.locator("[data-testid=bell-unread]")).to_be_visible()

    deadline = time.monotonic() + 45
    mails: list = []
    while time.monotonic() < deadline and not mails:
        mails = [m for m in received(worker_and_smtp.path)
                 if m["To"] == "supervisor@transit.example" and clerk_name in m["Subject"]]
        time.sleep(0.5)
    assert len(mails) == 1, "the supervisor's email did not arrive"
    assert mails[0].get_body(preferencelist=("html",)) is not None
    supervisor.goto("/dev/mail")
    expect(supervisor.locator("[data-testid=dev-mail]", has_text=clerk_name)).to_have_count(1)

    item = my_item(supervisor, clerk_name)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("a lead recommends")
    expect(item.locator("[data-testid=work-action]")).to_have_text("Decide")
    item.locator("[data-testid=work-action]").click()
    assert re.search(r"/reconciliation/shift/\d+$", supervisor.url)
    supervisor.check("[data-testid=outcome-accept]")
    supervisor.select_option("#f-reason_code", "change_error")
    supervisor.fill("#f-note", "agreed with the lead")
    supervisor.click("[data-testid=decide]")
    expect(supervisor.locator("#alerts")).to_contain_text("Count accepted")

    expect(my_item(supervisor, clerk_name)).to_have_count(0)
    expect(my_item(lead, clerk_name)).to_have_count(0)
    shots = Path(os.environ.get("FAREDESK_SHOTS_DIR", "/tmp/shots"))
    shots.mkdir(parents=True, exist_ok=True)
    supervisor.goto("/my-work")
    supervisor.screenshot(path=str(shots / "platform-my-work.png"))
