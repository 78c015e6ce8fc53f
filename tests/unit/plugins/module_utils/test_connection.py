# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection options: what connection_problem() refuses and what normalize_url() keeps."""

import pytest

from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import (
    DocSpaceClient,
    NotFound,
    normalize_url,
)
from ansible_collections.onlyoffice.docspace.plugins.module_utils._connection import (
    ENV_NAMES,
    client_from_params,
    connection_argument_spec,
    connection_problem,
    portal_session,
)

URL = "https://docspace.example.com"
API_KEY = "sk-0123456789abcdef"
TOKEN = "raw-session-token-value"
PASSWORD = "correct horse battery staple"


def params(**given):
    """Module parameters as AnsibleModule hands them over: every option present."""
    result = dict.fromkeys(connection_argument_spec())
    result.update(validate_certs=True, timeout=30, url=URL)
    result.update(given)
    return result


# Credentials --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        {"api_key": API_KEY},
        {"token": TOKEN},
        {"username": "admin@example.com", "password": PASSWORD},
        {"username": "admin@example.com", "password": PASSWORD, "totp_secret": "JBSWY3DPEHPK3PXP"},
        {"api_key": API_KEY, "timeout": 1},
        {"api_key": API_KEY, "url": "http://127.0.0.1:8080/"},
        {"api_key": API_KEY, "url": "https://example.com/docspace"},
    ],
)
def test_good_connection_options(given):
    assert connection_problem(params(**given)) is None


@pytest.mark.parametrize(
    "given",
    [{}, {"api_key": ""}, {"token": ""}, {"username": "", "password": ""}, {"totp_secret": None}],
)
def test_no_credentials(given):
    problem = connection_problem(params(**given))
    assert problem.startswith("No credentials")
    for name in ("api_key", "token", "username", "password", "DOCSPACE_API_KEY"):
        assert name in problem


@pytest.mark.parametrize(
    "given, named",
    [
        ({"api_key": API_KEY, "token": TOKEN}, "api_key and token"),
        (
            {"api_key": API_KEY, "username": "admin@example.com", "password": PASSWORD},
            "api_key and username and password",
        ),
        (
            {"token": TOKEN, "username": "admin@example.com", "password": PASSWORD},
            "token and username and password",
        ),
        ({"api_key": API_KEY, "username": "admin@example.com"}, "api_key and username"),
        ({"token": TOKEN, "password": PASSWORD}, "token and username and password"),
    ],
)
def test_two_ways_at_once(given, named):
    problem = connection_problem(params(**given))
    assert "exactly one way" in problem
    assert named in problem
    assert "environment variables" in problem


def test_secrets_are_not_in_the_problem():
    problem = connection_problem(params(api_key=API_KEY, token=TOKEN, password=PASSWORD))
    for secret in (API_KEY, TOKEN, PASSWORD):
        assert secret not in problem


@pytest.mark.parametrize(
    "given, missing",
    [
        ({"username": "admin@example.com"}, "password"),
        ({"username": "admin@example.com", "password": ""}, "password"),
        ({"password": PASSWORD}, "username"),
        ({"password": PASSWORD, "username": ""}, "username"),
    ],
)
def test_username_and_password_go_together(given, missing):
    problem = connection_problem(params(**given))
    assert problem == "username and password go together: %s is missing." % missing


@pytest.mark.parametrize("given", [{"api_key": API_KEY}, {"token": TOKEN}])
def test_totp_secret_only_with_a_password_login(given):
    problem = connection_problem(params(totp_secret="JBSWY3DPEHPK3PXP", **given))
    assert "totp_secret" in problem
    assert "username and password" in problem


# The URL ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "docspace.example.com",
        "docspace.example.com/path",
        "//docspace.example.com",
        "ftp://docspace.example.com",
        "file:///etc/passwd",
        "https://",
        "http:docspace.example.com",
    ],
)
def test_url_without_http_scheme_or_host(url):
    problem = connection_problem(params(api_key=API_KEY, url=url))
    assert "https://" in problem
    assert repr(url) in problem


@pytest.mark.parametrize("url", [None, ""])
def test_url_missing(url):
    problem = connection_problem(params(api_key=API_KEY, url=url))
    assert "url is required" in problem
    assert "DOCSPACE_URL" in problem


@pytest.mark.parametrize(
    "url, fixed",
    [
        ("https://docspace.example.com/api/2.0", "https://docspace.example.com"),
        ("https://docspace.example.com/api/2.0/", "https://docspace.example.com"),
        ("http://127.0.0.1:8080/portal001/api/2.0", "http://127.0.0.1:8080/portal001"),
    ],
)
def test_url_with_the_api_path_gives_the_fixed_url(url, fixed):
    problem = connection_problem(params(api_key=API_KEY, url=url))
    assert "without /api/2.0" in problem
    assert problem.endswith("use %s." % fixed)


@pytest.mark.parametrize(
    "url",
    [
        "https://docspace.example.com/?tenant=1",
        "https://docspace.example.com?x",
        "https://docspace.example.com/#login",
    ],
)
def test_url_with_a_query_string_or_fragment(url):
    problem = connection_problem(params(api_key=API_KEY, url=url))
    assert "query string or fragment" in problem
    assert repr(url) in problem


def test_url_is_checked_before_credentials():
    problem = connection_problem(params(url="docspace.example.com"))
    assert "https://" in problem


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://docspace.example.com", "https://docspace.example.com"),
        ("https://docspace.example.com/", "https://docspace.example.com"),
        ("https://docspace.example.com///", "https://docspace.example.com"),
        (" https://docspace.example.com/ ", "https://docspace.example.com"),
        ("http://127.0.0.1:8080/portal001/", "http://127.0.0.1:8080/portal001"),
        ("HTTPS://docspace.example.com", "https://docspace.example.com"),
        ("https://docspace.example.com:8443/", "https://docspace.example.com:8443"),
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_normalize_url_raises_value_error():
    with pytest.raises(ValueError, match="https://"):
        normalize_url("docspace.example.com")


# Timeout ------------------------------------------------------------------------------


@pytest.mark.parametrize("timeout", [0, -1, -30])
def test_timeout_must_be_positive(timeout):
    problem = connection_problem(params(api_key=API_KEY, timeout=timeout))
    assert problem == "timeout must be a positive number of seconds, not %s." % timeout


def test_timeout_left_out_is_fine():
    assert connection_problem(params(api_key=API_KEY, timeout=None)) is None


# The argument spec and the client -----------------------------------------------------


def test_every_option_has_an_environment_fallback():
    spec = connection_argument_spec()
    assert set(spec) == set(ENV_NAMES)
    for name, option in spec.items():
        assert option["fallback"][1] == [ENV_NAMES[name]]
        assert ENV_NAMES[name].startswith("DOCSPACE_")


@pytest.mark.parametrize("name", ["api_key", "token", "password", "totp_secret"])
def test_secrets_are_no_log(name):
    assert connection_argument_spec()[name]["no_log"] is True


def test_argument_spec_is_a_fresh_copy():
    first = connection_argument_spec()
    first["url"]["required"] = False
    assert connection_argument_spec()["url"]["required"] is True


def test_client_from_params():
    client = client_from_params(
        params(api_key=API_KEY, url=URL + "/", validate_certs=False, timeout=5), check_mode=True
    )
    assert isinstance(client, DocSpaceClient)
    assert client.url == URL
    assert client.auth_kind == "api_key"
    assert client.validate_certs is False
    assert client.timeout == 5
    assert client.check_mode is True


class FakeModule:
    """What portal_session uses of an AnsibleModule: params, check_mode and fail_json."""

    def __init__(self):
        self.params = params(api_key=API_KEY)
        self.check_mode = False
        self.failed = None

    def fail_json(self, **result):
        self.failed = result
        raise SystemExit(1)


class Refusal(ValueError):
    pass


@pytest.fixture
def logouts(monkeypatch):
    calls = []

    def logout(client):
        calls.append(client)

    monkeypatch.setattr(DocSpaceClient, "logout", logout)
    return calls


def test_a_session_logs_out_after_a_run_that_ends_with_exit_json(logouts):
    module = FakeModule()
    with pytest.raises(SystemExit), portal_session(module) as client:
        assert client.auth_kind == "api_key"
        raise SystemExit(0)
    assert len(logouts) == 1 and module.failed is None


def test_a_refusal_fails_with_its_message_alone(logouts):
    module = FakeModule()
    with pytest.raises(SystemExit), portal_session(module, Refusal):
        raise Refusal("mandatory_users would lock the owner out.")
    assert module.failed == {"msg": "mandatory_users would lock the owner out."}
    assert len(logouts) == 1


def test_a_docspace_error_fails_with_its_details(logouts):
    module = FakeModule()
    with pytest.raises(SystemExit), portal_session(module, Refusal):
        raise NotFound("GET /api/2.0/people/x answered 404.", "GET", "/api/2.0/people/x", 404)
    assert module.failed["msg"] == "GET /api/2.0/people/x answered 404."
    assert module.failed["error"]["status"] == 404
    assert module.failed["error"]["method"] == "GET"
    assert len(logouts) == 1


def test_other_errors_pass_through_after_the_logout(logouts):
    module = FakeModule()
    with pytest.raises(KeyError), portal_session(module, Refusal):
        raise KeyError("id")
    assert module.failed is None and len(logouts) == 1
