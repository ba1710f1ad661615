"""The transactional outbox: a message written in the same transaction as the change it tells.

Rows are delivered by the worker (app/outbox/delivery.py). `key` is unique: the same message
can never be queued twice, and a delivery is claimed by id before it is made, so two workers
never deliver one message.
"""

from piccolo.columns import BigSerial, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class OutboxMessage(Table, tablename="outbox_message"):
    id = BigSerial(primary_key=True)
    key = Varchar(length=200, null=False, unique=True)
    topic = Varchar(length=32, null=False)  # mail | notify
    payload = Text(default="{}")  # JSON; emptied after delivery when `personal`
    personal = Boolean(default=False)
    status = Varchar(length=16, null=False)  # pending | sending | sent | failed
    attempts = Integer(default=0)
    created_at = Timestamptz()
    available_at = Timestamptz()
    claimed_until = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
