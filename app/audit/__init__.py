"""The audit log: one append-only record of every change, who made it, when and from where."""
