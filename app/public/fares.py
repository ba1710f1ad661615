"""The public fares and passes price list, from the catalog's prices in force now.

Rider-facing names come from the ``public`` catalog (product kind + fare category), never the
back office's product names, so the list reads the same in every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.catalog import rules
from app.catalog import services as catalog
from app.formatting import business_date
from app.i18n.catalogs import Translator
from app.i18n.public_text import CATEGORY_NAMES, KIND_NAMES

#: The order of the sections of the list (product kinds).
SECTION_ORDER = (rules.MONTHLY_PASS, rules.DAY_PASS, rules.TICKET_BOOK, rules.CARD_FEE,
                 rules.TAXI_SCRIP, rules.HS_TICKET_BOOK)


@dataclass(frozen=True)
class FareRow:
    label: str
    price_cents: int
    reduced: bool


@dataclass
class FareSection:
    kind: str
    title: str
    rows: list[FareRow] = field(default_factory=list)


@dataclass(frozen=True)
class StoredValue:
    min_cents: int
    max_cents: int
    balance_cap_cents: int


@dataclass
class FareList:
    sections: list[FareSection]
    stored_value: StoredValue | None
    pass_months: list[date]
    last_sale_day: int = rules.LAST_SALE_DAY


def _category_label(row: dict[str, Any], t: Translator) -> str:
    code = row.get("fare_category_code")
    if not code:
        return ""
    english = CATEGORY_NAMES.get(code)
    return t.gettext(english) if english else str(row.get("fare_category_name") or code)


async def fare_list(t: Translator, at: datetime | None = None) -> FareList:
    """Products on sale now, by kind, each priced; stored value as its load limits."""
    products = await catalog.sellable_products(at or catalog.now())
    sections = {kind: FareSection(kind, t.gettext(KIND_NAMES[kind])) for kind in SECTION_ORDER}
    stored: StoredValue | None = None
    for row in products:
        if row["kind"] == rules.STORED_VALUE:
            if row["min_cents"] is not None and row["max_cents"] is not None:
                stored = StoredValue(int(row["min_cents"]), int(row["max_cents"]),
                                     int(row["balance_cap_cents"] or rules.DEFAULT_BALANCE_CAP_CENTS))
            continue
        section = sections.get(row["kind"])
        if section is None or row["price_cents"] is None:
            continue
        category = _category_label(row, t)
        section.rows.append(FareRow(category or section.title, int(row["price_cents"]),
                                    bool(row["reduced"])))
    today = business_date(at)
    return FareList([s for s in sections.values() if s.rows], stored,
                    rules.sellable_pass_months(today))
