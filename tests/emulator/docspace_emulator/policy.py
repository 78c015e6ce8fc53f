"""The TFA rules shared by several endpoints: visibility, "enabled for user", the expiry
reset, and the confirm link a user is sent to."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from . import auth, netmatch, totp
from .model import MethodSettings, Portal, User

ONE_DAY = 24 * 3600


def sms_visible(portal: Portal) -> bool:
    return not portal.hide_sms


def app_visible(portal: Portal) -> bool:
    return not portal.hide_app


def sms_enabled(portal: Portal) -> bool:
    """The ``enabled`` of the sms item: saved on AND a provider configured."""
    return portal.sms.enable and portal.sms_provider


def _enabled_for(portal: Portal, settings: MethodSettings, user: User, ip: str) -> bool:
    """Mandatory groups and users are always challenged; otherwise a trusted IP exempts.

    Matching a malformed trusted-IP entry raises AddressFormatError, DocSpace's 500.
    """
    if any(group.id in (settings.mandatory_groups or ()) for group in portal.groups_of(user)):
        return True
    if user.id in (settings.mandatory_users or ()):
        return True
    return not netmatch.is_trusted(ip, settings.trusted_ips)


def sms_enabled_for_user(portal: Portal, user: User, ip: str) -> bool:
    return (
        sms_visible(portal) and sms_enabled(portal) and _enabled_for(portal, portal.sms, user, ip)
    )


def app_enabled_for_user(portal: Portal, user: User, ip: str) -> bool:
    return app_visible(portal) and portal.app.enable and _enabled_for(portal, portal.app, user, ip)


def expiry_reset(portal: Portal, user: User, now: float) -> bool:
    """TfaExpiredAndResetAsync: wipe a link made more than a day before TFA was last
    turned off, when "disabled" is newer than "enabled by app" in the audit trail."""
    event = portal.last_policy_event()
    if event is None or event["action"] != 6036 or user.tfa_changed_at is None:
        return False
    if now - user.tfa_changed_at <= ONE_DAY or not (user.linked or user.salt is not None):
        return False
    user.unlink(now)
    return True


@dataclass
class ConfirmData:
    url: str
    cookie_name: str | None = None
    cookie_value: str | None = None

    def as_object(self) -> dict:
        data = {"url": self.url}
        if self.cookie_name is not None:
            data["cookieName"] = self.cookie_name
            data["cookieValue"] = self.cookie_value
        return data


def tfa_confirm_url(portal: Portal, user: User, confirm_type: str) -> str:
    return f"{portal.url}/confirm/{confirm_type}?type={confirm_type}&uid={user.id}"


def confirm_data(portal: Portal, user: User, ip: str, now: float) -> ConfirmData | None:
    """Where the user must go next to pass TFA, or None when TFA does not apply.

    The SMS link carries its key in the URL; the app link does not, the key travels in
    the ``asc_confirm_key_<type>`` cookie (the caller sets it from ``cookie_name``).
    """
    if sms_enabled_for_user(portal, user, ip):
        confirm_type = "PhoneActivation"
        key = auth.make_confirm_key(portal, auth.phone_key_data(user, confirm_type), now)
        encemail = base64.urlsafe_b64encode(user.email.encode("utf-8")).decode("ascii")
        url = (
            f"{portal.url}/confirm/{confirm_type}?type={confirm_type}"
            f"&key={key}&encemail={encemail.rstrip('=')}"
        )
        return ConfirmData(url)
    if app_enabled_for_user(portal, user, ip):
        expiry_reset(portal, user, now)
        confirm_type = "TfaAuth" if user.linked else "TfaActivation"
        key = auth.make_confirm_key(portal, auth.tfa_key_data(user, confirm_type), now)
        return ConfirmData(
            tfa_confirm_url(portal, user, confirm_type),
            cookie_name=auth.CONFIRM_COOKIE_PREFIX + confirm_type,
            cookie_value=key,
        )
    return None


def check_code(portal: Portal, user: User, code: str, now: float) -> bool:
    """A TOTP code within the drift, else an unused backup code (which is then used up)."""
    if totp.verify(portal.secret_key(user, now), code, now):
        return True
    given = code.strip()
    for backup in user.codes:
        if not backup.used and backup.code == given:
            backup.used = True
            return True
    return False
