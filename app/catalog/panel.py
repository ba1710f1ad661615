"""The administrator's home-page panel: what is on sale, what lacks a price, what changes soon."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.auth.capabilities import Capability
from app.auth.principal import Principal
from app.catalog import services as catalog

UPCOMING_DAYS = 31


async def catalog_panel(principal: Principal) -> dict[str, Any] | None:
    if not principal.can(Capability.MANAGE_CATALOG):
        return None
    moment = catalog.now()
    products = await catalog.list_products(moment, active_only=True)
    horizon = moment + timedelta(days=UPCOMING_DAYS)
    upcoming = [
        p for p in products
        if p["next_price"] and p["next_price"]["effective_from"] <= horizon
    ]
    return {
        "template": "catalog/_home_panel.html",
        "on_sale": sum(1 for p in products
                       if p["price_cents"] is not None or p["kind"] == "stored_value"),
        "unpriced": [p for p in products
                     if p["price_cents"] is None and p["kind"] != "stored_value"][:10],
        "upcoming": upcoming[:10],
        "upcoming_days": UPCOMING_DAYS,
    }
