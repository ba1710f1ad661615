"""The receipt and the customer display in the customer's language.

Two small hooks use this module: ``app.sales.printing.receipt_data(..., locale=)`` words the
title, footer and line details through `ReceiptWords`, and the kiosk adds
`hardware_options(locale, issued_at)` to the hardware Receipt it builds (translated labels,
money and date in the locale, and how the printer must print the script). English keeps the
printer's own formats byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from app.i18n import languages
from app.i18n.catalogs import Translator, translator
from app.i18n.domains import PUBLIC, RECEIPT
from app.i18n.formatting import format_date, format_datetime, format_money
from app.i18n.public_text import CATEGORY_NAMES, KIND_NAMES
from app.i18n.receipt_text import (
    APPROVED_BY,
    CARD_DETAIL,
    DISPLAY_CHANGE,
    DISPLAY_THANKS,
    DISPLAY_TOTAL,
    DISPLAY_WELCOME,
    KIND_OF_RECEIPT,
    LABELS,
    REASON,
    REASON_NAMES,
    SALE_FOOTER,
    TITLES,
    VALID_DETAIL,
)


def _code(locale: str | None) -> str:
    return locale if locale in languages.BY_CODE else languages.SOURCE


@dataclass(frozen=True)
class ReceiptWords:
    """What the sales service writes on a receipt, in one language."""

    locale: str
    t: Translator

    @property
    def english(self) -> bool:
        return self.locale == languages.SOURCE

    def title(self, kind: str) -> str:
        english = TITLES.get(kind)
        return self.t.gettext(english) if english else kind.upper()

    def sale_footer(self) -> list[str]:
        return [self.t.gettext(line) for line in SALE_FOOTER]

    def return_footer(self, kind: str, original: str, reason_code: str, reason_english: str,
                      approver: str | None) -> list[str]:
        kind_text = KIND_OF_RECEIPT.get(kind)
        first = (self.t.gettext(kind_text).format(receipt=original) if kind_text
                 else f"{kind} {original}")
        reason = REASON_NAMES.get(reason_code)
        footer = [first, self.t.gettext(REASON).format(
            reason=self.t.gettext(reason) if reason else reason_english)]
        if approver:
            footer.append(self.t.gettext(APPROVED_BY).format(name=approver))
        return footer

    def product_name(self, kind: str | None, category: str | None, description: str) -> str:
        """A line's product as the customer reads it: in English the catalog's own name; in
        another language the product kind and fare category from the public catalog."""
        if self.english or kind not in KIND_NAMES:
            return description
        public = translator(self.locale, PUBLIC)
        name = public.gettext(KIND_NAMES[kind])
        if category and category in CATEGORY_NAMES:
            name = f"{name} – {public.gettext(CATEGORY_NAMES[category])}"
        return name

    def _day(self, value: date) -> str:
        return f"{value:%m/%d/%Y}" if self.english else format_date(value, self.locale, "short")

    def line_detail(self, card_serial: str | None, valid_from: date | None,
                    valid_to: date | None) -> str | None:
        parts = []
        if card_serial:
            parts.append(self.t.gettext(CARD_DETAIL).format(serial=card_serial))
        if valid_from and valid_to:
            parts.append(self.t.gettext(VALID_DETAIL).format(
                start=self._day(valid_from), end=self._day(valid_to)))
        return ", ".join(parts) or None


def words(locale: str | None) -> ReceiptWords:
    code = _code(locale)
    return ReceiptWords(code, translator(code, RECEIPT))


def hardware_options(locale: str | None, issued_at: datetime) -> dict[str, Any]:
    """Keyword arguments for hardware.receipt.Receipt: labels, money, date, script."""
    code = _code(locale)
    if code == languages.SOURCE:
        return {}
    t = translator(code, RECEIPT)
    language = languages.get(code)
    return {
        "labels": {label: t.gettext(label) for label in LABELS},
        "money": partial(format_money, locale=code),
        "issued_text": format_datetime(issued_at, code),
        "script": language.receipt if language.receipt in ("raster", "cp866", "cp1251", "cp1258") else "",
    }


# --- the customer pole display --------------------------------------------------------------

def display_words(locale: str | None) -> tuple[Translator, str]:
    """The display's translator and code page. A 2×20 pole display has no Han or Hangul
    characters: for Chinese and Korean it shows English."""
    code = _code(locale)
    language = languages.get(code)
    if not language.display:
        return translator(languages.SOURCE, RECEIPT), "cp437"
    return translator(code, RECEIPT), language.display


def display_welcome(locale: str | None) -> str:
    return display_words(locale)[0].gettext(DISPLAY_WELCOME)


def display_total(locale: str | None, cents: int) -> str:
    t, _ = display_words(locale)
    return f"{t.gettext(DISPLAY_TOTAL)} {_display_money(locale, cents)}"


def display_thanks(locale: str | None, change_cents: int, total_cents: int) -> tuple[str, str]:
    t, _ = display_words(locale)
    if change_cents:
        change = _display_money(locale, change_cents)
        return t.gettext(DISPLAY_THANKS), f"{t.gettext(DISPLAY_CHANGE)} {change}"
    return t.gettext(DISPLAY_THANKS), display_total(locale, total_cents)


def _display_money(locale: str | None, cents: int) -> str:
    code = _code(locale)
    shown = code if languages.get(code).display else languages.SOURCE
    return format_money(cents, shown)
