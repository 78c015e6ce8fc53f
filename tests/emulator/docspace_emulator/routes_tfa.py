"""The nine TFA operations of TfaappController, with DocSpace's rules and quirks."""

from __future__ import annotations

from . import auth, binding, envelope, policy, totp
from .envelope import INVALID_OPERATION_DEFAULT, ApiError
from .model import MethodSettings
from .router import Ctx, endpoint

TYPE_SMS = 1
TYPE_APP = 2
SMS_NOT_AVAILABLE = "SMS settings are not available"
APP_NOT_AVAILABLE = "TFA application settings are not available"
CONTROLLER = "ASC.Web.Api.Controllers.Settings.TfaappController"


@endpoint("GET", "settings/tfaapp", f"{CONTROLLER}.GetTfaSettingsAsync")
async def get_settings(ctx: Ctx):
    ctx.require_user()
    portal = ctx.portal
    available = ctx.profile.available_field
    items = []
    if policy.sms_visible(portal):
        item = {"id": "sms", "title": "By SMS", "enabled": policy.sms_enabled(portal)}
        item[available] = portal.sms_provider
        items.append(_with_lists(item, portal.sms))
    if policy.app_visible(portal):
        item = {"id": "app", "title": "By authenticator app", "enabled": portal.app.enable}
        item[available] = True
        items.append(_with_lists(item, portal.app))
    return items


def _with_lists(item: dict, settings: MethodSettings) -> dict:
    """The three lists appear only once saved: null properties are left out."""
    for name, value in (
        ("trustedIps", settings.trusted_ips),
        ("mandatoryUsers", settings.mandatory_users),
        ("mandatoryGroups", settings.mandatory_groups),
    ):
        if value is not None:
            item[name] = list(value)
    return item


def _owner_guard(ctx: Ctx, caller, dto: binding.TfaRequest) -> None:
    """Nobody but the owner may make TFA mandatory for the owner, and even the owner must
    name themself in ``id`` to do it."""
    owner_id = ctx.portal.owner.id
    names_owner = dto.id == owner_id or owner_id in (dto.mandatory_users or ())
    if names_owner and dto.id != caller.user.id:
        raise envelope.no_permissions()


def _save_policy(ctx: Ctx, caller, dto: binding.TfaRequest, guard: bool) -> bool:
    """PUT tfaapp's body; True when a method was enabled, False for every disable."""
    ctx.require_portal_admin(caller)
    if guard:
        _owner_guard(ctx, caller, dto)
    portal = ctx.portal
    chosen = MethodSettings(
        enable=True,
        trusted_ips=list(dto.trusted_ips or []),
        mandatory_users=list(dto.mandatory_users or []),
        mandatory_groups=list(dto.mandatory_groups or []),
    )
    if dto.type == TYPE_SMS:
        if not policy.sms_visible(portal):
            raise envelope.not_available(ctx.profile, SMS_NOT_AVAILABLE)
        if not portal.sms_provider:
            # A bare `throw new InvalidOperationException()`: .NET's default message.
            raise envelope.not_available(ctx.profile, INVALID_OPERATION_DEFAULT)
        portal.sms, portal.app = chosen, MethodSettings()
        portal.audit(6037, caller.user, ctx.now)
    elif dto.type == TYPE_APP:
        if not policy.app_visible(portal):
            raise envelope.not_available(ctx.profile, APP_NOT_AVAILABLE)
        portal.app, portal.sms = chosen, MethodSettings()
        portal.audit(6038, caller.user, ctx.now)
    else:
        # None, and any integer outside the enum, take the default branch and disable.
        portal.sms, portal.app = MethodSettings(), MethodSettings()
        portal.audit(6036, caller.user, ctx.now)
        return False
    # Every session of the portal dies, the caller's included, even if nothing changed.
    portal.bump_tenant()
    return True


@endpoint("PUT", "settings/tfaapp", f"{CONTROLLER}.TfaSettingsAsync")
async def put_settings(ctx: Ctx):
    caller = ctx.require_user()
    dto = binding.tfa_request(await ctx.body(), ctx.profile)
    return _save_policy(ctx, caller, dto, guard=ctx.profile.owner_guard_in_put)


@endpoint("PUT", "settings/tfaappwithlink", f"{CONTROLLER}.TfaSettingsLinkAsync")
async def put_settings_with_link(ctx: Ctx):
    caller = ctx.require_user()
    dto = binding.tfa_request(await ctx.body(), ctx.profile)
    if not _save_policy(ctx, caller, dto, guard=True):
        return ""
    data = policy.confirm_data(ctx.portal, caller.user, ctx.ip, ctx.now)
    if data is None:
        if ctx.profile.withlink_null_safe:
            return ""
        # 3.7 reads data.Url without a null check; the policy is already saved by now.
        raise ApiError(
            500,
            "Object reference not set to an instance of an object.",
            "System.NullReferenceException",
        )
    if data.cookie_name:
        ctx.set_cookie(data.cookie_name, data.cookie_value)
    return data.url


@endpoint("GET", "settings/tfaapp/confirm", f"{CONTROLLER}.TfaConfirmUrlAsync")
async def get_confirm(ctx: Ctx):
    caller = ctx.require_user()
    data = policy.confirm_data(ctx.portal, caller.user, ctx.ip, ctx.now)
    if data is not None and data.cookie_name:
        ctx.set_cookie(data.cookie_name, data.cookie_value)
    if not ctx.profile.confirm_as_object:
        return "" if data is None else data.url
    return None if data is None else data.as_object()


@endpoint("GET", "settings/tfaapp/setup", f"{CONTROLLER}.TfaAppGenerateSetupCodeAsync")
async def get_setup(ctx: Ctx):
    caller = ctx.require_confirm({"TfaActivation"})
    portal, user = ctx.portal, caller.user
    if not (policy.app_visible(portal) and portal.app.enable) or user.linked:
        raise envelope.not_available(ctx.profile, APP_NOT_AVAILABLE)
    key32 = totp.manual_entry_key(portal.secret_key(user, ctx.now))
    account = totp.escaped_account(user.email)
    uri = totp.otpauth_uri(portal.domain, account, key32)
    return {
        "account": account,
        "manualEntryKey": key32,
        "qrCodeSetupImageUrl": totp.setup_image_data_url(uri),
    }


@endpoint("POST", "settings/tfaapp/validate", f"{CONTROLLER}.TfaValidateAuthCodeAsync")
async def post_validate(ctx: Ctx):
    roles = {"TfaActivation", "TfaAuth"}
    if ctx.profile.validate_allows_everyone:
        roles.add("Everyone")
    caller = ctx.require_confirm(roles)
    dto = binding.validate_request(await ctx.body())
    portal, user = ctx.portal, caller.user
    if not (policy.app_visible(portal) and portal.app.enable):
        return False
    code = dto.code or ""
    if not code.strip():
        raise ApiError(500, "Validation code field cannot be empty", "System.Exception")
    if not portal.count_attempt(user, ctx.now):
        raise envelope.too_many_attempts()
    if not policy.check_code(portal, user, code, ctx.now):
        portal.audit(1022, user, ctx.now)
        raise envelope.argument_error("Incorrect code")
    first_link = not user.linked
    if first_link:
        portal.new_backup_codes(user, ctx.now)
        portal.audit(4032, user, ctx.now)
    ctx.sign_in(user, session_only=dto.session)
    portal.audit(1021, user, ctx.now)
    if caller.confirm_type:
        ctx.expire_cookie(f"asc_confirm_key_{caller.confirm_type}")
    # True only for the first activation; a valid code of a linked user answers false.
    return first_link


def _codes(user) -> list:
    return [{"isUsed": code.used, "code": code.code} for code in user.codes]


@endpoint("GET", "settings/tfaappcodes", f"{CONTROLLER}.TfaAppGetCodesAsync")
async def get_codes(ctx: Ctx):
    caller = ctx.require_user()
    portal = ctx.portal
    if not (policy.app_visible(portal) and portal.app.enable and caller.user.linked):
        raise envelope.not_available(ctx.profile, APP_NOT_AVAILABLE)
    return _codes(caller.user)


@endpoint("PUT", "settings/tfaappnewcodes", f"{CONTROLLER}.TfaAppRequestNewCodesAsync")
async def put_new_codes(ctx: Ctx):
    caller = ctx.require_user()
    portal = ctx.portal
    # Unlike GET tfaappcodes, the policy being on is not checked here.
    if not (policy.app_visible(portal) and caller.user.linked):
        raise envelope.not_available(ctx.profile, APP_NOT_AVAILABLE)
    portal.new_backup_codes(caller.user, ctx.now)
    portal.audit(4032, caller.user, ctx.now)
    return _codes(caller.user)


@endpoint("PUT", "settings/tfaappnewapp", f"{CONTROLLER}.TfaAppNewAppAsync")
async def put_unlink(ctx: Ctx):
    """ "newapp" unlinks an app. The lookup is by ``id`` itself, so an empty id (which
    counts as "me") finds DocSpace's LostUser placeholder and fails."""
    caller = ctx.require_user()
    dto = binding.tfa_request(await ctx.body(), ctx.profile)
    portal = ctx.portal
    is_me = dto.id in (binding.EMPTY_GUID, caller.user.id)
    if not is_me and not caller.user.is_owner:
        raise envelope.no_permissions()
    target = portal.user_by_id(dto.id)
    if target is None and ctx.profile.unlink_rejects_lost_user:
        raise envelope.access_denied()
    if target is None or not policy.app_visible(portal) or not target.linked:
        raise envelope.not_available(ctx.profile, APP_NOT_AVAILABLE)
    target.unlink(ctx.now)
    portal.audit(4033, caller.user, ctx.now)
    portal.bump_user(target)
    if not is_me:
        return ""
    ctx.sign_in(target)
    confirm_type = "TfaActivation"
    key = auth.make_confirm_key(portal, auth.tfa_key_data(target, confirm_type), ctx.now)
    ctx.set_cookie(auth.CONFIRM_COOKIE_PREFIX + confirm_type, key)
    return policy.tfa_confirm_url(portal, target, confirm_type)
