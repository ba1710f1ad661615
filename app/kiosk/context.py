"""Request context for kiosk routes: the enrolled browser and the clerk at it.

Routes take these as Litestar dependencies (`kiosk: Enrolled`, `at: AtKiosk`); when the browser
is not enrolled, or nobody (or a locked clerk) is at it, the dependency raises and the kiosk's
exception handlers answer with the enrolment page or a redirect to the sign-in / lock screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request
from litestar.di import NamedDependency

from app.auth.principal import Principal
from app.i18n.kiosk import customer_language
from app.kiosk import sessions
from app.terminals.services import KIOSK_COOKIE, Enrolled, resolve_kiosk
from app.web.session_middleware import client_origin


class NeedsClerk(Exception):
    """Nobody is signed in at this kiosk, or the screen is locked: go to /kiosk."""


@dataclass(frozen=True)
class AtKiosk:
    """An enrolled browser with an active (unlocked) clerk."""

    enrolled: Enrolled
    state: sessions.KioskState
    clerk: Principal
    customer_language: str = "en"  # the clerk's pick for this customer (app.i18n.kiosk)

    @property
    def terminal(self) -> dict:  # type: ignore[type-arg]
        return self.enrolled.terminal

    @property
    def terminal_id(self) -> int:
        return self.enrolled.terminal_id


async def enrolled_browser(request: Request) -> Enrolled:
    """The enrolled browser; the clerk session open at it is read in the same query."""
    cached = getattr(request.state, "kiosk_enrolled", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    # raises EnrollmentProblem (not enrolled, revoked, terminal off): the kiosk's handler
    # answers with the enrolment page
    enrolled, session = await resolve_kiosk(request.cookies.get(KIOSK_COOKIE, ""))
    request.state.kiosk_enrolled = enrolled
    request.state.kiosk_session = session
    return enrolled


async def kiosk_state(request: Request, *, touch: bool = True) -> sessions.KioskState:
    """Who is at this browser, from the session read with the enrolment at request start."""
    enrolled = await enrolled_browser(request)
    return await sessions.current(enrolled, client_origin(request.scope), touch=touch,
                                  session=request.state.kiosk_session)


async def _at_kiosk(request: Request, touch: bool) -> AtKiosk:
    state = await kiosk_state(request, touch=touch)
    if not state.active or state.clerk is None:
        raise NeedsClerk()
    return AtKiosk(request.state.kiosk_enrolled, state, state.clerk,
                   customer_language=customer_language(request))


async def clerk_at_kiosk(request: Request) -> AtKiosk:
    """A clerk action: restarts the idle clock."""
    return await _at_kiosk(request, touch=True)


async def clerk_polling(request: Request) -> AtKiosk:
    """A background poll (status bar): does not count as activity."""
    return await _at_kiosk(request, touch=False)


#: Route parameter types: `kiosk: KioskBrowser` (enrolled browser), `at: ClerkAtKiosk`
#: (clerk at work; restarts the idle clock), `poll: ClerkPolling` (background poll).
KioskBrowser = NamedDependency[Enrolled]
ClerkAtKiosk = NamedDependency[AtKiosk]
ClerkPolling = NamedDependency[AtKiosk]
