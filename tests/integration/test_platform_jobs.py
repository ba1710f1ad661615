"""Background work on huey: runs are claimed once, failures retried with backoff and then
marked failed (and can be run again from /admin/jobs), sweeps do each thing once however often
and wherever they run, lost runs are recovered; time-based rules moved onto sweeps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from app.auth.sessions import end_expired_sessions, load_session, start_session
from app.auth.tables import UserSession
from app.jobs import queue, runs
from app.jobs.builtin import recover_lost_runs
from app.jobs.execute import JobFailed, enqueue, execute
from app.jobs.marks import first_time
from app.jobs.registry import job
from app.jobs.tables import JobRun, SweepMark
from app.notifications.tables import Notification
from app.outbox.tables import OutboxMessage
from app.reconciliation.sweeps import overdue_deposits
from tests.fixtures import Browser, make_user, signed_in, unique
from tests.integration.test_reconciliation_support import make_day, work_shifts

ATTEMPTS: dict[str, int] = {}


@job("tests.flaky", description="fails until told otherwise", max_attempts=3, retry_delay=1)
async def flaky(label: str, fail: bool = True) -> str:
    ATTEMPTS[label] = ATTEMPTS.get(label, 0) + 1
    if fail:
        raise ValueError(f"{label} is not ready")
    return f"{label} done"


async def test_a_failing_job_is_retried_with_backoff_then_marked_failed_and_run_again(
        browser: Browser) -> None:
    label = unique("flaky")
    run_id = await enqueue("tests.flaky", label=label)
    [task] = [t for t in queue.huey().pending() if t.args == (run_id,)]
    assert (task.retries, task.retry_delay, task.retry_backoff) == (2, 1, 2)  # huey's backoff

    with pytest.raises(JobFailed):
        await execute(run_id, retries_left=2)
    row = await runs.get(run_id)
    assert row is not None and row["status"] == "retrying" and row["attempts"] == 1
    assert "ValueError" in row["last_error"] and f"{label} is not ready" in row["last_error"]
    with pytest.raises(JobFailed):
        await execute(run_id, retries_left=1)
    assert await execute(run_id, retries_left=0) is None  # the last attempt: failed, no raise
    row = await runs.get(run_id)
    assert row is not None and row["status"] == "failed" and row["attempts"] == 3
    assert await execute(run_id, retries_left=0) is None  # a failed run is not claimed again
    assert ATTEMPTS[label] == 3

    admin = await make_user("administrator")
    await signed_in(browser, admin)
    page = await browser.get("/admin/jobs")
    assert page.status_code == 200
    assert f'data-testid="failed-{run_id}"' in page.text and "is not ready" in page.text
    assert 'data-testid="job-reconciliation.deposit-overdue"' in page.text
    response = await browser.post_form(f"/admin/jobs/runs/{run_id}/rerun")
    assert response.status_code == 303
    [again] = await JobRun.select().where(JobRun.rerun_of == run_id)
    assert again["status"] == "queued" and again["name"] == "tests.flaky"


async def test_only_administrators_reach_the_jobs_page(browser: Browser) -> None:
    await signed_in(browser, await make_user("supervisor"))
    assert (await browser.get("/admin/jobs")).status_code == 403


async def test_a_run_is_claimed_once_and_a_lost_one_is_recovered() -> None:
    label = unique("once")
    run_id = await enqueue("tests.flaky", label=label, fail=False)
    assert await runs.claim(run_id) is not None  # a worker took it ...
    assert await runs.claim(run_id) is None  # ... nobody else can while its lease holds
    await JobRun.update({JobRun.lease_until: datetime.now(UTC) - timedelta(seconds=1)}).where(
        JobRun.id == run_id)  # ... and died: the lease ran out
    assert await recover_lost_runs() >= 1
    assert await execute(run_id, retries_left=2) == f"{label} done"
    row = await runs.get(run_id)
    assert row is not None and row["status"] == "done" and row["attempts"] == 2
    assert await execute(run_id, retries_left=2) is None
    assert ATTEMPTS[label] == 1


async def test_a_sweep_mark_is_taken_once() -> None:
    key = unique("mark:")
    assert await first_time(key, "tests")
    assert not await first_time(key, "tests")
    assert await SweepMark.count().where(SweepMark.key == key) == 1


async def test_overdue_deposits_notify_once_however_often_the_sweep_runs() -> None:
    d = await work_shifts(await make_day(days_ago=3))
    key = f"notify:deposit-overdue:{d.location_id}:{d.day}"
    results = await asyncio.gather(overdue_deposits(), overdue_deposits())
    assert sum(results) >= 1
    await overdue_deposits()  # late, again: nothing new
    assert await OutboxMessage.count().where(OutboxMessage.key == key) == 1
    assert await SweepMark.count().where(
        SweepMark.key == f"deposit-overdue:{d.location_id}:{d.day}") == 1


async def test_the_sessions_sweep_ends_idle_and_expired_sessions() -> None:
    user = await make_user("coordinator")
    token = await start_session(user.id, "127.0.0.1", "pytest")
    assert await end_expired_sessions() >= 0
    assert await load_session(token, "127.0.0.1") is not None  # fresh: still signed in
    later = datetime.now(UTC) + timedelta(hours=1)
    assert await end_expired_sessions(later) >= 1
    [row] = await UserSession.select(UserSession.ended_at).where(UserSession.user == user.id)
    assert row["ended_at"] is not None
    assert await Notification.count().where(Notification.recipient == user.id) == 0
