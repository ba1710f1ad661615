"""Piccolo configuration: the engine comes from FAREDESK_DATABASE_URL.

Every Piccolo app has its own migrations folder under migrations/.
"""

from piccolo.conf.apps import AppRegistry

from app.db import make_engine
from app.settings import get_settings

_settings = get_settings()
DB = make_engine(_settings.database_url, _settings.db_pool_size)

APP_REGISTRY = AppRegistry(
    apps=[
        "app.piccolo_apps",
        "app.catalog.piccolo_app",
        "app.terminals.piccolo_app",
        "app.drawers.piccolo_app",
        "app.ledger.piccolo_app",
        "app.sales.piccolo_app",
        "app.reconciliation.piccolo_app",
        "app.jobs.piccolo_app",  # platform: jobs, outbox, mail, notifications
        "app.inventory.piccolo_app",
        "app.i18n.piccolo_app",
        "app.approvals.piccolo_app",  # recommend/decide approvals (issue 14)
    ]
)
