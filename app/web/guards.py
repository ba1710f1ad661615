"""Route guards: who may reach a route, by capability. Object scope (own section, own drawer)
is the services'.

Every route declares what it needs, and `tests/integration/test_route_capabilities.py`
enumerates the route table to prove it: a back-office route has a `requires(Capability.X)`
guard, a kiosk route inherits `KIOSK_OPT` from the kiosk router (the kiosk's PIN session is its
guard), and the few routes anyone may reach say so with `opt=PUBLIC`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from app.auth.capabilities import Capability, can
from app.auth.principal import Principal
from app.auth.roles import Role

Guard = Callable[[ASGIConnection, BaseRouteHandler], None]

#: `opt` of a route anyone may reach (sign-in, health check, static files).
PUBLIC: dict[str, Any] = {"public": True}
#: `opt` of the kiosk router: a clerk signed in at an enrolled kiosk with a PIN
#: (`app.kiosk.context`); only roles with USE_KIOSK have a PIN.
KIOSK_OPT: dict[str, Any] = {"capability": Capability.USE_KIOSK}


def signed_in(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        raise NotAuthorizedException("Please sign in.")


def requires(capability: Capability) -> Guard:
    """Allow only people whose role carries `capability` (after sign-in)."""
    if not isinstance(capability, Capability):
        raise TypeError(f"requires() takes a Capability, not {capability!r}")

    def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        signed_in(connection, handler)
        if not can(connection.scope["user"], capability):
            raise PermissionDeniedException("Your role does not give access to this page.")

    guard.__name__ = f"requires_{capability.value}"
    guard.capability = capability  # type: ignore[attr-defined]
    return guard


def declared_capability(handler: BaseRouteHandler) -> Capability | str | None:
    """What a route declares: its guard's capability, the kiosk's, or "public" (None: nothing)."""
    for layer in handler.ownership_layers:
        for layer_guard in layer.guards or ():
            if capability := getattr(layer_guard, "capability", None):
                return capability  # type: ignore[no-any-return]
    opt = handler.opt or {}
    if opt.get("capability"):
        return opt["capability"]  # type: ignore[no-any-return]
    if opt.get("public"):
        return "public"
    return None


def not_auditor(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Anyone but a signed-in auditor (auditors read and export; they change nothing), so a
    public form (an email's opt-out link) stays open to the public."""
    principal: Principal | None = connection.scope.get("user")
    if principal is not None and principal.role is Role.AUDITOR:
        raise PermissionDeniedException("Auditors read and export; they change nothing.")
