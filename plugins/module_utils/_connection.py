# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection options shared by every module, and the client they describe."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os

from ansible.module_utils.basic import env_fallback

from ansible_collections.onlyoffice.docspace.plugins.module_utils._client import (
    DocSpaceClient,
    DocSpaceError,
    header_problem,
    normalize_url,
)

AUTH_WAYS = (
    ("api_key", ("api_key",)),
    ("token", ("token",)),
    ("username and password", ("username", "password")),
)
ENV_NAMES = {
    "url": "DOCSPACE_URL",
    "api_key": "DOCSPACE_API_KEY",
    "token": "DOCSPACE_TOKEN",
    "username": "DOCSPACE_USERNAME",
    "password": "DOCSPACE_PASSWORD",
    "totp_secret": "DOCSPACE_TOTP_SECRET",
    "validate_certs": "DOCSPACE_VALIDATE_CERTS",
    "ca_path": "DOCSPACE_CA_PATH",
    "timeout": "DOCSPACE_TIMEOUT",
}
# Sent as HTTP headers: surrounding whitespace (a vault value's last line break) goes.
HEADER_CREDENTIALS = ("api_key", "token")
# A day; far beyond any sane answer time, and far below what a socket accepts.
MAX_TIMEOUT = 86400


def _option(name, **spec):
    spec["fallback"] = (env_fallback, [ENV_NAMES[name]])
    return spec


def connection_argument_spec():
    """The options every module accepts; merge the module's own options into a copy."""
    return {
        "url": _option("url", type="str", required=True),
        "api_key": _option("api_key", type="str", no_log=True),
        "token": _option("token", type="str", no_log=True),
        "username": _option("username", type="str"),
        "password": _option("password", type="str", no_log=True),
        "totp_secret": _option("totp_secret", type="str", no_log=True),
        "validate_certs": _option("validate_certs", type="bool", default=True),
        "ca_path": _option("ca_path", type="path"),
        "timeout": _option("timeout", type="int", default=30),
    }


def connection_problem(params):
    """A sentence saying what is wrong with the connection options, or None.

    Environment variables count like task options: exactly one way to log in must be
    set in total, so a job never silently picks one of two credentials.
    """
    try:
        normalize_url(params.get("url"))
    except ValueError as exc:
        return str(exc)
    for name in HEADER_CREDENTIALS:
        problem = header_problem(_credential(params, name) or "")
        if problem:
            # The value itself is never quoted: it is a secret, and the problem may be
            # that it is two secrets, or a secret and something else.
            return "%s %s; check that the whole %s, and nothing else, was copied." % (
                name,
                problem,
                name,
            )
    given = [label for label, names in AUTH_WAYS if any(_credential(params, n) for n in names)]
    if not given:
        return (
            "No credentials: give api_key (DOCSPACE_API_KEY), token (DOCSPACE_TOKEN), or "
            "username with password (DOCSPACE_USERNAME, DOCSPACE_PASSWORD)."
        )
    if len(given) > 1:
        return (
            "Give exactly one way to authenticate, not %s. Task options and DOCSPACE_* "
            "environment variables both count." % " and ".join(given)
        )
    if given == ["username and password"] and not (
        params.get("username") and params.get("password")
    ):
        missing = "password" if params.get("username") else "username"
        return "username and password go together: %s is missing." % missing
    if params.get("totp_secret") and given != ["username and password"]:
        return "totp_secret is used only with username and password logins."
    if params.get("totp_secret"):
        # Checked here, not when DocSpace asks for a code: by then the password was sent.
        # Imported here because only logins with a TOTP secret need it.
        from ansible_collections.onlyoffice.docspace.plugins.module_utils._totp import (
            InvalidSecretError,
            normalize_secret,
        )

        try:
            normalize_secret(params["totp_secret"])
        except InvalidSecretError as exc:
            return "totp_secret: %s" % exc
    if params.get("timeout") is not None and params["timeout"] <= 0:
        return "timeout must be a positive number of seconds, not %s." % params["timeout"]
    if params.get("timeout") is not None and params["timeout"] > MAX_TIMEOUT:
        return "timeout must be at most %d seconds (a day), not %s." % (
            MAX_TIMEOUT,
            params["timeout"],
        )
    ca_path = params.get("ca_path")
    if ca_path and not os.path.isfile(ca_path):
        return "ca_path %s is not a file; give the PEM file with the portal's CA certificates." % (
            ca_path
        )
    return None


def _credential(params, name):
    """A header credential as it is sent: without surrounding whitespace."""
    value = params.get(name)
    if name in HEADER_CREDENTIALS and isinstance(value, str):
        return value.strip()
    return value


def client_from_params(params, check_mode=False):
    """Build the client for a module's validated parameters."""
    return DocSpaceClient(
        url=params["url"],
        api_key=_credential(params, "api_key"),
        token=_credential(params, "token"),
        username=params.get("username"),
        password=params.get("password"),
        totp_secret=params.get("totp_secret"),
        validate_certs=params.get("validate_certs", True),
        ca_path=params.get("ca_path"),
        timeout=params.get("timeout") or 30,
        check_mode=check_mode,
    )


def connect(module):
    """The client for an AnsibleModule, or fail_json when the options do not add up."""
    problem = connection_problem(module.params)
    if problem:
        module.fail_json(msg=problem)
    return client_from_params(module.params, check_mode=module.check_mode)


@contextlib.contextmanager
def portal_session(module, refusals=()):
    """The client for one module run, logged out when the run ends, however it ends.

    A DocSpace error fails the task with its message and details; an exception of a type
    in ``refusals`` (the domain's refusal of a plan) with its message alone.
    """
    client = connect(module)
    try:
        yield client
    except refusals as exc:
        module.fail_json(msg=str(exc))
    except DocSpaceError as exc:
        module.fail_json(msg=str(exc), **exc.details())
    finally:
        client.logout()
