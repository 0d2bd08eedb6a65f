"""Real files for upload tests, made with Pillow (or byte by byte where Pillow would refuse)."""

import io
import os
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

RED = (255, 0, 0)
BLUE = (0, 0, 255)
GPS_LATITUDE = (51.0, 30.0, 12.0)


def uploaded(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def sideways_photo() -> bytes:
    """A 60x40 JPEG, red left half and blue right half, whose EXIF says "rotate 90° clockwise"
    (orientation 6, as phones write), with GPS coordinates, a camera make, a comment and an ICC
    profile. Upright it is 40x60 with red on top."""
    image = Image.new("RGB", (60, 40), BLUE)
    image.paste(RED, (0, 0, 30, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    return encode(image, "JPEG", exif=exif, icc_profile=srgb_profile(), comment=b"secret comment")


def png_with_text_and_profile() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Secret Author")
    info.add_itxt("Comment", "secret comment")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    image = Image.new("RGBA", (30, 20), (0, 128, 0, 200))
    return encode(image, "PNG", pnginfo=info, icc_profile=srgb_profile(), exif=exif)


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (40, 30), color) for color in (RED, BLUE, (0, 255, 0))]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, comment=b"secret")


def mpo_photo() -> bytes:
    """A multi-picture JPEG as cameras write it (Pillow names the format MPO)."""
    second_frame = Image.new("RGB", (50, 50))
    return encode(Image.new("RGB", (50, 50), RED), "MPO", save_all=True, append_images=[second_frame])


def noise_png(side: int) -> bytes:
    """A PNG of random pixels: it does not compress, so it is about 3 * side² bytes."""
    return encode(Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)), "PNG")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims ``width`` x ``height`` pixels: the shape
    of a decompression bomb, without the megabytes of zeros."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    no_pixels = zlib.compress(b"")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", no_pixels) + chunk(b"IEND", b"")


def tiny_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
