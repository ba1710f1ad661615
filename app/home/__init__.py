"""The home page: what each role needs to see first, from real data."""
