"""Job runs and sweep marks.

`JobRun` is the ledger of background work: every job the worker runs (an enqueued job or a
periodic sweep) has a row with its state, attempts and last error, which `/admin/jobs` lists
and from which a failed job is run again. huey moves the work between processes; this table is
what survives a killed worker (a run left `running` past its lease is run again).

`SweepMark` records each thing a sweep has done under a unique key ("deposit-overdue:3:2026-11-30"),
inserted in the same transaction as the effect: a sweep run twice, late or on two machines at
once finds the key taken and does nothing the second time.
"""

from piccolo.columns import BigSerial, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class JobRun(Table, tablename="job_run"):
    id = BigSerial(primary_key=True)
    name = Varchar(length=100, null=False)
    args = Text(default="{}")  # JSON object of keyword arguments
    status = Varchar(length=16, null=False)  # queued | running | retrying | done | failed
    attempts = Integer(default=0)
    max_attempts = Integer(default=5)
    last_error = Text(default="")
    result = Varchar(length=200, default="")
    enqueued_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    lease_until = Timestamptz(null=True, default=None)
    rerun_of = Integer(null=True, default=None)


class SweepMark(Table, tablename="sweep_mark"):
    id = BigSerial(primary_key=True)
    key = Varchar(length=200, null=False, unique=True)
    sweep = Varchar(length=100, null=False)
    done_at = Timestamptz()
