"""DocSpace's authenticator-app secret, TOTP codes and backup codes.

Written from RFC 4226/6238 and the facts file, and deliberately independent of the
collection's own TOTP code: the emulator is there to check that code, not to share it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import zlib
from datetime import datetime, timezone
from urllib.parse import quote

STEP = 30
DIGITS = 6
# DocSpace accepts codes up to five minutes away from its clock: 10 steps either side.
DRIFT_STEPS = 10
BACKUP_COUNT = 5
BACKUP_LENGTH = 6
BACKUP_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
# The per-user salt counts milliseconds from this date.
SALT_EPOCH = datetime(2018, 7, 7, tzinfo=timezone.utc).timestamp()


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226 HOTP with HMAC-SHA1 and dynamic truncation."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def totp(key: bytes, for_time: float, step: int = STEP, digits: int = DIGITS) -> str:
    """RFC 6238 TOTP for a Unix time."""
    return hotp(key, int(for_time // step), digits)


def verify(key: bytes, code: str, now: float, drift: int = DRIFT_STEPS) -> bool:
    """Whether ``code`` is one of the 2 * drift + 1 codes around ``now``.

    DocSpace compares the trimmed code as an exact string, so "012345" and "12345" differ.
    """
    code = code.strip()
    counter = int(now // STEP)
    candidates = (hotp(key, counter + d) for d in range(-drift, drift + 1) if counter + d >= 0)
    return any(hmac.compare_digest(candidate, code) for candidate in candidates)


def new_salt(now: float) -> int:
    """A fresh per-user salt: milliseconds since 2018-07-07Z, as DocSpace makes it."""
    return int((now - SALT_EPOCH) * 1000)


def secret_from_salt(salt: int, machine_constant: str) -> bytes:
    """The 10 ASCII characters that DocSpace uses as the raw 80-bit HMAC key."""
    digest = hashlib.sha256((str(salt) + machine_constant).encode("utf-8")).digest()
    inner = base64.b64encode(digest)
    outer = base64.urlsafe_b64encode(inner).decode("ascii")
    return outer[:10].encode("ascii")


def manual_entry_key(key: bytes) -> str:
    """RFC 4648 base32 without padding: 16 characters for DocSpace's 10-byte key."""
    return base64.b32encode(key).decode("ascii").rstrip("=")


def key_from_manual_entry(text: str) -> bytes:
    """The raw key behind a manualEntryKey, for clients (and tests) that compute codes."""
    text = text.strip().replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def escaped_account(email: str) -> str:
    """The ``account`` field: the e-mail URI-escaped, whitespace removed."""
    return quote("".join(email.split()), safe="")


def otpauth_uri(issuer: str, account: str, key32: str) -> str:
    issuer_escaped = quote(issuer, safe="")
    return f"otpauth://totp/{issuer_escaped}:{account}?secret={key32}&issuer={issuer_escaped}"


def new_backup_codes(count: int = BACKUP_COUNT, length: int = BACKUP_LENGTH) -> list:
    """Backup codes: each character is a random byte taken modulo the 64-letter alphabet."""
    return [
        "".join(BACKUP_ALPHABET[byte % 64] for byte in secrets.token_bytes(length))
        for _index in range(count)
    ]


def setup_image_data_url(text: str, modules: int = 25, scale: int = 4) -> str:
    """A ``data:image/png;base64,...`` URL standing in for DocSpace's QR code.

    The picture is a valid PNG with a module pattern derived from ``text``, so each
    provisioning URI gets its own image, but it is not a real QR code: nothing in the
    collection scans it, and drawing a QR code would add a dependency for no test.
    """
    bits = bytearray()
    seed = text.encode("utf-8")
    while len(bits) < modules * modules:
        seed = hashlib.sha256(seed).digest()
        for byte in seed:
            bits.extend((byte >> shift) & 1 for shift in range(8))
    size = modules * scale
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # PNG filter type "None" for this row
        for x in range(size):
            dark = bits[(y // scale) * modules + x // scale]
            rows.append(0 if dark else 255)
    png = b"\x89PNG\r\n\x1a\n"
    png += _png_chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0))
    png += _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9))
    png += _png_chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
