"""My work lists what waits for each person, oldest first, and drops it as it is done: a lead
recommends, a supervisor decides (and hears of the recommendation by notification and email),
a second person verifies a deposit, a supervisor signs the day off. Nobody sees their own work
to approve; clerks and auditors have nothing waiting."""

from __future__ import annotations

from app.auth.principal import Principal
from app.auth.tables import User
from app.mywork.providers import WorkItem, my_work
from app.notifications import services as notifications
from app.outbox import delivery
from app.reconciliation import deposits, signoff, variances
from app.reconciliation import sampledata as sd
from app.reconciliation.deposits import DepositForm
from app.reconciliation.variances import ReviewForm
from tests.fixtures import Browser, make_user, signed_in, unique
from tests.integration.test_reconciliation_support import make_day, work_shifts
from tests.platform_fixtures import Smtp


async def items(who: Principal, prefix: str = "") -> list[WorkItem]:
    return [i for i in await my_work(who) if i.kind.startswith(prefix)]


async def with_email(person: Principal) -> str:
    address = f"{unique('sup')}@transit.example"
    await User.update({User.email: address}).where(User.id == person.id)
    return address


async def test_variances_wait_for_a_lead_to_recommend_and_a_supervisor_to_decide(
        smtp: Smtp) -> None:
    d = await work_shifts(await make_day(days_ago=1))
    address = await with_email(d.supervisor)
    a, b = d.shifts["a"].shift_id, d.shifts["b"].shift_id

    lead_items = await items(d.lead, "variance")
    assert [i.action for i in lead_items] == ["Recommend", "Recommend"]
    assert lead_items[0].since <= lead_items[1].since  # oldest first
    assert {i.link for i in lead_items} == {f"/reconciliation/shift/{a}", f"/reconciliation/shift/{b}"}
    assert [i.action for i in await items(d.supervisor, "variance")] == ["Decide", "Decide"]
    for nobody in (d.clerk_a, d.clerk_b, await make_user("auditor")):
        assert await my_work(nobody) == []
    admin = await make_user("administrator")  # across sections: filter to this day's shifts
    board = (f"/reconciliation/shift/{a}", f"/reconciliation/shift/{b}")
    assert [i.action for i in await items(admin, "variance") if i.link.startswith(board)] == [
        "Decide", "Decide"]

    await variances.review(d.lead, a, ReviewForm("accept", "change_error", "short $1.50",
                                                 recommend_only=True))
    assert len(await items(d.lead, "variance")) == 1  # the lead's word is in: a drops for them
    decide = await items(d.supervisor, "variance")
    assert [i.action for i in decide] == ["Decide", "Decide"]
    assert sum("(a lead recommends)" in i.title for i in decide) == 1

    # the supervisors hear of it: a notification each, and an email to whoever has an address
    assert await notifications.unread_count(d.supervisor.id) == 0  # not before delivery
    await delivery.deliver_due()  # the notification
    await delivery.deliver_due()  # the email it asked for
    assert await notifications.unread_count(d.supervisor.id) == 1
    assert await notifications.unread_count(d.supervisor2.id) == 1
    assert await notifications.unread_count(d.lead.id) == 0
    [note] = await notifications.recent(d.supervisor.id)
    assert note["title"].startswith("Decide: drawer") and "recommends accept" in note["title"]
    [mail] = [m for m in smtp.messages() if m["To"] == address]
    assert "recommends accept" in mail["Subject"]
    assert f"/reconciliation/shift/{a}" in mail.get_body(
        preferencelist=("plain",)).get_content()

    await variances.review(d.supervisor, a, ReviewForm("accept", "change_error", "short $1.50"))
    await variances.review(d.supervisor2, b, ReviewForm("accept", "count_error", "over $2.00"))
    for person in (d.lead, d.supervisor, d.supervisor2):
        assert await items(person, "variance") == []
    assert [i for i in await items(admin, "variance") if i.link.startswith(board)] == []


async def test_nobody_sees_their_own_drawer_as_work_to_approve() -> None:
    d = await make_day(days_ago=1)
    item = await sd.product()
    own = await sd.open_drawer(d.lead, await sd.terminal(d.location_id), d.location_id, d.day)
    await sd.sell(own, d.location_id, d.day, [item], [sd.Pay("cash", 500)])
    await sd.count_drawer(own, 15_500)
    other_lead = await make_user("lead", (d.org.section_id,))
    assert await items(d.lead, "variance") == []
    assert [i.action for i in await items(other_lead, "variance")] == ["Recommend"]
    assert [i.action for i in await items(d.supervisor, "variance")] == ["Decide"]


async def test_a_deposit_waits_for_a_second_person_and_the_day_for_sign_off() -> None:
    d = await work_shifts(await make_day(days_ago=1))
    for key, reason in (("a", "change_error"), ("b", "count_error")):
        await variances.review(d.supervisor, d.shifts[key].shift_id,
                               ReviewForm("accept", reason, "checked"))
    deposit_id = await deposits.prepare(d.supervisor, d.location_id, d.day, DepositForm(
        shift_ids=(d.shifts["a"].shift_id, d.shifts["b"].shift_id),
        bag_number=f"BAG-{d.org.code}", denominations={2000: 1, 500: 1, 50: 1}))
    assert await items(d.supervisor, "deposit") == []  # the preparer does not verify
    [verify] = await items(d.lead, "deposit")
    assert verify.action == "Verify" and verify.link == f"/reconciliation/deposit/{deposit_id}"
    assert verify.due_at is not None
    assert [i.action for i in await items(d.supervisor2, "deposit")] == ["Verify"]

    await deposits.verify(d.lead, deposit_id, 2550)
    assert await items(d.lead, "deposit") == [] and await items(d.supervisor2, "deposit") == []
    [day] = await items(d.supervisor, "day")
    assert day.action == "Sign off"
    assert await items(d.lead, "day") == []  # leads do not sign days off
    await signoff.sign_off(d.supervisor, d.location_id, d.day)
    assert await items(d.supervisor, "day") == [] and await items(d.supervisor2, "day") == []


async def test_the_pages_my_work_the_bell_and_preferences(browser: Browser) -> None:
    d = await work_shifts(await make_day(days_ago=1))
    await signed_in(browser, d.lead)
    home = await browser.get("/")
    assert 'href="/my-work"' in home.text and 'hx-get="/my-work/count"' in home.text
    assert 'hx-get="/notifications/bell"' in home.text
    page = await browser.get("/my-work")
    assert page.status_code == 200
    assert page.text.count('data-testid="work-item"') == 2
    assert page.text.count('data-testid="work-action">Recommend<') == 2
    count = await browser.get("/my-work/count", headers={"HX-Request": "true"})
    assert '<span class="tag tag-warn" data-testid="my-work-count">2</span>' in count.text
    bell = await browser.get("/notifications/bell", headers={"HX-Request": "true"})
    assert "bell-unread" not in bell.text

    prefs = await browser.get("/notifications/preferences")
    assert 'data-testid="pref-variance.recommended"' in prefs.text
    saved = await browser.post_form("/notifications/preferences", {"email": "deposit.overdue"})
    assert saved.status_code == 303
    assert await notifications.wants_email(d.lead.id, "deposit.overdue")
    assert not await notifications.wants_email(d.lead.id, "variance.recommended")
    assert (await browser.get("/notifications")).status_code == 200


async def test_reading_a_notification_clears_it_from_the_bell(browser: Browser) -> None:
    d = await work_shifts(await make_day(days_ago=1))
    await variances.review(d.lead, d.shifts["a"].shift_id, ReviewForm(
        "accept", "change_error", "short", recommend_only=True))
    await delivery.deliver_due()
    await signed_in(browser, d.supervisor)
    bell = await browser.get("/notifications/bell", headers={"HX-Request": "true"})
    assert 'data-testid="bell-unread">1<' in bell.text
    [note] = await notifications.recent(d.supervisor.id)
    listing = await browser.get("/notifications")
    assert note["title"] in listing.text
    response = await browser.post_form(f"/notifications/{note['id']}/read")
    assert response.status_code == 303
    assert await notifications.unread_count(d.supervisor.id) == 0
    assert await notifications.mark_read(d.supervisor2.id, note["id"]) == 0  # not theirs
