"""Daily cash reconciliation: the day board, variance decisions, deposits, day sign-off."""
