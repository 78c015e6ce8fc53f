# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client's TFA login, with DocSpace's answers scripted at the HTTP layer.

A login never sends a code twice, never retries a refused one, never links an app on the
side, and never names the code it sent.
"""

import email.message
import email.utils
import io
import json

import pytest

from ansible_collections.onlyoffice.docspace.plugins.module_utils import _client, _totp
from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import (
    AccessDenied,
    AuthenticationFailed,
    DocSpaceClient,
    TfaLoginRequired,
)

URL = "https://docspace.example.com"
USER = "robot@example.com"
PASSWORD = "S3cret-pass!"
SECRET = "JBSWY3DPEHPK3PXP"
NOW = 1700000000.0
LOGIN = "/api/2.0/authentication"


def headers(date_offset=0.0, cookies=()):
    message = email.message.Message()
    message["Content-Type"] = "application/json; charset=utf-8"
    message["Date"] = email.utils.formatdate(NOW + date_offset, usegmt=True)
    for cookie in cookies:
        message["Set-Cookie"] = cookie
    return message


class Answer:
    def __init__(self, status, body, head):
        self.status, self.body, self.headers = status, body, head

    def getcode(self):
        return self.status

    def read(self):
        return self.body


def envelope(value, status=200):
    return json.dumps({"response": value, "count": 1, "status": 0, "statusCode": status})


def error(status, message):
    return json.dumps({"error": {"message": message}, "status": 1, "statusCode": status})


class Portal:
    """Answers in order; records what was sent."""

    def __init__(self, monkeypatch, answers):
        self.answers = list(answers)
        self.sent = []
        monkeypatch.setattr(_client.Request, "open", self.open)

    def open(self, method, url, data=None, headers=None, **kwargs):
        self.sent.append((method, url, json.loads(data) if data else None))
        status, body, head = self.answers.pop(0)
        if status >= 400:
            raise _client.HTTPError(url, status, "error", head, io.BytesIO(body.encode()))
        return Answer(status, body.encode(), head)


def client(**kwargs):
    sleeps = []
    made = DocSpaceClient(
        URL,
        username=USER,
        password=PASSWORD,
        totp_secret=kwargs.pop("totp_secret", SECRET),
        clock=kwargs.pop("clock", lambda: NOW),
        sleep=sleeps.append,
        **kwargs,
    )
    return made, sleeps


CHALLENGE = {"tfa": True, "sms": False, "confirmUrl": URL + "/confirm/TfaAuth?type=TfaAuth"}
CONFIRM_COOKIE = "asc_confirm_key_TfaAuth=519834710123.QZ3KXH7PLQ2M5BXW; path=/; httponly"


def test_tfa_login_sends_the_code_in_body_and_path(monkeypatch):
    portal = Portal(
        monkeypatch,
        [
            (200, envelope(CHALLENGE), headers(cookies=[CONFIRM_COOKIE])),
            (200, envelope({"token": "tok-1"}), headers()),
            (200, envelope({"id": "x"}), headers()),
        ],
    )
    made = client()[0]
    made.get("people/@self")
    code = _totp.totp(SECRET, for_time=NOW)
    assert portal.sent[1][1] == URL + LOGIN + "/" + code
    assert portal.sent[1][2] == {"userName": USER, "password": PASSWORD, "code": code}


@pytest.mark.parametrize("totp_secret", [SECRET, None])
def test_unlinked_account_is_refused_before_a_code_links_an_app(monkeypatch, totp_secret):
    offer = dict(CHALLENGE, tfaKey="KNVXASKSNZSG4T2G")
    portal = Portal(monkeypatch, [(200, envelope(offer), headers())])
    made = client(totp_secret=totp_secret)[0]
    with pytest.raises(TfaLoginRequired) as info:
        made.get("people/@self")
    message = str(info.value)
    assert "no authenticator app linked" in message
    assert "docspace_tfa_app" in message
    assert "KNVXASKSNZSG4T2G" not in message
    assert [sent[1] for sent in portal.sent] == [URL + LOGIN]


def test_sms_challenge_is_refused_with_its_own_message(monkeypatch):
    Portal(
        monkeypatch, [(200, envelope({"tfa": False, "sms": True, "confirmUrl": URL}), headers())]
    )
    made = client()[0]
    with pytest.raises(TfaLoginRequired) as info:
        made.get("people/@self")
    assert "SMS" in str(info.value)
    assert "api_key" in str(info.value)


def test_a_refused_code_is_not_retried_and_not_named(monkeypatch):
    portal = Portal(
        monkeypatch,
        [
            (200, envelope(CHALLENGE), headers()),
            (401, error(401, "User authentication failed"), headers()),
        ],
    )
    made, sleeps = client()
    with pytest.raises(AuthenticationFailed) as info:
        made.get("people/@self")
    failure = info.value
    code = _totp.totp(SECRET, for_time=NOW)
    assert len(portal.sent) == 2
    assert sleeps == []
    assert code not in str(failure)
    assert failure.path == LOGIN + "/{code}"
    assert code not in json.dumps(failure.details())
    assert "clock" in str(failure)
    assert not str(failure).endswith(" ")


def test_a_refused_code_says_how_far_the_clocks_are_apart(monkeypatch):
    Portal(
        monkeypatch,
        [
            (200, envelope(CHALLENGE), headers(date_offset=-600)),
            (401, error(401, "User authentication failed"), headers(date_offset=-600)),
        ],
    )
    made = client()[0]
    with pytest.raises(AuthenticationFailed) as info:
        made.get("people/@self")
    assert "10 minutes ahead of the portal's" in str(info.value)


@pytest.mark.parametrize("status", [403, 500, 502])
def test_other_failures_of_the_code_step_do_not_name_the_code(monkeypatch, status):
    Portal(
        monkeypatch,
        [
            (200, envelope(CHALLENGE), headers()),
            (status, error(status, "Login attempts exceeded"), headers()),
        ],
    )
    made = client()[0]
    with pytest.raises(_client.DocSpaceError) as info:
        made.get("people/@self")
    code = _totp.totp(SECRET, for_time=NOW)
    assert code not in str(info.value)
    assert info.value.path == LOGIN + "/{code}"
    assert info.value.server_message == "Login attempts exceeded"


def test_a_second_login_in_one_process_waits_for_a_fresh_code(monkeypatch):
    answers = []
    for token in ("tok-1", "tok-2"):
        answers += [
            (200, envelope(CHALLENGE), headers()),
            (200, envelope({"token": token}), headers()),
        ]
    portal = Portal(monkeypatch, answers)
    # Each login reads the clock for the skew and for the code; NOW is 20 s into a step.
    times = iter([NOW, NOW, NOW + 5, NOW + 5, NOW + 31])
    made, sleeps = client(clock=lambda: next(times))
    made.login()
    made.relogin()
    assert len(sleeps) == 1
    assert sleeps[0] > 0
    first, second = portal.sent[1][2]["code"], portal.sent[3][2]["code"]
    assert first != second


def test_errors_carry_the_answer_headers_and_server_message(monkeypatch):
    Portal(monkeypatch, [(403, error(403, "You have sent too many text messages."), headers())])
    made = DocSpaceClient(URL, api_key="sk-abc")
    with pytest.raises(AccessDenied) as info:
        made.post("settings/tfaapp/validate", {"code": "123456"})
    assert info.value.server_message == "You have sent too many text messages."
    assert info.value.headers.get("Date")
