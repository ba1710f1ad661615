"""What makes a void or a refund allowed: checked once before the payment terminal is asked to
refund anything, and again inside the transaction that records the return.

Both checks run the same functions, so a card is never refunded for a return the books would
then refuse (issue 9 item 1): the clerk's and the kiosk's section, the original sale's kind,
terminal and shift (a void), what is still refundable line by line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from app.auth.principal import Principal
from app.errors import Forbidden, NotFound, ValidationFailed
from app.sales.authority import OverrideAction, check_override
from app.sales.errors import AlreadyReversed


class _Refundable(Protocol):
    @property
    def sale(self) -> dict[str, Any]: ...

    @property
    def lines(self) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class ReturnLine:
    """One line of the original sale and how many of its units go back."""

    original: dict[str, Any]
    quantity: int

    @property
    def amount_cents(self) -> int:
        return int(self.original["unit_cents"]) * self.quantity


def check_in_scope(actor: Principal, sale: Mapping[str, Any], terminal_section_id: int) -> None:
    """A return is made by staff of the sale's section, at a counter of that section.

    Outside it the sale is treated as not found: its receipt, clerk and lines are not shown.
    """
    section_id = int(sale["section_id"])
    if section_id != int(terminal_section_id) or not actor.in_section(section_id):
        raise NotFound("No sale with that receipt in this counter's section.")


def check_original(sale: Mapping[str, Any]) -> None:
    if sale["kind"] != "sale":
        raise ValidationFailed("Only a sale can be voided or refunded, not a "
                               f"{str(sale.get('kind_label', sale['kind'])).lower()}.")
    if any(r["kind"] == "void" for r in sale.get("returns", ())):
        raise AlreadyReversed(f"Sale {sale['receipt_code']} has been voided already.")


def check_voidable(actor: Principal, state: _Refundable, *, shift: Mapping[str, Any],
                   terminal_id: int, terminal_section_id: int | None = None,
                   override: Principal | None) -> Principal | None:
    """A void: the whole sale, of this drawer's open shift at its own terminal, nothing returned
    yet, signed off above the threshold. Returns the override to record."""
    sale = state.sale
    if terminal_section_id is not None:
        check_in_scope(actor, sale, terminal_section_id)
    check_original(sale)
    if int(sale["terminal"]) != terminal_id or int(sale["shift"]) != int(shift["id"]):
        raise ValidationFailed("Only a sale of this drawer's open shift can be voided; "
                               "use a refund for an earlier sale.")
    if sale["returns"]:
        raise AlreadyReversed(f"Sale {sale['receipt_code']} has been partly refunded; "
                              "refund the rest instead of voiding it.")
    return check_override(OverrideAction.VOID, clerk=actor, override=override,
                          section_id=int(sale["section_id"]),
                          amount_cents=int(sale["total_cents"]))


def refund_lines(actor: Principal, state: _Refundable, line_quantities: Mapping[int, int], *,
                 terminal_section_id: int | None = None) -> list[ReturnLine]:
    """The lines being refunded, each within what is still refundable (earlier refunds count)."""
    if terminal_section_id is not None:
        check_in_scope(actor, state.sale, terminal_section_id)
    elif not actor.in_section(int(state.sale["section_id"])):
        raise Forbidden("That sale was made at a location outside your sections.")
    check_original(state.sale)
    if not line_quantities:
        raise ValidationFailed("Choose what is being refunded (a quantity on at least one line).")
    by_id = {int(line["id"]): line for line in state.lines}
    chosen = []
    for line_id, quantity in line_quantities.items():
        line = by_id.get(int(line_id))
        if line is None:
            raise ValidationFailed("That line is not part of this sale.")
        if quantity > line["refundable_quantity"]:
            raise ValidationFailed(
                f"{line['description']}: {line['refundable_quantity']} of "
                f"{line['quantity']} can still be refunded, not {quantity}.",
                field_errors={f"line_{line_id}": "More than was sold."},
            )
        chosen.append(ReturnLine(line, quantity))
    return chosen
