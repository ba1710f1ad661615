"""Cash drawers: shifts, counted floats, paid-in/out, safe drops, blind counts, over/short."""
