# Copyright: Contributors to the onlyoffice.docspace collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# The documentation of this filter is in totp.yml next to this file.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from jinja2 import Undefined

from ansible_collections.onlyoffice.docspace.plugins.module_utils._totp import totp


def _parse_time(for_time):
    # Templates often hand over numbers as strings, for example from a lookup.
    if isinstance(for_time, str):
        text = for_time.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            raise AnsibleFilterError(
                "onlyoffice.docspace.totp: for_time must be a number of seconds since the "
                "epoch, such as 1700000000."
            ) from None
    return for_time


def totp_filter(secret, for_time=None):
    """Return the current TOTP code of a base32 secret as a 6-digit string."""
    if isinstance(secret, Undefined):
        # Older ansible-core hands an undefined value to the filter; str() of it raises
        # Ansible's usual error, which names the missing variable.
        secret = str(secret)
    elif not isinstance(secret, (str, bytes)) and callable(getattr(secret, "is_encrypted", None)):
        # Before 2.19, a vaulted variable reaches the filter still encrypted, as an
        # AnsibleVaultEncryptedUnicode, which is not a str; str() decrypts it.
        secret = str(secret)
    try:
        return totp(secret, for_time=_parse_time(for_time))
    except (TypeError, ValueError) as exc:
        # These messages are written never to contain the secret; nothing else is added.
        raise AnsibleFilterError("onlyoffice.docspace.totp: %s" % exc) from None


class FilterModule:
    """Filters for ONLYOFFICE DocSpace."""

    def filters(self):
        return {"totp": totp_filter}
