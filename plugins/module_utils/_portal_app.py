# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The portal calls that link an authenticator app to an account, and unlink one.

Only docspace_tfa_app needs them, so they live apart from ``_portal``: each module run
compiles every module_utils file it imports, and the other modules skip these.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import time

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _app
from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import (
    LOGOUT_PATH,
    AccessDenied,
    AuthenticationFailed,
    BadRequest,
    DocSpaceError,
    InvalidResponse,
    NotAvailable,
    RateLimited,
    api_path,
)

CONFIRM_PATH = "settings/tfaapp/confirm"
SETUP_PATH = "settings/tfaapp/setup"
VALIDATE_PATH = "settings/tfaapp/validate"
UNLINK_PATH = "settings/tfaappnewapp"
AUTH_COOKIE = "asc_auth_key"


def _set_cookies(headers):
    if headers is None:
        return []
    if hasattr(headers, "get_all"):
        return headers.get_all("Set-Cookie") or []
    value = headers.get("Set-Cookie")
    return [value] if value else []


def end_session_from(client, answer):
    """Log out the session DocSpace opened with an ``asc_auth_key`` cookie on its own.

    Validating a code and unlinking one's own app sign the account in anew; the module has
    credentials of its own and leaves no session of DocSpace's making behind.
    """
    token = _app.cookie_value(_set_cookies(answer.headers), AUTH_COOKIE)
    if not token:
        return
    with contextlib.suppress(DocSpaceError):
        client.request("POST", LOGOUT_PATH, headers={"Authorization": token}, authenticated=False)


def request_confirm(client, account):
    """GET settings/tfaapp/confirm: a new confirm key for the calling account.

    Every call issues a key, so it is made only when the key is used straight away.
    """
    shown = api_path(CONFIRM_PATH)
    answer = client.request("GET", CONFIRM_PATH)
    try:
        confirm = _app.parse_confirm(
            answer.envelope_response, _set_cookies(answer.headers), account["id"]
        )
    except ValueError as exc:
        raise InvalidResponse(
            "GET %s answered with confirm data the module cannot use: %s." % (shown, exc),
            "GET",
            shown,
            answer.status,
        ) from None
    who = account["email"] or account["id"]
    if confirm is None:
        raise NotAvailable(
            "GET %s answered with no confirm link: two-factor authentication does not apply "
            "to %s, for example because it connects from a trusted IP and is not mandatory, so "
            "DocSpace links no app to it. Make the account mandatory (mandatory_users of "
            "onlyoffice.docspace.docspace_tfa_settings) or run from an address that is not "
            "trusted." % (shown, who),
            "GET",
            shown,
            answer.status,
        )
    if confirm.confirm_type != _app.ACTIVATION:
        raise InvalidResponse(
            "GET %s offers %s a %s confirmation, which DocSpace gives only to an account with "
            "an app linked, yet the account reports none; run the task again."
            % (shown, who, confirm.confirm_type),
            "GET",
            shown,
            answer.status,
        )
    return confirm


def _confirm_request(client, method, path, confirm, body=None):
    """A call with the confirm scheme: the key in the ``confirm`` header, no other login."""
    shown = api_path(path)
    try:
        return client.request(
            method, path, body=body, headers={"confirm": confirm.header()}, authenticated=False
        )
    except AuthenticationFailed as exc:
        raise AuthenticationFailed(
            "%s %s answered %s: DocSpace did not accept the confirm key it issued a moment ago. "
            "Keys live an hour; run the task again." % (method, shown, exc.status),
            method,
            shown,
            exc.status,
        ) from None


def fetch_setup(client, account, clock=time.time):
    """GET confirm, then GET settings/tfaapp/setup: the secret to link an app with.

    Returns the confirm data (to validate with), the setup data and the portal's clock
    skew as seen in the setup answer.
    """
    confirm = request_confirm(client, account)
    shown = api_path(SETUP_PATH)
    try:
        answer = _confirm_request(client, "GET", SETUP_PATH, confirm)
    except NotAvailable as exc:
        raise NotAvailable(
            "GET %s answered %s: DocSpace hands out a secret only while the app method is on "
            "and the account has no app linked (%s)." % (shown, exc.status, exc.server_message),
            "GET",
            shown,
            exc.status,
        ) from None
    data = answer.envelope_response
    if not isinstance(data, dict) or not data.get("manualEntryKey"):
        raise InvalidResponse(
            "GET %s answered without a secret (manualEntryKey)." % shown,
            "GET",
            shown,
            answer.status,
        )
    secret = str(data["manualEntryKey"])
    setup = {
        "secret": secret,
        "uri": _app.otpauth_uri(
            _app.issuer_from_url(confirm.url or client.url),
            data.get("account") or account["email"],
            secret,
        ),
        "qr": data.get("qrCodeSetupImageUrl"),
    }
    skew = _app.clock_skew(answer.headers.get("Date") if answer.headers else None, clock())
    return confirm, setup, skew


def validate_code(client, confirm, code, computed, skew=None, clock=time.time):
    """POST settings/tfaapp/validate with ``code``; DocSpace links the app on the first one.

    A refused code is never sent again: the attempt counter is the user's.
    """
    shown = api_path(VALIDATE_PATH)
    if computed and skew is not None and abs(skew) > _app.SKEW_LIMIT:
        # The code would fail and count as an attempt against the user; say why instead.
        raise _app.AppError("Not sending the code to %s: %s" % (shown, _app.skew_sentence(skew)))
    try:
        answer = _confirm_request(client, "POST", VALIDATE_PATH, confirm, {"code": code})
    except BadRequest as exc:
        if "incorrect code" not in exc.server_message.lower():
            raise
        date = exc.headers.get("Date") if exc.headers else None
        measured = _app.clock_skew(date, clock())
        where = "POST %s answered %s: %s" % (shown, exc.status, exc.server_message.rstrip("."))
        raise BadRequest(
            _app.wrong_code_message(where, computed, skew if measured is None else measured),
            "POST",
            shown,
            exc.status,
        ) from None
    except AccessDenied as exc:
        if "too many" not in exc.server_message.lower():
            raise
        raise RateLimited(
            _app.too_many_attempts_message("POST %s answered %s" % (shown, exc.status)),
            "POST",
            shown,
            exc.status,
        ) from None
    end_session_from(client, answer)
    return answer.envelope_response


def unlink_app(client, user_id):
    """PUT settings/tfaappnewapp with the id: DocSpace unlinks that user's app.

    Returns the activation URL when the caller unlinked their own app, else None.
    """
    shown = api_path(UNLINK_PATH)
    try:
        answer = client.request("PUT", UNLINK_PATH, body={"id": user_id})
    except AccessDenied as exc:
        raise AccessDenied(
            "PUT %s answered %s: %s. Only the portal owner may unlink another user's app."
            % (shown, exc.status, exc.server_message.rstrip(".") or "access denied"),
            "PUT",
            shown,
            exc.status,
        ) from None
    end_session_from(client, answer)
    url = answer.envelope_response
    return url if isinstance(url, str) and url else None
