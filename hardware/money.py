"""Money for printing and displays: integer cents in, text out. No floats."""

from __future__ import annotations


def format_cents(cents: int, *, symbol: str = "") -> str:
    """Format integer cents as ``1,234.56`` (``-0.50`` for negatives).

    >>> format_cents(123456)
    '1,234.56'
    >>> format_cents(-50, symbol="$")
    '-$0.50'
    """
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"money must be integer cents, got {type(cents).__name__}")
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{symbol}{whole:,}.{frac:02d}"
