"""Inventory vocabularies: item categories, location kinds, movement kinds and which locations
each movement may take stock from and to. The one place these rules are declared."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    SMART_CARD = "smart_card"
    TICKET_BOOK = "ticket_book"
    TAXI_SCRIP = "taxi_scrip"
    HUMAN_SERVICE_BOOK = "human_service_book"
    INFORMATIONAL = "informational"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.SMART_CARD: "Blank smart cards",
    Category.TICKET_BOOK: "Ticket books",
    Category.TAXI_SCRIP: "Taxi scrip",
    Category.HUMAN_SERVICE_BOOK: "Human-service ticket books",
    Category.INFORMATIONAL: "Informational media",
}


class LocationKind(StrEnum):
    VAULT = "vault"
    DRAWER = "drawer"
    CONSIGNMENT = "consignment"
    ACCOUNT = "account"
    IN_TRANSIT = "in_transit"
    DAMAGED = "damaged"
    DESTROYED = "destroyed"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    LocationKind.VAULT: "Vault",
    LocationKind.DRAWER: "Counter drawer",
    LocationKind.CONSIGNMENT: "Retail outlet consignment",
    LocationKind.ACCOUNT: "Account",
    LocationKind.IN_TRANSIT: "In transit",
    LocationKind.DAMAGED: "Damaged",
    LocationKind.DESTROYED: "Destroyed",
}

#: Kinds the section keeps one of each, created when first needed (never by hand).
SYSTEM_KINDS = frozenset({LocationKind.IN_TRANSIT, LocationKind.DAMAGED, LocationKind.DESTROYED})
#: Kinds stock is kept and handed out from.
HOLDING_KINDS = frozenset({LocationKind.VAULT, LocationKind.DRAWER, LocationKind.CONSIGNMENT})


class Kind(StrEnum):
    """A movement kind: one entry of the stock ledger."""

    RECEIVED = "received"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    TRANSFER_CANCEL = "transfer_cancel"
    ISSUED = "issued"
    DRAWER_RETURN = "drawer_return"
    DISTRIBUTED = "distributed"
    ACCOUNT_RETURN = "account_return"
    DAMAGED = "damaged"
    DESTROYED = "destroyed"
    COUNT_SHORTAGE = "count_shortage"
    COUNT_OVERAGE = "count_overage"


@dataclass(frozen=True)
class MovementRule:
    label: str
    #: location kinds the stock may come from (None: stock enters the books)
    sources: frozenset[LocationKind] | None
    #: location kinds the stock may go to (None: stock leaves the books)
    targets: frozenset[LocationKind] | None
    #: the form for this kind is offered to people (others are steps of another workflow)
    has_form: bool = True
    #: only supervisors and administrators may record it
    deciding_only: bool = False
    witnessed: bool = False


L = LocationKind
_ANY_HOLDING = HOLDING_KINDS

RULES: dict[Kind, MovementRule] = {
    Kind.RECEIVED: MovementRule("Received from vendor", None, frozenset({L.VAULT}),
                                deciding_only=True),
    Kind.TRANSFER_OUT: MovementRule("Transfer sent", _ANY_HOLDING, frozenset({L.IN_TRANSIT})),
    Kind.TRANSFER_IN: MovementRule("Transfer received", frozenset({L.IN_TRANSIT}), _ANY_HOLDING,
                                   has_form=False),
    Kind.TRANSFER_CANCEL: MovementRule("Transfer cancelled", frozenset({L.IN_TRANSIT}),
                                       _ANY_HOLDING, has_form=False),
    Kind.ISSUED: MovementRule("Issued to a drawer", frozenset({L.VAULT}), frozenset({L.DRAWER})),
    Kind.DRAWER_RETURN: MovementRule("Returned from a drawer", frozenset({L.DRAWER}),
                                     frozenset({L.VAULT})),
    Kind.DISTRIBUTED: MovementRule("Distributed to an account", frozenset({L.VAULT}),
                                   frozenset({L.ACCOUNT, L.CONSIGNMENT})),
    Kind.ACCOUNT_RETURN: MovementRule("Returned by an account",
                                      frozenset({L.ACCOUNT, L.CONSIGNMENT}),
                                      frozenset({L.VAULT})),
    Kind.DAMAGED: MovementRule("Damaged", frozenset(HOLDING_KINDS | {L.ACCOUNT, L.IN_TRANSIT}),
                               frozenset({L.DAMAGED}), witnessed=True),
    Kind.DESTROYED: MovementRule("Destroyed", frozenset({L.DAMAGED, L.VAULT}),
                                 frozenset({L.DESTROYED}), witnessed=True),
    Kind.COUNT_SHORTAGE: MovementRule("Count shortage written off", frozenset(L), None,
                                      has_form=False),
    Kind.COUNT_OVERAGE: MovementRule("Count overage taken in", None, frozenset(L),
                                     has_form=False),
}

#: The kinds with their own movement form, in the order the inventory page offers them.
FORM_KINDS = tuple(kind for kind, rule in RULES.items() if rule.has_form)


def label(kind: str) -> str:
    try:
        return RULES[Kind(kind)].label
    except ValueError:
        return kind


class CountOutcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
