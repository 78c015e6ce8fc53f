"""The emulator's own building blocks, checked against published reference values."""

from __future__ import annotations

import base64
import re
import struct
import zlib

import pytest

from docspace_emulator import netmatch, totp

RFC6238_KEY = b"12345678901234567890"


@pytest.mark.parametrize(
    ("moment", "eight_digits"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
    ],
)
def test_totp_matches_the_rfc_6238_sha1_vectors(moment, eight_digits):
    assert totp.totp(RFC6238_KEY, moment, digits=8) == eight_digits
    assert totp.totp(RFC6238_KEY, moment) == eight_digits[-6:]


def test_hotp_matches_the_rfc_4226_vectors():
    expected = ["755224", "287082", "359152", "969429", "338314"]

    assert [totp.hotp(RFC6238_KEY, counter) for counter in range(5)] == expected


def test_verify_accepts_ten_steps_either_side_and_no_more():
    now = 1_700_000_000

    assert totp.verify(RFC6238_KEY, totp.totp(RFC6238_KEY, now - 300), now)
    assert totp.verify(RFC6238_KEY, totp.totp(RFC6238_KEY, now + 300), now)
    assert not totp.verify(RFC6238_KEY, totp.totp(RFC6238_KEY, now + 330), now)
    assert not totp.verify(RFC6238_KEY, totp.totp(RFC6238_KEY, now - 330), now)


def test_verify_trims_but_otherwise_compares_exactly():
    now = 1_700_000_000
    code = totp.totp(RFC6238_KEY, now)

    assert totp.verify(RFC6238_KEY, f"  {code}\n", now)
    assert not totp.verify(RFC6238_KEY, code[:5], now)


def test_the_secret_is_ten_characters_and_sixteen_in_base32():
    key = totp.secret_from_salt(totp.new_salt(1_700_000_000), "constant")

    assert len(key) == 10
    key32 = totp.manual_entry_key(key)
    assert re.fullmatch(r"[A-Z2-7]{16}", key32)
    assert totp.key_from_manual_entry(key32) == key
    assert totp.key_from_manual_entry(key32.lower()) == key


def test_the_salt_counts_milliseconds_since_2018_07_07():
    assert totp.new_salt(1530921600) == 0
    assert totp.new_salt(1530921601.5) == 1500


def test_otpauth_uri():
    uri = totp.otpauth_uri("portal.example.com", "a%40b.c", "ABCDEFGHIJKLMNOP")

    assert uri == (
        "otpauth://totp/portal.example.com:a%40b.c?secret=ABCDEFGHIJKLMNOP"
        "&issuer=portal.example.com"
    )


def test_backup_codes_use_the_64_letter_alphabet():
    codes = totp.new_backup_codes()

    assert len(codes) == 5
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]{6}", code) for code in codes)


def test_the_setup_image_is_a_valid_png():
    url = totp.setup_image_data_url("otpauth://totp/x")
    png = base64.b64decode(url.split(",", 1)[1])

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", png[8:16])
    width, height = struct.unpack(">II", png[16:24])
    assert (kind, length, width, height) == (b"IHDR", 13, 100, 100)
    crc = struct.unpack(">I", png[8 + 8 + length : 8 + 8 + length + 4])[0]
    assert crc == zlib.crc32(png[12 : 16 + length]) & 0xFFFFFFFF
    assert png.endswith(b"IEND\xaeB`\x82")


@pytest.mark.parametrize(
    ("address", "entry", "expected"),
    [
        ("10.0.0.5", "10.0.0.5", True),
        ("10.0.0.5", " 10.0.0.5", False),
        ("10.0.0.5", "10.0.0.1-10.0.0.9", True),
        ("10.0.0.5", "10.0.0.6-10.0.0.9", False),
        ("10.0.0.5", "10.0.0.0/24", True),
        ("10.0.1.5", "10.0.0.0/24", False),
        ("::1", "::1", True),
        ("::5", "::1-::9", True),
        ("::5", "::/0", False),
    ],
)
def test_trusted_ip_entries(address, entry, expected):
    assert netmatch.matches(address, entry) is expected


@pytest.mark.parametrize("entry", ["not-an-ip", "10.0.0.1-x", "x/24", "10.0.0.0/abc"])
def test_entries_that_do_not_parse_raise_like_dotnet(entry):
    with pytest.raises(netmatch.AddressFormatError):
        netmatch.matches("10.0.0.1", entry)


def test_an_unparsable_plain_entry_is_just_compared_as_text():
    assert netmatch.matches("10.0.0.1", "somewhere") is False


@pytest.mark.parametrize(
    ("raw", "stripped"),
    [
        ("1.2.3.4:5", "1.2.3.4"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_ports_are_stripped(raw, stripped):
    assert netmatch.strip_port(raw) == stripped
