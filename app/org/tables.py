from piccolo.columns import Boolean, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class Section(Table, tablename="section"):
    """A unit of the organisation: a customer service center, employer programs, ..."""

    id = Serial(primary_key=True)

    code = Varchar(length=20, unique=True, null=False)
    name = Varchar(length=120, unique=True, null=False)
    description = Text(default="")
    active = Boolean(default=True)
    created_at = Timestamptz()


class Location(Table, tablename="location"):
    """A place with counters, run by one section."""

    id = Serial(primary_key=True)

    code = Varchar(length=20, unique=True, null=False)
    name = Varchar(length=120, null=False)
    section = ForeignKey(Section, null=False, on_delete=OnDelete.restrict, index=True)
    address = Text(default="")
    opening_hours = Text(default="")
    active = Boolean(default=True)
    created_at = Timestamptz()
