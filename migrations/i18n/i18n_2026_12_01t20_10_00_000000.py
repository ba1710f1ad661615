"""Language access: translation acceptances (append-only), limited-English counts, service area.

The tables are declared here as they were when this migration was written (not imported from
app.i18n.tables), so a later change to those classes never changes what this migration does.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import BigInt, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from app.append_only import protect
from app.auth.tables import User

ID = "2026-12-01T20:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "translation_acceptance, language_population, service_area"


class TranslationAcceptance(Table, tablename="translation_acceptance"):
    id = Serial(primary_key=True)
    language = Varchar(length=20, null=False, index=True)
    catalog = Varchar(length=40, null=False)
    template = Varchar(length=200, default="")
    fingerprint = Varchar(length=64, null=False)
    messages = Integer(null=False)
    accepted_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    accepted_at = Timestamptz(null=False)
    note = Text(default="")


class LanguagePopulation(Table, tablename="language_population"):
    id = Serial(primary_key=True)
    language = Varchar(length=20, null=False, unique=True)
    people = BigInt(null=False)
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    updated_at = Timestamptz(null=False)


class ServiceArea(Table, tablename="service_area"):
    id = Serial(primary_key=True)
    total_population = BigInt(null=False)
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    updated_at = Timestamptz(null=False)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="i18n", description=DESCRIPTION)

    async def run():
        for table in (TranslationAcceptance, LanguagePopulation, ServiceArea):
            await table.create_table(if_not_exists=True)
        await protect("translation_acceptance")

    manager.add_raw(run)
    return manager
