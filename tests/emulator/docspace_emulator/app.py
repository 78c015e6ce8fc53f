"""The aiohttp application: portal routes, the control API, and the middleware that logs
every portal request and applies the faults a test asked for."""

from __future__ import annotations

import asyncio
from email.utils import formatdate

from aiohttp import web

from . import auth, control_api, router, routes_auth, routes_support, routes_tfa
from .router import WORLD

# Importing these modules registers their endpoints with the router.
ROUTE_MODULES = (routes_auth, routes_support, routes_tfa)


def _split(path: str):
    """("portal001", "/api/2.0/...") for a portal path, (None, path) otherwise."""
    rest = path[1:] if path.startswith("/") else path
    name, slash, tail = rest.partition("/")
    return name, slash + tail


@web.middleware
async def record_and_fault(request: web.Request, handler):
    if request.path.startswith(control_api.PREFIX + "/"):
        return await handler(request)
    world = request.app[WORLD]
    name, relative = _split(request.path)
    portal = name if name in world.portals else None
    # Appended on arrival so the log keeps arrival order; the status is filled in when the
    # answer is ready, and stays null for a dropped connection.
    entry = {
        "method": request.method,
        "path": relative if portal else request.path,
        "query": dict(request.query),
        "status": None,
        "portal": portal,
        "auth": auth.presented_scheme(request),
    }
    world.log.append(entry)
    fault = world.faults.take(request.method, entry["path"], request.path, portal)
    if fault is not None:
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.drop:
            if request.transport is not None:
                request.transport.close()
            # Nothing reaches the client: the transport is gone before aiohttp writes.
            return web.Response(status=499)
        if fault.answers:
            headers = {
                "Content-Type": fault.content_type or "text/plain; charset=utf-8",
                "Date": _http_date(world),
            }
            headers.update(fault.headers)
            response = web.Response(
                status=fault.status or 500,
                body=(fault.body or "").encode("utf-8"),
                headers=headers,
            )
            entry["status"] = response.status
            return response
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        # Paths outside any portal route: ASP.NET's bare status, no aiohttp text body.
        response = web.Response(status=exc.status)
    # The Date header follows the emulator clock, so a shifted clock shows as skew.
    response.headers["Date"] = _http_date(world)
    entry["status"] = response.status
    return response


def _http_date(world) -> str:
    return formatdate(world.clock.now(), usegmt=True)


async def _outside(request: web.Request):
    raise web.HTTPNotFound()


def make_app(world, ca_file: str | None = None) -> web.Application:
    app = web.Application(middlewares=[record_and_fault])
    app[WORLD] = world
    app[control_api.CA_FILE] = ca_file
    control_api.add_routes(app)
    app.router.add_route("*", "/{portal}/api/2.0/{tail:.*}", router.dispatch)
    app.router.add_route("*", "/{tail:.*}", _outside)
    return app
