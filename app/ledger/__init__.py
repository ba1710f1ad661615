"""Double-entry, append-only ledger. See ledger.services for the invariants."""
