"""Recommend/decide approvals: one policy per workflow, one append-only record (docs/architecture.md)."""
