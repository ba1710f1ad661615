"""Language access records.

`TranslationAcceptance` is append-only: each row says a reviewer accepted one language's
catalog (template "") or one template of it, as it read then (fingerprint of its messages and
translations). A later change to those translations makes the row stale, so the catalog is a
draft again until someone accepts the new text.

`LanguagePopulation` holds the administrator's count of people with limited English per
language in the service area; `ServiceArea` (one row) the area's total population. Both are
changed in place and every change is audited.
"""

from piccolo.columns import BigInt, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.auth.tables import User


class TranslationAcceptance(Table, tablename="translation_acceptance"):
    id = Serial(primary_key=True)
    language = Varchar(length=20, null=False, index=True)
    catalog = Varchar(length=40, null=False)
    template = Varchar(length=200, default="")  # "" = the whole catalog
    fingerprint = Varchar(length=64, null=False)
    messages = Integer(null=False)
    accepted_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    accepted_at = Timestamptz(null=False)
    note = Text(default="")


class LanguagePopulation(Table, tablename="language_population"):
    id = Serial(primary_key=True)
    language = Varchar(length=20, null=False, unique=True)  # a BCP 47 / CLDR code: "es", "tl"
    people = BigInt(null=False)
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    updated_at = Timestamptz(null=False)


class ServiceArea(Table, tablename="service_area"):
    id = Serial(primary_key=True)
    total_population = BigInt(null=False)
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    updated_at = Timestamptz(null=False)
