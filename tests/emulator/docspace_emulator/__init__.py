"""A DocSpace stand-in for tests: DocSpace 3.7's TFA settings API and the few people,
group, portal and authentication calls around it, quirks included, for many independent
portals in one process. It is not DocSpace; its behaviour follows docspace-api-facts.md.

Start it with ``tests/emulator/serve``; drive it from tests with
``docspace_emulator.control.Emulator``.
"""
