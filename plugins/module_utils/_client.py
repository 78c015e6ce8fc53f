# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP client for the DocSpace REST API.

It owns everything about talking to a portal: authentication, DocSpace's response
envelope, typed errors with readable messages, bounded retries and the check-mode write
guard. It never ends the module: callers catch DocSpaceError and report it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import email.utils
import inspect
import json
import re
import socket
import ssl
import time

from ansible.module_utils.six.moves.http_client import HTTPException
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import quote, urlencode, urlsplit
from ansible.module_utils.urls import ConnectionError as UrlsConnectionError
from ansible.module_utils.urls import Request, SSLValidationError, make_context

API_PREFIX = "/api/2.0/"
RETRY_STATUSES = (429, 502, 503, 504)
RETRY_METHODS = ("GET", "PUT")
# GET endpoints that are not reads: each call issues a new confirm key.
KEY_ISSUING_PATHS = ("settings/tfaapp/confirm",)
LOGIN_PATH = "authentication"
LOGOUT_PATH = "authentication/logout"
BODY_EXCERPT = 200
HTML_PAGE = "an HTML page"
HTML_INSTEAD = "an HTML page instead of a DocSpace answer"
MASK = "********"
# ansible-core 2.17 and later let a caller hand Request.open a TLS context to reuse.
OPEN_TAKES_CONTEXT = "context" in inspect.signature(Request.open).parameters


class DocSpaceError(Exception):
    """A failed call to DocSpace. ``str()`` is a message fit for the user."""

    def __init__(self, message, method=None, path=None, status=None):
        super(DocSpaceError, self).__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status

    # Set on errors that come from an HTTP answer, for callers that word their own message.
    headers = None
    server_message = ""

    def __str__(self):
        return self.message

    def details(self):
        """What a module adds to its failure result, besides ``msg``."""
        return {
            "error": {
                "kind": self.kind,
                "method": self.method,
                "path": self.path,
                "status": self.status,
            }
        }

    kind = "error"


class AuthenticationFailed(DocSpaceError):
    kind = "authentication"


class TfaLoginRequired(AuthenticationFailed):
    kind = "tfa_login_required"


class AccessDenied(DocSpaceError):
    kind = "access_denied"


class NotAvailable(DocSpaceError):
    kind = "not_available"


class NotFound(DocSpaceError):
    kind = "not_found"


class BadRequest(DocSpaceError):
    kind = "bad_request"


class RateLimited(DocSpaceError):
    kind = "rate_limited"


class ServerError(DocSpaceError):
    kind = "server_error"


class InvalidResponse(DocSpaceError):
    kind = "invalid_response"


class TransportError(DocSpaceError):
    kind = "transport"


class CheckModeRefused(DocSpaceError):
    kind = "check_mode"


class Response:
    """One HTTP answer: status, headers and the parsed JSON body (or None)."""

    def __init__(self, status, headers, body, data):
        self.status = status
        self.headers = headers
        self.body = body
        self.data = data

    @property
    def envelope_response(self):
        """The value of DocSpace's ``response`` field; None when DocSpace left it out."""
        return self.data.get("response") if isinstance(self.data, dict) else None


# The user:password@ part of a URL, however badly the rest is written.
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)?[^/@]*@")


def _ascii(text):
    return all(ord(char) < 128 for char in text)


def header_problem(value):
    """Why ``value`` cannot be sent in an HTTP header, or None."""
    if any(ord(char) < 32 or ord(char) > 126 for char in value):
        return (
            "holds a character that cannot go into an HTTP header (a line break, another "
            "control character or a non-ASCII letter)"
        )
    return None


def api_path(path):
    """``settings/tfaapp`` -> ``/api/2.0/settings/tfaapp``."""
    return API_PREFIX + path.lstrip("/")


def is_not_available_message(message):
    return "not available" in (message or "").lower()


def normalize_url(url):
    """Check the portal URL and return it without a trailing slash.

    Raises ValueError with a sentence for the user.
    """
    if not url:
        raise ValueError("url is required: set it on the task or in DOCSPACE_URL.")
    url = url.strip()
    shown = _USERINFO.sub(r"\1%s@" % MASK, url)
    # urlsplit() drops line breaks and tabs without a word, so look before it does.
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        raise ValueError("url must not contain spaces or control characters: %r." % shown)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            "url must be the portal's address starting with https:// (or http://), for "
            "example https://docspace.example.com, not %r." % shown
        )
    if parts.query or parts.fragment:
        raise ValueError("url must not carry a query string or fragment: %r." % shown)
    if "@" in parts.netloc:
        # Not quoted back: what is before the @ is a password more often than not.
        raise ValueError(
            "url must not carry a user name or password (user:password@host); give the "
            "account as username and password, or better, use api_key."
        )
    if not _ascii(parts.netloc):
        try:
            ascii_host = parts.netloc.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_host = None
        suggestion = (
            "; if you mean this internationalised name, write it as %s://%s"
            % (parts.scheme, ascii_host)
            if ascii_host
            else ""
        )
        raise ValueError(
            "url: the host name %s is not plain ASCII, so it may only look like the "
            "portal's name%s." % (ascii(parts.netloc), suggestion)
        )
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 0 < port < 65536:
        raise ValueError("url: %r has no valid port number." % parts.netloc)
    path = quote(parts.path.rstrip("/"), safe="/%:@!$&'()*+,;=-._~")
    if path.endswith("/api/2.0"):
        raise ValueError(
            "url is the portal's address, without /api/2.0: use %s://%s%s."
            % (parts.scheme, parts.netloc, path[: -len("/api/2.0")])
        )
    return "%s://%s%s" % (parts.scheme, parts.netloc, path)


class DocSpaceClient:
    """Talks to one DocSpace portal on behalf of one account.

    Exactly one way to authenticate is given: ``api_key``, ``token``, or ``username`` with
    ``password`` (and ``totp_secret`` when the account must pass TFA to log in).
    """

    def __init__(
        self,
        url,
        api_key=None,
        token=None,
        username=None,
        password=None,
        totp_secret=None,
        validate_certs=True,
        ca_path=None,
        timeout=30,
        check_mode=False,
        retries=3,
        backoff=1.0,
        max_retry_wait=60,
        sleep=time.sleep,
        clock=time.time,
    ):
        self.url = normalize_url(url)
        self.api_key = api_key
        self.token = token
        self.username = username
        self.password = password
        self.totp_secret = totp_secret
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout
        self.check_mode = check_mode
        self.retries = retries
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self._clock = clock
        self._session_token = None
        self._logged_in = False
        self._last_totp_step = None
        self._tls_context = None
        self.retry_notes = []

    # Authentication ------------------------------------------------------------------

    @property
    def auth_kind(self):
        """``api_key``, ``token`` or ``password``: how this client proves who it is."""
        if self.api_key:
            return "api_key"
        if self.token:
            return "token"
        return "password"

    @property
    def session_survives_tfa_enable(self):
        """Whether this client's credentials outlive DocSpace signing every session out."""
        return self.auth_kind == "api_key"

    def _bare_api_key(self):
        key = self.api_key or ""
        if key.lower().startswith("bearer "):
            key = key[len("bearer ") :]
        return key

    def _secrets(self):
        found = [
            self.api_key,
            self._bare_api_key(),
            self.token,
            self.password,
            self.totp_secret,
            self._session_token,
        ]
        # Longest first, so a secret that contains another is masked whole.
        return sorted(set(s for s in found if s), key=len, reverse=True)

    def mask(self, text):
        """Replace every secret this client knows with a mask."""
        if not text:
            return text
        for secret in self._secrets():
            text = text.replace(secret, MASK)
        return text

    def _auth_headers(self):
        if self.api_key:
            return {"Authorization": "Bearer " + self._bare_api_key()}
        if self.token:
            return {"Authorization": self.token}
        if self._session_token is None:
            self.login()
        return {"Authorization": self._session_token}

    def login(self):
        """Log in with username and password, passing TFA with ``totp_secret`` if needed."""
        if not (self.username and self.password):
            raise AuthenticationFailed(
                "No credentials: give api_key, token, or username with password."
            )
        credentials = {"userName": self.username, "password": self.password}
        answer = self._send("POST", LOGIN_PATH, body=credentials, authenticated=False)
        result = answer.envelope_response or {}
        if result.get("token"):
            self._session_token = result["token"]
            self._logged_in = True
            return
        self._refuse_challenge(result, answer.status)
        self._login_with_code(credentials, answer)

    def _refuse_challenge(self, result, status):
        """Raise unless DocSpace asks for an app code that ``totp_secret`` can give."""
        if result.get("sms") and not result.get("tfa"):
            raise TfaLoginRequired(
                "The account %s must pass two-factor authentication by SMS to log in, which "
                "the collection cannot do. Use an api_key, which DocSpace does not challenge."
                % self.username,
                "POST",
                api_path(LOGIN_PATH),
                status,
            )
        if not result.get("tfa"):
            raise InvalidResponse(
                "POST %s answered without a token or a TFA challenge; is url a DocSpace "
                "portal?" % api_path(LOGIN_PATH),
                "POST",
                api_path(LOGIN_PATH),
                status,
            )
        if result.get("tfaKey"):
            # DocSpace offers a secret only to an account with no app linked, and a login
            # with a code would link one: a change no login should make on its own.
            raise TfaLoginRequired(
                "The account %s must pass two-factor authentication to log in, but has no "
                "authenticator app linked yet, and logging in with a code would link one. Link "
                "an app first with onlyoffice.docspace.docspace_tfa_app (logged in with the "
                "account's api_key), then log in with totp_secret." % self.username,
                "POST",
                api_path(LOGIN_PATH),
                status,
            )
        if not self.totp_secret:
            raise TfaLoginRequired(
                "The account %s must pass two-factor authentication to log in. Give "
                "totp_secret (the account's authenticator secret, DOCSPACE_TOTP_SECRET) so the "
                "collection can compute the code, or use an api_key, which DocSpace does not "
                "challenge." % self.username,
                "POST",
                api_path(LOGIN_PATH),
                status,
            )

    def _login_with_code(self, credentials, answer):
        """POST authentication/{code} with a code from ``totp_secret``; never retried."""
        # Imported here, not at the top: each module run compiles what it imports, and
        # only a password login that DocSpace challenges needs the TOTP code.
        from ansible_collections.onlyoffice.docspace.plugins.module_utils import _app

        skew = _app.clock_skew(
            answer.headers.get("Date") if answer.headers else None, self._clock()
        )
        code = self._fresh_totp_code()
        body = dict(credentials, code=code)
        path = "%s/%s" % (LOGIN_PATH, quote(code, safe=""))
        # The code is never retried, and never named: not in a message, not in error.path.
        shown = api_path(LOGIN_PATH + "/{code}")
        try:
            answer = self._send("POST", path, body=body, authenticated=False)
        except AuthenticationFailed as exc:
            raise AuthenticationFailed(
                (
                    "DocSpace rejected the TOTP code computed from totp_secret for %s (POST %s "
                    "answered %s). Check that totp_secret belongs to this account's linked app and "
                    "that this machine's clock is right. DocSpace also refuses every code once the "
                    "account has had five code checks within a minute, successful logins "
                    "included; then wait a minute. %s"
                    % (self.username, shown, exc.status, _app.skew_sentence(skew))
                ).strip(),
                "POST",
                shown,
                exc.status,
            ) from None
        except DocSpaceError as exc:
            error = type(exc)(
                exc.message.replace(api_path(path), shown).replace(code, MASK),
                "POST",
                shown,
                exc.status,
            )
            error.headers = exc.headers
            error.server_message = exc.server_message
            raise error from None
        token = (answer.envelope_response or {}).get("token")
        if not token:
            raise InvalidResponse(
                "POST %s accepted the TOTP code but returned no token." % shown,
                "POST",
                shown,
                answer.status,
            )
        self._session_token = token
        self._logged_in = True

    def _fresh_totp_code(self):
        """A code from totp_secret, never the one this client already sent."""
        from ansible_collections.onlyoffice.docspace.plugins.module_utils import _totp

        now = self._clock()
        if _totp.time_step(now) == self._last_totp_step:
            self._sleep(_totp.STEP - now % _totp.STEP + 0.5)
            now = self._clock()
        try:
            code = _totp.totp(self.totp_secret, for_time=now)
        except ValueError as exc:
            raise AuthenticationFailed("totp_secret cannot be used: %s" % exc) from None
        self._last_totp_step = _totp.time_step(now)
        return code

    def logout(self):
        """End the session this client opened itself; a dead session is not an error."""
        if not self._logged_in:
            return
        with contextlib.suppress(DocSpaceError):
            self._send("POST", LOGOUT_PATH)
        self._logged_in = False
        self._session_token = None

    def relogin(self):
        """Log in again after DocSpace ended the session (for example on enabling TFA).

        Returns False for credentials that cannot log in again (a token).
        """
        if self.auth_kind != "password":
            return self.auth_kind == "api_key"
        self._session_token = None
        self._logged_in = False
        self.login()
        return True

    # Verbs -----------------------------------------------------------------------------

    def get(self, path, query=None):
        return self.request("GET", path, query=query).envelope_response

    def put(self, path, body=None):
        return self.request("PUT", path, body=body).envelope_response

    def post(self, path, body=None):
        return self.request("POST", path, body=body).envelope_response

    def request(self, method, path, body=None, query=None, headers=None, authenticated=True):
        """Send one API call and return the Response; raise DocSpaceError on failure."""
        method = method.upper()
        # DocSpace routes ignore case and slashes at either end; so does this guard.
        route = path.strip("/").lower()
        if self.check_mode and (method != "GET" or route in KEY_ISSUING_PATHS):
            raise CheckModeRefused(
                "Refused to send %s %s in check mode: it would change the portal or issue a "
                "new key." % (method, api_path(path)),
                method,
                api_path(path),
            )
        return self._send(method, path, body, query, headers, authenticated)

    # Transport -------------------------------------------------------------------------

    def _send(
        self,
        method,
        path,
        body=None,
        query=None,
        headers=None,
        authenticated=True,
    ):
        """Send with retries. Logging in and out come here directly: they change no portal
        setting, so the check-mode guard in request() does not apply to them."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send_once(method, path, body, query, headers, authenticated)
            except (RateLimited, ServerError, TransportError) as exc:
                # Only this request's own failure may repeat it: a login that failed on
                # the way (a POST) must not be sent again by the GET or PUT that needed it.
                if (exc.method, exc.path) != (method, api_path(path)):
                    raise
                wait = self._retry_wait(method, exc, attempt)
                if wait is None:
                    raise
                self.retry_notes.append(
                    "%s %s: %s; retried in %.1f s" % (method, api_path(path), exc.kind, wait)
                )
                self._sleep(wait)

    def _retry_wait(self, method, exc, attempt):
        """Seconds to wait before trying again, or None when the call must not be retried."""
        if method not in RETRY_METHODS or attempt > self.retries:
            return None
        if isinstance(exc, TransportError):
            # A dropped connection is safe to repeat for a read; a write may have landed.
            if method != "GET" or not getattr(exc, "retryable", False):
                return None
            return self.backoff * (2 ** (attempt - 1))
        if exc.status not in RETRY_STATUSES:
            return None
        wait = getattr(exc, "retry_after", None)
        if wait is None:
            wait = self.backoff * (2 ** (attempt - 1))
        if wait > self.max_retry_wait:
            return None
        return wait

    def _send_once(self, method, path, body, query, headers, authenticated):
        url = self.url + api_path(path)
        if query:
            url += "?" + urlencode(query)
        all_headers = {"Accept": "application/json"}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        if authenticated:
            all_headers.update(self._auth_headers())
        all_headers.update(headers or {})
        data = json.dumps(body).encode("utf-8") if body is not None else None
        shown = api_path(path)
        try:
            raw = Request().open(
                method,
                url,
                data=data,
                headers=all_headers,
                validate_certs=self.validate_certs,
                ca_path=self.ca_path,
                timeout=self.timeout,
                follow_redirects="none",
                use_proxy=True,
                http_agent="onlyoffice.docspace-ansible",
                **self._tls(),
            )
            status, resp_headers, payload = raw.getcode(), raw.headers, raw.read()
        except HTTPError as exc:
            status, resp_headers = exc.code, exc.headers
            try:
                payload = exc.read()
            except (HTTPException, OSError):
                payload = b""
        except (SSLValidationError, ssl.SSLError, ssl.CertificateError) as exc:
            raise self._tls_error(method, shown, exc) from None
        except UrlsConnectionError as exc:
            raise self._tls_error(method, shown, exc) from None
        except URLError as exc:
            raise self._transport_error(method, shown, exc.reason) from None
        except (socket.timeout, HTTPException, OSError) as exc:
            raise self._transport_error(method, shown, exc) from None
        except (ValueError, OverflowError) as exc:
            # http.client refusing a header or a URL, before anything is sent. Its message
            # quotes the value, which may be a credential: name only the kind of problem.
            raise TransportError(
                "%s %s was not sent: a connection option holds a value that HTTP cannot "
                "carry (%s). Check url, api_key, token and timeout."
                % (method, shown, type(exc).__name__),
                method,
                shown,
            ) from None
        return self._interpret(method, shown, status, resp_headers, payload)

    def _tls(self):
        """Request.open arguments that reuse one TLS context for all of this client's calls:
        building a context reads the system's CA store, which costs more than a request."""
        if not OPEN_TAKES_CONTEXT:
            return {}
        if self._tls_context is None and not self.url.lower().startswith("https://"):
            # Request.open builds a context when given none, even for http://. This one is
            # never used for a handshake, as no redirect is followed, so it reads no CA store.
            self._tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self._tls_context is None:
            self._tls_context = make_context(
                cafile=self.ca_path, validate_certs=self.validate_certs
            )
        return {"context": self._tls_context}

    def _tls_error(self, method, shown, exc):
        reason = str(getattr(exc, "reason", exc) or exc)
        # A failed verification keeps its cause (unknown issuer, wrong host name) here only.
        if getattr(exc, "verify_message", None):
            reason = "%s (%s)" % (reason, exc.verify_message.rstrip("."))
        if "hostname" in reason.lower() or "match" in reason.lower():
            hint = (
                "the certificate is not for this host name; use the name on the certificate in url"
            )
        elif "wrong_version_number" in reason.lower() or "wrong version number" in reason.lower():
            hint = (
                "check the port in url, and write http:// if the portal does not use TLS: the "
                "server at this address does not speak TLS on this port"
            )
        else:
            hint = (
                "give ca_path (DOCSPACE_CA_PATH) the CA that signed the portal's certificate; "
                "validate_certs: false only for a throwaway test portal"
            )
        return TransportError(
            "TLS failed for %s on %s %s: %s. To fix it, %s."
            % (self.url, method, shown, self.mask(_one_line(reason)), hint),
            method,
            shown,
        )

    def _transport_error(self, method, shown, reason):
        if isinstance(reason, (ssl.SSLError, ssl.CertificateError)):
            return self._tls_error(method, shown, reason)
        text = self.mask(_one_line(str(reason)))
        if isinstance(reason, socket.timeout) or "timed out" in text.lower():
            error = TransportError(
                "%s %s %s did not answer within %s s; raise timeout (DOCSPACE_TIMEOUT) if the "
                "portal is slow, or check url." % (method, self.url, shown, self.timeout),
                method,
                shown,
            )
            error.retryable = False
            return error
        if isinstance(reason, (ConnectionRefusedError, socket.gaierror)) or (
            "refused" in text.lower() or "name or service" in text.lower()
        ):
            message = (
                "Cannot connect to %s (%s) for %s %s. Check url: the host name, the port and "
                "whether the portal is running." % (self.url, text, method, shown)
            )
            retryable = False
        else:
            message = "The connection to %s broke during %s %s (%s)." % (
                self.url,
                method,
                shown,
                text,
            )
            retryable = True
        error = TransportError(message, method, shown)
        error.retryable = retryable
        return error

    def _interpret(self, method, shown, status, headers, payload):
        text = payload.decode("utf-8", "replace") if payload else ""
        data = None
        if text.strip():
            try:
                data = json.loads(text)
            except ValueError:
                data = None
        if 200 <= status < 300:
            if data is None and text.strip() and text.strip() != "null":
                if _content_kind(headers) == HTML_PAGE:
                    kind = "an HTML page instead of JSON"
                else:
                    ctype = (headers.get("Content-Type") if headers else None) or "none"
                    kind = "a body that is not valid JSON (Content-Type: %s)" % _one_line(ctype)
                raise InvalidResponse(
                    "%s %s answered %s with %s. Check that url (%s) is the DocSpace portal "
                    "itself, not a login page or proxy." % (method, shown, status, kind, self.url),
                    method,
                    shown,
                    status,
                )
            if not isinstance(data, dict) or "status" not in data:
                raise InvalidResponse(
                    "%s %s answered %s with JSON that is not a DocSpace API envelope. Check "
                    "that url (%s) is a DocSpace portal." % (method, shown, status, self.url),
                    method,
                    shown,
                    status,
                )
            return Response(status, headers, text, data)
        error = self._http_error(method, shown, status, headers, text, data)
        error.headers = headers
        error.server_message = self.mask(_server_message(data, text, headers))
        raise error

    def _http_error(self, method, shown, status, headers, text, data):
        server_message = self.mask(_server_message(data, text, headers))
        where = "%s %s answered %s" % (method, shown, status)
        if server_message:
            where += ": %s" % server_message.rstrip(".")
        if server_message == HTML_INSTEAD:
            # A page instead of the API means url points somewhere else: say where.
            where += " from %s" % self.url
        if status in (403, 405, 500) and is_not_available_message(server_message):
            return NotAvailable(
                "%s %s: DocSpace reports that this two-factor setting is not available (%s). "
                "The portal may hide or not offer this method, or the account may have no "
                "authenticator app linked." % (method, shown, server_message),
                method,
                shown,
                status,
            )
        if status == 401:
            return AuthenticationFailed(
                "%s. The credentials were not accepted: check api_key, token, or username and "
                "password. A token stops working when TFA is enabled on the portal." % where,
                method,
                shown,
                status,
            )
        if status == 403:
            if not server_message:
                where += " with an empty body"
            return AccessDenied(
                "%s. The account is not allowed to do this%s."
                % (where, _access_hint(method, shown)),
                method,
                shown,
                status,
            )
        if status == 404:
            return NotFound("%s. Check url and the ids given." % where, method, shown, status)
        if status == 400:
            return BadRequest(where + ".", method, shown, status)
        if 300 <= status < 400:
            location = _one_line(self.mask(headers.get("Location") if headers else None))
            if location:
                where += ", a redirect to %s" % location[:BODY_EXCERPT]
            return DocSpaceError(
                "%s. The collection does not follow redirects, so that credentials go only "
                "where url says; set url to the portal's address, the one it redirects to." % where,
                method,
                shown,
                status,
            )
        if status == 429:
            error = RateLimited(
                "%s. DocSpace is rate limiting this client; try again later or lower forks."
                % where,
                method,
                shown,
                status,
            )
            error.retry_after = _retry_after(headers, self._clock())
            return error
        if status in (502, 503, 504):
            error = ServerError(
                "%s. The portal or a proxy in front of it is unavailable; try again later." % where,
                method,
                shown,
                status,
            )
            error.retry_after = _retry_after(headers, self._clock())
            return error
        if status >= 500:
            return ServerError(
                "%s. The portal failed while handling the request." % where,
                method,
                shown,
                status,
            )
        return DocSpaceError(where + ".", method, shown, status)


def _access_hint(method, shown):
    """What DocSpace requires for the call that was refused, where the collection knows."""
    if method == "PUT" and shown in (
        api_path("settings/tfaapp"),
        api_path("settings/tfaappwithlink"),
    ):
        return "; changing the TFA policy needs the portal owner or a DocSpace admin"
    if method == "PUT" and shown == api_path("settings/tfaappnewapp"):
        return "; only the portal owner may unlink another account's app"
    return ""


def _one_line(text):
    return " ".join((text or "").split())


def _content_kind(headers):
    ctype = (headers.get("Content-Type") if headers else None) or "no content type"
    ctype = ctype.split(";")[0].strip().lower()
    if "html" in ctype:
        return HTML_PAGE
    return "a %s body" % ctype


def _server_message(data, text, headers):
    """The server's own explanation, short: DocSpace's error message or a body excerpt."""
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and error.get("message"):
            return _one_line(str(error["message"]))[:BODY_EXCERPT]
        problem = data.get("response")
        if isinstance(problem, dict) and isinstance(problem.get("errors"), dict):
            parts = []
            for field, messages in sorted(problem["errors"].items()):
                if isinstance(messages, list):
                    messages = "; ".join(str(m) for m in messages)
                parts.append("%s: %s" % (field, messages))
            return _one_line(", ".join(parts))[:BODY_EXCERPT]
        if problem is None and "error" not in data and "status" in data:
            return ""
    if not text.strip():
        return ""
    # An HTML page is a login page, proxy or error page, not DocSpace: say so, do not quote it.
    if _content_kind(headers) == HTML_PAGE or text.lstrip()[:1] == "<":
        return HTML_INSTEAD
    return _one_line(text)[:BODY_EXCERPT]


def _retry_after(headers, now):
    """Seconds from a Retry-After header (delta seconds or an HTTP date), or None."""
    value = headers.get("Retry-After") if headers else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)
