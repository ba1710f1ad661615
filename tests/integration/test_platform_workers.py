"""Real `faredesk worker` processes (huey consumers) on the test database: two workers running
the same sweep at once do each thing once; a worker killed mid-job leaves a run that the next
worker recovers and completes once."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from datetime import UTC, datetime

import pytest

from app.db import write_transaction
from app.jobs.tables import JobRun
from app.mail import services as mail
from app.notifications.tables import Notification
from app.outbox.tables import OutboxMessage
from tests.fixtures import unique
from tests.integration.test_reconciliation_support import make_day, work_shifts
from tests.platform_fixtures import Smtp, Workers

pytestmark = pytest.mark.slow
SWEEP = "reconciliation.deposit-overdue"


async def wait_until(check, timeout: float = 60, what: str = "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


async def done_runs(name: str, since: datetime) -> int:
    n: int = await JobRun.count().where(
        (JobRun.name == name) & (JobRun.enqueued_at >= since) & (JobRun.status == "done"))
    return n


async def test_two_workers_running_the_same_sweep_at_once_do_each_thing_once(
        workers: Workers) -> None:
    days = [await work_shifts(await make_day(days_ago=n)) for n in (3, 4)]
    since = datetime.now(UTC)
    workers.start()
    workers.start()  # both run every sweep as they start: the overdue sweep twice at once

    async def both_swept() -> bool:
        return await done_runs(SWEEP, since) >= 2

    await wait_until(both_swept, what=f"two runs of {SWEEP}\n{workers.logs()}")
    supervisors = [p.id for d in days for p in (d.supervisor, d.supervisor2)]

    async def delivered() -> bool:
        n = await Notification.count().where(Notification.recipient.is_in(supervisors))
        return bool(n >= len(supervisors))

    await wait_until(delivered, what=f"notifications\n{workers.logs()}")
    await asyncio.sleep(1.5)  # give a duplicate, if there were one, time to land
    for d in days:
        key = f"notify:deposit-overdue:{d.location_id}:{d.day}"
        assert await OutboxMessage.count().where(OutboxMessage.key == key) == 1
        for person in (d.supervisor, d.supervisor2):
            rows = await Notification.select(Notification.title).where(
                (Notification.recipient == person.id) & (Notification.kind == "deposit.overdue"))
            assert [r["title"] for r in rows] == [
                f"Deposit overdue: Location {d.org.code}, {d.day.isoformat()}"]


async def test_a_job_killed_mid_run_is_retried_and_completes_once(
        workers: Workers, smtp: Smtp) -> None:
    lease = {"FAREDESK_JOB_LEASE_SECONDS": "3"}
    since = datetime.now(UTC)
    first = workers.start(**lease)

    async def started() -> bool:
        return await done_runs("outbox.sweep", since) >= 1

    await wait_until(started, what=f"the first worker's start-up sweeps\n{workers.logs()}")
    to = f"{unique('k')}@example.org"
    smtp.handler.stall_seconds = 60  # the server keeps the worker waiting mid-conversation
    async with write_transaction():
        message_id = await mail.queue_mail(to, "notification", {
            "name": "Kim", "title": "Killed mid-run", "link": "", "body": "",
            "kind_label": "tests"}, kind="tests", essential=True)
    before = smtp.handler.rcpt_seen
    deadline = time.monotonic() + 30
    while smtp.handler.rcpt_seen == before and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert smtp.handler.rcpt_seen > before, workers.logs()
    os.kill(first.pid, signal.SIGKILL)  # the worker dies in the middle of the delivery job
    first.wait(timeout=10)
    smtp.handler.stall_seconds = 0
    # the run it was executing (the message's own delivery job, or the outbox sweep)
    [killed] = await JobRun.select().where(
        JobRun.name.is_in(["outbox.deliver", "outbox.sweep"]) & (JobRun.status == "running"))
    assert killed["attempts"] == 1

    await asyncio.sleep(3.5)  # its lease runs out
    workers.start(**lease)  # the next worker recovers the run at start

    async def completed() -> bool:
        row = await JobRun.select(JobRun.status).where(JobRun.id == killed["id"]).first()
        return bool(row["status"] == "done")

    await wait_until(completed, what=f"the recovered run\n{workers.logs()}")
    await asyncio.sleep(1.5)
    assert len(smtp.wait_for(1)) >= 1
    assert len([m for m in smtp.messages() if m["To"] == to]) == 1
    run = await JobRun.select().where(JobRun.id == killed["id"]).first()
    assert run["attempts"] == 2
    message = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert message["status"] == "sent"


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=1).ping())
    except Exception:
        return False


def _queue_urls() -> list[object]:
    from app.settings import get_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    redis_db = 14 + (int(worker.removeprefix("gw") or 0) % 2)  # one queue per test process
    urls: list[object] = [
        pytest.param(f"redis://127.0.0.1:6379/{redis_db}", id="redis", marks=pytest.mark.skipif(
            not _redis_up(), reason="no Redis on 127.0.0.1:6379")),
    ]
    if get_settings().is_postgres:
        urls.append(pytest.param(get_settings().database_url, id="postgres"))
    return urls


@pytest.mark.parametrize("jobs_url", _queue_urls())
async def test_workers_on_several_machines_share_a_redis_or_postgres_queue(
        workers: Workers, smtp: Smtp, jobs_url: str) -> None:
    from app.jobs import queue
    from tests.platform_fixtures import use_settings

    use_settings(FAREDESK_JOBS_URL=jobs_url)
    queue.reset()
    queue.huey().flush()  # a queue of this test's own
    workers.start(FAREDESK_JOBS_URL=jobs_url)
    workers.start(FAREDESK_JOBS_URL=jobs_url)
    to = f"{unique('q')}@example.org"
    async with write_transaction():
        message_id = await mail.queue_mail(to, "notification", {
            "name": "Quinn", "title": "Through the shared queue", "link": "", "body": "",
            "kind_label": "tests"}, kind="tests", essential=True)

    async def sent() -> bool:
        row = await OutboxMessage.select(OutboxMessage.status).where(
            OutboxMessage.id == message_id).first()
        return bool(row["status"] == "sent")

    await wait_until(sent, what=f"delivery through {jobs_url}\n{workers.logs()}")
    assert len([m for m in smtp.messages() if m["To"] == to]) == 1
    assert type(queue.huey().storage).__name__ in ("RedisStorage", "PostgresStorage")
