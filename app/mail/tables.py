"""The mail log (to, subject, when, status; never the body) and opt-outs of non-essential mail."""

from piccolo.columns import BigSerial, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class MailLog(Table, tablename="mail_log"):
    id = BigSerial(primary_key=True)
    message = Integer(null=False, unique=True)  # the outbox message id
    kind = Varchar(length=64, default="")
    to_address = Varchar(length=320, null=False)
    subject = Varchar(length=300, default="")
    essential = Boolean(default=False)
    status = Varchar(length=16, null=False)  # queued | sent | failed | suppressed
    smtp_reply = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class MailOptOut(Table, tablename="mail_opt_out"):
    id = BigSerial(primary_key=True)
    address = Varchar(length=320, null=False, unique=True)  # lower-cased
    source = Varchar(length=64, default="")
    created_at = Timestamptz()
