"""Domain errors: services raise these; one exception handler turns them into pages.

Every message is written for the person at the counter or desk: what happened and what to do.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    title = "That could not be done"

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class ValidationFailed(DomainError):
    status_code = 400
    title = "Please check the form"


class NotFound(DomainError):
    status_code = 404
    title = "Not found"


class Forbidden(DomainError):
    status_code = 403
    title = "Not allowed"


class Conflict(DomainError):
    status_code = 409
    title = "Conflict"
