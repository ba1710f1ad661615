"""The devices of each terminal (printer, drawer, payment terminal, card reader, display).

Filled in when the hardware layer lands; until then every device reports "not connected".
"""

from __future__ import annotations

from typing import Any


async def kick_drawer(terminal: dict[str, Any]) -> str:
    return ""
