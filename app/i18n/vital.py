"""The registry of vital documents (DOT Title VI guidance): what a rider with limited English
must be able to read, and which catalogs (or templates of a catalog) carry each.

Areas that add customer-facing documents register them here once, at import time:

    from app.i18n.vital import VitalDocument, register
    register(VitalDocument("decision_letter", "Program decision letter",
                           (("letters", "app/templates/letters/decision.html"),)))

A document counts as translated for a language when every part is accepted for it: the
whole catalog (template ""), or that template.
"""

from __future__ import annotations

from dataclasses import dataclass

Part = tuple[str, str]  # (catalog, template or "" for the whole catalog)


@dataclass(frozen=True)
class VitalDocument:
    key: str
    title: str
    parts: tuple[Part, ...]


_REGISTRY: dict[str, VitalDocument] = {}


def register(document: VitalDocument) -> None:
    _REGISTRY[document.key] = document


def documents() -> list[VitalDocument]:
    return list(_REGISTRY.values())


register(VitalDocument("public_pages", "Public pages (fares, and the forms that follow)",
                       (("public", ""),)))
register(VitalDocument("receipt", "Printed receipt and customer display",
                       (("receipt", ""), ("public", "app/i18n/public_text.py"))))
