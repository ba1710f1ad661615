"""Fare categories, products and prices with effective dates."""
