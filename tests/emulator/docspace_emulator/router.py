"""Routing of portal API requests, and the per-request context the handlers work with.

Every portal shares one set of routes under ``/{portal}/api/2.0/``. The emulator matches
them itself rather than through aiohttp's router so that it answers the way ASP.NET does:
case-insensitive paths, an optional trailing slash, an empty 404 for an unknown route and
an empty 405 for a known route called with another method.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import formatdate

from aiohttp import web

from . import auth, binding, envelope, netmatch
from .envelope import ApiError, EmptyResponse, ValidationFailed
from .model import Session, User

WORLD = web.AppKey("world", object)


@dataclass
class Route:
    method: str
    pattern: re.Pattern
    handler: object
    operation: str


ROUTES: list = []


def endpoint(method: str, path: str, operation: str):
    """Register a handler for ``/api/2.0/<path>``; ``{name}`` captures one segment.

    ``operation`` names the DocSpace controller method, used in error stack traces.
    """
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    pattern = re.compile(f"^{regex}/?$", re.IGNORECASE)

    def register(handler):
        ROUTES.append(Route(method, pattern, handler, operation))
        return handler

    return register


def resolve(method: str, tail: str):
    allowed = False
    for route in ROUTES:
        match = route.pattern.match(tail)
        if match is None:
            continue
        if route.method == method:
            return route, match.groupdict()
        allowed = True
    raise EmptyResponse(405 if allowed else 404)


class Ctx:
    """One request to one portal: who calls, from where, and the cookies to send back."""

    _UNSET = object()

    def __init__(self, world, portal, request: web.Request):
        self.world = world
        self.portal = portal
        self.request = request
        self.profile = world.profile
        self.now = world.clock.now()
        self.cookies: list = []
        self._caller = self._UNSET

    @property
    def ip(self) -> str:
        return netmatch.request_ip(self.request.query, self.request.remote)

    @property
    def secure(self) -> bool:
        return self.request.scheme == "https"

    def caller(self):
        if self._caller is self._UNSET:
            self._caller = auth.authenticate(self.request, self.portal, self.now)
        return self._caller

    def require_user(self) -> auth.Caller:
        """The default policy: any authenticated user, else the empty 401 challenge."""
        caller = self.caller()
        if caller is None:
            raise EmptyResponse(401)
        return caller

    def require_confirm(self, roles) -> auth.Caller:
        """The confirm scheme with one of ``roles`` ("Everyone" admits any signed-in user).

        TfaAuth is refused on a request that is already signed in; TfaActivation is not.
        A valid confirm of another type, or a signed-in caller without the role, gets the
        empty 403; nobody at all gets the empty 401.
        """
        identity = auth.confirm_identity(self.request, self.portal, self.now)
        default = self.caller()
        if identity and identity[1] == "TfaAuth" and default is not None:
            identity = None
        if identity:
            user, confirm_type = identity
            if confirm_type in roles:
                return auth.Caller(user, "confirm", confirm_type=confirm_type)
            raise EmptyResponse(403)
        if default is not None:
            if "Everyone" in roles:
                return default
            raise EmptyResponse(403)
        raise EmptyResponse(401)

    @staticmethod
    def require_portal_admin(caller: auth.Caller) -> None:
        """EditPortalSettings: owner or DocSpace admin."""
        if not caller.user.is_admin:
            raise envelope.access_denied()

    async def body(self) -> dict:
        return await binding.read_body(self.request)

    def set_cookie(self, name: str, value: str, expires: float | None = None) -> None:
        self.cookies.append((name, value, expires))

    def expire_cookie(self, name: str) -> None:
        self.cookies.append((name, None, None))

    def sign_in(self, user: User, session_only: bool = False) -> Session:
        """Open a session and send its token as the ``asc_auth_key`` cookie."""
        session = self.portal.issue_session(user, self.now)
        self.set_cookie(auth.AUTH_COOKIE, session.token, None if session_only else session.expires)
        return session

    def apply(self, response: web.StreamResponse) -> None:
        # Cookies are scoped to the portal's path prefix so that one client talking to
        # several portals keeps their sessions apart, as separate hosts would.
        path = f"/{self.portal.name}"
        for name, value, expires in self.cookies:
            if value is None:
                response.del_cookie(name, path=path)
                continue
            options = {"path": path, "httponly": True, "secure": self.secure or None}
            if expires is not None:
                options["expires"] = formatdate(expires, usegmt=True)
            response.set_cookie(name, value, **{k: v for k, v in options.items() if v})


async def dispatch(request: web.Request) -> web.StreamResponse:
    world = request.app[WORLD]
    portal = world.portals.get(request.match_info["portal"])
    if portal is None:
        return web.Response(status=404)
    ctx = Ctx(world, portal, request)
    where = "ASC.Web.Api"
    try:
        route, params = resolve(request.method, request.match_info["tail"])
        where = route.operation
        value = await route.handler(ctx, **params)
        response = envelope.success(request, value)
    except ApiError as failure:
        response = envelope.error(request, failure, where)
    except ValidationFailed as failure:
        response = envelope.validation(request, failure, world.profile)
    except EmptyResponse as failure:
        response = web.Response(status=failure.status)
    except netmatch.AddressFormatError:
        failure = ApiError(500, netmatch.AddressFormatError.message, "System.FormatException")
        response = envelope.error(request, failure, where)
    ctx.apply(response)
    if request.headers.get("Authorization", "").lower().startswith("basic "):
        response.headers["WWW-Authenticate"] = "Basic"
    return response
