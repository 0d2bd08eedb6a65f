"""JSON shapes of users and uploads, as ../shared/API.md describes them."""

from django.urls import reverse

from users.permissions import can_see_contact_details, is_banned_now


def upload_data(upload, request=None) -> dict:
    data = {
        "id": str(upload.id),
        "created_at": upload.created_at.isoformat(),
        "type": upload.content_type,
        "name": upload.name,
        "size": upload.size,
        "url": _absolute(request, reverse("upload-file", kwargs={"upload_id": upload.id})),
    }
    if upload.is_image:
        data["width"] = upload.width
        data["height"] = upload.height
        data["thumbnail_url"] = _absolute(request, reverse("upload-thumbnail", kwargs={"upload_id": upload.id}))
    return data


def user_data(user, viewer, request=None) -> dict:
    """The user as ``viewer`` may see them: email and phone only for themself and staff."""
    show_contact = can_see_contact_details(viewer, user)
    return {
        "id": str(user.id),
        "login": user.login,
        "email": user.email if show_contact else None,
        "phone_number": user.phone_number if show_contact else None,
        "firstname": user.firstname,
        "lastname": user.lastname,
        "middlename": user.middlename,
        "profile_image": upload_data(user.profile_image, request) if user.profile_image_id else None,
        "role_type": user.role_type,
        "is_banned": is_banned_now(user),
    }


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path
