"""Account operations that are not allauth's own.

allauth signs people up, logs them in and out, and resets and changes passwords; the HTML pages
and the JSON views call its forms and flows. What is left lives here: editing a profile, and
finding the account that an emailed password-reset link names.
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
from django.utils.http import base36_to_int

from users.uploads import UploadRejected, claim_profile_image, store_upload

PHONE_TAKEN = "A user is already registered with this phone number."

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
):
    """Set ``user``'s names, phone number (E.164 or None) and avatar; return the user.

    The avatar: ``image_file`` is stored as a new upload owned by the user; ``image_id`` names an
    upload to claim (an anonymous image upload, or the user's own image); ``remove_image``
    clears it; with none of these it stays. A changed phone number is unverified.

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
        user.profile_image = _avatar_upload(user=user, image_file=image_file, image_id=image_id)
    try:
        with transaction.atomic():
            user.save(
                update_fields=["firstname", "middlename", "lastname", "phone_number", "phone_verified", "profile_image"]
            )
    except IntegrityError:
        raise ValidationError(PHONE_TAKEN, code="phone_taken")
    return user


def _avatar_upload(*, user, image_file, image_id):
    """The upload to use as ``user``'s avatar: ``image_file`` stored, or ``image_id`` claimed."""
    if image_file is None:
        return claim_profile_image(upload_id=image_id, user=user)
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
