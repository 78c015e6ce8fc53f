# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Authenticator apps and backup codes: pure functions that validate, parse and plan.

Nothing here talks to a portal or to Ansible. docspace_tfa_app and docspace_tfa_codes ask
these functions what to do, in check mode and in the real run alike, so the plan a check
run reports is the plan the real run carries out.

No message raised or built here contains a secret, a code or a confirm key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import re

from ansible.module_utils.six import string_types
from ansible.module_utils.six.moves.urllib.parse import parse_qsl, quote, unquote, urlsplit

# DocSpace's backup codes use this alphabet; TOTP codes are six of its digits.
CODE_LENGTH = 6
_CODE = re.compile(r"[A-Za-z0-9_-]{%d}" % CODE_LENGTH)

ACTIVATION = "TfaActivation"
AUTH = "TfaAuth"
CONFIRM_COOKIE_PREFIX = "asc_confirm_key_"

# A clock further off than this is worth telling the user about.
SKEW_NOTICE = 60
# DocSpace accepts codes ten 30-second steps either side of its clock. From eleven steps
# away every code fails, and the Date header is exact only to a second.
SKEW_LIMIT = 11 * 30 + 1

CONFIRM_REQUEST = "GET /api/2.0/settings/tfaapp/confirm"
SETUP_REQUEST = "GET /api/2.0/settings/tfaapp/setup"
VALIDATE_REQUEST = "POST /api/2.0/settings/tfaapp/validate"
UNLINK_REQUEST = "PUT /api/2.0/settings/tfaappnewapp"
NEW_CODES_REQUEST = "PUT /api/2.0/settings/tfaappnewcodes"


class AppError(ValueError):
    """A request the module refuses before sending it. The message says what to do."""


# Codes -------------------------------------------------------------------------------


def check_code(value, option="code"):
    """A TOTP or backup code exactly as the user gave it, or AppError.

    The code is sent unchanged, so it must already be the six characters DocSpace
    compares. A number is refused: YAML has turned ``012345`` into 12345 by then.
    """
    # No digits or lengths in these messages: Ansible masks the no_log value given, and a
    # number such as 6 would be masked inside the sentence.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise AppError(
            "%s must be a quoted string of six characters, not a number: YAML reads an "
            "unquoted code as a number and drops its leading zeros. Put the code in quotes."
            % option
        )
    if not isinstance(value, string_types):
        raise AppError(
            "%s must be a quoted string of six characters, not a %s; put the code in quotes."
            % (option, type(value).__name__)
        )
    if not _CODE.fullmatch(value):
        raise AppError(
            "%s must be exactly six characters, each a letter, a digit, '-' or '_', as the "
            "authenticator app shows it, with no spaces; the value given is not. Quote it so "
            "YAML keeps it as it is." % option
        )
    return value


# Confirm data ------------------------------------------------------------------------


class ConfirmData:
    """What the confirm scheme needs: the confirm type, the user and the key.

    ``repr()`` leaves the key out, so a stray debug print shows no secret.
    """

    def __init__(self, url, confirm_type, user_id, key):
        self.url = url
        self.confirm_type = confirm_type
        self.user_id = user_id
        self.key = key

    def header(self):
        """The value of the ``confirm`` request header, a query string as the web client sends."""
        return "type=%s&uid=%s&key=%s" % (
            quote(self.confirm_type, safe=""),
            quote(self.user_id, safe=""),
            quote(self.key, safe=""),
        )

    def __repr__(self):
        return "ConfirmData(type=%r, uid=%r)" % (self.confirm_type, self.user_id)


def cookie_value(set_cookie_headers, name):
    """The value of cookie ``name`` among Set-Cookie header values, or None."""
    for header in set_cookie_headers or []:
        first = (header or "").split(";", 1)[0]
        cookie, sep, value = first.partition("=")
        if sep and cookie.strip() == name:
            return value.strip().strip('"') or None
    return None


def parse_confirm(answer, set_cookie_headers, user_id):
    """Confirm data from the answer of GET settings/tfaapp/confirm, or None.

    DocSpace 3.7 and later answer ``{url, cookieName, cookieValue}``; 3.6 answers the URL
    alone and hands the key over only as the ``asc_confirm_key_<type>`` cookie. No answer,
    or an empty one, means TFA does not apply to the account (for example from a trusted
    IP). Raises ValueError, without the key in it, for an answer that names no TFA type.
    """
    if isinstance(answer, dict):
        url = answer.get("url") or ""
        cookie_name = answer.get("cookieName")
        key = answer.get("cookieValue")
    elif isinstance(answer, string_types):
        url, cookie_name, key = answer, None, None
    elif answer is None:
        return None
    else:
        raise ValueError("the answer is neither a URL nor an object with one")
    if not url:
        return None

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    confirm_type = query.get("type") or parts.path.rstrip("/").rsplit("/", 1)[-1]
    if confirm_type not in (ACTIVATION, AUTH):
        if confirm_type.startswith("Phone"):
            raise ValueError(
                "DocSpace offers a phone confirmation, so the portal's TFA method is SMS"
            )
        raise ValueError("the confirm URL names no TFA confirmation type")
    if not key:
        key = query.get("key")
    if not key:
        key = cookie_value(set_cookie_headers, cookie_name or CONFIRM_COOKIE_PREFIX + confirm_type)
    if not key:
        raise ValueError(
            "DocSpace sent the confirm URL without a key, neither in the answer nor as a cookie"
        )
    return ConfirmData(url, confirm_type, (query.get("uid") or user_id).lower(), key)


# The otpauth:// URI ------------------------------------------------------------------


def issuer_from_url(url):
    """The host name in a portal address: DocSpace names the tenant's domain as issuer."""
    return (urlsplit(url or "").hostname or "").lower()


def otpauth_uri(issuer, account, secret):
    """The provisioning URI that DocSpace's QR code encodes.

    ``account`` is DocSpace's own ``account`` field (the e-mail address, URI-escaped,
    without whitespace); it is escaped again only where DocSpace had not.
    """
    label = quote(unquote("".join((account or "").split())), safe="")
    if not issuer:
        return "otpauth://totp/%s?secret=%s" % (label, secret)
    escaped = quote(issuer, safe="")
    return "otpauth://totp/%s:%s?secret=%s&issuer=%s" % (escaped, label, secret, escaped)


# Clocks ------------------------------------------------------------------------------


def clock_skew(date_header, now):
    """Seconds the portal's clock is ahead of ``now`` (negative: behind), or None.

    ``date_header`` is the HTTP ``Date`` of one of the portal's answers; it has a
    resolution of one second.
    """
    if not date_header:
        return None
    try:
        when = email.utils.parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return when.timestamp() - now


def _duration(seconds):
    seconds = round(abs(seconds))
    if seconds < 120:
        return "%d seconds" % seconds
    minutes, rest = divmod(seconds, 60)
    if minutes < 120:
        return "%d minutes %d seconds" % (minutes, rest) if rest else "%d minutes" % minutes
    return "%.1f hours" % (seconds / 3600.0)


def skew_sentence(skew):
    """A sentence about the clocks when they are more than a minute apart, else ``""``."""
    if skew is None or abs(skew) <= SKEW_NOTICE:
        return ""
    direction = "behind" if skew > 0 else "ahead of"
    sentence = "This machine's clock is %s %s the portal's (by the portal's Date header)" % (
        _duration(skew),
        direction,
    )
    if abs(skew) > SKEW_LIMIT:
        sentence += (
            ", more than the five minutes DocSpace allows, so every code computed here "
            "fails; set the clock right (NTP)"
        )
    return sentence + "."


# Plans -------------------------------------------------------------------------------


class Plan:
    """What a run does: whether it changes the portal, and the requests that write or
    issue a key, in the order the real run sends them."""

    def __init__(self, changed, requests, before, after):
        self.changed = changed
        self.requests = list(requests)
        self.before = before
        self.after = after

    def diff(self):
        return {"before": dict(self.before), "after": dict(self.after)}


def app_method_problem(policy):
    """Why no app can be linked or codes used under this policy, or None."""
    if policy["method"] == "app":
        return None
    if "app" not in policy.get("available_methods", ["app"]):
        return "the portal does not offer the authenticator app method"
    return "the portal's TFA method is %s, not app" % policy["method"]


def check_options(state, code, user_id):
    """Refuse options that do not belong to ``state``, before any request."""
    if code is not None and state != "present":
        raise AppError(
            "code is used only with state: present, which links the app with it; state %s "
            "sends no code." % state
        )
    if user_id is not None and state != "absent":
        raise AppError(
            "user_id is used only with state: absent. DocSpace links an app only to the "
            "account that logs in, so log in as that account to link its app."
        )


def plan_link(state, account, policy):
    """Plan state present (link an app) or setup (fetch the secret) for the caller."""
    before = {"linked": account["tfa_app_enabled"]}
    if account["tfa_app_enabled"]:
        return Plan(False, [], before, before)
    problem = app_method_problem(policy)
    if problem:
        raise AppError(
            "Cannot link an authenticator app to %s: %s. Turn the app method on first, for "
            "example with onlyoffice.docspace.docspace_tfa_settings and method: app."
            % (account["email"] or account["id"], problem)
        )
    if state == "setup":
        return Plan(False, [CONFIRM_REQUEST, SETUP_REQUEST], before, before)
    return Plan(True, [CONFIRM_REQUEST, SETUP_REQUEST, VALIDATE_REQUEST], before, {"linked": True})


def check_may_unlink(caller, target_id):
    """Refuse, before reading anything about the target, what only the owner may do."""
    if target_id != caller["id"] and not caller["is_owner"]:
        raise AppError(
            "Only the portal owner may unlink another user's authenticator app, and %s is not "
            "the owner. Run this task as the portal owner, or as user %s to unlink their own."
            % (caller["email"] or caller["id"], target_id)
        )


def plan_unlink(caller, target):
    """Plan state absent: unlink ``target``'s app, which only its owner or the portal owner
    may do."""
    check_may_unlink(caller, target["id"])
    before = {"linked": target["tfa_app_enabled"]}
    if not target["tfa_app_enabled"]:
        return Plan(False, [], before, before)
    return Plan(True, [UNLINK_REQUEST], before, {"linked": False})


def backup_codes_problem(policy, account):
    """Why the caller's backup codes cannot be read or renewed, naming what is missing."""
    method_problem = app_method_problem(policy)
    unlinked = not account["tfa_app_enabled"]
    who = account["email"] or account["id"]
    if method_problem and unlinked:
        missing = "%s, and the account %s has no authenticator app linked" % (method_problem, who)
        advice = (
            "Turn the app method on with onlyoffice.docspace.docspace_tfa_settings (method: "
            "app), then link an app with onlyoffice.docspace.docspace_tfa_app."
        )
    elif method_problem:
        missing = method_problem
        advice = (
            "Turn the app method on with onlyoffice.docspace.docspace_tfa_settings (method: app)."
        )
    elif unlinked:
        missing = "the account %s has no authenticator app linked" % who
        advice = "Link an app first with onlyoffice.docspace.docspace_tfa_app."
    else:
        return None
    return (
        "DocSpace keeps backup codes only for an account with an authenticator app linked "
        "while the portal's app method is on; here %s. %s" % (missing, advice)
    )


def check_min_unused(min_unused):
    if isinstance(min_unused, bool) or not isinstance(min_unused, int) or min_unused < 1:
        raise AppError("min_unused must be a whole number of 1 or more, not %r." % (min_unused,))
    return min_unused


def plan_backup_codes(state, counts, min_unused):
    """Plan docspace_tfa_codes: regenerate always, or when fewer than ``min_unused`` remain.

    ``counts`` is ``{total, unused}``. DocSpace replaces the whole set with new unused codes
    of the same number, so a min_unused above that number could never be met.
    """
    check_min_unused(min_unused)
    if state == "present" and min_unused > counts["total"]:
        raise AppError(
            "min_unused is %d, but DocSpace keeps %d backup codes per account, so the task "
            "would regenerate them on every run. Use a min_unused of %d or less."
            % (min_unused, counts["total"], counts["total"])
        )
    regenerate = state == "regenerated" or counts["unused"] < min_unused
    if not regenerate:
        return Plan(False, [], counts, counts)
    after = {"total": counts["total"], "unused": counts["total"]}
    return Plan(True, [NEW_CODES_REQUEST], counts, after)


# Messages for DocSpace's answers to a code -------------------------------------------


def wrong_code_message(where, computed, skew):
    """DocSpace answered "Incorrect code" (HTTP 400) to a code the module sent."""
    if computed:
        text = (
            "DocSpace did not accept the code computed from the secret it had just handed "
            "out (%s). DocSpace accepts a code only within five minutes of its own clock, so "
            "check this machine's clock." % where
        )
    else:
        text = (
            "DocSpace did not accept the code given in code (%s). Enter the code the app shows "
            "for this account right now (it changes every 30 seconds), and check that the "
            "device's clock is set automatically." % where
        )
    sentence = skew_sentence(skew)
    return text + (" " + sentence if sentence else "")


def too_many_attempts_message(where):
    """DocSpace's attempt limit, which it words as if text messages had been sent."""
    return (
        "DocSpace refused the code because the account has tried too many codes within a "
        "minute (%s; DocSpace words this limit as too many text messages, although none were "
        "sent). Wait a minute before running the task again, and do not retry a code that was "
        "refused." % where
    )
