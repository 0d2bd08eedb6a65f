"""Uploads: the one place that decides what a file is, how it is stored and who may claim it.

What is accepted (the type comes from the bytes, never from the file name or the client's
Content-Type header):

- **Images** (anyone; anonymous clients only up to ``UPLOAD_ANONYMOUS_MAX_BYTES``): JPEG (and
  camera MPO, which is JPEG), PNG, GIF and WebP, as Pillow decodes them. Only these four
  Pillow plugins are ever asked to open a file, so exotic decoders (EPS, which runs
  Ghostscript, PSD, TIFF, ...) never see hostile input. The pixel count from the header is
  checked before any pixel is decoded; Pillow's own decompression-bomb checks count as refusals.
  Every image is decoded, turned upright by its EXIF orientation, converted to sRGB when it
  carries a colour profile, and re-encoded with no metadata at all (no EXIF, GPS, XMP, ICC
  profile, comments or text chunks). JPEG stays JPEG, PNG stays PNG, WebP stays WebP, and GIF
  stays GIF. Only the first frame of an animated GIF or WebP is kept: re-encoding every frame
  would multiply the decoding cost by the frame count, and a still is enough for a forum
  attachment or avatar. Each image gets a thumbnail that fits in ``THUMBNAIL_BOX``.
- **Documents** (logged-in users only, up to ``UPLOAD_MAX_BYTES``): PDF (by its ``%PDF-``
  magic bytes) and plain text (valid UTF-8 with no control characters other than whitespace).
  Nothing else: no archives, executables, HTML or SVG. (An SVG or HTML file is valid UTF-8 text,
  so it is stored as ``text/plain``; the download name ends in ``.txt``, and it is always
  served as a download, so a browser never renders it.)

Files are stored through Django's storage API under server-generated names
(``users.models.upload_path``). The client's file name is kept only as display text in
``Upload.name``.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import uuid
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from users.models import Upload, User

logger = logging.getLogger(__name__)

# Pillow plugins that may open an upload, and the type each decoded format is stored as.
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
STORED_TYPE_OF_FORMAT = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",  # a JPEG with extra frames (many cameras); Pillow names it MPO
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
ENCODER_OF_TYPE = {
    "image/jpeg": ("JPEG", {"quality": 90, "optimize": True}),
    "image/png": ("PNG", {}),
    "image/gif": ("GIF", {}),
    "image/webp": ("WEBP", {"quality": 90}),
}
# A GIF thumbnail is scaled smoothly, which needs more than a 256-colour palette.
THUMBNAIL_TYPE_OF_TYPE = {
    "image/jpeg": "image/jpeg",
    "image/png": "image/png",
    "image/gif": "image/png",
    "image/webp": "image/webp",
}
EXTENSION_OF_TYPE = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
}
# Download names may keep these extensions of the client's name; any other becomes the canonical one.
KEPT_EXTENSIONS_OF_TYPE = {
    "image/jpeg": {".jpg", ".jpeg"},
    "text/plain": {".txt", ".md", ".csv", ".log"},
}
THUMBNAIL_BOX = (320, 320)
NAME_MAX_LENGTH = 200
ANONYMOUS_CLAIM_WINDOW = timedelta(days=1)
UNUSED_UPLOAD_MAX_AGE = timedelta(days=1)  # uploaded, never attached nor a profile image
ACCEPTED_FOR_ANONYMOUS = "an image (JPEG, PNG, GIF or WebP)"
ACCEPTED_FOR_USERS = "an image (JPEG, PNG, GIF or WebP), a PDF or a UTF-8 text file"
TEXT_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
NAME_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\]")


class UploadRejected(Exception):
    """An upload the forum will not store: ``status`` is 400, 413 or 415, ``message`` a sentence."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class _Processed:
    """What gets stored: the (re-encoded) bytes, their type, and for images size and thumbnail."""

    content: bytes
    content_type: str
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


# --- Storing -------------------------------------------------------------------------------


def max_upload_bytes(owner: User | None) -> int:
    """The largest file ``owner`` may upload (anonymous clients get the smaller image limit)."""
    return settings.UPLOAD_ANONYMOUS_MAX_BYTES if owner is None else settings.UPLOAD_MAX_BYTES


def store_upload(*, file: UploadedFile, owner: User | None) -> Upload:
    """Check, clean and store ``file`` as an upload of ``owner`` (None: an anonymous client).

    Images are re-encoded without metadata and get a thumbnail; PDFs and UTF-8 text (owners
    only) are stored as sent. Raises ``UploadRejected``: 400 for an empty file, 413 over the
    size limit (``max_upload_bytes``) or over ``UPLOAD_MAX_PIXELS``, 415 for a type that is not
    accepted (anonymous clients: images only) or an image that cannot be decoded.
    """
    data = _read_within_limit(file, max_upload_bytes(owner))
    processed = _process_image(data)
    if processed is None:
        processed = _process_document(data, owner)
    return _save_upload(owner=owner, name=clean_client_name(file.name), processed=processed)


def _read_within_limit(file: UploadedFile, limit: int) -> bytes:
    """The file's bytes; 413 when more than ``limit``, 400 when empty."""
    if file.size is not None and file.size > limit:
        raise _too_large(limit)
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise UploadRejected(400, "The file is empty.")
    return data


def _too_large(limit: int) -> UploadRejected:
    return UploadRejected(413, f"The file is too large; the limit is {_readable_size(limit)}.")


def too_large_for(owner: User | None) -> UploadRejected:
    """The 413 refusal of a file over ``owner``'s limit (for callers that know the size early)."""
    return _too_large(max_upload_bytes(owner))


def _readable_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.4g} MB"
    return f"{size / 1024:.4g} KB" if size >= 1024 else f"{size} bytes"


@transaction.atomic
def _save_upload(*, owner: User | None, name: str, processed: _Processed) -> Upload:
    """Write the files through the storage API, then the row; remove the files if the row fails."""
    upload = Upload(
        owner=owner,
        name=name,
        content_type=processed.content_type,
        size=len(processed.content),
        width=processed.width,
        height=processed.height,
    )
    extension = EXTENSION_OF_TYPE[processed.content_type]
    upload.file.save(f"file{extension}", ContentFile(processed.content), save=False)
    try:
        if processed.thumbnail is not None:
            thumbnail_extension = EXTENSION_OF_TYPE[thumbnail_content_type(upload)]
            thumbnail = ContentFile(processed.thumbnail)
            upload.thumbnail.save(f"thumbnail{thumbnail_extension}", thumbnail, save=False)
        upload.save(force_insert=True)
    except BaseException:
        delete_stored_files(upload)
        raise
    return upload


def delete_stored_files(upload: Upload) -> None:
    """Remove an upload's file and thumbnail from storage (the row is the caller's business)."""
    for field in (upload.file, upload.thumbnail):
        if field:
            field.delete(save=False)


# --- Images ----------------------------------------------------------------------------------


@contextmanager
def _refusing_pixel_bombs():
    """Turn Pillow's decompression-bomb error and warning into a 413 refusal.

    ``warnings.catch_warnings`` swaps the process-wide filter list; with threaded workers a
    concurrent thread may briefly see the "error" filter too, which only makes it stricter.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels()


def _too_many_pixels() -> UploadRejected:
    return UploadRejected(
        413, f"The image has too many pixels; the limit is {settings.UPLOAD_MAX_PIXELS:,} pixels."
    )


def _process_image(data: bytes) -> _Processed | None:
    """The re-encoded image and its thumbnail, or None when ``data`` is no accepted image.

    Raises ``UploadRejected`` 413 for too many pixels (judged from the header, before decoding)
    and 415 when a file that announces itself as an accepted image cannot be decoded.
    """
    with _refusing_pixel_bombs():
        image = _open_image(data)
        if image is None:
            return None
        _check_pixel_count(image)
        with _refusing_broken_images():
            upright = _decode_upright(image)
            content_type = STORED_TYPE_OF_FORMAT[image.format]
            return _Processed(
                content=_encode(upright, content_type),
                content_type=content_type,
                width=upright.width,
                height=upright.height,
                thumbnail=_make_thumbnail(upright, THUMBNAIL_TYPE_OF_TYPE[content_type]),
            )


@contextmanager
def _refusing_broken_images():
    """Turn whatever Pillow raises on a broken or hostile image into a 415 refusal (its
    decoders raise many exception types); bomb errors and refusals pass through."""
    try:
        yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, UploadRejected):
        raise
    except Exception as error:
        logger.info("Refused an image that does not decode: %r", error)
        raise UploadRejected(415, "The image is damaged and could not be read.")


def _open_image(data: bytes) -> Image.Image | None:
    """Read only the header with one of the accepted plugins; None when none recognises it."""
    try:
        return Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    except UnidentifiedImageError:
        return None


def _check_pixel_count(image: Image.Image) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise UploadRejected(415, "The image has no pixels.")
    if width * height > settings.UPLOAD_MAX_PIXELS:
        raise _too_many_pixels()


def _decode_upright(image: Image.Image) -> Image.Image:
    """Decode the first frame, turn it upright by its EXIF orientation, bring it to 8-bit sRGB
    and drop all metadata. Works in place where Pillow can: a full-size copy of a 40-megapixel
    image costs 120 MB."""
    image.load()
    ImageOps.exif_transpose(image, in_place=True)
    upright = _to_srgb(_to_eight_bits(image))
    _strip_metadata(upright)
    return upright


def _to_eight_bits(image: Image.Image) -> Image.Image:
    """16-bit and 32-bit greyscale scaled to 8 bits (a plain conversion would clip to white)."""
    if image.mode not in ("I", "I;16", "I;16B", "I;16L"):
        return image
    return image.convert("I").point(lambda value: value / 256).convert("L")


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply an embedded colour profile, so the colours survive when the profile is dropped."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        srgb = ImageCms.createProfile("sRGB")
        if image.mode == output_mode:
            ImageCms.profileToProfile(image, source, srgb, outputMode=output_mode, inPlace=True)
            return image
        return ImageCms.profileToProfile(image, source, srgb, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: keep the pixels as they are


def _strip_metadata(image: Image.Image) -> None:
    """Forget everything but the pixels (and which palette entry or colour is transparent):
    Pillow's encoders write EXIF, ICC profiles, comments and text chunks from ``image.info``."""
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _encodable(image: Image.Image, content_type: str) -> Image.Image:
    """``image`` itself when the encoder takes its mode, else a converted copy."""
    if content_type == "image/jpeg":
        allowed, fallback = ("L", "RGB"), "RGB"
    elif content_type == "image/gif":
        allowed, fallback = ("P", "L"), "P"
    elif content_type == "image/webp":
        allowed, fallback = ("RGB", "RGBA"), "RGBA" if _has_alpha(image) else "RGB"
    else:
        allowed, fallback = ("1", "L", "LA", "P", "RGB", "RGBA"), "RGBA" if _has_alpha(image) else "RGB"
    return image if image.mode in allowed else image.convert(fallback)


def _encode(image: Image.Image, content_type: str) -> bytes:
    encoder, options = ENCODER_OF_TYPE[content_type]
    buffer = io.BytesIO()
    _encodable(image, content_type).save(buffer, format=encoder, **options)
    return buffer.getvalue()


def _make_thumbnail(image: Image.Image, content_type: str) -> bytes:
    """The image scaled down (never up) to fit ``THUMBNAIL_BOX``, smoothly resampled."""
    scale = min(1.0, THUMBNAIL_BOX[0] / image.width, THUMBNAIL_BOX[1] / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    return _encode(image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0), content_type)


def thumbnail_content_type(upload: Upload) -> str:
    """The MIME type of an image upload's thumbnail."""
    return THUMBNAIL_TYPE_OF_TYPE[upload.content_type]


# --- Documents -------------------------------------------------------------------------------


def _process_document(data: bytes, owner: User | None) -> _Processed:
    """A PDF or UTF-8 text file of a logged-in owner, stored as sent; 415 for anything else."""
    if owner is None:
        raise UploadRejected(415, f"Without an account you may upload only {ACCEPTED_FOR_ANONYMOUS}.")
    if data.startswith(b"%PDF-"):
        return _Processed(content=data, content_type="application/pdf")
    if _is_plain_text(data):
        return _Processed(content=data, content_type="text/plain")
    raise UploadRejected(415, f"This type of file is not accepted; upload {ACCEPTED_FOR_USERS}.")


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return TEXT_CONTROL_CHARACTERS.search(text) is None


# --- Names -----------------------------------------------------------------------------------


def clean_client_name(name: str | None) -> str:
    """The client's file name made safe to show: no folders or control characters, at most
    ``NAME_MAX_LENGTH`` characters (the extension kept), ``"upload"`` when nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(NAME_UNSAFE_CHARACTERS.sub("", name).split()).strip(". ")
    if len(name) > NAME_MAX_LENGTH:
        suffix = PurePosixPath(name).suffix[:16]
        name = name[: NAME_MAX_LENGTH - len(suffix)] + suffix
    return name or "upload"


def download_name(upload: Upload, *, thumbnail: bool = False) -> str:
    """The file name to offer for the upload (or its thumbnail): the client's name, with an
    extension that matches the served type, so a saved file never opens as something else."""
    content_type = thumbnail_content_type(upload) if thumbnail else upload.content_type
    path = PurePosixPath(clean_client_name(upload.name))
    extension = path.suffix.lower()
    if thumbnail or extension not in KEPT_EXTENSIONS_OF_TYPE.get(content_type, set()):
        extension = EXTENSION_OF_TYPE.get(content_type, ".bin")
    return f"{'thumbnail-' if thumbnail else ''}{path.stem}{extension}"


# --- Claiming a profile image ----------------------------------------------------------------


def claimable_anonymous_uploads(anonymous_upload_ids):
    """The anonymous uploads that a client may still claim: those among ``anonymous_upload_ids``
    (the ids its session made, see ``users.upload_views.session_anonymous_upload_ids``) that
    nobody has claimed yet and that are younger than ``ANONYMOUS_CLAIM_WINDOW``.

    The one rule of who may claim an anonymous upload: only the session that uploaded it, so an
    id seen elsewhere (e.g. in a signup page) is worth nothing to another client.
    """
    return Upload.objects.filter(
        owner__isnull=True,
        pk__in=[pk for pk in map(upload_id_or_none, anonymous_upload_ids) if pk is not None],
        created_at__gte=timezone.now() - ANONYMOUS_CLAIM_WINDOW,
    )


def claim_profile_image(*, upload_id, user: User, anonymous_upload_ids=()) -> Upload:
    """The image upload ``upload_id``, made ``user``'s own, for use as their profile image.

    Accepts the user's own image, or an anonymous image that ``claimable_anonymous_uploads``
    allows: one uploaded by this client's session (its id among ``anonymous_upload_ids``, which
    the caller reads from the session), less than ``ANONYMOUS_CLAIM_WINDOW`` ago, not yet
    claimed. Claiming sets its owner to ``user`` with a conditional UPDATE, so of two concurrent
    claims exactly one wins. Does not change ``user.profile_image``; the caller saves that.
    Raises ``ValidationError`` (code ``invalid_upload``) for a malformed or unknown id, someone
    else's upload or an anonymous upload of another session (the same message as unknown: it
    does not reveal that the upload exists), or an upload that is not an image.
    """
    pk = _parse_upload_id(upload_id)
    with transaction.atomic():
        claimable_anonymous_uploads(anonymous_upload_ids).filter(pk=pk).update(owner=user)
        upload = Upload.objects.filter(pk=pk, owner=user).first()
        if upload is None:
            raise ValidationError("There is no such upload of yours.", code="invalid_upload")
        if not upload.is_image:
            raise ValidationError("The profile image must be an image upload.", code="invalid_upload")
    return upload


def upload_id_or_none(upload_id) -> uuid.UUID | None:
    """``upload_id`` (a UUID, or its text) as a UUID; None when it is not one."""
    try:
        return _parse_upload_id(upload_id)
    except ValidationError:
        return None


def _parse_upload_id(upload_id) -> uuid.UUID:
    if isinstance(upload_id, uuid.UUID):
        return upload_id
    if isinstance(upload_id, str):
        try:
            return uuid.UUID(upload_id.strip())
        except ValueError:
            pass
    raise ValidationError("That is not a valid upload id.", code="invalid_upload")


# --- Housekeeping ----------------------------------------------------------------------------


def delete_unused_uploads(*, older_than: timedelta = UNUSED_UPLOAD_MAX_AGE) -> int:
    """Delete the uploads created more than ``older_than`` ago that are unused
    (``Upload.objects.unused()``: on no comment, nobody's profile image), whoever uploaded them,
    files and thumbnails included (after the commit).

    Returns how many were deleted. Meant for a periodic job (``manage.py delete_unclaimed_uploads``).
    """
    stale = Upload.objects.unused().filter(created_at__lt=timezone.now() - older_than)
    return sum(_delete_if_unused(pk) for pk in stale.values_list("pk", flat=True).iterator())


def _delete_if_unused(pk) -> bool:
    """Delete the upload ``pk`` if it is still unused once its row is locked: a comment posted
    meanwhile locks it too (``forum.services.post_comment``), and the check after the lock sees
    the attachment it committed."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().filter(pk=pk).first()
        if upload is None or not Upload.objects.unused().filter(pk=pk).exists():
            return False
        upload.delete()
        transaction.on_commit(lambda: delete_stored_files(upload))
    return True
