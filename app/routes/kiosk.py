"""The kiosk's front door: enrolment check, clerk sign-in, lock and unlock, sign-out.

GET /kiosk picks the screen: sign-in (nobody here), lock (clerk idle), open shift (no drawer
open on this terminal), or the counter (selling).
"""

from __future__ import annotations

from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.auth.errors import SignInFailed
from app.errors import Forbidden
from app.kiosk import devices, screens, sessions
from app.kiosk.context import AtKiosk, ClerkAtKiosk, ClerkPolling, KioskBrowser, kiosk_state
from app.kiosk.web import kiosk_page, kiosk_partial, kiosk_router, to_kiosk
from app.web.render import form_data, text
from app.web.session_middleware import client_origin


@get("/kiosk", name="kiosk")
async def kiosk_home(request: Request, kiosk: KioskBrowser) -> Template:
    state = await kiosk_state(request)
    if state.clerk is None:
        return kiosk_page(request, "kiosk/signin.html", {"terminal": kiosk.terminal})
    if state.locked:
        return kiosk_page(request, "kiosk/locked.html",
                          {"terminal": kiosk.terminal, "clerk": state.clerk})
    at = AtKiosk(kiosk, state, state.clerk)
    return await screens.home(request, at)


@post("/kiosk/sign-in", name="kiosk.sign_in")
async def kiosk_sign_in(request: Request, kiosk: KioskBrowser) -> Template | Redirect:
    form = await form_data(request)
    login = text(form, "login", 64)
    try:
        await sessions.sign_in(kiosk, login, str(form.get("pin", ""))[:32],
                               client_origin(request.scope))
    except (SignInFailed, Forbidden) as exc:
        return kiosk_page(request, "kiosk/signin.html",
                          {"terminal": kiosk.terminal, "login": login, "error": exc.message},
                          status=401)
    return to_kiosk(request)  # type: ignore[return-value]


@post("/kiosk/lock", name="kiosk.lock")
async def kiosk_lock(request: Request, kiosk: KioskBrowser) -> Redirect:
    state = await kiosk_state(request, touch=False)
    await sessions.lock(state)
    return to_kiosk(request)  # type: ignore[return-value]


@post("/kiosk/unlock", name="kiosk.unlock")
async def kiosk_unlock(request: Request, kiosk: KioskBrowser) -> Template | Redirect:
    state = await kiosk_state(request, touch=False)
    form = await form_data(request)
    try:
        await sessions.unlock(state, str(form.get("pin", ""))[:32], kiosk.terminal_id)
    except SignInFailed as exc:
        if state.clerk is None:
            return to_kiosk(request)  # type: ignore[return-value]
        return kiosk_page(request, "kiosk/locked.html",
                          {"terminal": kiosk.terminal, "clerk": state.clerk, "error": exc.message},
                          status=401)
    return to_kiosk(request)  # type: ignore[return-value]


@post("/kiosk/sign-out", name="kiosk.sign_out")
async def kiosk_sign_out(request: Request, at: ClerkAtKiosk) -> Redirect:
    await sessions.sign_out(at.state)
    return to_kiosk(request)  # type: ignore[return-value]


@get("/kiosk/status", name="kiosk.status")
async def device_status(request: Request, poll: ClerkPolling) -> Template:
    """The status bar's device part, polled every few seconds (not counted as activity)."""
    return kiosk_partial("kiosk/_status.html",
                         {"devices": await devices.statuses(poll.terminal)})


ROUTES = [kiosk_router([kiosk_home, kiosk_sign_in, kiosk_lock, kiosk_unlock, kiosk_sign_out,
                        device_status])]
