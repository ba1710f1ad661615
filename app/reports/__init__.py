"""Revenue and over/short reports: SQL aggregates over the ledger's postings, CSV, SVG charts."""
