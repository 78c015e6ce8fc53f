"""The control API under ``/__emulator__/``: what a test uses and DocSpace does not have.

Its requests are neither logged nor faulted. Bodies and answers are plain JSON, without
DocSpace's envelope, and a mistake in a control call is a 400 with ``{"error": ...}``.
"""

from __future__ import annotations

import json

from aiohttp import web

from .router import WORLD

PREFIX = "/__emulator__"
CA_FILE = web.AppKey("ca_file", object)
CONFIG_FLAGS = ("sms_provider", "hide_sms", "hide_app")


class ControlError(Exception):
    pass


async def _body(request: web.Request) -> dict:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ControlError(f"the body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ControlError("the body must be a JSON object")
    return value


def _portal_name(world, name) -> str | None:
    if name is None:
        return None
    if name not in world.portals:
        raise ControlError(f"no portal called {name!r}")
    return name


def _handler(fn):
    async def handle(request: web.Request):
        try:
            return web.json_response(await fn(request, request.app[WORLD]))
        except ControlError as exc:
            return web.json_response({"error": str(exc)}, status=400)

    return handle


async def info(request, world):
    return world.info(request.app[CA_FILE])


async def get_requests(request, world):
    return world.log.entries(_portal_name(world, request.query.get("portal")))


async def delete_requests(request, world):
    world.log.clear(_portal_name(world, request.query.get("portal")))
    return {"cleared": True}


async def reset(request, world):
    """Everything back to the seeded state, credentials kept; one portal or all.

    A full reset also clears the request log and the faults and puts the clock back; a
    portal reset clears only that portal's log entries and faults.
    """
    body = await _body(request)
    world.reset(_portal_name(world, body.get("portal")))
    return {"reset": body.get("portal") or "all"}


async def state(request, world):
    now = world.clock.now()
    name = _portal_name(world, request.query.get("portal"))
    if name is not None:
        return world.portals[name].state(now)
    return {
        "profile": world.profile.name,
        "clock": {"offset": world.clock.offset, "now": now},
        "faults": world.faults.describe(),
        "portals": {key: portal.state(now) for key, portal in world.portals.items()},
    }


async def get_faults(request, world):
    return world.faults.describe()


async def add_fault(request, world):
    body = await _body(request)
    _portal_name(world, body.get("portal"))
    try:
        fault = world.faults.add(body)
    except (TypeError, ValueError) as exc:
        raise ControlError(str(exc)) from None
    return fault.describe()


async def delete_faults(request, world):
    world.faults.clear(_portal_name(world, request.query.get("portal")))
    return {"cleared": True}


async def get_clock(request, world):
    return {"offset": world.clock.offset, "now": world.clock.now()}


async def clock(request, world):
    """``{"offset": seconds}`` sets (not adds to) the shift; 0 puts the clock back."""
    body = await _body(request)
    offset = body.get("offset", 0)
    if isinstance(offset, bool) or not isinstance(offset, (int, float)):
        raise ControlError("offset must be a number of seconds")
    world.clock.offset = float(offset)
    return {"offset": world.clock.offset, "now": world.clock.now()}


async def config(request, world):
    """Per-portal switches: an SMS provider, and hiding either method (web:hide-settings).
    Without ``portal`` the switches apply to every portal."""
    body = await _body(request)
    name = _portal_name(world, body.pop("portal", None))
    unknown = set(body) - set(CONFIG_FLAGS)
    if unknown:
        raise ControlError(f"unknown config fields: {sorted(unknown)}")
    if not all(isinstance(value, bool) for value in body.values()):
        raise ControlError("config flags must be true or false")
    targets = [world.portals[name]] if name else list(world.portals.values())
    for portal in targets:
        for flag, value in body.items():
            setattr(portal, flag, value)
    return {p.name: {flag: getattr(p, flag) for flag in CONFIG_FLAGS} for p in targets}


def add_routes(app: web.Application) -> None:
    table = [
        ("GET", "info", info),
        ("GET", "requests", get_requests),
        ("DELETE", "requests", delete_requests),
        ("POST", "reset", reset),
        ("GET", "state", state),
        ("GET", "faults", get_faults),
        ("POST", "faults", add_fault),
        ("DELETE", "faults", delete_faults),
        ("GET", "clock", get_clock),
        ("POST", "clock", clock),
        ("POST", "config", config),
    ]
    for method, name, fn in table:
        app.router.add_route(method, f"{PREFIX}/{name}", _handler(fn))
