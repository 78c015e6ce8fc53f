"""``python -m docspace_emulator``; tests/emulator/serve is the usual way in."""

from __future__ import annotations

import argparse

from .profiles import PROFILES
from .server import run


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="serve", description="A DocSpace stand-in on loopback, for tests. Not DocSpace."
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="3.7")
    parser.add_argument("--portals", type=int, default=3, help="number of portals to seed")
    parser.add_argument("--tls", action="store_true", help="HTTPS with a throwaway CA")
    args = parser.parse_args(argv)
    if args.portals < 1:
        parser.error("--portals must be at least 1")
    run(args.port, args.profile, args.portals, args.tls)


if __name__ == "__main__":
    main()
