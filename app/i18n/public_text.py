"""Texts of the public pages that come from Python (catalog data shown to riders).

Product kinds and the demo fare categories are fixed codes, so their rider-facing names are
messages of the ``public`` catalog. A fare category an administrator adds later has no
translation: it shows its name as entered (data, not a message of the catalog).
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


KIND_NAMES: dict[str, str] = {
    "card_fee": N_("New fare card"),
    "stored_value": N_("Stored value"),
    "monthly_pass": N_("Monthly pass"),
    "day_pass": N_("Day pass"),
    "ticket_book": N_("Ticket book"),
    "taxi_scrip": N_("Taxi scrip"),
    "hs_ticket_book": N_("Human-service ticket book"),
}

CATEGORY_NAMES: dict[str, str] = {
    "adult": N_("Adult"),
    "youth": N_("Youth (6–18)"),
    "reduced": N_("Senior / disabled reduced fare"),
    "low_income": N_("Low-income"),
}
