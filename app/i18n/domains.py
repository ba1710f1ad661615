"""The message catalogs (gettext domains) and the source files each is extracted from.

A catalog is what a reviewer accepts: ``public`` (every public page), ``receipt`` (the printed
receipt and the customer pole display), ``staff`` (back-office pages: English only, extracted
so they can be translated later). Each catalog's extraction mapping is a Babel mapping file in
``app/i18n/mapping/<domain>.cfg`` (usable with ``pybabel extract -F`` as well); patterns are
relative to the repository root.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent.parent
ROOT = APP_DIR.parent
TRANSLATIONS = APP_DIR / "translations"
MAPPINGS = Path(__file__).resolve().parent / "mapping"


@dataclass(frozen=True)
class Domain:
    name: str
    title: str
    translated: bool  # False: extracted (a .pot) but shipped in English only

    @property
    def mapping_file(self) -> Path:
        return MAPPINGS / f"{self.name}.cfg"

    @property
    def template_file(self) -> Path:
        return TRANSLATIONS / f"{self.name}.pot"

    def po_file(self, locale: str) -> Path:
        return TRANSLATIONS / locale / "LC_MESSAGES" / f"{self.name}.po"

    def mo_file(self, locale: str) -> Path:
        return TRANSLATIONS / locale / "LC_MESSAGES" / f"{self.name}.mo"


PUBLIC = Domain("public", "Public pages", translated=True)
RECEIPT = Domain("receipt", "Receipt and customer display", translated=True)
STAFF = Domain("staff", "Staff pages (English only)", translated=False)
DOMAINS: tuple[Domain, ...] = (PUBLIC, RECEIPT, STAFF)
BY_NAME = {domain.name: domain for domain in DOMAINS}
