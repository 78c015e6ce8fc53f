# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client's pure parts: the check-mode guard, masking, retry rules, error wording.

No test here needs a server. The guard tests point at a closed port and also make any
attempt to open a connection fail loudly, so a refusal is known to come first.
"""

import email.utils
import json

import pytest

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _client
from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import (
    MASK,
    AccessDenied,
    AuthenticationFailed,
    BadRequest,
    CheckModeRefused,
    DocSpaceClient,
    DocSpaceError,
    InvalidResponse,
    NotAvailable,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    api_path,
)

UNREACHABLE = "http://127.0.0.1:9"
API_KEY = "sk-f00dfeedc0ffee1234567890"
TOKEN = "ASC-token-9a8b7c6d5e4f"
PASSWORD = "S3cret-pass!"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
SESSION = "session-token-from-login-0001"
NOW = 1700000000.0


class Sleeps:
    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)


def make_client(**kwargs):
    kwargs.setdefault("api_key", API_KEY)
    kwargs.setdefault("clock", lambda: NOW)
    kwargs.setdefault("sleep", Sleeps())
    return DocSpaceClient(UNREACHABLE, **kwargs)


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if the client tries to open any connection."""

    def refuse(*args, **kwargs):
        raise AssertionError("the client opened a connection")

    monkeypatch.setattr(_client.Request, "open", refuse)


# The check-mode guard -----------------------------------------------------------------


CREDENTIALS = [
    {"api_key": API_KEY},
    {"api_key": None, "token": TOKEN},
    {"api_key": None, "username": "owner@example.com", "password": PASSWORD},
]


@pytest.mark.parametrize("credentials", CREDENTIALS, ids=["api_key", "token", "password"])
@pytest.mark.parametrize(
    "call",
    [
        ("put", "settings/tfaapp", {"type": 2}),
        ("put", "settings/tfaappwithlink", {"type": 2}),
        ("put", "settings/tfaappnewapp", {"id": "x"}),
        ("put", "settings/tfaappnewcodes", None),
        ("post", "settings/tfaapp/validate", {"code": "123456"}),
        ("post", "authentication/logout", None),
        ("get", "settings/tfaapp/confirm", None),
        ("get", "/settings/tfaapp/confirm", None),
        ("get", "settings/tfaapp/confirm/", None),
        ("get", "Settings/TfaApp/Confirm", None),
    ],
)
def test_check_mode_refuses_before_any_network_io(no_network, credentials, call):
    verb, path, body = call
    client = make_client(check_mode=True, **credentials)
    args = (path,) if verb == "get" else (path, body)
    with pytest.raises(CheckModeRefused) as info:
        getattr(client, verb)(*args)
    error = info.value
    assert error.method == verb.upper()
    assert error.path == api_path(path)
    assert error.status is None
    assert "check mode" in str(error)
    assert "%s %s" % (verb.upper(), api_path(path)) in str(error)
    assert error.details()["error"]["kind"] == "check_mode"
    # A password client has not logged in either: refusing comes before authentication.
    assert client._session_token is None


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH", "put", "delete"])
def test_check_mode_refuses_every_method_but_get(no_network, method):
    client = make_client(check_mode=True)
    with pytest.raises(CheckModeRefused):
        client.request(method, "settings/tfaapp", body={})


def test_check_mode_against_an_unreachable_url_refuses_without_trying():
    client = make_client(check_mode=True)
    with pytest.raises(CheckModeRefused):
        client.put("settings/tfaapp", {"type": 0})
    with pytest.raises(CheckModeRefused):
        client.get("settings/tfaapp/confirm")


def test_check_mode_lets_reads_through():
    """A plain GET is not refused: against a closed port it fails to connect instead."""
    client = make_client(check_mode=True, retries=0)
    with pytest.raises(TransportError) as info:
        client.get("settings/tfaapp")
    assert not isinstance(info.value, CheckModeRefused)
    assert UNREACHABLE in str(info.value)


def test_writes_are_attempted_outside_check_mode():
    client = make_client(check_mode=False, retries=0)
    with pytest.raises(TransportError) as info:
        client.put("settings/tfaapp", {"type": 0})
    assert "PUT /api/2.0/settings/tfaapp" in str(info.value)


# mask() -------------------------------------------------------------------------------


def every_secret_client():
    client = make_client(
        api_key=API_KEY,
        token=TOKEN,
        username="owner@example.com",
        password=PASSWORD,
        totp_secret=TOTP_SECRET,
    )
    client._session_token = SESSION
    return client


@pytest.mark.parametrize("secret", [API_KEY, TOKEN, PASSWORD, TOTP_SECRET, SESSION])
def test_mask_hides_every_secret(secret):
    client = every_secret_client()
    masked = client.mask("before %s middle %s after" % (secret, secret))
    assert secret not in masked
    assert masked == "before %s middle %s after" % (MASK, MASK)


def test_mask_hides_all_secrets_in_one_text():
    client = every_secret_client()
    text = json.dumps({"k": API_KEY, "t": TOKEN, "p": PASSWORD, "s": TOTP_SECRET, "x": SESSION})
    masked = client.mask(text)
    for secret in (API_KEY, TOKEN, PASSWORD, TOTP_SECRET, SESSION):
        assert secret not in masked
    assert masked.count(MASK) == 5


def test_mask_hides_an_api_key_given_with_its_bearer_prefix():
    client = make_client(api_key="Bearer " + API_KEY)
    assert client.mask("Authorization: Bearer %s" % API_KEY) == "Authorization: %s" % MASK
    assert client.mask("key %s echoed" % API_KEY) == "key %s echoed" % MASK
    assert client._auth_headers() == {"Authorization": "Bearer " + API_KEY}


def test_mask_hides_a_secret_that_contains_another_whole():
    client = make_client(api_key=None, username="u@example.com", password="secret")
    client._session_token = "tok-secret-123"
    assert client.mask("tok-secret-123") == MASK
    assert client.mask("secret") == MASK


@pytest.mark.parametrize("text", ["", None, "nothing secret here"])
def test_mask_leaves_other_text_alone(text):
    assert every_secret_client().mask(text) == text


def test_mask_keeps_the_username():
    client = every_secret_client()
    assert client.mask("owner@example.com") == "owner@example.com"


# _retry_after -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0", 0.0),
        ("1", 1.0),
        ("120", 120.0),
        (" 7 ", 7.0),
    ],
)
def test_retry_after_delta_seconds(value, expected):
    assert _client._retry_after({"Retry-After": value}, NOW) == expected


@pytest.mark.parametrize("offset", [0, 1, 30, 3600])
def test_retry_after_http_date(offset):
    value = email.utils.formatdate(NOW + offset, usegmt=True)
    assert _client._retry_after({"Retry-After": value}, NOW) == pytest.approx(offset)


def test_retry_after_http_date_in_the_past_is_zero():
    value = email.utils.formatdate(NOW - 600, usegmt=True)
    assert _client._retry_after({"Retry-After": value}, NOW) == 0.0


def test_retry_after_fixed_http_date():
    # 21 Oct 2015 07:28:00 GMT is 1445412480.
    value = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert _client._retry_after({"Retry-After": value}, 1445412470.0) == pytest.approx(10.0)


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {},
        {"Retry-After": ""},
        {"Retry-After": "soon"},
        {"Retry-After": "-5"},
        {"Retry-After": "1.5"},
        {"Retry-After": "Someday, 99 Foo 20xx"},
    ],
)
def test_retry_after_unusable(headers):
    assert _client._retry_after(headers, NOW) is None


# _retry_wait --------------------------------------------------------------------------


def http_error(status, retry_after=None, method="GET", path="/api/2.0/settings/tfaapp"):
    kinds = {429: RateLimited, 500: ServerError, 502: ServerError, 503: ServerError}
    kinds.update({504: ServerError})
    error = kinds.get(status, DocSpaceError)("failed", method, path, status)
    if status in (429, 502, 503, 504):
        error.retry_after = retry_after
    return error


def transport_error(retryable):
    error = TransportError("broke", "GET", "/api/2.0/x")
    error.retryable = retryable
    return error


@pytest.mark.parametrize("method", ["GET", "PUT"])
@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retry_wait_retries_get_and_put_on_busy_statuses(method, status):
    client = make_client(backoff=0.5)
    assert client._retry_wait(method, http_error(status), 1) == 0.5


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retry_wait_never_retries_post(status):
    client = make_client()
    assert client._retry_wait("POST", http_error(status, retry_after=1.0), 1) is None
    assert client._retry_wait("POST", transport_error(True), 1) is None


@pytest.mark.parametrize("method", ["DELETE", "PATCH"])
def test_retry_wait_never_retries_other_methods(method):
    assert make_client()._retry_wait(method, http_error(503), 1) is None


@pytest.mark.parametrize("status", [500, 501, 505, 400, 401, 403, 404, 405, 409])
def test_retry_wait_does_not_retry_other_statuses(status):
    assert make_client()._retry_wait("GET", http_error(status), 1) is None


def test_retry_wait_backs_off_exponentially():
    client = make_client(backoff=0.25, retries=4)
    waits = [client._retry_wait("GET", http_error(503), attempt) for attempt in (1, 2, 3, 4)]
    assert waits == [0.25, 0.5, 1.0, 2.0]


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_retry_wait_is_bounded_by_retries(retries):
    client = make_client(retries=retries, backoff=0.01)
    for attempt in range(1, retries + 1):
        assert client._retry_wait("GET", http_error(503), attempt) is not None
    assert client._retry_wait("GET", http_error(503), retries + 1) is None


def test_retry_wait_honours_retry_after():
    client = make_client(backoff=0.01)
    assert client._retry_wait("GET", http_error(503, retry_after=7.0), 1) == 7.0
    assert client._retry_wait("PUT", http_error(429, retry_after=0.0), 1) == 0.0


def test_retry_wait_gives_up_when_retry_after_is_too_long():
    client = make_client(max_retry_wait=10)
    assert client._retry_wait("GET", http_error(429, retry_after=10.0), 1) == 10.0
    assert client._retry_wait("GET", http_error(429, retry_after=10.5), 1) is None
    assert client._retry_wait("GET", http_error(503, retry_after=3600.0), 1) is None


def test_retry_wait_on_a_broken_connection_only_for_get():
    client = make_client(backoff=0.5)
    assert client._retry_wait("GET", transport_error(True), 1) == 0.5
    assert client._retry_wait("PUT", transport_error(True), 1) is None
    assert client._retry_wait("GET", transport_error(False), 1) is None


# The retry loop, with the network replaced ---------------------------------------------


def scripted(client, monkeypatch, outcomes):
    """Make each attempt take the next outcome: an exception to raise or a value to return."""
    calls = []

    def send_once(method, path, *args):
        calls.append((method, path))
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(client, "_send_once", send_once)
    return calls


def test_retry_loop_sleeps_as_told_then_succeeds(monkeypatch):
    sleeps = Sleeps()
    client = make_client(sleep=sleeps, backoff=0.1)
    ok = _client.Response(200, {}, "{}", {"response": [1], "status": 0})
    calls = scripted(client, monkeypatch, [http_error(503, 1.0), http_error(503, 1.0), ok])
    assert client.get("settings/tfaapp") == [1]
    assert len(calls) == 3
    assert sleeps.calls == [1.0, 1.0]
    assert len(client.retry_notes) == 2
    assert "GET /api/2.0/settings/tfaapp" in client.retry_notes[0]


def test_retry_loop_gives_up_after_retries(monkeypatch):
    sleeps = Sleeps()
    client = make_client(sleep=sleeps, backoff=0.1, retries=2)
    calls = scripted(client, monkeypatch, [http_error(502)] * 5)
    with pytest.raises(ServerError):
        client.get("settings/tfaapp")
    assert len(calls) == 3
    assert sleeps.calls == [0.1, 0.2]


def test_retry_loop_does_not_repeat_a_failed_login(monkeypatch):
    """A GET that needed a login must not send the login POST again when that failed."""
    sleeps = Sleeps()
    client = make_client(sleep=sleeps)
    login_failed = http_error(503, 1.0, method="POST", path="/api/2.0/authentication")
    calls = scripted(client, monkeypatch, [login_failed] * 3)
    with pytest.raises(ServerError) as info:
        client.get("settings/tfaapp")
    assert info.value is login_failed
    assert len(calls) == 1
    assert sleeps.calls == []


def test_retry_loop_sends_a_post_once(monkeypatch):
    sleeps = Sleeps()
    client = make_client(sleep=sleeps)
    calls = scripted(client, monkeypatch, [http_error(503, 1.0)] * 3)
    with pytest.raises(ServerError):
        client.post("settings/tfaapp/validate", {"code": "123456"})
    assert calls == [("POST", "settings/tfaapp/validate")]
    assert sleeps.calls == []


# Error wording, from canned answers -----------------------------------------------------


def envelope_error(status, message):
    body = {"error": {"message": message, "type": None, "stack": None, "hresult": 0}}
    body.update(status=1, statusCode=status)
    return json.dumps(body).encode("utf-8")


JSON = {"Content-Type": "application/json; charset=utf-8"}
HTML = {"Content-Type": "text/html"}


def interpret(status, payload, headers=None, method="GET", path="settings/tfaapp", **kwargs):
    """The Response for a success; the DocSpaceError the client raises for a failure."""
    headers = JSON if headers is None else headers
    client = make_client(**kwargs)
    try:
        return client._interpret(method, api_path(path), status, headers, payload)
    except DocSpaceError as exc:
        return exc


@pytest.mark.parametrize(
    "status, message",
    [
        (403, "TFA application settings are not available"),
        (403, "SMS settings are not available"),
        (403, "Not available."),
        (405, "TFA application settings are not available"),
        (500, "TFA application settings are not available"),
    ],
)
def test_not_available_is_one_kind_with_one_message(status, message):
    error = interpret(status, envelope_error(status, message), method="PUT")
    assert isinstance(error, NotAvailable)
    assert error.status == status
    assert str(error).startswith(
        "PUT /api/2.0/settings/tfaapp: DocSpace reports that this two-factor setting is not "
        "available (%s)." % message
    )


@pytest.mark.parametrize(
    "status, payload, headers, kind, fragment",
    [
        (401, b"", {}, AuthenticationFailed, "GET /api/2.0/settings/tfaapp answered 401."),
        (403, b"", {}, AccessDenied, "answered 403 with an empty body"),
        (403, envelope_error(403, "Access denied"), JSON, AccessDenied, "403: Access denied"),
        (404, b"<html><body>Not Found</body></html>", HTML, NotFound, "404: an HTML page"),
        (404, b"<html>x</html>", {"Content-Type": "TEXT/HTML"}, NotFound, "404: an HTML page"),
        (502, b"<html><h1>Bad Gateway</h1></html>", {}, ServerError, "502: an HTML page"),
        (500, envelope_error(500, "Boom"), JSON, ServerError, "answered 500: Boom"),
        (503, b"", {}, ServerError, "try again later"),
        (429, b"", {}, RateLimited, "rate limiting"),
        (418, b"teapot", {"Content-Type": "text/plain"}, DocSpaceError, "418: teapot"),
    ],
)
def test_http_errors_by_status(status, payload, headers, kind, fragment):
    error = interpret(status, payload, headers)
    assert error.__class__ is kind
    assert error.method == "GET"
    assert error.path == "/api/2.0/settings/tfaapp"
    assert error.status == status
    assert fragment in str(error)


def test_validation_400_names_the_fields():
    problem = {
        "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "title": "One or more validation errors occurred.",
        "status": 400,
        "errors": {"$.mandatoryUsers[0]": ["The JSON value could not be converted."]},
    }
    payload = json.dumps({"response": problem, "status": 1, "statusCode": 400}).encode()
    error = interpret(400, payload, method="PUT")
    assert isinstance(error, BadRequest)
    assert str(error) == (
        "PUT /api/2.0/settings/tfaapp answered 400: $.mandatoryUsers[0]: The JSON value could "
        "not be converted."
    )


def test_server_message_is_cut_short_and_masked():
    long_message = "leaked %s " % API_KEY + "x" * 1000
    error = interpret(500, envelope_error(500, long_message))
    assert API_KEY not in str(error)
    assert MASK in str(error)
    assert len(str(error)) < 400


def test_html_error_page_is_not_quoted_and_names_the_url():
    error = interpret(404, b"<html><body><h1>Not Found</h1></body></html>", HTML)
    assert "<" not in str(error)
    assert "Not Found" not in str(error)
    assert "an HTML page instead of a DocSpace answer from %s." % UNREACHABLE in str(error)


def test_html_without_a_content_type_is_still_a_page():
    error = interpret(502, b"  <!DOCTYPE html><title>Bad Gateway</title>", {})
    assert isinstance(error, ServerError)
    assert "502: an HTML page instead of a DocSpace answer from %s" % UNREACHABLE in str(error)


def test_error_stack_is_never_shown():
    body = {
        "error": {"message": "Boom", "type": "System.Exception", "stack": "at ASC.Secret()"},
        "status": 1,
        "statusCode": 500,
    }
    error = interpret(500, json.dumps(body).encode())
    assert "ASC.Secret" not in str(error)
    assert "System.Exception" not in str(error)


def test_success_html_is_an_invalid_response():
    error = interpret(200, b"<!DOCTYPE html><html>login</html>", HTML)
    assert isinstance(error, InvalidResponse)
    assert "GET /api/2.0/settings/tfaapp answered 200 with an HTML page" in str(error)
    assert UNREACHABLE in str(error)


@pytest.mark.parametrize("data", [[1, 2], {"response": []}, "text", 5])
def test_success_json_without_envelope_is_an_invalid_response(data):
    error = interpret(200, json.dumps(data).encode())
    assert isinstance(error, InvalidResponse)
    assert "not a DocSpace API envelope" in str(error)
    assert UNREACHABLE in str(error)


def test_success_envelope_is_unwrapped():
    answer = interpret(200, b'{"response": [{"id": "app"}], "count": 1, "status": 0}')
    assert answer.envelope_response == [{"id": "app"}]


def test_success_envelope_without_response_gives_none():
    answer = interpret(200, b'{"count": 0, "links": [], "status": 0, "statusCode": 200}')
    assert answer.envelope_response is None


def test_retry_after_is_read_from_busy_answers():
    error = interpret(503, b"", {"Retry-After": "4"})
    assert error.retry_after == 4.0
    error = interpret(429, b"", {"Retry-After": email.utils.formatdate(NOW + 9, usegmt=True)})
    assert error.retry_after == pytest.approx(9.0)


def test_error_details_for_the_module_result():
    error = interpret(404, b"")
    assert error.details() == {
        "error": {
            "kind": "not_found",
            "method": "GET",
            "path": "/api/2.0/settings/tfaapp",
            "status": 404,
        }
    }
