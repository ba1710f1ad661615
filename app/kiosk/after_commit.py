"""Device steps that follow a committed change: kick the drawer, print, write fare cards.

Never before commit, never inside a transaction, and a device fault never undoes what was
recorded: it is reported to the clerk (and the print queue keeps the receipt for retry).
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("faredesk.kiosk")


async def kick_drawer(terminal: dict[str, Any]) -> str:
    """Open the cash drawer; returns a clerk message ('' when it opened)."""
    from app.kiosk import devices

    return await devices.kick_drawer(terminal)
