"""The one exception that leaves the hardware layer.

Every adapter catches its driver's exceptions (socket, serial, python-escpos) and raises
``HardwareError(code, message)`` instead. ``code`` is stable and machine-readable; ``message``
is written for a clerk at the counter.
"""

from __future__ import annotations

from typing import Final

OFFLINE: Final = "offline"
TIMEOUT: Final = "timeout"
BUSY: Final = "busy"
PAPER_OUT: Final = "paper_out"
PAPER_LOW: Final = "paper_low"  # a warning: the job was printed
COVER_OPEN: Final = "cover_open"
DECLINED: Final = "declined"
CANCELLED: Final = "cancelled"
PROTOCOL_ERROR: Final = "protocol_error"
UNKNOWN_OUTCOME: Final = "unknown_outcome"
NO_CARD: Final = "no_card"
CARD_REMOVED: Final = "card_removed"
CARD_BLOCKED: Final = "card_blocked"
CAP_EXCEEDED: Final = "cap_exceeded"
INSUFFICIENT_VALUE: Final = "insufficient_value"
WRITE_NOT_CONFIRMED: Final = "write_not_confirmed"
UNSUPPORTED: Final = "unsupported"
BAD_URL: Final = "bad_url"

CODES: Final = frozenset(
    {
        OFFLINE,
        TIMEOUT,
        BUSY,
        PAPER_OUT,
        PAPER_LOW,
        COVER_OPEN,
        DECLINED,
        CANCELLED,
        PROTOCOL_ERROR,
        UNKNOWN_OUTCOME,
        NO_CARD,
        CARD_REMOVED,
        CARD_BLOCKED,
        CAP_EXCEEDED,
        INSUFFICIENT_VALUE,
        WRITE_NOT_CONFIRMED,
        UNSUPPORTED,
        BAD_URL,
    }
)

# Codes after which the money (or card value) question is settled: nothing happened.
# ``unknown_outcome`` and ``write_not_confirmed`` are deliberately absent.
WARNING_CODES: Final = frozenset({PAPER_LOW})


class HardwareError(Exception):
    """A device problem a clerk can act on.

    >>> HardwareError("paper_out", "The receipt printer is out of paper.").code
    'paper_out'
    """

    def __init__(self, code: str, message: str) -> None:
        if code not in CODES:
            raise ValueError(f"unknown hardware error code {code!r}")
        message = " ".join(message.split())  # driver texts can span lines
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def is_warning(self) -> bool:
        return self.code in WARNING_CODES

    def __reduce__(self) -> tuple[type[HardwareError], tuple[str, str]]:
        return (type(self), (self.code, self.message))
