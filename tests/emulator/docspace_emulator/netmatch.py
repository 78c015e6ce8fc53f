"""Trusted-IP matching the way DocSpace's IPAddressRange does it, crash included.

DocSpace stores ``trustedIps`` unvalidated and parses them only when it checks a login.
An entry with a dash is read as a range and one with a slash as a CIDR block; a part that
is not an address raises .NET's FormatException, which the API answers with a 500. That is
why "not-an-ip" (it has dashes) breaks every later login.
"""

from __future__ import annotations

import ipaddress

REAL_IP_PARAMETER = "request-x-real-ip"


class AddressFormatError(Exception):
    """An entry or the request address could not be parsed as an IP address."""

    message = "An invalid IP address was specified."


def request_ip(query, remote: str | None) -> str:
    """The address DocSpace matches: the ``request-x-real-ip`` query parameter if present,
    else the connection's remote address. ASP.NET reads query names case-insensitively."""
    for name, value in query.items():
        if name.lower() == REAL_IP_PARAMETER:
            return strip_port(value)
    return strip_port(remote or "")


def strip_port(address: str) -> str:
    address = address.strip()
    if address.startswith("["):
        return address[1:].split("]", 1)[0]
    if address.count(":") == 1:
        return address.split(":", 1)[0]
    return address


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        raise AddressFormatError(text) from None


def matches(address: str, entry: str) -> bool:
    """Whether ``address`` is covered by one trusted-IP entry."""
    if "-" in entry:
        first, last = entry.split("-", 1)
        low, high, ip = _parse(first), _parse(last), _parse(address)
        if not (low.version == high.version == ip.version):
            return False
        return low.packed <= ip.packed <= high.packed
    if "/" in entry:
        base, _slash, bits = entry.partition("/")
        network_address = _parse(base)
        try:
            prefix = int(bits)
        except ValueError:
            raise AddressFormatError(entry) from None
        ip = _parse(address)
        # DocSpace's mask arithmetic is 32-bit, so only IPv4 blocks ever match.
        if network_address.version != 4 or ip.version != 4 or not 0 <= prefix <= 32:
            return False
        mask = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF
        return int(ip) & mask == int(network_address) & mask
    return entry == address


def is_trusted(address: str, entries) -> bool:
    return any(matches(address, entry) for entry in entries or ())


def is_valid_entry(entry) -> bool:
    """The check that builds after 3.7 apply when the policy is saved."""
    if not isinstance(entry, str) or not entry.strip():
        return False
    try:
        if "-" in entry:
            first, last = entry.split("-", 1)
            return _parse(first).version == _parse(last).version
        if "/" in entry:
            ipaddress.ip_network(entry.strip(), strict=False)
            return True
        _parse(entry)
        return True
    except (AddressFormatError, ValueError):
        return False
