# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Address of the DocSpace portal, for example V(https://docspace.example.com).
      - Without C(/api/2.0); the modules add it.
      - If not set, the value of the E(DOCSPACE_URL) environment variable is used.
    type: str
    required: true
  api_key:
    description:
      - A DocSpace API key (C(sk-...)), sent as a bearer token in the C(Authorization) header.
      - The recommended way to authenticate automation. An API key survives DocSpace
        signing every session out when TFA is enabled, and DocSpace does not ask it
        for a TFA code.
      - If not set, the value of the E(DOCSPACE_API_KEY) environment variable is used.
      - Exactly one of O(api_key), O(token), or O(username) with O(password) must be
        given, counting environment variables.
    type: str
  token:
    description:
      - A session token from C(POST /api/2.0/authentication), sent as the raw
        C(Authorization) header.
      - DocSpace ends every token session when a TFA method is enabled, so a token cannot
        be used to verify such a change.
      - If not set, the value of the E(DOCSPACE_TOKEN) environment variable is used.
    type: str
  username:
    description:
      - E-mail address of the account to log in as, with O(password).
      - If not set, the value of the E(DOCSPACE_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password for O(username).
      - If not set, the value of the E(DOCSPACE_PASSWORD) environment variable is used.
    type: str
  totp_secret:
    description:
      - Base32 secret of the authenticator app linked to O(username). When DocSpace
        answers a login with a TFA challenge, the module computes the current code from
        it and finishes the login.
      - Without it, a login that needs TFA fails with a message that says so.
      - An account with no app linked yet cannot log in this way, because finishing
        such a login with a code would link an app; link it with
        M(onlyoffice.docspace.docspace_tfa_app) first.
      - DocSpace checks at most five codes per account within a minute, successful logins
        included, and refuses the rest. A play whose tasks log in as one such account many
        times in a row should use that account's O(api_key) instead.
      - If not set, the value of the E(DOCSPACE_TOTP_SECRET) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to check the portal's TLS certificate. Set to V(false) only for a
        throwaway test portal; prefer O(ca_path) for a private CA.
      - If not set, the value of the E(DOCSPACE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM file with the CA certificates that signed the portal's certificate.
      - If not set, the value of the E(DOCSPACE_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer from the portal.
      - If not set, the value of the E(DOCSPACE_TIMEOUT) environment variable is used.
    type: int
    default: 30
notes:
  - Reads that DocSpace answers with HTTP 429, 502, 503 or 504 are retried up to three
    times, waiting as long as a C(Retry-After) header asks (up to a minute) or backing off
    from one second. C(PUT) requests are retried on those answers too; C(POST) requests
    never are.
  - All modules of this collection are in the action group C(onlyoffice.docspace.docspace),
    so connection options can be set once with C(module_defaults).
"""
