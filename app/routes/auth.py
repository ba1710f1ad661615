"""Sign-in and sign-out."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from app.audit.services import record
from app.auth.errors import SignInFailed
from app.auth.sessions import COOKIE_NAME, end_session, start_session
from app.auth.signin import check_password
from app.settings import get_settings
from app.web.guards import PUBLIC
from app.web.render import form_data, page, text
from app.web.request_guard import csrf_cookie
from app.web.session_middleware import client_origin


def _safe_next(target: str) -> str:
    """Only a path on this site; never an open redirect."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@get("/login", name="login", opt=PUBLIC)
async def login_form(request: Request, next: FromQuery[str] = "/") -> Template | Redirect:
    if request.scope.get("user"):
        return Redirect(path="/", status_code=HTTP_303_SEE_OTHER)
    return page(request, "auth/login.html", {"next": _safe_next(next), "username": ""})


@post("/login", name="login.submit", opt=PUBLIC)
async def login(request: Request) -> Template | Redirect:
    form = await form_data(request)
    username = text(form, "username", 64)
    password = str(form.get("password", ""))[:256]
    target = _safe_next(text(form, "next", 200) or "/")
    origin = client_origin(request.scope)
    try:
        if not username or not password:
            raise SignInFailed("Enter your username and password.")
        principal = await check_password(username, password, origin)
    except SignInFailed as exc:
        return page(request, "auth/login.html",
                    {"error": exc.message, "username": username, "next": target}, status=401)
    previous = request.cookies.get(COOKIE_NAME, "")
    if previous:  # signing in again from this browser: the earlier session ends
        await end_session(previous)
    token = await start_session(principal.id, origin, request.headers.get("user-agent", ""))
    settings = get_settings()
    response = Redirect(path=target, status_code=HTTP_303_SEE_OTHER)
    response.cookies.append(Cookie(
        key=COOKIE_NAME, value=token, httponly=True, samesite="lax", secure=settings.https,
        path="/", max_age=settings.session_max_hours * 3600,
    ))
    response.cookies.append(csrf_cookie(token))  # the CSRF token is this session's own
    return response


@post("/logout", name="logout", opt=PUBLIC)
async def logout(request: Request) -> Redirect:
    token = request.cookies.get(COOKIE_NAME, "")
    user = request.scope.get("user")
    if token:
        await end_session(token)
    if user:
        await record(user, "auth.sign_out", "user", user.id)
    response = Redirect(path="/login", status_code=HTTP_303_SEE_OTHER)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


ROUTES = [login_form, login, logout]
