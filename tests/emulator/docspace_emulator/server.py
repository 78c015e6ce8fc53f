"""Start the emulator: bind the socket, seed the portals, print the JSON line, serve until
SIGTERM or SIGINT, and remove the files written for TLS."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from pathlib import Path

from aiohttp import web

from .app import make_app
from .model import World
from .profiles import PROFILES

HOST = "127.0.0.1"
# Set to "1" by control.Emulator: stop when standard input is closed.
WATCH_STDIN = "DOCSPACE_EMULATOR_WATCH_STDIN"


def _tls(directory: Path):
    """A throwaway CA and a server certificate for 127.0.0.1 and localhost."""
    import ssl

    import trustme  # imported here: plain HTTP should not pay for it at start-up

    ca = trustme.CA()
    certificate = ca.issue_cert(HOST, "localhost")
    ca_file = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    return context, str(ca_file)


def _stop_when_stdin_closes(loop, stop: asyncio.Event) -> None:
    """Stop once standard input reaches its end.

    The Python helper keeps a pipe open on the emulator's stdin and asks for this, so an
    emulator whose test process died (and so closed the pipe) stops and cleans up instead
    of lingering. Started by hand, the emulator does not watch stdin at all.
    """
    descriptor = sys.stdin.fileno()

    def readable() -> None:
        if not os.read(descriptor, 4096):
            loop.remove_reader(descriptor)
            stop.set()

    loop.add_reader(descriptor, readable)


async def _serve(world: World, sock: socket.socket, ssl_context, ca_file) -> None:
    runner = web.AppRunner(
        make_app(world, ca_file), access_log=None, handle_signals=False, shutdown_timeout=1.0
    )
    await runner.setup()
    site = web.SockSite(runner, sock, ssl_context=ssl_context)
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if os.environ.get(WATCH_STDIN) == "1":
        _stop_when_stdin_closes(loop, stop)
    # The line is printed only once the socket accepts connections and a signal stops
    # the server cleanly: a reader may connect, or kill it, as soon as it has the line.
    sys.stdout.write(json.dumps(world.info(ca_file)) + "\n")
    sys.stdout.flush()
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def _exit_on_signal(signum, frame):
    raise SystemExit(0)


def run(port: int, profile: str, portals: int, tls: bool) -> None:
    # Until the event loop takes the signals over, SIGTERM still unwinds through the
    # finally below, so the TLS files go even if the server is killed while starting.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    directory = None
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen(512)
        port = sock.getsockname()[1]
        ssl_context, ca_file = None, None
        if tls:
            directory = Path(tempfile.mkdtemp(prefix="docspace-emulator-"))
            ssl_context, ca_file = _tls(directory)
        scheme = "https" if tls else "http"
        world = World(PROFILES[profile], portals, f"{scheme}://{HOST}:{port}")
        asyncio.run(_serve(world, sock, ssl_context, ca_file))
    finally:
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)
