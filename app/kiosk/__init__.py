"""Kiosk mode: terminal binding, clerk sessions, carts, counter flows and device orchestration.

The only part of app/ that imports hardware/.
"""
