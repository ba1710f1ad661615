"""In-app notifications and each person's preference per kind (in-app only, or email too)."""

from piccolo.columns import BigSerial, Boolean, Integer, Timestamptz, Varchar
from piccolo.table import Table


class Notification(Table, tablename="notification"):
    id = BigSerial(primary_key=True)
    recipient = Integer(null=False)  # app_user.id
    kind = Varchar(length=64, null=False)
    title = Varchar(length=300, null=False)
    link = Varchar(length=500, default="")
    message = Integer(null=False)  # the outbox message that delivered it (unique with recipient)
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)


class NotificationPreference(Table, tablename="notification_preference"):
    id = BigSerial(primary_key=True)
    recipient = Integer(null=False)
    kind = Varchar(length=64, null=False)
    email = Boolean(default=False)
