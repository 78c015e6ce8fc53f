"""Reading request bodies the way ASP.NET's System.Text.Json binding does.

What matters for clients: property names match case-insensitively, unknown properties are
ignored, numbers may arrive as strings but strings may not arrive as numbers, a GUID must
be in the hyphenated form, and the first value that does not convert stops binding with a
400 whose ``errors`` key is the JSON path of that value (``$.mandatoryUsers[0]``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from . import netmatch
from .envelope import ValidationFailed

EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
INTEGER = re.compile(r"^[+-]?\d+$")
JSON_TYPES = ("application/json", "text/json")
TFA_TYPE_NAMES = {"none": 0, "sms": 1, "app": 2}
TFA_TYPE_CLASS = "ASC.Web.Api.ApiModels.RequestsDto.TfaRequestsDtoType"
INT32 = (-(2**31), 2**31 - 1)

# The action parameter name ASP.NET reports next to the JSON path.
PARAMETER = "inDto"


class BindError(Exception):
    def __init__(self, path: str, message: str):
        super().__init__(path)
        self.path = path
        self.message = message


def _conversion_error(path: str, target: str) -> BindError:
    return BindError(path, f"The JSON value could not be converted to {target}. Path: {path}.")


def _fail(error: BindError):
    raise ValidationFailed(
        {PARAMETER: [f"The {PARAMETER} field is required."], error.path: [error.message]}
    )


def is_json_content_type(content_type: str) -> bool:
    content_type = content_type.split(";", 1)[0].strip().lower()
    return content_type in JSON_TYPES or content_type.endswith("+json")


async def read_body(request) -> dict:
    """The body as a dict with lower-cased keys, or the 400/415 ASP.NET would answer."""
    raw = await request.read()
    if not is_json_content_type(request.headers.get("Content-Type", "")):
        raise ValidationFailed({}, status=415, title="Unsupported Media Type")
    if not raw.strip():
        raise ValidationFailed(
            {
                "": ["A non-empty request body is required."],
                PARAMETER: [f"The {PARAMETER} field is required."],
            }
        )
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        _fail(BindError("$", f"The request body is not valid JSON ({exc}). Path: $."))
    if not isinstance(value, dict):
        _fail(BindError("$", "The JSON value could not be converted to the request type. Path: $."))
    return {key.lower(): item for key, item in value.items()}


def _guid(value, path: str) -> str:
    if isinstance(value, str) and GUID.match(value):
        return value.lower()
    raise _conversion_error(path, "System.Guid")


def _string(value, path: str):
    if value is None or isinstance(value, str):
        return value
    raise _conversion_error(path, "System.String")


def _boolean(value, path: str) -> bool:
    if isinstance(value, bool):
        return value
    raise _conversion_error(path, "System.Boolean")


def _list(value, path: str, item):
    if value is None:
        return None
    if not isinstance(value, list):
        raise _conversion_error(path, "System.Collections.Generic.List`1")
    return [item(entry, f"{path}[{index}]") for index, entry in enumerate(value)]


def _tfa_type(value, path: str) -> int:
    """JsonStringEnumConverter: a name (any case), an integer, or an integer in a string.
    Integers outside the enum are accepted; the controller then disables TFA."""
    if isinstance(value, bool):
        raise _conversion_error(path, TFA_TYPE_CLASS)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lower() in TFA_TYPE_NAMES:
        return TFA_TYPE_NAMES[value.strip().lower()]
    elif isinstance(value, str) and INTEGER.match(value.strip()):
        number = int(value.strip())
    else:
        raise _conversion_error(path, TFA_TYPE_CLASS)
    if not INT32[0] <= number <= INT32[1]:
        raise _conversion_error(path, TFA_TYPE_CLASS)
    return number


@dataclass
class TfaRequest:
    type: int = 0
    id: str = EMPTY_GUID
    trusted_ips: list | None = None
    mandatory_users: list | None = None
    mandatory_groups: list | None = None


def tfa_request(body: dict, profile) -> TfaRequest:
    """TfaRequestsDto, the body of PUT tfaapp, tfaappwithlink and tfaappnewapp."""
    dto = TfaRequest()
    try:
        if "type" in body:
            dto.type = _tfa_type(body["type"], "$.type")
        if "id" in body:
            dto.id = _guid(body["id"], "$.id")
        if "trustedips" in body:
            dto.trusted_ips = _list(body["trustedips"], "$.trustedIps", _string_item)
        if "mandatoryusers" in body:
            dto.mandatory_users = _list(body["mandatoryusers"], "$.mandatoryUsers", _guid)
        if "mandatorygroups" in body:
            dto.mandatory_groups = _list(body["mandatorygroups"], "$.mandatoryGroups", _guid)
    except BindError as error:
        _fail(error)
    if profile.validates_trusted_ips:
        bad = [ip for ip in dto.trusted_ips or () if not netmatch.is_valid_entry(ip)]
        if bad:
            raise ValidationFailed(
                {"trustedIps": [f"The value '{bad[0]}' is not a valid IP address or range."]}
            )
    return dto


def _string_item(value, path: str) -> str:
    if isinstance(value, str):
        return value
    raise _conversion_error(path, "System.String")


@dataclass
class ValidateRequest:
    code: str | None
    session: bool = False


def validate_request(body: dict) -> ValidateRequest:
    """TfaValidateRequestsDto: ``code`` is required (null is allowed and fails later)."""
    if "code" not in body:
        raise ValidationFailed(
            {
                "$": [
                    "JSON deserialization for type "
                    "'ASC.Web.Api.ApiModels.RequestsDto.TfaValidateRequestsDto' was missing "
                    "required properties including: 'code'."
                ],
                PARAMETER: [f"The {PARAMETER} field is required."],
            }
        )
    try:
        code = _string(body["code"], "$.code")
        session = _boolean(body["session"], "$.session") if "session" in body else False
    except BindError as error:
        _fail(error)
    return ValidateRequest(code=code, session=session)


@dataclass
class AuthRequest:
    user_name: str | None
    password: str | None
    code: str | None
    session: bool = False


def auth_request(body: dict) -> AuthRequest:
    """AuthRequestsDto / AuthWithCodeRequestsDto, reduced to what the emulator honours."""
    try:
        user_name = _string(body.get("username"), "$.userName")
        password = _string(body.get("password"), "$.password")
        code = _string(body.get("code"), "$.code")
        session = _boolean(body["session"], "$.session") if "session" in body else False
    except BindError as error:
        _fail(error)
    return AuthRequest(user_name=user_name, password=password, code=code, session=session)
