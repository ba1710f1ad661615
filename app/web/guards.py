"""Route guards: who may reach a route. Object scope (own section, own drawer) is the services'."""

from __future__ import annotations

from collections.abc import Callable

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from app.auth.principal import Principal
from app.auth.roles import Role

Guard = Callable[[ASGIConnection, BaseRouteHandler], None]


def signed_in(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        raise NotAuthorizedException("Please sign in.")


def requires(*roles: Role) -> Guard:
    """Allow only these roles (after sign-in)."""

    allowed = frozenset(roles)

    def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        signed_in(connection, handler)
        principal: Principal = connection.scope["user"]
        if principal.role not in allowed:
            raise PermissionDeniedException("Your role does not give access to this page.")

    guard.__name__ = f"requires_{'_'.join(sorted(allowed))}"
    return guard


def not_auditor(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Anyone but a signed-in auditor (auditors read and export; they change nothing), so a
    public form (an email's opt-out link) stays open to the public."""
    principal: Principal | None = connection.scope.get("user")
    if principal is not None and principal.role is Role.AUDITOR:
        raise PermissionDeniedException("Auditors read and export; they change nothing.")
