# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The DocSpace client against the emulator: logins, the envelope, every error kind and its
message, retries, and the check-mode guard, each confirmed in the emulator's request log."""

import socket
import time

import pytest
import requests

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _portal, _totp
from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import (
    AccessDenied,
    AuthenticationFailed,
    BadRequest,
    CheckModeRefused,
    DocSpaceClient,
    DocSpaceError,
    InvalidResponse,
    NotAvailable,
    NotFound,
    ServerError,
    TfaLoginRequired,
    TransportError,
)

POLICY = "settings/tfaapp"
POLICY_API = "/api/2.0/settings/tfaapp"
LOGIN_API = "/api/2.0/authentication"
HTML_PAGE = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>proxy</body></html>"
ERROR_ENVELOPE = (
    '{"error":{"message":"Something broke","type":"System.Exception",'
    '"stack":"   at ASC.Web.Api.Secret()","hresult":-2146233088},"status":1,"statusCode":500}'
)


class Sleeps:
    """Stands in for time.sleep: records the waits instead of waiting."""

    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)


def client_for(portal, account="owner", auth="api_key", **kwargs):
    person = portal[account]
    kwargs.setdefault("sleep", Sleeps())
    kwargs.setdefault("timeout", 10)
    if auth == "api_key":
        kwargs.setdefault("api_key", person["api_key"])
    elif auth == "password":
        kwargs.setdefault("username", person["email"])
        kwargs.setdefault("password", person["password"])
    return DocSpaceClient(kwargs.pop("url", portal["url"]), **kwargs)


def secrets_of(portal):
    found = []
    for account in ("owner", "admin", "user"):
        found += [portal[account]["api_key"], portal[account]["password"]]
    return found


def assert_clean(message, portal, *extra):
    """No secret of the portal's accounts, no stack trace and no Python exception name."""
    for secret in [*secrets_of(portal), *extra]:
        assert secret not in message
    for leak in ("Traceback", "   at ", "Exception", "urlopen error", "<html"):
        assert leak not in message, message


def requests_of(emulator, portal, method=None):
    log = emulator.log(portal["name"])
    return [entry for entry in log if method is None or entry["method"] == method]


def writes(log):
    return [entry for entry in log if entry["method"] != "GET"]


def raw_login(portal, account="owner"):
    """A session token obtained without the client, to use as a raw ``token``."""
    person = portal[account]
    answer = requests.post(
        portal["url"] + LOGIN_API,
        json={"userName": person["email"], "password": person["password"]},
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["response"]["token"]


def enable_app_tfa(portal, **lists):
    """Turn the authenticator-app method on with the owner's API key."""
    body = {"type": 2, "id": portal["owner"]["id"], **lists}
    assert client_for(portal).put(POLICY, body) is True


def link_app(portal, account="owner"):
    """Link an authenticator app for ``account`` the way the web client does; its secret."""
    person = portal[account]
    api = portal["url"] + "/api/2.0/"
    bearer = {"Authorization": "Bearer " + person["api_key"]}
    confirm = requests.get(api + "settings/tfaapp/confirm", headers=bearer, timeout=10)
    confirm.raise_for_status()
    data = confirm.json()["response"]
    header = {"confirm": "type=TfaActivation&uid=%s&key=%s" % (person["id"], data["cookieValue"])}
    setup = requests.get(api + "settings/tfaapp/setup", headers=header, timeout=10)
    setup.raise_for_status()
    secret = setup.json()["response"]["manualEntryKey"]
    validate = requests.post(
        api + "settings/tfaapp/validate",
        headers=header,
        json={"code": _totp.totp(secret)},
        timeout=10,
    )
    validate.raise_for_status()
    assert validate.json()["response"] is True
    return secret


def closed_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def emu(fresh_emulator):
    """The session's 3.7 emulator, seeded state before and after (faults and config too)."""
    yield fresh_emulator
    fresh_emulator.reset()


@pytest.fixture
def portal(emu):
    return emu.portals[0]


@pytest.fixture(scope="module")
def started_36(emulator_factory):
    return emulator_factory(profile="3.6", portals=1)


@pytest.fixture(scope="module")
def started_next(emulator_factory):
    return emulator_factory(profile="next", portals=1)


@pytest.fixture
def emulator_36(started_36):
    started_36.reset()
    yield started_36
    started_36.reset()


@pytest.fixture
def emulator_next(started_next):
    started_next.reset()
    yield started_next
    started_next.reset()


@pytest.fixture(scope="module")
def emulator_tls(emulator_factory):
    return emulator_factory(profile="3.7", portals=1, tls=True)


# Logging in ---------------------------------------------------------------------------


def test_api_key_login(emu, portal):
    client = client_for(portal)
    assert client.get("people/@self")["id"] == portal["owner"]["id"]
    log = requests_of(emu, portal)
    assert [(e["method"], e["path"], e["auth"]) for e in log] == [
        ("GET", "/api/2.0/people/@self", "apikey")
    ]


def test_api_key_given_with_its_bearer_prefix(emu, portal):
    client = client_for(portal, api_key="Bearer " + portal["admin"]["api_key"])
    assert client.get("people/@self")["id"] == portal["admin"]["id"]


def test_raw_token_login(emu, portal):
    token = raw_login(portal, "admin")
    emu.clear_log()
    client = client_for(portal, auth="token", token=token)
    assert client.get("people/@self")["id"] == portal["admin"]["id"]
    assert [e["auth"] for e in requests_of(emu, portal)] == ["token"]


def test_password_login_then_logout(emu, portal):
    client = client_for(portal, "user", auth="password")
    assert client.get("people/@self")["id"] == portal["user"]["id"]
    assert client.get("settings/tfaapp")
    token = client._session_token
    client.logout()
    log = requests_of(emu, portal)
    assert [(e["method"], e["path"], e["auth"]) for e in log] == [
        ("POST", LOGIN_API, "none"),
        ("GET", "/api/2.0/people/@self", "token"),
        ("GET", POLICY_API, "token"),
        ("POST", LOGIN_API + "/logout", "token"),
    ]
    with pytest.raises(AuthenticationFailed):
        client_for(portal, auth="token", token=token).get("people/@self")


def test_wrong_api_key(emu, portal):
    wrong = "sk-" + "0" * 48
    with pytest.raises(AuthenticationFailed) as info:
        client_for(portal, api_key=wrong).get(POLICY)
    error = info.value
    assert (error.method, error.path, error.status) == ("GET", POLICY_API, 401)
    assert "GET %s answered 401" % POLICY_API in str(error)
    assert "api_key" in str(error)
    assert_clean(str(error), portal, wrong)


def test_wrong_password(emu, portal):
    wrong = "not-" + portal["owner"]["password"]
    client = client_for(portal, auth="password", password=wrong)
    with pytest.raises(AuthenticationFailed) as info:
        client.get(POLICY)
    error = info.value
    assert (error.method, error.path, error.status) == ("POST", LOGIN_API, 401)
    assert "POST %s answered 401: User authentication failed" % LOGIN_API in str(error)
    assert_clean(str(error), portal, wrong)
    assert [e["method"] for e in requests_of(emu, portal)] == ["POST"]


def test_tfa_login_of_an_unlinked_account_is_refused_clearly(emu, portal):
    enable_app_tfa(portal)
    with pytest.raises(TfaLoginRequired) as info:
        client_for(portal, auth="password").get(POLICY)
    message = str(info.value)
    assert portal["owner"]["email"] in message
    assert "totp_secret" in message
    assert "api_key" in message
    assert_clean(message, portal)
    # Only the first step was sent: nothing that would link an app.
    assert [e["path"] for e in requests_of(emu, portal, "POST")] == [LOGIN_API]


def test_tfa_login_without_totp_secret_names_totp_secret_and_api_key(emu, portal):
    enable_app_tfa(portal)
    secret = link_app(portal)
    emu.clear_log()
    with pytest.raises(TfaLoginRequired) as info:
        client_for(portal, auth="password").get(POLICY)
    error = info.value
    assert isinstance(error, AuthenticationFailed)
    assert (error.method, error.path) == ("POST", LOGIN_API)
    assert "totp_secret" in str(error)
    assert "api_key" in str(error)
    assert_clean(str(error), portal, secret)
    assert [e["path"] for e in requests_of(emu, portal)] == [LOGIN_API]


def test_tfa_login_with_totp_secret(emu, portal):
    enable_app_tfa(portal)
    secret = link_app(portal)
    emu.clear_log()
    # One step ahead of the code link_app sent; DocSpace accepts ten steps either side.
    client = client_for(portal, auth="password", totp_secret=secret, clock=lambda: time.time() + 30)
    assert client.get("people/@self")["id"] == portal["owner"]["id"]
    log = requests_of(emu, portal)
    assert [(e["method"], e["status"]) for e in log] == [("POST", 200), ("POST", 200), ("GET", 200)]
    assert log[0]["path"] == LOGIN_API
    assert log[1]["path"].startswith(LOGIN_API + "/")


def test_tfa_login_with_a_wrong_totp_secret(emu, portal):
    enable_app_tfa(portal)
    secret = link_app(portal)
    wrong = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    client = client_for(portal, auth="password", totp_secret=wrong)
    with pytest.raises(AuthenticationFailed) as info:
        client.get(POLICY)
    error = info.value
    assert error.status == 401
    assert "totp_secret" in str(error)
    assert "POST %s/{code}" % LOGIN_API in str(error)
    assert_clean(str(error), portal, secret, wrong)


# The envelope -------------------------------------------------------------------------


def test_envelope_is_unwrapped(emu, portal):
    client = client_for(portal)
    items = client.get(POLICY)
    assert [item["id"] for item in items] == ["sms", "app"]
    answer = client.request("GET", POLICY)
    assert answer.status == 200
    assert answer.data["status"] == 0
    assert answer.data["count"] == 2
    assert answer.envelope_response == items


def test_envelope_without_response_gives_none(emu, portal):
    # With TFA off there is no confirm link: DocSpace leaves "response" out.
    assert client_for(portal).get("settings/tfaapp/confirm") is None


def test_a_successful_disable_answers_false(emu, portal):
    client = client_for(portal)
    assert client.put(POLICY, {"type": 0, "id": portal["owner"]["id"]}) is False


@pytest.mark.parametrize("profile", ["3.6", "3.7"])
def test_both_spellings_of_available(request, profile):
    emulator = request.getfixturevalue("emulator_36" if profile == "3.6" else "emu")
    portal = emulator.portals[0]
    emulator.config(portal["name"], sms_provider=True)
    client = client_for(portal)
    raw = client.get(POLICY)
    spelling = "avaliable" if profile == "3.6" else "available"
    assert all(spelling in item for item in raw)
    assert _portal.read_policy(client)["available_methods"] == ["app", "sms"]
    emulator.config(portal["name"], sms_provider=False)
    assert _portal.read_policy(client)["available_methods"] == ["app"]


# "Not available" ----------------------------------------------------------------------


def not_available_error(emulator):
    portal = emulator.portals[0]
    with pytest.raises(NotAvailable) as info:
        # The owner has no app linked, so the backup codes are "not available".
        client_for(portal).get("settings/tfaappcodes")
    return info.value


def test_not_available_as_403_and_405_is_one_kind_with_one_message(emu, emulator_next):
    as_403 = not_available_error(emu)
    as_405 = not_available_error(emulator_next)
    assert (as_403.status, as_405.status) == (403, 405)
    assert str(as_403) == str(as_405)
    assert as_403.kind == as_405.kind == "not_available"
    assert str(as_403).startswith("GET /api/2.0/settings/tfaappcodes: DocSpace reports")
    assert "TFA application settings are not available" in str(as_403)
    assert_clean(str(as_403), emu.portals[0])


@pytest.mark.parametrize("profile, status", [("3.7", 403), ("next", 405)])
def test_hidden_method_is_not_available(request, profile, status):
    emulator = request.getfixturevalue("emu" if profile == "3.7" else "emulator_next")
    portal = emulator.portals[0]
    emulator.config(portal["name"], hide_app=True)
    with pytest.raises(NotAvailable) as info:
        client_for(portal).put(POLICY, {"type": 2, "id": portal["owner"]["id"]})
    assert info.value.status == status
    assert (info.value.method, info.value.path) == ("PUT", POLICY_API)


# Error kinds and their messages -------------------------------------------------------


def test_403_with_an_empty_body(emu, portal):
    # tfaapp/setup wants a confirm link; an API key lacks the role and gets the bare 403.
    with pytest.raises(AccessDenied) as info:
        client_for(portal).get("settings/tfaapp/setup")
    error = info.value
    assert (error.method, error.path, error.status) == ("GET", POLICY_API + "/setup", 403)
    assert "answered 403 with an empty body" in str(error)
    assert_clean(str(error), portal)


def test_403_access_denied_for_a_plain_user(emu, portal):
    with pytest.raises(AccessDenied) as info:
        client_for(portal, "user").put(POLICY, {"type": 2, "id": portal["user"]["id"]})
    assert "PUT %s answered 403: Access denied" % POLICY_API in str(info.value)
    assert writes(requests_of(emu, portal)) == [
        {
            "method": "PUT",
            "path": POLICY_API,
            "query": {},
            "status": 403,
            "portal": portal["name"],
            "auth": "apikey",
        }
    ]


def test_404_html_page(emu, portal):
    emu.fault(path="tfaapp$", status=404, body=HTML_PAGE, content_type="text/html")
    with pytest.raises(NotFound) as info:
        client_for(portal).get(POLICY)
    error = info.value
    assert (error.method, error.path, error.status) == ("GET", POLICY_API, 404)
    message = str(error)
    assert "GET %s answered 404: an HTML page instead of a DocSpace answer" % POLICY_API in message
    assert portal["url"] in message
    assert "url" in message
    assert "proxy" not in message
    assert_clean(message, portal)


def test_404_unknown_route(emu, portal):
    with pytest.raises(NotFound) as info:
        client_for(portal).get("settings/nothing-here")
    assert str(info.value).startswith("GET /api/2.0/settings/nothing-here answered 404.")


def test_400_validation(emu, portal):
    body = {"type": 2, "id": portal["owner"]["id"], "mandatoryUsers": ["not-a-guid"]}
    with pytest.raises(BadRequest) as info:
        client_for(portal).put(POLICY, body)
    error = info.value
    assert (error.method, error.path, error.status) == ("PUT", POLICY_API, 400)
    assert "PUT %s answered 400: $.mandatoryUsers[0]" % POLICY_API in str(error)
    assert_clean(str(error), portal)


def test_400_validation_in_the_36_envelope(emulator_36):
    portal = emulator_36.portals[0]
    with pytest.raises(BadRequest) as info:
        client_for(portal).put(POLICY, {"type": 2, "id": "not-a-guid"})
    assert "answered 400: $.id" in str(info.value)


def test_500_error_envelope(emu, portal):
    emu.fault(path="tfaapp$", status=500, body=ERROR_ENVELOPE, content_type="application/json")
    with pytest.raises(ServerError) as info:
        client_for(portal).get(POLICY)
    error = info.value
    assert (error.method, error.path, error.status) == ("GET", POLICY_API, 500)
    assert "GET %s answered 500: Something broke" % POLICY_API in str(error)
    assert_clean(str(error), portal)
    # A 500 is not retried: DocSpace failed, it is not busy.
    assert len(requests_of(emu, portal)) == 1


def test_500_from_the_37_confirm_link_bug(emu, portal):
    # The caller's address is trusted and the caller is not mandatory, so 3.7 has no link
    # to return and fails after saving.
    body = {"type": 2, "id": portal["owner"]["id"], "trustedIps": ["127.0.0.1"]}
    with pytest.raises(ServerError) as info:
        client_for(portal).put("settings/tfaappwithlink", body)
    assert "answered 500: Object reference not set" in str(info.value)
    assert_clean(str(info.value), portal)
    # Exactly one PUT: a 500 is never retried.
    assert len(requests_of(emu, portal, "PUT")) == 1


def test_200_html_instead_of_json(emu, portal):
    emu.fault(path="tfaapp$", status=200, body=HTML_PAGE, content_type="text/html")
    with pytest.raises(InvalidResponse) as info:
        client_for(portal).get(POLICY)
    message = str(info.value)
    assert "GET %s answered 200 with an HTML page instead of JSON" % POLICY_API in message
    assert portal["url"] in message
    assert_clean(message, portal)


def test_200_json_without_the_envelope(emu, portal):
    emu.fault(path="tfaapp$", status=200, body='{"ok": true}', content_type="application/json")
    with pytest.raises(InvalidResponse) as info:
        client_for(portal).get(POLICY)
    message = str(info.value)
    assert "GET %s answered 200 with JSON that is not a DocSpace API envelope" % POLICY_API in (
        message
    )
    assert portal["url"] in message


def test_connection_refused(portal):
    url = "http://127.0.0.1:%d/portal001" % closed_port()
    sleeps = Sleeps()
    with pytest.raises(TransportError) as info:
        client_for(portal, url=url, sleep=sleeps).get(POLICY)
    message = str(info.value)
    assert message.startswith("Cannot connect to %s (" % url)
    assert "GET %s" % POLICY_API in message
    assert "Check url" in message
    assert_clean(message, portal)
    # Nothing listens there: trying again would not help.
    assert sleeps.calls == []


def test_timeout(emu, portal):
    emu.fault(path="tfaapp$", delay=3)
    sleeps = Sleeps()
    started = time.monotonic()
    with pytest.raises(TransportError) as info:
        client_for(portal, timeout=1, sleep=sleeps).get(POLICY)
    assert time.monotonic() - started < 3
    message = str(info.value)
    assert "GET %s %s did not answer within 1 s" % (portal["url"], POLICY_API) in message
    assert "timeout" in message
    assert_clean(message, portal)
    # A timed-out call is not repeated: the portal may still be working on it.
    assert sleeps.calls == []


def test_dropped_connection_on_get_is_retried(emu, portal):
    emu.fault(path="tfaapp$", method="GET", drop=True, times=1)
    sleeps = Sleeps()
    client = client_for(portal, sleep=sleeps, backoff=0.25)
    assert client.get(POLICY)
    assert len(requests_of(emu, portal, "GET")) == 2
    assert sleeps.calls == [0.25]
    assert client.retry_notes == ["GET %s: transport; retried in 0.2 s" % POLICY_API]


def test_dropped_connection_on_get_every_time(emu, portal):
    emu.fault(path="tfaapp$", drop=True, times=-1)
    sleeps = Sleeps()
    with pytest.raises(TransportError) as info:
        client_for(portal, sleep=sleeps, backoff=0.25, retries=2).get(POLICY)
    message = str(info.value)
    assert message.startswith(
        "The connection to %s broke during GET %s" % (portal["url"], POLICY_API)
    )
    assert_clean(message, portal)
    assert len(requests_of(emu, portal)) == 3
    assert sleeps.calls == [0.25, 0.5]


def test_dropped_connection_on_put_is_not_retried(emu, portal):
    emu.fault(path="tfaapp$", method="PUT", drop=True, times=-1)
    sleeps = Sleeps()
    with pytest.raises(TransportError) as info:
        client_for(portal, sleep=sleeps).put(POLICY, {"type": 0, "id": portal["owner"]["id"]})
    assert "PUT %s" % POLICY_API in str(info.value)
    assert len(requests_of(emu, portal, "PUT")) == 1
    assert sleeps.calls == []


def test_tls_with_an_unknown_ca(emulator_tls):
    portal = emulator_tls.portals[0]
    assert portal["url"].startswith("https://")
    with pytest.raises(TransportError) as info:
        client_for(portal).get(POLICY)
    message = str(info.value)
    assert message.startswith("TLS failed for %s on GET %s" % (portal["url"], POLICY_API))
    assert "ca_path" in message
    assert "validate_certs" in message
    assert_clean(message, portal)


def test_tls_with_ca_path(emulator_tls):
    portal = emulator_tls.portals[0]
    client = client_for(portal, ca_path=emulator_tls.ca_file)
    assert client.get("people/@self")["id"] == portal["owner"]["id"]


def test_tls_without_validation(emulator_tls):
    portal = emulator_tls.portals[0]
    client = client_for(portal, validate_certs=False)
    assert client.get("people/@self")["id"] == portal["owner"]["id"]


# Retries ------------------------------------------------------------------------------


def test_503_with_retry_after_twice_then_success(emu, portal):
    emu.fault(method="GET", path="tfaapp$", status=503, headers={"Retry-After": "1"}, times=2)
    sleeps = Sleeps()
    client = client_for(portal, sleep=sleeps, backoff=0.01)
    assert [item["id"] for item in client.get(POLICY)] == ["sms", "app"]
    assert [(e["method"], e["status"]) for e in requests_of(emu, portal)] == [
        ("GET", 503),
        ("GET", 503),
        ("GET", 200),
    ]
    assert sleeps.calls == [1.0, 1.0]
    assert len(client.retry_notes) == 2


def test_429_with_an_http_date(emu, portal):
    now = 1900000000.0
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now + 5))
    emu.fault(method="GET", path="tfaapp$", status=429, headers={"Retry-After": when}, times=1)
    sleeps = Sleeps()
    client = client_for(portal, sleep=sleeps, clock=lambda: now)
    assert client.get(POLICY)
    assert sleeps.calls == [pytest.approx(5.0)]
    assert len(requests_of(emu, portal)) == 2


def test_put_is_retried_on_502(emu, portal):
    emu.fault(method="PUT", path="tfaapp$", status=502, times=1)
    sleeps = Sleeps()
    client = client_for(portal, sleep=sleeps, backoff=0.5)
    assert client.put(POLICY, {"type": 0, "id": portal["owner"]["id"]}) is False
    assert [e["status"] for e in requests_of(emu, portal, "PUT")] == [502, 200]
    assert sleeps.calls == [0.5]


def test_retries_are_bounded(emu, portal):
    emu.fault(method="GET", path="tfaapp$", status=504, times=-1)
    sleeps = Sleeps()
    with pytest.raises(ServerError) as info:
        client_for(portal, sleep=sleeps, backoff=0.1, retries=3).get(POLICY)
    assert info.value.status == 504
    assert "GET %s answered 504" % POLICY_API in str(info.value)
    assert len(requests_of(emu, portal)) == 4
    assert sleeps.calls == [0.1, 0.2, 0.4]


def test_retry_after_longer_than_allowed_is_not_waited_for(emu, portal):
    emu.fault(method="GET", path="tfaapp$", status=503, headers={"Retry-After": "3600"}, times=-1)
    sleeps = Sleeps()
    with pytest.raises(ServerError):
        client_for(portal, sleep=sleeps, max_retry_wait=60).get(POLICY)
    assert len(requests_of(emu, portal)) == 1
    assert sleeps.calls == []


def test_login_post_is_never_retried(emu, portal):
    emu.fault(method="POST", path="^/api/2.0/authentication$", status=503, times=-1)
    sleeps = Sleeps()
    with pytest.raises(ServerError) as info:
        client_for(portal, auth="password", sleep=sleeps).get(POLICY)
    assert (info.value.method, info.value.path, info.value.status) == ("POST", LOGIN_API, 503)
    assert_clean(str(info.value), portal)
    assert [(e["method"], e["path"]) for e in requests_of(emu, portal)] == [("POST", LOGIN_API)]
    assert sleeps.calls == []


def test_post_is_never_retried(emu, portal):
    emu.fault(method="POST", path="validate$", status=503, headers={"Retry-After": "1"}, times=-1)
    sleeps = Sleeps()
    with pytest.raises(ServerError):
        client_for(portal, sleep=sleeps).post("settings/tfaapp/validate", {"code": "123456"})
    assert len(requests_of(emu, portal, "POST")) == 1
    assert sleeps.calls == []


# The check-mode guard -----------------------------------------------------------------


@pytest.mark.parametrize("auth", ["api_key", "password"])
def test_check_mode_refusal_leaves_no_write(emu, portal, auth):
    client = client_for(portal, auth=auth, check_mode=True)
    owner = portal["owner"]["id"]
    attempts = [
        lambda: client.put(POLICY, {"type": 2, "id": owner}),
        lambda: client.put("settings/tfaappwithlink", {"type": 2, "id": owner}),
        lambda: client.put("settings/tfaappnewapp", {"id": owner}),
        lambda: client.put("settings/tfaappnewcodes"),
        lambda: client.post("settings/tfaapp/validate", {"code": "123456"}),
        lambda: client.get("settings/tfaapp/confirm"),
    ]
    for attempt in attempts:
        with pytest.raises(CheckModeRefused) as info:
            attempt()
        assert "check mode" in str(info.value)
    assert requests_of(emu, portal) == []
    # Reads still work in check mode; a password client logs in for them, nothing more.
    assert client.get(POLICY)
    log = requests_of(emu, portal)
    assert [e for e in writes(log) if e["path"] != LOGIN_API] == []
    assert [e["path"] for e in log if e["method"] == "GET"] == [POLICY_API]
    assert emu.state(portal["name"])["policy"] == emu.state(emu.portals[1]["name"])["policy"]


def test_every_error_is_a_docspace_error(emu, portal):
    emu.fault(path="tfaapp$", status=418, body="teapot", times=1)
    with pytest.raises(DocSpaceError) as info:
        client_for(portal).get(POLICY)
    assert str(info.value) == "GET %s answered 418: teapot." % POLICY_API
    assert info.value.details()["error"]["status"] == 418
