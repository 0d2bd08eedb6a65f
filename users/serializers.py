"""JSON shapes of users and uploads, as ../shared/API.md describes them.

Each shape is built once, by a ``*_data_for(obj, audience)`` function. ``user_data`` and
``upload_data`` are the same for one object: they make the ``Audience`` themselves. A response
with many objects (the discussion lists) makes one ``Audience`` and passes it to every
``*_data_for`` call, so what depends only on the request is worked out once.
"""

from forum.templatetags.forum_pages import id_url
from users.permissions import can_see_contact_details, is_banned_now


class Audience:
    """Who a JSON response is written for and where it is served, for all of its objects.

    A list of 20 discussions names the same few dozen people hundreds of times (participants,
    authors, authors of the comments answered); each is serialised once (``user_data_for``).
    That holds because what a user's JSON shows depends only on the user and the viewer, and
    the viewer is the same for the whole response."""

    def __init__(self, viewer, request=None):
        self.viewer = viewer
        # ``request.build_absolute_uri(path)`` is this prefix plus ``path`` for the site's own
        # paths (which start with "/"); without a request, URLs stay paths.
        self.url_root = request.build_absolute_uri("/")[:-1] if request is not None else ""
        self.users_by_id: dict = {}

    def absolute_url(self, route_name: str, upload_id) -> str:
        return self.url_root + id_url(route_name, "upload_id", upload_id)


def upload_data(upload, request=None) -> dict:
    return upload_data_for(upload, Audience(None, request))


def upload_data_for(upload, audience: Audience) -> dict:
    data = {
        "id": str(upload.id),
        "created_at": upload.created_at.isoformat(),
        "type": upload.content_type,
        "name": upload.name,
        "size": upload.size,
        "url": audience.absolute_url("upload-file", upload.id),
    }
    if upload.is_image:
        data["width"] = upload.width
        data["height"] = upload.height
        data["thumbnail_url"] = audience.absolute_url("upload-thumbnail", upload.id)
    return data


def user_data(user, viewer, request=None) -> dict:
    """The user as ``viewer`` may see them: email and phone only for themself and staff."""
    return user_data_for(user, Audience(viewer, request))


def user_data_for(user, audience: Audience) -> dict:
    """``user_data`` for the audience's viewer; the same dict for every mention of the user in
    one response (callers must not change it)."""
    data = audience.users_by_id.get(user.pk)
    if data is None:
        data = audience.users_by_id[user.pk] = _user_data(user, audience)
    return data


def user_data_shown_to(data: dict, user, viewer) -> dict:
    """``data``, ``user``'s dict written for a viewer who may see no contact details, as
    ``viewer`` sees it: the contact details are the only part of it that depends on the viewer.
    A new dict; ``data`` is left as it is (it may be a kept copy)."""
    return {**data, **_contact_data(user, viewer)}


def _user_data(user, audience: Audience) -> dict:
    return {
        "id": str(user.id),
        "login": user.login,
        **_contact_data(user, audience.viewer),
        "firstname": user.firstname,
        "lastname": user.lastname,
        "middlename": user.middlename,
        "profile_image": upload_data_for(user.profile_image, audience) if user.profile_image_id else None,
        "role_type": user.role_type,
        "is_banned": is_banned_now(user),
    }


def _contact_data(user, viewer) -> dict:
    show = can_see_contact_details(viewer, user)
    return {"email": user.email if show else None, "phone_number": user.phone_number if show else None}
