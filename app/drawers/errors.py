"""Drawer errors, written for the clerk at the counter."""

from __future__ import annotations

from app.errors import Conflict


class NoOpenShift(Conflict):
    """Selling or moving cash needs an open shift on this terminal."""
