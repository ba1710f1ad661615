"""Thin HTTP controllers, one module per area. Each module exports ROUTES."""

from app.routes import (
    admin_catalog,
    admin_org,
    admin_terminals,
    admin_users,
    audit,
    auth,
    health,
    home,
    kiosk,
    kiosk_outcomes,
    kiosk_pick,
    kiosk_refund,
    kiosk_sale,
    kiosk_shift,
    reconciliation,
    reports,
)

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
    *kiosk_pick.ROUTES,
    *reconciliation.ROUTES,
    *reports.ROUTES,
]
