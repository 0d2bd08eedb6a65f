"""Upload endpoints: ``POST /uploads`` (JSON) and the file and thumbnail downloads.

Who may read an upload is ``Upload.objects.readable_by`` (one rule, one place): profile
images and attachments of visible comments for everyone who may see them, the owner always,
staff always, and an unclaimed anonymous upload only in the session that uploaded it. Anything
else is a 404, the same as an id that does not exist.

Downloads are hardened so that no stored byte is ever interpreted as a page: the detected
type (never the client's), ``nosniff``, a sandboxing ``Content-Security-Policy``, inline only
for re-encoded images, ``attachment`` with a name whose extension matches the type for
everything else, and ``Cross-Origin-Resource-Policy: same-origin`` against hotlinking. The
bytes behind an id never change, so browsers may keep them for a year (privately, because
what one user may read another may not).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import FileResponse, Http404
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404

from forum.http_methods import read_only
from forum.jsonapi import ApiError, api_view, json_response
from users.models import Upload
from users.serializers import upload_data
from users.uploads import (
    UploadRejected,
    claimable_anonymous_uploads,
    download_name,
    max_upload_bytes,
    store_upload,
    thumbnail_content_type,
    too_large_for,
    upload_id_or_none,
)

# Multipart framing around the file: boundaries, part headers, a CSRF token field.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
DEFAULT_UPLOAD_RATE_LIMITS = {
    "upload_anonymous": "5/m/ip,20/h/ip",
    "upload": "30/m/user,500/d/user",
}
SESSION_KEY = "anonymous_upload_ids"
SESSION_REMEMBERED_UPLOADS = 10
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, max-age=31536000, immutable",
}


@api_view(["POST"], body="multipart")
def upload_create(request):
    """Store the multipart field ``file``: 201 upload; 400, 413, 415, 429 as JSON errors."""
    owner = request.user if request.user.is_authenticated else None
    _limit_upload_rate(request, owner)
    _refuse_oversized_body(request, owner)
    file = _the_uploaded_file(request)
    try:
        upload = store_upload(file=file, owner=owner)
    except UploadRejected as rejection:
        raise ApiError(rejection.status, rejection.message)
    if owner is None:
        _remember_anonymous_upload(request, upload)
    return json_response(upload_data(upload, request), status=201)


def _limit_upload_rate(request, owner) -> None:
    """Count this upload against allauth's cache-based limits (per IP for anonymous clients,
    per user otherwise); raises ``RateLimited``, which ``api_view`` answers with 429.

    allauth's public ``consume`` reads only ``ACCOUNT_RATE_LIMITS``; its internal one takes our
    own table (``settings.UPLOAD_RATE_LIMITS`` when set), so this is the one line an allauth
    upgrade may touch.
    """
    from allauth.core.internal import ratelimit

    rates = getattr(settings, "UPLOAD_RATE_LIMITS", DEFAULT_UPLOAD_RATE_LIMITS)
    action = "upload_anonymous" if owner is None else "upload"
    ratelimit.consume(request, app="users.uploads", action=action, config=rates, raise_exception=True)


def _refuse_oversized_body(request, owner) -> None:
    """413 from the Content-Length alone, before Django reads a body that cannot fit."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(400, "The Content-Length header is not a number.")
    if length > max_upload_bytes(owner) + MULTIPART_OVERHEAD_BYTES:
        rejection = too_large_for(owner)
        raise ApiError(rejection.status, rejection.message)


def _the_uploaded_file(request):
    try:
        files = request.FILES.getlist("file")
    except (MultiPartParserError, RequestDataTooBig, SuspiciousOperation):
        raise ApiError(400, "The multipart body could not be read.")
    if not files:
        message = "Send the file in the multipart field 'file'."
        raise ApiError(400, message, {"file": ["This field is required."]})
    if len(files) > 1:
        raise ApiError(400, "Send one file per request.", {"file": ["Only one file is accepted."]})
    return files[0]


def _remember_anonymous_upload(request, upload: Upload) -> None:
    remembered = request.session.get(SESSION_KEY, [])
    request.session[SESSION_KEY] = [*remembered, str(upload.id)][-SESSION_REMEMBERED_UPLOADS:]


def store_anonymous_upload(request, file) -> Upload:
    """Store ``file`` for an anonymous visitor as ``POST /uploads`` does: counted against the
    anonymous upload rate (raises allauth's ``RateLimited``), checked and cleaned by
    ``store_upload`` (raises ``UploadRejected``), and remembered in the visitor's session, which
    alone may then read it (``readable_by``) and offer it on the signup page
    (``anonymous_upload_of_session``)."""
    _limit_upload_rate(request, None)
    upload = store_upload(file=file, owner=None)
    _remember_anonymous_upload(request, upload)
    return upload


def session_anonymous_upload_ids(request) -> list[str]:
    """The ids of the anonymous uploads this session made (the latest ``SESSION_REMEMBERED_UPLOADS``):
    what it alone may read and claim. Callers pass them to ``readable_by`` and to
    ``users.uploads.claim_profile_image`` (as ``anonymous_upload_ids``)."""
    return list(request.session.get(SESSION_KEY, ()))


def anonymous_upload_of_session(request, upload_id) -> Upload | None:
    """The anonymous image upload ``upload_id`` if this session may still claim it as a profile
    image (``claimable_anonymous_uploads``: this session made it, unclaimed, younger than
    ``ANONYMOUS_CLAIM_WINDOW``), else None."""
    upload_id = upload_id_or_none(upload_id)
    if upload_id is None:
        return None
    claimable = claimable_anonymous_uploads(session_anonymous_upload_ids(request))
    return claimable.filter(pk=upload_id, width__isnull=False).first()


def _readable_uploads(request):
    return Upload.objects.readable_by(request.user, anonymous_upload_ids=session_anonymous_upload_ids(request))


@read_only
def upload_file(request, upload_id):
    """The stored file: inline for images, a download for documents; 404 when not readable."""
    upload = get_object_or_404(_readable_uploads(request), pk=upload_id)
    return _file_response(upload.file, upload.content_type, download_name(upload), inline=upload.is_image)


@read_only
def upload_thumbnail(request, upload_id):
    """An image upload's thumbnail; 404 for documents and uploads that are not readable."""
    upload = get_object_or_404(_readable_uploads(request), pk=upload_id, width__isnull=False)
    if not upload.thumbnail:
        raise Http404("This upload has no thumbnail.")
    filename = download_name(upload, thumbnail=True)
    return _file_response(upload.thumbnail, thumbnail_content_type(upload), filename, inline=True)


def _file_response(field, content_type: str, filename: str, *, inline: bool) -> FileResponse:
    """Stream ``field`` from storage with the hardened download headers."""
    try:
        handle = field.open("rb")
    except OSError:
        raise Http404("The stored file is missing.")
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response
