"""Fare media inventory: item types, stock locations, serial ranges and the stock ledger."""
