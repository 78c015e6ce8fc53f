"""DocSpace's response bodies: the success envelope, the error envelope, and the
model-validation 400, together with the .NET exceptions the handlers raise.

The handlers raise these exceptions instead of building responses so that each rule reads
like the server code it imitates ("throw new ArgumentException(...)").
"""

from __future__ import annotations

import json
import secrets

from aiohttp import web

JSON_CONTENT_TYPE = "application/json"

# HResult values of the .NET exceptions DocSpace lets through to the error body.
HRESULT = {
    "System.Exception": -2146233088,
    "System.ArgumentException": -2147024809,
    "System.InvalidOperationException": -2146233079,
    "System.NullReferenceException": -2147467261,
    "System.FormatException": -2146233033,
    "ASC.Common.Security.Authorizing.AuthorizingException": -2146233088,
    "ASC.Common.Web.ItemNotFoundException": -2146233088,
}
INVALID_OPERATION_DEFAULT = "Operation is not valid due to the current state of the object."


class ApiError(Exception):
    """An exception that DocSpace's CustomExceptionHandler turns into the error envelope.

    ``type_name`` None stands for the exceptions whose type and stack DocSpace hides
    (AuthenticationException, BruteForceCredentialException, CustomHttpException): their
    body carries ``type: null, stack: null, hresult: 0``.
    """

    def __init__(self, status: int, message: str, type_name: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.type_name = type_name


class EmptyResponse(Exception):
    """ASP.NET's own answers with no body: the 401 challenge, the 403 for a missing role,
    404 for an unknown route, 405 for a known route with another method."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class ValidationFailed(Exception):
    """The automatic 400 of an [ApiController] when the body does not bind."""

    def __init__(self, errors: dict, status: int = 400, title: str | None = None):
        super().__init__(errors)
        self.errors = errors
        self.status = status
        self.title = title or "One or more validation errors occurred."


def access_denied() -> ApiError:
    # SecurityException and AuthorizingException always carry this fixed text.
    return ApiError(403, "Access denied", "ASC.Common.Security.Authorizing.AuthorizingException")


def no_permissions() -> ApiError:
    return ApiError(
        403, "No permissions to perform this action", "System.InvalidOperationException"
    )


def not_available(profile, message: str) -> ApiError:
    if profile.not_available_status == 405:
        return ApiError(405, message)
    return ApiError(403, message, "System.InvalidOperationException")


def argument_error(message: str) -> ApiError:
    return ApiError(400, message, "System.ArgumentException")


def not_found(message: str) -> ApiError:
    return ApiError(404, message, "ASC.Common.Web.ItemNotFoundException")


def authentication_failed() -> ApiError:
    return ApiError(401, "User authentication failed")


def too_many_attempts() -> ApiError:
    # The SMS wording is DocSpace's own: the authenticator app reuses the SMS resource.
    return ApiError(403, "You have sent too many text messages. Please try again later.")


def dumps(value) -> str:
    """Compact JSON, as ASP.NET writes it (no indentation)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def count_of(value) -> int:
    if isinstance(value, list):
        return len(value)
    return 0 if value is None else 1


def _json_response(status: int, body: dict) -> web.Response:
    return web.Response(
        status=status, text=dumps(body), content_type=JSON_CONTENT_TYPE, charset="utf-8"
    )


def _links(request: web.Request) -> list:
    return [{"href": str(request.url), "action": request.method}]


def success(request: web.Request, value, status: int = 200, error_status: bool = False):
    """The envelope around an action result; ``response`` is left out when it is null."""
    body = {}
    if value is not None:
        body["response"] = value
    body["count"] = count_of(value)
    body["links"] = _links(request)
    body["status"] = 1 if error_status else 0
    body["statusCode"] = status
    return _json_response(status, body)


def error(request: web.Request, failure: ApiError, where: str) -> web.Response:
    if failure.type_name is None:
        detail = {"message": failure.message, "type": None, "stack": None, "hresult": 0}
    else:
        detail = {
            "message": failure.message,
            "type": failure.type_name,
            "stack": f"   at {where}\n   at ASC.Api.Core.Middleware.CommonApiResponse.Invoke()",
            "hresult": HRESULT.get(failure.type_name, HRESULT["System.Exception"]),
        }
    return _json_response(
        failure.status, {"error": detail, "status": 1, "statusCode": failure.status}
    )


def trace_id() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"


def validation(request: web.Request, failure: ValidationFailed, profile) -> web.Response:
    """ValidationProblemDetails inside the success envelope: 3.7 flags it with status 1."""
    problem = {
        "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "title": failure.title,
        "status": failure.status,
        "errors": failure.errors,
        "traceId": trace_id(),
    }
    if failure.status == 415:
        problem["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.16"
        del problem["errors"]
    return success(
        request, problem, status=failure.status, error_status=profile.validation_sets_error_status
    )
