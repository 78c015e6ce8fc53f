"""The emulator's state: portals, their seeded accounts, and what requests change.

Credentials are drawn once at start and survive a reset, so a test may hold on to the JSON
line the emulator printed; everything else (policy, links, sessions, counters, the audit
trail) goes back to the seeded state on reset.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import totp
from .recorder import FaultBook, RequestLog

ROLES = ("owner", "admin", "user")
NAMES = {"owner": ("Olivia", "Owner"), "admin": ("Adam", "Admin"), "user": ("Ursula", "User")}
TOKEN_LIFETIME = 365 * 24 * 3600
# LoginSettings.AttemptCount and the one-minute sliding expiry of the "tfa/<user>" counter.
ATTEMPT_LIMIT = 5
ATTEMPT_WINDOW = 60

AUDIT_NAMES = {
    1021: "LoginSuccesViaTfaApp",
    1022: "LoginFailViaTfaApp",
    1024: "LoginSuccessViaApiTfa",
    1025: "LoginFailViaApiTfa",
    4032: "UserConnectedTfaApp",
    4033: "UserDisconnectedTfaApp",
    6036: "TwoFactorAuthenticationDisabled",
    6037: "TwoFactorAuthenticationEnabledBySms",
    6038: "TwoFactorAuthenticationEnabledByTfaApp",
}


class Clock:
    """Wall time plus a shift the control API sets, for TOTP and key-expiry tests."""

    def __init__(self):
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset


@dataclass
class Account:
    role: str
    id: str
    email: str
    password: str
    api_key: str
    first_name: str
    last_name: str

    def public(self) -> dict:
        return {
            "email": self.email,
            "password": self.password,
            "api_key": self.api_key,
            "id": self.id,
        }


@dataclass
class BackupCode:
    code: str
    used: bool = False


class User:
    def __init__(self, account: Account):
        self.account = account
        self.cookie_index = 0
        self.status = 1  # EmployeeStatus.Active
        self.salt: int | None = None
        self.codes: list = []
        self.tfa_changed_at: float | None = None

    id = property(lambda self: self.account.id)
    email = property(lambda self: self.account.email)
    role = property(lambda self: self.account.role)
    is_owner = property(lambda self: self.account.role == "owner")
    # EditPortalSettings: the owner and DocSpace admins.
    is_admin = property(lambda self: self.account.role in ("owner", "admin"))

    @property
    def linked(self) -> bool:
        """DocSpace's notion of "has an app linked": at least one backup code stored."""
        return bool(self.codes)

    def unlink(self, now: float) -> None:
        self.salt = None
        self.codes = []
        self.tfa_changed_at = now


@dataclass
class MethodSettings:
    """Stored TfaSettingsBase. Lists are None until saved, and again after a disable,
    because DocSpace saves a fresh empty object then."""

    enable: bool = False
    trusted_ips: list | None = None
    mandatory_users: list | None = None
    mandatory_groups: list | None = None

    def describe(self) -> dict:
        return {
            "enable": self.enable,
            "trustedIps": self.trusted_ips,
            "mandatoryUsers": self.mandatory_users,
            "mandatoryGroups": self.mandatory_groups,
        }


@dataclass
class Session:
    token: str
    user_id: str
    tenant_index: int
    user_index: int
    expires: float


@dataclass
class Group:
    id: str
    name: str
    members: list = field(default_factory=list)


def iso_time(timestamp: float) -> str:
    """A DateTime as DocSpace writes it: seven fraction digits and an offset."""
    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f0+00:00")


class Portal:
    def __init__(self, world: World, index: int, name: str, url: str):
        self.world = world
        self.tenant_id = index
        self.name = name
        self.url = url
        # The tenant domain names the TOTP issuer; .test is reserved, so it resolves nowhere.
        self.domain = f"{name}.docspace.test"
        self.created = world.clock.now()
        self.accounts = {role: self._new_account(role) for role in ROLES}
        self.group = Group(
            id=str(uuid.uuid4()),
            name=f"Team {secrets.token_hex(3)}",
            members=[self.accounts["user"].id],
        )
        self.reset()

    def _new_account(self, role: str) -> Account:
        first, last = NAMES[role]
        return Account(
            role=role,
            id=str(uuid.uuid4()),
            email=f"{role}.{secrets.token_hex(4)}@{self.domain}",
            password=secrets.token_urlsafe(12),
            api_key="sk-" + secrets.token_hex(24),
            first_name=first,
            last_name=last,
        )

    def reset(self) -> None:
        self.users = {account.id: User(account) for account in self.accounts.values()}
        self.sms = MethodSettings()
        self.app = MethodSettings()
        self.sms_provider = False
        self.hide_sms = False
        self.hide_app = False
        self.tenant_cookie_index = 0
        self.sessions = {}
        self.audit_trail = []
        self.attempts = {}
        self.issued = {"tokens": [], "confirm_keys": [], "totp_secrets": [], "backup_codes": []}

    # Accounts -----------------------------------------------------------------

    def user(self, role: str) -> User:
        return self.users[self.accounts[role].id]

    def user_by_id(self, user_id: str | None) -> User | None:
        return self.users.get((user_id or "").lower())

    def user_by_email(self, email: str | None) -> User | None:
        email = (email or "").strip().lower()
        return next((u for u in self.users.values() if u.email.lower() == email), None)

    def user_by_api_key(self, key: str) -> User | None:
        return next((u for u in self.users.values() if u.account.api_key == key), None)

    @property
    def owner(self) -> User:
        return self.user("owner")

    def groups_of(self, user: User) -> list:
        return [self.group] if user.id in self.group.members else []

    # Sessions -----------------------------------------------------------------

    def issue_session(self, user: User, now: float) -> Session:
        token = secrets.token_urlsafe(48)
        session = Session(
            token=token,
            user_id=user.id,
            tenant_index=self.tenant_cookie_index,
            user_index=user.cookie_index,
            expires=now + TOKEN_LIFETIME,
        )
        self.sessions[token] = session
        self.issued["tokens"].append(token)
        return session

    def session_user(self, token: str, now: float):
        """The user behind a cookie token, if the token is still alive.

        A token carries the tenant and user cookie indexes it was issued with; bumping
        either (enabling TFA, unlinking an app) kills it, as in DocSpace's SecurityContext.
        """
        session = self.sessions.get(token)
        if session is None or session.expires < now:
            return None
        user = self.users.get(session.user_id)
        if user is None:
            return None
        if session.tenant_index != self.tenant_cookie_index:
            return None
        if session.user_index != user.cookie_index:
            return None
        return user

    def end_session(self, token: str) -> None:
        self.sessions.pop(token, None)

    def bump_tenant(self) -> None:
        self.tenant_cookie_index += 1

    def bump_user(self, user: User) -> None:
        user.cookie_index += 1

    # TFA material -------------------------------------------------------------

    def secret_key(self, user: User, now: float) -> bytes:
        """The user's raw TOTP key, creating the salt on first use as DocSpace does."""
        fresh = user.salt is None
        if fresh:
            user.salt = self.world.next_salt(now)
            user.tfa_changed_at = now
        key = totp.secret_from_salt(user.salt, self.world.machine_constant)
        if fresh:
            self.issued["totp_secrets"].append(totp.manual_entry_key(key))
        return key

    def new_backup_codes(self, user: User, now: float) -> list:
        codes = totp.new_backup_codes()
        user.codes = [BackupCode(code) for code in codes]
        user.tfa_changed_at = now
        self.issued["backup_codes"].extend(codes)
        return user.codes

    def count_attempt(self, user: User, now: float) -> bool:
        """Count one code check; False once the limit is passed within the window.

        The counter is incremented and compared before it is stored, so a refused
        attempt neither counts nor extends the window.
        """
        count, expires = self.attempts.get(user.id, (0, 0.0))
        if expires <= now:
            count = 0
        count += 1
        if count > ATTEMPT_LIMIT:
            return False
        self.attempts[user.id] = (count, now + ATTEMPT_WINDOW)
        return True

    def audit(self, action: int, user: User | None, now: float) -> None:
        self.audit_trail.append(
            {
                "action": action,
                "name": AUDIT_NAMES.get(action, str(action)),
                "user": user.id if user else None,
                "time": now,
            }
        )

    def last_policy_event(self):
        """The newest of "enabled by app" / "disabled", which the expiry reset consults."""
        events = [e for e in self.audit_trail if e["action"] in (6036, 6038)]
        return max(events, key=lambda e: e["time"]) if events else None

    # Descriptions ---------------------------------------------------------------

    def info(self) -> dict:
        described = {"name": self.name, "url": self.url}
        for role in ROLES:
            described[role] = self.accounts[role].public()
        described["group"] = {"id": self.group.id, "name": self.group.name}
        return described

    def state(self, now: float) -> dict:
        users = {}
        for role in ROLES:
            user = self.user(role)
            secret = None
            if user.salt is not None:
                key = totp.secret_from_salt(user.salt, self.world.machine_constant)
                secret = totp.manual_entry_key(key)
            count, expires = self.attempts.get(user.id, (0, 0.0))
            users[role] = {
                "id": user.id,
                "email": user.email,
                "linked": user.linked,
                "codes_total": len(user.codes),
                "codes_unused": sum(1 for code in user.codes if not code.used),
                "backup_codes": [{"code": c.code, "isUsed": c.used} for c in user.codes],
                "secret": secret,
                "cookie_index": user.cookie_index,
                "attempts": count if expires > now else 0,
            }
        live = [token for token in self.sessions if self.session_user(token, now)]
        return {
            "name": self.name,
            "url": self.url,
            "tenant_id": self.tenant_id,
            "config": {
                "sms_provider": self.sms_provider,
                "hide_sms": self.hide_sms,
                "hide_app": self.hide_app,
            },
            "policy": {"sms": self.sms.describe(), "app": self.app.describe()},
            "tenant_cookie_index": self.tenant_cookie_index,
            "users": users,
            "live_tokens": live,
            "audit": list(self.audit_trail),
            "secrets": {kind: list(values) for kind, values in self.issued.items()},
        }


class World:
    """Everything one emulator process serves."""

    def __init__(self, profile, portal_count: int, base_url: str):
        self.profile = profile
        self.base_url = base_url
        self.clock = Clock()
        # Stand-ins for DocSpace's machine key (confirm-key HMAC) and the constant mixed
        # into TOTP secrets; fresh per process so no two runs share a secret.
        self.machine_key = secrets.token_hex(16)
        self.machine_constant = secrets.token_hex(16)
        self.log = RequestLog()
        self.faults = FaultBook()
        self._last_salt = 0
        width = max(3, len(str(portal_count)))
        self.portals = {}
        for index in range(1, portal_count + 1):
            name = f"portal{index:0{width}d}"
            self.portals[name] = Portal(self, index, name, f"{base_url}/{name}")

    def next_salt(self, now: float) -> int:
        """Salts are milliseconds, so two users linking in the same millisecond would share
        a secret; keep them strictly increasing instead."""
        salt = max(totp.new_salt(now), self._last_salt + 1)
        self._last_salt = salt
        return salt

    def reset(self, portal: str | None = None) -> None:
        if portal is None:
            for each in self.portals.values():
                each.reset()
            self.log.clear()
            self.faults.clear()
            self.clock.offset = 0.0
            return
        self.portals[portal].reset()
        self.log.clear(portal)
        self.faults.clear(portal)

    def info(self, ca_file: str | None) -> dict:
        return {
            "base_url": self.base_url,
            "ca_file": ca_file,
            "profile": self.profile.name,
            "portals": [portal.info() for portal in self.portals.values()],
        }
