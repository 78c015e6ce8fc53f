"""Who is calling: DocSpace's authentication schemes and its confirm-link keys.

The ``Authorization`` header picks the scheme. ``Basic`` checks the password on every
request and never asks for TFA; ``Bearer sk-...`` is an API key; anything else (a raw
token or ``Bearer <token>``) goes to the cookie handler, which prefers an ``asc_auth_key``
cookie over the header. The ``confirm`` scheme (tfaapp/setup and tfaapp/validate) signs
in whoever a confirm key was made for.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qsl

from .model import Portal, User

AUTH_COOKIE = "asc_auth_key"
CONFIRM_COOKIE_PREFIX = "asc_confirm_key_"
KEY_EPOCH = datetime(2010, 1, 1, tzinfo=timezone.utc).timestamp()
# auth:validinterval: TFA and phone confirm keys live one hour.
TFA_KEY_LIFETIME = 3600
# The ConfirmType names the handler can parse; only the TFA ones grant anything here.
CONFIRM_TYPES = {
    "EmpInvite",
    "LinkInvite",
    "PortalOwnerChange",
    "Activation",
    "EmailChange",
    "EmailActivation",
    "PasswordChange",
    "ProfileRemove",
    "PhoneActivation",
    "PhoneAuth",
    "Auth",
    "TfaActivation",
    "TfaAuth",
}


@dataclass
class Caller:
    user: User
    scheme: str  # token, cookie, apikey, basic or confirm
    token: str | None = None
    confirm_type: str | None = None


def _key_hash(portal: Portal, data: str, ms: int) -> str:
    material = f"{data.lower()}|{portal.tenant_id}|{portal.world.machine_key}".encode("ascii")
    digest = hashlib.sha256(material + struct.pack("<q", ms)).digest()
    text = base64.b64encode(digest).decode("ascii")
    return text.replace("=", "").replace("+", "").replace("/", "").upper()


def make_confirm_key(portal: Portal, data: str, now: float) -> str:
    """``<ms since 2010-01-01Z>.<HASH>``, the format of EmailValidationKeyProvider."""
    ms = int((now - KEY_EPOCH) * 1000)
    key = f"{ms}.{_key_hash(portal, data, ms)}"
    portal.issued["confirm_keys"].append(key)
    return key


def check_confirm_key(portal: Portal, data: str, key: str, now: float) -> bool:
    ms_text, _dot, given = key.partition(".")
    try:
        ms = int(ms_text)
    except ValueError:
        return False
    if not hmac.compare_digest(_key_hash(portal, data, ms), given):
        return False
    return (now - KEY_EPOCH) * 1000 <= ms + TFA_KEY_LIFETIME * 1000


def tfa_key_data(user: User, confirm_type: str) -> str:
    return user.id + confirm_type


def phone_key_data(user: User, confirm_type: str) -> str:
    return user.email + confirm_type


def presented_scheme(request) -> str:
    """What the client sent, for the request log; decided without checking it."""
    if request.headers.get("confirm"):
        return "confirm"
    header = request.headers.get("Authorization", "").strip()
    scheme, _space, value = header.partition(" ")
    if scheme.lower() == "basic":
        return "basic"
    if scheme.lower() == "bearer" and value.strip().startswith("sk-"):
        return "apikey"
    if request.cookies.get(AUTH_COOKIE):
        return "cookie"
    return "token" if header else "none"


def authenticate(request, portal: Portal, now: float) -> Caller | None:
    """The default schemes (Basic, API key, cookie/token); None means anonymous or bad."""
    header = request.headers.get("Authorization", "").strip()
    scheme, _space, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "basic":
        return _basic(portal, value)
    if scheme.lower() == "bearer" and value.startswith("sk-"):
        user = portal.user_by_api_key(value)
        return Caller(user, "apikey") if user else None
    cookie = request.cookies.get(AUTH_COOKIE)
    if cookie:
        user = portal.session_user(cookie, now)
        return Caller(user, "cookie", token=cookie) if user else None
    if not header:
        return None
    token = value if scheme.lower() == "bearer" else header
    user = portal.session_user(token, now)
    return Caller(user, "token", token=token) if user else None


def _basic(portal: Portal, value: str) -> Caller | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    email, sep, password = decoded.partition(":")
    user = portal.user_by_email(email)
    if not sep or user is None or not hmac.compare_digest(user.account.password, password):
        return None
    return Caller(user, "basic")


def confirm_identity(request, portal: Portal, now: float):
    """(user, confirm type) from a valid ``confirm`` header, or None.

    The header is a query string ``type=..&uid=..[&key=..]``; without ``key`` the handler
    falls back to the ``asc_confirm_key_<type>`` cookie.
    """
    header = request.headers.get("confirm")
    if not header:
        return None
    params = {name.lower(): value for name, value in parse_qsl(header, keep_blank_values=True)}
    confirm_type = params.get("type", "")
    if confirm_type not in CONFIRM_TYPES:
        return None
    user = portal.user_by_id(params.get("uid"))
    key = params.get("key") or request.cookies.get(CONFIRM_COOKIE_PREFIX + confirm_type)
    if user is None or not key:
        return None
    if confirm_type in ("PhoneActivation", "PhoneAuth"):
        data = phone_key_data(user, confirm_type)
    else:
        data = tfa_key_data(user, confirm_type)
    if not check_confirm_key(portal, data, key, now):
        return None
    return user, confirm_type


def check_password(user: User | None, password: str | None) -> bool:
    if user is None or password is None:
        return False
    # compare_digest takes non-ASCII text only as bytes.
    return hmac.compare_digest(user.account.password.encode(), password.encode())
