"""The DocSpace releases the emulator can imitate, and what differs between them.

Each flag names one difference listed in the facts file's table of version eras, so a
handler asks ``profile.<flag>`` instead of comparing version strings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Profile:
    name: str
    # TfaSettingsDto spells the field "avaliable" up to 3.6.1 and "available" from 3.7.
    available_field: str
    # GET tfaapp/confirm answers {url, cookieName, cookieValue} from 3.7, a bare URL before.
    confirm_as_object: bool
    # "... settings are not available" is an InvalidOperationException (403) until builds
    # after 3.7, where it becomes a CustomHttpException with 405.
    not_available_status: int
    # Up to 3.6.1 any signed-in user may call tfaapp/validate, not only a confirm link.
    validate_allows_everyone: bool
    # 3.7 moved the owner/mandatoryUsers guard into PUT tfaapp; before, only the
    # tfaappwithlink path had it.
    owner_guard_in_put: bool
    # The model-validation 400 carries status 1 only since the 3.7 envelope fix-up.
    validation_sets_error_status: bool
    # Builds after 3.7 validate trustedIps with a 400 instead of storing anything.
    validates_trusted_ips: bool
    # 3.7 dereferences a null confirm link in tfaappwithlink (500); others answer "".
    withlink_null_safe: bool
    # Builds after 3.7 refuse to unlink the "LostUser" placeholder (unknown or empty id).
    unlink_rejects_lost_user: bool


# 3.7, the release the collection targets first; the others are told by how they differ.
V3_7 = Profile(
    name="3.7",
    available_field="available",
    confirm_as_object=True,
    not_available_status=403,
    validate_allows_everyone=False,
    owner_guard_in_put=True,
    validation_sets_error_status=True,
    validates_trusted_ips=False,
    withlink_null_safe=False,
    unlink_rejects_lost_user=False,
)

PROFILES = {
    "3.7": V3_7,
    "3.6": replace(
        V3_7,
        name="3.6",
        available_field="avaliable",
        confirm_as_object=False,
        validate_allows_everyone=True,
        owner_guard_in_put=False,
        validation_sets_error_status=False,
        withlink_null_safe=True,
    ),
    "next": replace(
        V3_7,
        name="next",
        not_available_status=405,
        validates_trusted_ips=True,
        withlink_null_safe=True,
        unlink_rejects_lost_user=True,
    ),
}
