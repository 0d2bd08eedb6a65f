"""Account operations that are not allauth's own.

allauth signs people up, logs them in and out, and resets and changes passwords; the HTML pages
and the JSON views call its forms and flows. What is left lives here: editing a profile,
finding the account that an emailed password-reset link names, and the moderators' and admins'
operations on accounts (bans and roles), each written to the audit log by
``forum.moderation.record_action`` in the same transaction.
"""

import re
from dataclasses import dataclass

from allauth.account import app_settings as allauth_settings
from allauth.account.forms import UserTokenForm, default_token_generator
from allauth.account.internal import flows
from allauth.utils import get_form_class
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.http import base36_to_int

from forum import moderation
from forum.models import ModerationAction
from users.models import Role, User
from users.permissions import (
    check_ban_user, check_demotion, check_set_role, check_unban_user, has_expired_ban, is_banned_now,
)
from users.uploads import UploadRejected, claim_profile_image, store_upload

PHONE_TAKEN = "A user is already registered with this phone number."
BAN_REASON_REQUIRED = "Say why this user is banned: the reason is shown to them and kept in the log."
BAN_END_IN_PAST = "The end of the ban must be in the future (or left empty for a ban without end)."
UNKNOWN_ROLE = "Choose one of the roles: user, moderator, admin."

# What allauth's reset key looks like: "<user id>-<token>", the token being Django's
# "<timestamp in base 36>-<hash in hex>".
RESET_TOKEN_SHAPE = re.compile(r"^(?P<timestamp>[0-9a-z]{1,13})-[0-9a-f]{20,128}$")


@transaction.atomic
def update_profile(
    *,
    user,
    firstname: str,
    middlename: str,
    lastname: str,
    phone_number: str | None,
    image_file=None,
    image_id=None,
    remove_image: bool = False,
    anonymous_upload_ids=(),
):
    """Set ``user``'s names, phone number (E.164 or None) and avatar; return the user.

    The avatar: ``image_file`` is stored as a new upload owned by the user; ``image_id`` names an
    upload to claim (the user's own image, or an anonymous image upload of the client's session:
    its id must be among ``anonymous_upload_ids``, see ``users.uploads.claim_profile_image``);
    ``remove_image`` clears it; with none of these it stays. A changed phone number is unverified.

    Errors, with no row written: ``UploadRejected`` when the file breaks the upload rules or is
    not an image; ``ValidationError`` code ``invalid_upload`` when the id cannot be claimed;
    ``ValidationError`` code ``phone_taken`` when another account took the number meanwhile.
    """
    user.firstname, user.middlename, user.lastname = firstname, middlename, lastname
    if phone_number != user.phone_number:
        user.phone_number, user.phone_verified = phone_number, False
    if remove_image:
        user.profile_image = None
    elif image_file is not None or image_id is not None:
        user.profile_image = _avatar_upload(
            user=user, image_file=image_file, image_id=image_id, anonymous_upload_ids=anonymous_upload_ids
        )
    try:
        with transaction.atomic():
            user.save(
                update_fields=["firstname", "middlename", "lastname", "phone_number", "phone_verified", "profile_image"]
            )
    except IntegrityError:
        raise ValidationError(PHONE_TAKEN, code="phone_taken")
    return user


def _avatar_upload(*, user, image_file, image_id, anonymous_upload_ids):
    """The upload to use as ``user``'s avatar: ``image_file`` stored, or ``image_id`` claimed."""
    if image_file is None:
        return claim_profile_image(upload_id=image_id, user=user, anonymous_upload_ids=anonymous_upload_ids)
    upload = store_upload(file=image_file, owner=user)
    if not upload.is_image:  # store_upload also takes documents from logged-in owners
        raise UploadRejected(415, "The profile image must be a JPEG, PNG, GIF or WebP image.")
    return upload


class ResetLinkUnknown(Exception):
    """The reset id names no account, or is no reset id at all (answered 404)."""


class ResetLinkGone(Exception):
    """The reset id named an account, but its link expired or was spent (answered 410)."""


@dataclass(frozen=True)
class ResetLink:
    user: object
    key: str


def find_password_reset_link(reset_id: str) -> ResetLink:
    """The account and key of an emailed reset link ``/password-reset-procedure/<reset_id>``.

    ``reset_id`` is the key that allauth's ``request_password_reset`` puts in the link:
    ``<user id>-<token>``, checked by allauth's ``UserTokenForm`` (its token generator), which
    refuses a token once it is older than ``PASSWORD_RESET_TIMEOUT`` or once the password (or
    the last login) changed, i.e. once the link was used.

    Raises ``ResetLinkUnknown`` when the id is malformed or names no account, and
    ``ResetLinkGone`` when it names an account but its token no longer holds. (A spent token and
    a forged one for a real account look the same after the fact; both are "gone".)
    """
    uidb36, _, key = reset_id.partition("-")
    form = get_form_class(allauth_settings.FORMS, "user_token", UserTokenForm)(data={"uidb36": uidb36, "key": key})
    if form.is_valid():
        return ResetLink(user=form.reset_user, key=key)
    if form.reset_user is None or not _looks_issued(key):
        raise ResetLinkUnknown(reset_id)
    raise ResetLinkGone(reset_id)


def _looks_issued(key: str) -> bool:
    """True when ``key`` has the shape of a token we issue, with a timestamp not in the future."""
    match = RESET_TOKEN_SHAPE.match(key)
    if not match:
        return False
    try:
        issued = base36_to_int(match["timestamp"])
    except ValueError:
        return False
    return issued <= default_token_generator._num_seconds(default_token_generator._now())


def reset_password_with_link(*, request, link: ResetLink, form) -> None:
    """Set the new password from a valid ``ResetPasswordKeyForm`` bound for ``link.user``.

    allauth's flow: the password is saved (which spends the link and ends every session of the
    user, as their session hashes no longer match), then finalized (signal, notification mail,
    cleared login-failure limits). A requester who is logged in as that same user keeps their
    session.
    """
    # Ask before saving: request.user is loaded lazily, and after the save this session's hash
    # would no longer match, so it would already look logged out.
    requester_is_the_user = request.user.is_authenticated and request.user.pk == link.user.pk
    form.save()
    if requester_is_the_user:
        update_session_auth_hash(request, link.user)
    flows.password_reset.finalize_password_reset(request, link.user)


def change_password(*, request, form) -> None:
    """Set the new password from a valid ``ChangePasswordForm`` of the logged-in user.

    allauth's flow: this session stays (its hash is updated), every other session of the user
    ends, the user is notified.
    """
    form.save()
    flows.password_change.finalize_password_change(request, form.user)


# --- Bans and roles (moderators and admins) --------------------------------------------------

Kind = ModerationAction.Kind
BAN_FIELDS = ["is_banned", "banned_until", "ban_reason"]


@transaction.atomic
def ban_user(*, actor, user: User, reason: str, until=None, hide_content: bool = False) -> User:
    """Ban ``user`` with ``reason`` until ``until`` (an aware datetime; None: until unbanned).

    Effect: the user cannot log in (the refusal says until when and why), cannot post, and every
    session they already hold ends on its next request (the ban changes their session auth
    hash, see ``User._get_session_auth_hash``). A timed ban lifts itself when ``until`` passes.
    Banning a banned user replaces the reason and the end. With ``hide_content`` every comment
    of theirs is soft-deleted as well (``deleted_by`` = the actor). Logged: a "ban" entry, and a
    "delete_comment" entry for the hidden comments.

    Raises ``PermissionDenied`` unless ``check_ban_user`` allows it (moderators ban plain users,
    admins also moderators, nobody admins or themself); ``ValidationError`` on ``reason`` when
    it is blank, on ``until`` when it is not in the future.
    """
    check_ban_user(actor, user)
    reason = (reason or "").strip()
    until = _aware(until)
    validate_ban(reason=reason, until=until)
    user.is_banned, user.banned_until, user.ban_reason = True, until, reason
    user.save(update_fields=BAN_FIELDS)
    hidden = moderation.hide_comments_of(actor=actor, user=user, reason=reason) if hide_content else 0
    moderation.record_action(
        actor=actor,
        kind=Kind.BAN,
        target_user=user,
        reason=reason,
        details={"until": until.isoformat() if until else None, "hide_content": hide_content, "hidden_comments": hidden},
    )
    return user


def _aware(when):
    if when is not None and timezone.is_naive(when):
        return timezone.make_aware(when)
    return when


def validate_ban(*, reason: str, until) -> None:
    """Raise ``ValidationError`` on ``reason`` when it is blank, on ``until`` when it is not in
    the future: the rules of a ban's terms, whoever is banned."""
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [ValidationError(BAN_REASON_REQUIRED, code="required")]
    if until is not None and until <= timezone.now():
        errors["until"] = [ValidationError(BAN_END_IN_PAST, code="past")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unban_user(*, actor, user: User) -> User:
    """Lift ``user``'s ban: they may log in and post again (comments hidden with the ban stay
    hidden). Logged as "unban". Unbanning a user who is not banned changes nothing and logs
    nothing (the leftover flag of an expired timed ban is cleared).

    Raises ``PermissionDenied`` unless ``check_unban_user`` allows it (the same rule as banning).
    """
    check_unban_user(actor, user)
    was_banned = is_banned_now(user)
    _clear_ban(user)
    if was_banned:
        moderation.record_action(actor=actor, kind=Kind.UNBAN, target_user=user)
    return user


def lift_expired_ban(*, user: User) -> bool:
    """Clear the ban fields of ``user`` when their timed ban has ended; True when it did.

    ``is_banned_now`` already ignores an ended ban: this only tidies the row (called when such a
    user logs in), so lists and filters of banned users agree. Not a moderator's act: not logged.
    """
    if not has_expired_ban(user):
        return False
    _clear_ban(user)
    return True


def _clear_ban(user: User) -> None:
    if user.is_banned or user.banned_until or user.ban_reason:
        user.is_banned, user.banned_until, user.ban_reason = False, None, ""
        user.save(update_fields=BAN_FIELDS)


def staff_flags(role_type: str) -> tuple[bool, bool]:
    """(is_staff, is_superuser) for a role: moderators and admins use the Django admin (what
    each may do there is decided in ``forum/admin.py`` and ``users/admin.py``); admins are
    superusers, so they may do everything."""
    return role_type in (Role.MODERATOR, Role.ADMIN), role_type == Role.ADMIN


@transaction.atomic
def set_role(*, actor, user: User, role_type: str) -> User:
    """Make ``user`` a plain user, a moderator or an admin, and keep ``is_staff`` and
    ``is_superuser`` in step (``staff_flags``). Logged as "set_role" with the old and new role;
    setting the role a user already has changes nothing and logs nothing.

    Raises ``PermissionDenied`` unless ``check_set_role`` allows it (admins only, not on
    themself) and ``check_demotion`` too (not the last admin);
    ``ValidationError`` on ``role_type`` when it is not one of the roles.
    """
    check_set_role(actor, user)
    if role_type not in Role.values:
        raise ValidationError({"role_type": [ValidationError(UNKNOWN_ROLE, code="invalid_choice")]})
    check_demotion(user, role_type)
    previous = user.role_type
    is_staff, is_superuser = staff_flags(role_type)
    if (previous, user.is_staff, user.is_superuser) == (role_type, is_staff, is_superuser):
        return user
    user.role_type, user.is_staff, user.is_superuser = role_type, is_staff, is_superuser
    user.save(update_fields=["role_type", "is_staff", "is_superuser"])
    moderation.record_action(
        actor=actor, kind=Kind.SET_ROLE, target_user=user, details={"from": previous, "to": role_type}
    )
    return user
