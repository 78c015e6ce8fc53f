# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Time-based one-time passwords (RFC 6238) with the standard library only.

DocSpace links an authenticator app with an HMAC-SHA1 TOTP of 6 digits and 30-second steps,
and hands out its secret as 16 base32 characters (an 80-bit key). The client and the
``onlyoffice.docspace.totp`` filter both compute codes here.

This file runs on managed nodes too, so it keeps to syntax every supported Python accepts.
No message raised from here ever contains the secret, not even part of it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
import math
import re
import struct
import time

DIGITS = 6
STEP = 30

# DocSpace's keys are 10 bytes. Anything shorter is far more likely a wrong variable than a
# real secret, and would be trivial to guess.
MIN_SECRET_BYTES = 10

_BASE32_CHARS = re.compile(r"^[A-Z2-7]+$")
_SEPARATORS = re.compile(r"[\s-]+")
# The unpadded length of base32 text, modulo 8, can never be 1, 3 or 6.
_VALID_REMAINDERS = (0, 2, 4, 5, 7)


class InvalidSecretError(ValueError):
    """The secret is not usable base32. The message never repeats the secret."""


def normalize_secret(secret):
    """Return the raw key bytes of a base32 ``secret``.

    Upper and lower case are the same, spaces and dashes are ignored (apps often show the
    secret in groups of four), and ``=`` padding may be present or not.
    """
    if isinstance(secret, bytes):
        # Not decoded inside a try block: a UnicodeDecodeError chained to our error would
        # show a byte of the secret in a traceback.
        if any(byte > 0x7F for byte in bytearray(secret)):
            raise InvalidSecretError("The TOTP secret contains bytes that are not ASCII base32.")
        secret = secret.decode("ascii")
    if not isinstance(secret, str):
        raise InvalidSecretError(
            "The TOTP secret must be a base32 string, not %s." % type(secret).__name__
        )
    if "://" in secret:
        raise InvalidSecretError(
            "The TOTP secret looks like an otpauth:// URI; pass only the value of its "
            "secret parameter."
        )

    text = _SEPARATORS.sub("", secret).upper().rstrip("=")
    if not text:
        raise InvalidSecretError("The TOTP secret is empty.")
    if not _BASE32_CHARS.match(text):
        raise InvalidSecretError(
            "The TOTP secret contains characters that are not base32; only the letters A-Z, "
            "the digits 2-7, spaces, dashes and trailing '=' padding are allowed."
        )
    if len(text) % 8 not in _VALID_REMAINDERS:
        raise InvalidSecretError(
            "The TOTP secret has %d base32 characters, which no key encodes to; a character "
            "is missing or extra." % len(text)
        )

    key = base64.b32decode(text + "=" * (-len(text) % 8))
    if len(key) < MIN_SECRET_BYTES:
        raise InvalidSecretError(
            "The TOTP secret is %d bytes long; at least %d bytes (16 base32 characters) are "
            "needed." % (len(key), MIN_SECRET_BYTES)
        )
    return key


def time_step(for_time=None, step=STEP):
    """Return the RFC 6238 counter for ``for_time`` (seconds since the epoch, default now).

    Two calls that return the same number would produce the same code, so a caller that
    must never submit a code twice compares these counters.
    """
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        raise ValueError("The TOTP step must be a positive whole number of seconds.")
    if for_time is None:
        for_time = time.time()
    elif isinstance(for_time, bool) or not isinstance(for_time, (int, float)):
        raise TypeError(
            "The time for a TOTP code must be a number of seconds since the epoch, not %s."
            % type(for_time).__name__
        )
    if math.isnan(for_time) or math.isinf(for_time):
        raise ValueError("The time for a TOTP code must be a finite number.")
    if for_time < 0:
        raise ValueError("The time for a TOTP code cannot be before the epoch.")
    counter = int(for_time // step)
    if counter >= 2**64:
        raise ValueError("The time for a TOTP code is too far in the future.")
    return counter


def _hotp(key, counter, digits):
    # RFC 4226 section 5.3: HMAC-SHA1 of the big-endian counter, then dynamic truncation.
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = bytearray(mac)[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def _check_digits(digits):
    # RFC 4226 asks for at least 6 digits; the 31-bit truncation cannot fill more than 8 well.
    if isinstance(digits, bool) or not isinstance(digits, int) or not 6 <= digits <= 8:
        raise ValueError("A TOTP code has 6, 7 or 8 digits.")


def totp(secret, for_time=None, digits=DIGITS, step=STEP):
    """Return the code for ``secret`` at ``for_time`` as a string, leading zeros kept."""
    _check_digits(digits)
    counter = time_step(for_time, step)
    return _hotp(normalize_secret(secret), counter, digits)


def verify(secret, code, for_time=None, window=0, digits=DIGITS, step=STEP):
    """Tell whether ``code`` is valid for ``secret`` within ``window`` steps either side.

    ``code`` must be a string: a number has already lost any leading zero.
    """
    if not isinstance(code, str):
        raise TypeError("A TOTP code must be a string; quote it so leading zeros are kept.")
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise ValueError("The TOTP window must be a whole number of steps, zero or more.")
    _check_digits(digits)
    key = normalize_secret(secret)
    counter = time_step(for_time, step)
    code = code.strip().encode("utf-8")
    matched = False
    # Every candidate is compared, so the time taken does not tell which step matched.
    for candidate in range(max(counter - window, 0), counter + window + 1):
        if hmac.compare_digest(_hotp(key, candidate, digits).encode("ascii"), code):
            matched = True
    return matched
