"""Property test through the real services and database (both engines): random issues,
returns, transfers and distributions of a received block never leave overlapping rows,
never leave two touching ranges at one location unmerged, and never change the card count."""

from __future__ import annotations

import contextlib
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import sql
from app.errors import DomainError
from app.inventory import services
from tests.integration.test_inventory_support import make_stock_room, move, receive_cards

KINDS = {  # kind: (from, to) as StockRoom attributes
    "issued": ("vault", "drawer"),
    "drawer_return": ("drawer", "vault"),
    "distributed": ("vault", "outlet"),
    "account_return": ("outlet", "vault"),
}


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(sorted(KINDS)), st.integers(0, 199),
                          st.integers(0, 40)), min_size=3, max_size=12))
async def test_moves_through_the_database_conserve_cards_and_never_overlap(
        steps: list[tuple[str, int, int]]) -> None:
    room = await make_stock_room()
    await receive_cards(room, "1000-1199")
    for kind, offset, length in steps:
        source, target = (getattr(room, name) for name in KINDS[kind])
        first = 1000 + offset
        # refused when not all of those cards are there: nothing changes
        with contextlib.suppress(DomainError):
            await services.record_movement(room.lead, move(
                kind, room.card, source, target, ranges=f"{first}-{first + length}"))
        rows = await sql.fetch(
            "SELECT first_serial, last_serial, location FROM stock_range WHERE item_type = {} "
            "ORDER BY first_serial", room.card)
        assert sum(r["last_serial"] - r["first_serial"] + 1 for r in rows) == 200
        for a, b in itertools.pairwise(rows):
            assert a["last_serial"] < b["first_serial"]
            assert not (a["last_serial"] + 1 == b["first_serial"]
                        and a["location"] == b["location"])
