from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.org.tables import Section


class User(Table, tablename="app_user"):
    id = Serial(primary_key=True)
    username = Varchar(length=64, unique=True, null=False)
    full_name = Varchar(length=120, null=False)
    email = Varchar(length=200, default="")
    role = Varchar(length=20, null=False, index=True)
    password_hash = Text(null=False)
    pin_hash = Text(null=True, default=None)
    badge_code = Varchar(length=64, null=True, default=None, unique=True)
    active = Boolean(default=True)
    failed_logins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    failed_pins = Integer(default=0)
    pin_locked_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    password_changed_at = Timestamptz()


class UserSection(Table, tablename="user_section"):
    id = Serial(primary_key=True)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    section = ForeignKey(Section, null=False, on_delete=OnDelete.restrict, index=True)


class UserSession(Table, tablename="user_session"):
    """A signed-in browser. Only the SHA-256 of the cookie value is stored."""

    id = Serial(primary_key=True)

    token_hash = Varchar(length=64, unique=True, null=False)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz(null=False)
    ended_at = Timestamptz(null=True, default=None)
    origin = Varchar(length=64, default="")
    user_agent = Varchar(length=255, default="")
    flash = Text(default="")
