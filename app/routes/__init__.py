"""Thin HTTP controllers, one module per area. Each module exports ROUTES."""

from app.routes import (
    admin_catalog,
    admin_jobs,  # platform: jobs, My work, notifications
    admin_languages,
    admin_org,
    admin_terminals,
    admin_users,
    audit,
    auth,
    health,
    home,
    inventory,
    inventory_forms,
    kiosk,
    kiosk_language,
    kiosk_outcomes,
    kiosk_pick,
    kiosk_print,
    kiosk_refund,
    kiosk_sale,
    kiosk_shift,
    mail_public,
    mywork,
    notifications,
    public,
    reconciliation,
    reports,
    sim_receipt_images,
)
from app.settings import get_settings

ROUTE_HANDLERS = [
    *auth.ROUTES,
    *health.ROUTES,
    *home.ROUTES,
    *admin_users.ROUTES,
    *admin_org.ROUTES,
    *audit.ROUTES,
    *admin_catalog.ROUTES,
    *admin_terminals.ROUTES,
    *kiosk.ROUTES,
    *kiosk_shift.ROUTES,
    *kiosk_sale.ROUTES,
    *kiosk_refund.ROUTES,
    *kiosk_outcomes.ROUTES,
    *kiosk_print.ROUTES,
    *kiosk_pick.ROUTES,
    *reconciliation.ROUTES,
    *reports.ROUTES,
    *admin_jobs.ROUTES, *mywork.ROUTES, *notifications.ROUTES, *mail_public.ROUTES,
    *inventory.ROUTES,
    *inventory_forms.ROUTES,
    *kiosk_language.ROUTES,
    *public.ROUTES,
    *admin_languages.ROUTES,
    *sim_receipt_images.ROUTES,
]
if not get_settings().is_production:  # /dev/mail: development and tests only
    from app.routes import dev_mail

    ROUTE_HANDLERS += dev_mail.ROUTES
