"""Counter sales, tenders, voids and refunds, card loads, payment attempts, the print queue."""
