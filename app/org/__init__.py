"""Organisation: sections (units of the section) and locations (places with counters)."""
