"""Ledger errors, written for the person who sees them."""

from __future__ import annotations

from app.errors import Conflict, DomainError


class LedgerError(DomainError):
    """A posting that would break the ledger's invariants (a programming error upstream)."""


class DayLocked(Conflict):
    """The business day at that location is signed off: nothing more may be posted to it."""


class AlreadyReversed(Conflict):
    """A transaction may be reversed once."""
