"""users.uploads.store_upload: what is accepted, how images are cleaned, what is refused."""

import io

import pytest
from PIL import Image

from tests.conftest import make_image_bytes
from tests.uploads.samples import (
    BLUE,
    RED,
    animated_gif,
    encode,
    mpo_photo,
    noise_png,
    png_header_only,
    png_with_text_and_profile,
    sideways_photo,
    tiny_pdf,
    uploaded,
)
from users.models import Upload
from users.uploads import UploadRejected, clean_client_name, store_upload


def stored_image(field) -> Image.Image:
    with field.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def stored_bytes(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def refusal(data: bytes, owner=None, name="file.png") -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        store_upload(file=uploaded(name, data), owner=owner)
    assert Upload.objects.count() == 0
    return caught.value


def close_to(pixel, color, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], color))


# --- Images ----------------------------------------------------------------------------------


def test_store_upload_png_is_stored_as_png(db, user, png_bytes):
    upload = store_upload(file=uploaded("cat.png", png_bytes), owner=user)

    assert (upload.owner, upload.content_type, upload.name) == (user, "image/png", "cat.png")
    assert (upload.width, upload.height) == (64, 48)
    assert upload.size == upload.file.size
    assert stored_image(upload.file).format == "PNG"


def test_store_upload_jpeg_is_turned_upright(db, user):
    upload = store_upload(file=uploaded("photo.jpg", sideways_photo()), owner=user)

    image = stored_image(upload.file)
    assert (image.format, image.size, upload.width, upload.height) == ("JPEG", (40, 60), 40, 60)
    assert close_to(image.getpixel((20, 10)), RED)
    assert close_to(image.getpixel((20, 50)), BLUE)


def test_store_upload_jpeg_loses_exif_gps_comment_and_profile(db, user):
    original = Image.open(io.BytesIO(sideways_photo()))
    assert original.getexif().get_ifd(0x8825), "the sample must carry GPS tags"

    upload = store_upload(file=uploaded("photo.jpg", sideways_photo()), owner=user)

    image = stored_image(upload.file)
    assert len(image.getexif()) == 0
    assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
    raw = stored_bytes(upload.file) + stored_bytes(upload.thumbnail)
    assert b"Exif" not in raw and b"SpyCam" not in raw and b"secret" not in raw


def test_store_upload_png_loses_text_exif_and_profile(db, user):
    upload = store_upload(file=uploaded("drawing.png", png_with_text_and_profile()), owner=user)

    image = stored_image(upload.file)
    assert image.mode == "RGBA" and image.getpixel((0, 0)) == (0, 128, 0, 200)
    assert not {"Author", "Comment", "exif", "icc_profile"} & set(image.info)
    assert b"Secret" not in stored_bytes(upload.file) and b"SpyCam" not in stored_bytes(upload.file)


def test_store_upload_image_gets_thumbnail_within_box(db, user):
    upload = store_upload(file=uploaded("wide.jpg", make_image_bytes("JPEG", size=(800, 400))), owner=user)

    thumbnail = stored_image(upload.thumbnail)
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (320, 160))
    assert upload.thumbnail.name != upload.file.name


def test_store_upload_small_image_thumbnail_is_not_enlarged(db, user, png_bytes):
    upload = store_upload(file=uploaded("small.png", png_bytes), owner=user)

    assert stored_image(upload.thumbnail).size == (64, 48)


def test_store_upload_animated_gif_keeps_first_frame(db, user):
    upload = store_upload(file=uploaded("anim.gif", animated_gif()), owner=user)

    image = stored_image(upload.file)
    assert (upload.content_type, image.format, getattr(image, "n_frames", 1)) == ("image/gif", "GIF", 1)
    assert close_to(image.convert("RGB").getpixel((0, 0)), RED)
    assert "comment" not in image.info
    assert stored_image(upload.thumbnail).format == "PNG"


def test_store_upload_webp_stays_webp(db, user):
    data = encode(Image.new("RGBA", (30, 30), (10, 20, 200, 255)), "WEBP")

    upload = store_upload(file=uploaded("pic.webp", data), owner=user)

    assert upload.content_type == "image/webp"
    assert stored_image(upload.file).format == "WEBP"


def test_store_upload_camera_mpo_is_stored_as_jpeg(db, user):
    upload = store_upload(file=uploaded("camera.jpg", mpo_photo()), owner=user)

    assert upload.content_type == "image/jpeg"
    assert stored_image(upload.file).format == "JPEG"


def test_store_upload_sixteen_bit_grey_png_keeps_its_levels(db, user):
    data = encode(Image.new("I;16", (8, 8), 40000), "PNG")

    upload = store_upload(file=uploaded("depth.png", data), owner=user)

    assert stored_image(upload.file).getpixel((0, 0)) == 40000 // 256


def test_store_upload_storage_name_is_generated(db, user, png_bytes):
    upload = store_upload(file=uploaded("../../etc/My Holiday.png", png_bytes), owner=user)

    assert upload.file.name.startswith("uploads/") and upload.file.name.endswith(".png")
    assert "Holiday" not in upload.file.name and ".." not in upload.file.name
    assert upload.name == "My Holiday.png"


# --- Pixel bombs -------------------------------------------------------------------------------


def test_store_upload_pixel_bomb_refused_before_decoding(db, user):
    bomb = png_header_only(50_000, 50_000)  # 2.5 billion pixels in under 100 bytes
    assert len(bomb) < 100

    rejection = refusal(bomb, owner=user)

    # Decoding this file would fail (it has no pixel data); 413 shows the header was judged first.
    assert rejection.status == 413
    assert "pixels" in rejection.message


def test_store_upload_over_pixel_setting_refused(db, user, settings, png_bytes):
    settings.UPLOAD_MAX_PIXELS = 64 * 48 - 1

    assert refusal(png_bytes, owner=user).status == 413


def test_store_upload_pillow_decompression_bomb_error_refused(db, user, settings):
    settings.UPLOAD_MAX_PIXELS = 10**12  # only Pillow's own limit stands in the way

    assert refusal(png_header_only(50_000, 50_000), owner=user).status == 413


def test_store_upload_pillow_decompression_bomb_warning_refused(db, user, settings):
    settings.UPLOAD_MAX_PIXELS = 10**12
    assert Image.MAX_IMAGE_PIXELS < 10_000 * 10_000 < 2 * Image.MAX_IMAGE_PIXELS  # the warning band

    assert refusal(png_header_only(10_000, 10_000), owner=user).status == 413


# --- Types decided by the bytes --------------------------------------------------------------


def test_store_upload_text_named_png_refused_for_anonymous(db):
    rejection = refusal(b"just some words\n", owner=None, name="picture.png")

    assert rejection.status == 415
    assert "image" in rejection.message


def test_store_upload_text_named_png_is_text_for_user(db, user):
    upload = store_upload(file=uploaded("picture.png", b"just some words\n"), owner=user)

    assert (upload.content_type, upload.width, upload.thumbnail.name) == ("text/plain", None, "")


def test_store_upload_damaged_image_refused(db, user, png_bytes):
    rejection = refusal(png_bytes[: len(png_bytes) // 2], owner=user)

    assert rejection.status == 415
    assert "damaged" in rejection.message


def test_store_upload_pdf_stored_for_user(db, user):
    upload = store_upload(file=uploaded("paper.pdf", tiny_pdf()), owner=user)

    assert upload.content_type == "application/pdf"
    assert stored_bytes(upload.file) == tiny_pdf()


def test_store_upload_pdf_refused_for_anonymous(db):
    assert refusal(tiny_pdf(), owner=None, name="paper.pdf").status == 415


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + bytes(range(256)),  # a zip
        b"MZ\x90\x00" + bytes(200),  # a Windows executable
        b"text with a \x00 NUL byte",
        b"\xff\xfe n\x00o\x00t\x00 \x00U\x00T\x00F\x00-\x008\x00",
    ],
    ids=["zip", "exe", "nul", "utf16"],
)
def test_store_upload_other_binary_refused(db, user, data):
    rejection = refusal(data, owner=user, name="file.txt")

    assert rejection.status == 415
    assert "PDF" in rejection.message


def test_store_upload_svg_is_not_an_image(db, user):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    assert refusal(svg, owner=None, name="logo.svg").status == 415
    assert store_upload(file=uploaded("logo.svg", svg), owner=user).content_type == "text/plain"


# --- Sizes -----------------------------------------------------------------------------------


def test_store_upload_over_limit_refused(db, user, settings, png_bytes):
    settings.UPLOAD_MAX_BYTES = len(png_bytes) - 1

    rejection = refusal(png_bytes, owner=user)

    assert rejection.status == 413
    assert "limit" in rejection.message


def test_store_upload_anonymous_over_two_megabytes_refused(db, user, settings):
    big_image = noise_png(900)
    assert settings.UPLOAD_ANONYMOUS_MAX_BYTES == 2 * 1024 * 1024 < len(big_image) < settings.UPLOAD_MAX_BYTES

    assert refusal(big_image, owner=None).status == 413
    assert store_upload(file=uploaded("big.png", big_image), owner=user).width == 900


def test_store_upload_anonymous_image_accepted(db, png_bytes):
    upload = store_upload(file=uploaded("me.png", png_bytes), owner=None)

    assert (upload.owner, upload.content_type) == (None, "image/png")


def test_store_upload_empty_file_refused(db, user):
    assert refusal(b"", owner=user).status == 400


# --- Names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\me\\Desktop\\cat.png", "cat.png"),
        ("bad\x00\r\nname.png", "badname.png"),
        ("  spaced   out .png ", "spaced out .png"),
        ("...", "upload"),
        ("", "upload"),
        (None, "upload"),
        ("x" * 300 + ".jpeg", "x" * 195 + ".jpeg"),
    ],
)
def test_clean_client_name_strips_paths_controls_and_length(sent, kept):
    assert clean_client_name(sent) == kept
