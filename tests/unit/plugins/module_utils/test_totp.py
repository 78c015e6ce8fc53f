# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import ast
import base64
import re
import sys
from pathlib import Path

import pytest

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _totp
from ansible_collections.onlyoffice.docspace.plugins.module_utils._totp import (
    InvalidSecretError,
    normalize_secret,
    time_step,
    totp,
    verify,
)

# RFC 6238 appendix B: the SHA-1 rows use this 20-byte ASCII key and 8-digit codes.
RFC_KEY = b"12345678901234567890"
RFC_SECRET = base64.b32encode(RFC_KEY).decode("ascii")
RFC_SHA1_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]

# A DocSpace key is 10 ASCII characters taken from base64url text, used as raw bytes; its
# manual entry key is their base32 form without padding, 16 characters.
DOCSPACE_KEY = b"Zq3-aB9_xY"
DOCSPACE_SECRET = base64.b32encode(DOCSPACE_KEY).decode("ascii").rstrip("=")

# The well-known example secret; its key is b"Hello!" followed by 0xDEADBEEF. The codes
# below were checked against `openssl dgst -sha1 -mac HMAC`.
EXAMPLE_SECRET = "JBSWY3DPEHPK3PXP"
EXAMPLE_KEY = b"Hello!\xde\xad\xbe\xef"


def _spellings(secret):
    groups = [secret[i : i + 4] for i in range(0, len(secret), 4)]
    padded = secret + "=" * (-len(secret) % 8)
    return [
        secret,
        secret.lower(),
        padded,
        padded.lower(),
        " ".join(groups),
        " ".join(groups).lower(),
        "-".join(groups),
        "-".join(groups).lower() + "=" * (-len(secret) % 8),
        "".join(c.lower() if i % 2 else c for i, c in enumerate(secret)),
        "  %s\n" % secret,
        "\t".join(groups),
    ]


@pytest.mark.parametrize(("for_time", "expected"), RFC_SHA1_VECTORS)
def test_rfc6238_sha1_vectors_with_eight_digits(for_time, expected):
    assert totp(RFC_SECRET, for_time=for_time, digits=8) == expected


@pytest.mark.parametrize(("for_time", "expected"), RFC_SHA1_VECTORS)
def test_rfc6238_six_digits_are_the_last_six_of_eight(for_time, expected):
    # Both lengths reduce the same 31-bit number, modulo 10**8 or 10**6.
    assert totp(RFC_SECRET, for_time=for_time) == expected[-6:]
    assert totp(RFC_SECRET, for_time=for_time, digits=6) == expected[-6:]


def test_rfc_secret_decodes_to_the_rfc_key():
    assert len(RFC_SECRET) == 32
    assert normalize_secret(RFC_SECRET) == RFC_KEY


def test_known_base32_secret_decodes_to_its_known_key():
    assert normalize_secret(EXAMPLE_SECRET) == EXAMPLE_KEY


def test_pinned_codes_of_the_example_secret():
    assert totp(EXAMPLE_SECRET, for_time=1700000000) == "324550"
    assert totp(EXAMPLE_SECRET, for_time=1700002920) == "000994"


def test_docspace_secret_has_sixteen_characters():
    assert len(DOCSPACE_SECRET) == 16
    assert normalize_secret(DOCSPACE_SECRET) == DOCSPACE_KEY


@pytest.mark.parametrize("spelling", _spellings(DOCSPACE_SECRET))
def test_every_spelling_of_a_docspace_secret_gives_the_same_key_and_code(spelling):
    assert normalize_secret(spelling) == DOCSPACE_KEY
    for for_time in (0, 1700000000, 1700000029.9, 2000000000):
        assert totp(spelling, for_time=for_time) == totp(DOCSPACE_SECRET, for_time=for_time)


@pytest.mark.parametrize("spelling", _spellings(RFC_SECRET))
def test_every_spelling_of_the_rfc_secret_passes_the_vectors(spelling):
    for for_time, expected in RFC_SHA1_VECTORS:
        assert totp(spelling, for_time=for_time, digits=8) == expected


def test_bytes_secret_is_read_as_base32_text():
    assert normalize_secret(DOCSPACE_SECRET.lower().encode("ascii")) == DOCSPACE_KEY


def test_leading_zeros_are_kept_whatever_the_secret():
    # Search rather than trust one pinned value: about one step in ten starts with a zero.
    for secret in (DOCSPACE_SECRET, EXAMPLE_SECRET, RFC_SECRET):
        found = []
        for counter in range(56666666, 56666666 + 1000):
            code = totp(secret, for_time=counter * 30)
            assert len(code) == 6
            assert code.isdigit()
            if code.startswith("0"):
                found.append(code)
        assert found, "no code with a leading zero in 1000 steps"
        assert all(len(code) == 6 for code in found)


def test_code_is_a_str():
    assert isinstance(totp(DOCSPACE_SECRET, for_time=0), str)


@pytest.mark.parametrize(
    ("for_time", "step", "expected"),
    [
        (0, 30, 0),
        (29, 30, 0),
        (29.999, 30, 0),
        (30, 30, 1),
        (59, 30, 1),
        (1700000000, 30, 56666666),
        (1700000000.5, 30, 56666666),
        (1700000000, 60, 28333333),
    ],
)
def test_time_step(for_time, step, expected):
    assert time_step(for_time, step=step) == expected


def test_same_step_same_code_next_step_other_code():
    start = 56666666 * 30
    codes = {totp(DOCSPACE_SECRET, for_time=start + second) for second in range(30)}
    assert len(codes) == 1
    assert totp(DOCSPACE_SECRET, for_time=start + 30) not in codes


def test_current_time_is_the_default(monkeypatch):
    monkeypatch.setattr(_totp.time, "time", lambda: 1700002925.25)
    assert time_step() == 56666764
    assert totp(EXAMPLE_SECRET) == "000994"
    assert verify(EXAMPLE_SECRET, "000994")


def test_verify_accepts_the_code_and_rejects_others():
    assert verify(EXAMPLE_SECRET, "324550", for_time=1700000000)
    assert verify(EXAMPLE_SECRET, " 324550 ", for_time=1700000000)
    assert not verify(EXAMPLE_SECRET, "324551", for_time=1700000000)
    assert not verify(EXAMPLE_SECRET, "", for_time=1700000000)
    assert not verify(EXAMPLE_SECRET, "\u0663\u0662\u0664", for_time=1700000000)


def test_verify_window_covers_neighbouring_steps():
    previous = totp(EXAMPLE_SECRET, for_time=1700000000 - 30)
    assert not verify(EXAMPLE_SECRET, previous, for_time=1700000000)
    assert verify(EXAMPLE_SECRET, previous, for_time=1700000000, window=1)
    # Near the epoch the window does not reach below step zero.
    assert verify(EXAMPLE_SECRET, totp(EXAMPLE_SECRET, for_time=0), for_time=30, window=5)


def test_verify_refuses_a_number():
    with pytest.raises(TypeError, match="quote it"):
        verify(EXAMPLE_SECRET, 324550, for_time=1700000000)


# Each invalid secret is long enough that a message quoting it would be caught below.
INVALID_SECRETS = [
    ("", "empty"),
    ("   ", "empty"),
    (" - -\n", "empty"),
    ("====", "empty"),
    ("GEZDGNBVGY3TQOJ1", "not base32"),
    ("GEZDGNBVGY3TQOJ0", "not base32"),
    ("GEZDGNBVGY3TQOJ8", "not base32"),
    ("GEZDGNBV!Y3TQOJQ", "not base32"),
    ("GEZDGNBV_Y3TQOJQ", "not base32"),
    ("GEZDGNBVGY3TQOJQ\u00e9", "not base32"),
    ("GEZDGNBV=GY3TQOJQ", "not base32"),
    ("R0VaREdOQlZHWTNU", "not base32"),
    ("GEZDGNBVGY3TQOJQG", "17 base32 characters"),
    ("GEZDGNBVGY3TQOJQGEZ", "19 base32 characters"),
    ("GEZDGNBVGY3TQO", "14 base32 characters"),
    ("GEZDGNBVGY3TQ", "8 bytes long"),
    ("GEZDGNBV", "5 bytes long"),
    ("otpauth://totp/x:y?secret=GEZDGNBVGY3TQOJQ", "otpauth:// URI"),
]


def _assert_does_not_leak(exc_info, secret):
    message = str(exc_info.value)
    cleaned = secret.replace(" ", "").replace("-", "").strip("=\n")
    if len(cleaned) >= 4:
        for text in (secret, cleaned, cleaned.upper(), cleaned.lower()):
            assert text not in message
        # Nor a recognisable piece of key material.
        for start in range(len(cleaned) - 7):
            piece = cleaned[start : start + 8].upper()
            if re.match(r"^[A-Z2-7]+$", piece):
                assert piece not in message.upper()
    # A chained exception could carry the secret into a traceback.
    assert exc_info.value.__cause__ is None
    assert exc_info.value.__context__ is None


@pytest.mark.parametrize(("secret", "reason"), INVALID_SECRETS)
def test_invalid_secrets_are_refused_without_echoing_them(secret, reason):
    with pytest.raises(InvalidSecretError) as exc_info:
        normalize_secret(secret)
    assert isinstance(exc_info.value, ValueError)
    assert reason in str(exc_info.value)
    _assert_does_not_leak(exc_info, secret)

    with pytest.raises(InvalidSecretError) as exc_info:
        totp(secret, for_time=0)
    _assert_does_not_leak(exc_info, secret)


def test_non_ascii_bytes_are_refused_without_echoing_them():
    secret = "GEZDGNBVGY3TQOJQ\u00e9".encode("utf-8")
    with pytest.raises(InvalidSecretError, match="not ASCII") as exc_info:
        normalize_secret(secret)
    assert exc_info.value.__context__ is None
    assert "GEZDGNBV" not in str(exc_info.value)


@pytest.mark.parametrize("secret", [None, 12345678901234567890, ["GEZDGNBVGY3TQOJQ"]])
def test_non_strings_are_refused(secret):
    with pytest.raises(InvalidSecretError, match="must be a base32 string") as exc_info:
        normalize_secret(secret)
    assert "GEZDGNBVGY3TQOJQ" not in str(exc_info.value)
    assert "12345678901234567890" not in str(exc_info.value)


@pytest.mark.parametrize(
    ("for_time", "error"),
    [
        (-1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (30 * 2**64, ValueError),
        (True, TypeError),
        ("1700000000", TypeError),
    ],
)
def test_bad_times_are_refused(for_time, error):
    with pytest.raises(error):
        totp(DOCSPACE_SECRET, for_time=for_time)


@pytest.mark.parametrize("digits", [5, 9, 0, True, "6", 6.0])
def test_bad_digit_counts_are_refused(digits):
    with pytest.raises(ValueError, match="6, 7 or 8 digits"):
        totp(DOCSPACE_SECRET, for_time=0, digits=digits)


@pytest.mark.parametrize("step", [0, -30, 30.0, True])
def test_bad_steps_are_refused(step):
    with pytest.raises(ValueError, match="positive whole number"):
        totp(DOCSPACE_SECRET, for_time=0, step=step)


@pytest.mark.parametrize("window", [-1, 1.0, True])
def test_bad_windows_are_refused(window):
    with pytest.raises(ValueError, match="window"):
        verify(DOCSPACE_SECRET, "000000", for_time=0, window=window)


def test_module_utils_keep_to_old_python_and_the_standard_library():
    # The file is shipped to managed nodes, so it must parse as Python 3.6 and need nothing
    # outside the standard library.
    source = Path(_totp.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 6))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported - {"__future__"} <= set(sys.stdlib_module_names)


def test_defaults_match_docspace():
    assert _totp.DIGITS == 6
    assert _totp.STEP == 30
