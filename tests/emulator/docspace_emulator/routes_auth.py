"""Logging in (with a TFA step when the policy applies) and logging out."""

from __future__ import annotations

from . import auth, binding, envelope, policy, totp
from .envelope import ApiError
from .model import iso_time
from .router import Ctx, endpoint

CONTROLLER = "ASC.Web.Api.Controllers.AuthenticationController"


def _credentials(ctx: Ctx, dto: binding.AuthRequest):
    if not dto.user_name or not dto.password:
        raise envelope.argument_error("userName, password or passworHash is empty")
    user = ctx.portal.user_by_email(dto.user_name)
    if not auth.check_password(user, dto.password):
        raise envelope.authentication_failed()
    return user


def _token_answer(ctx: Ctx, user, session_only: bool) -> dict:
    session = ctx.sign_in(user, session_only)
    return {
        "token": session.token,
        "expires": iso_time(session.expires),
        "sms": False,
        "tfa": False,
    }


# Registered before "authentication/{code}", which would otherwise capture "logout".
@endpoint("POST", "authentication/logout", f"{CONTROLLER}.LogoutAsync")
async def logout(ctx: Ctx):
    caller = ctx.caller()
    if caller is not None and caller.token:
        ctx.portal.end_session(caller.token)
    ctx.expire_cookie(auth.AUTH_COOKIE)
    return None


@endpoint("POST", "authentication", f"{CONTROLLER}.AuthenticateMeAsync")
async def login(ctx: Ctx):
    dto = binding.auth_request(await ctx.body())
    user = _credentials(ctx, dto)
    portal = ctx.portal
    data = policy.confirm_data(portal, user, ctx.ip, ctx.now)
    if data is None:
        return _token_answer(ctx, user, dto.session)
    if data.cookie_name is None:
        # SMS: the emulator sends no text messages, so this login cannot be finished.
        return {"sms": True, "tfa": False, "confirmUrl": data.url}
    ctx.set_cookie(data.cookie_name, data.cookie_value)
    answer = {"sms": False, "tfa": True}
    if not user.linked:
        answer["tfaKey"] = totp.manual_entry_key(portal.secret_key(user, ctx.now))
    answer["confirmUrl"] = data.url
    return answer


@endpoint("POST", "authentication/{code}", f"{CONTROLLER}.AuthenticateMeFromBodyWithCodeAsync")
async def login_with_code(ctx: Ctx, code: str):
    """The second login step. The code in the path is not what DocSpace checks: the body's
    ``code`` is, so a client must send it there."""
    del code
    dto = binding.auth_request(await ctx.body())
    user = _credentials(ctx, dto)
    portal = ctx.portal
    if policy.sms_enabled_for_user(portal, user, ctx.ip):
        raise envelope.authentication_failed()
    if not policy.app_enabled_for_user(portal, user, ctx.ip):
        raise ApiError(403, "Auth code is not available")
    given = dto.code or ""
    # Every failure of the code check, the attempt limit included, ends as the same 401.
    if (
        not given.strip()
        or not portal.count_attempt(user, ctx.now)
        or not policy.check_code(portal, user, given, ctx.now)
    ):
        portal.audit(1025, user, ctx.now)
        raise envelope.authentication_failed()
    if not user.linked:
        portal.new_backup_codes(user, ctx.now)
        portal.audit(4032, user, ctx.now)
    portal.audit(1024, user, ctx.now)
    return _token_answer(ctx, user, dto.session)
