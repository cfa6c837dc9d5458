"""Photo files for the upload tests, good and hostile, generated rather than checked in."""

import io
import struct
import zipfile
import zlib

from PIL import Image

SERIAL = "CAM-SERIAL-0042-XYZ"
ARTIST = "Jane Hidden-Artist"
GPS_LATITUDE = (2.0, 53.0, 45.12)  # 2° 53' 45.12"


def noisy(width=640, height=400, mode="RGB"):
    """A picture with detail, so that JPEG data fills the file (and truncation shows)."""
    noise = Image.effect_noise((width, height), 60).convert("L")
    return Image.merge("RGB", [noise, noise.rotate(180), noise.transpose(0)]).convert(mode)


def encode(image, format="JPEG", **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def jpeg(width=640, height=400, **options):
    return encode(noisy(width, height), "JPEG", quality=85, **options)


def jpeg_with_private_metadata(width=800, height=500):
    """A JPEG that tells where it was taken, with which camera and by whom."""
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x0110] = "Model Z"  # Model
    exif[0x013B] = ARTIST  # Artist
    exif[0x8298] = ARTIST  # Copyright
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0xA431] = SERIAL  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"  # GPSLatitudeRef
    gps[2] = GPS_LATITUDE
    gps[3] = "W"  # GPSLongitudeRef
    gps[4] = (79.0, 0.0, 16.3)
    return encode(
        noisy(width, height), "JPEG", quality=85, exif=exif, comment=f"Shot by {ARTIST}".encode()
    )


def jpeg_rotated_by_exif(width=800, height=500):
    """Stored landscape, but EXIF says: turn it 90° clockwise to show it (a phone photo)."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW
    return encode(noisy(width, height), "JPEG", quality=85, exif=exif)


def png_with_transparency(width=640, height=400):
    return encode(noisy(width, height, "RGBA"), "PNG")


def webp(width=640, height=400):
    return encode(noisy(width, height), "WEBP", quality=80)


def avif(width=640, height=400):
    return encode(noisy(width, height), "AVIF", quality=60, speed=10)


def cmyk_jpeg(width=640, height=400):
    return encode(noisy(width, height, "CMYK"), "JPEG", quality=85)


def _png_chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width, height):
    """A real black-and-white PNG of `width` x `height` pixels that zips to a few KB."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then 8 pixels a byte
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def animated(format, frames=2, width=640, height=400):
    images = [noisy(width, height).rotate(90 * n) for n in range(frames)]
    return encode(images[0], format, save_all=True, append_images=images[1:], duration=200)


def polyglot():
    """A valid JPEG followed by a ZIP archive holding a script."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("shell.php", "<?php system($_GET['cmd']); ?> POLYGLOT-PAYLOAD")
    return jpeg() + archive.getvalue()


SVG_WITH_SCRIPT = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">
  <script>alert(document.cookie)</script><rect width="640" height="400" fill="teal"/>
</svg>"""


def _truncated_jpeg():
    whole = jpeg()
    return whole[: len(whole) // 2]


# Each refused upload: file name, content type the browser claims, a function making the
# bytes (some take a moment, so only when a test runs), and words the error must contain.
HOSTILE_SAMPLES = {
    "empty": ("photo.jpg", "image/jpeg", lambda: b"", "empty"),
    "text-named-jpg": ("photo.jpg", "image/jpeg", lambda: b"Not a photo.\n" * 50, "accepted"),
    "html-named-jpg": (
        "photo.jpg",
        "image/jpeg",
        lambda: b"<!doctype html><script>alert(1)</script>" * 20,
        "accepted",
    ),
    "svg-with-script": ("drawing.svg", "image/svg+xml", lambda: SVG_WITH_SCRIPT, "accepted"),
    "svg-named-jpg": ("photo.jpg", "image/jpeg", lambda: SVG_WITH_SCRIPT, "accepted"),
    "truncated-jpeg": ("photo.jpg", "image/jpeg", _truncated_jpeg, "damaged"),
    "jpeg-header-then-script": (
        "photo.jpg",
        "image/jpeg",
        lambda: jpeg()[:20] + b"<script>alert(1)</script>" * 40,
        "accepted",
    ),
    # Over twice Pillow's own limit: Pillow raises DecompressionBombError.
    "decompression-bomb": ("bomb.png", "image/png", lambda: png_bomb(20_000, 20_000), "safely"),
    # Over Pillow's limit but under twice it: Pillow only warns (DecompressionBombWarning).
    "decompression-bomb-warning": (
        "bomb.png",
        "image/png",
        lambda: png_bomb(10_000, 10_000),
        "safely",
    ),
    # Under Pillow's limit, over the site's (40 megapixels by default).
    "over-megapixel-limit": ("big.png", "image/png", lambda: png_bomb(8_000, 6_000), "megapixels"),
    "too-small": ("tiny.jpg", "image/jpeg", lambda: jpeg(300, 200), "at least"),
    "gif": ("photo.gif", "image/gif", lambda: encode(noisy().convert("P"), "GIF"), "accepted"),
    "animated-gif": ("photo.gif", "image/gif", lambda: animated("GIF"), "accepted"),
    "animated-png": ("photo.png", "image/png", lambda: animated("PNG"), "Animated"),
    "animated-webp": ("photo.webp", "image/webp", lambda: animated("WEBP"), "Animated"),
    "bmp-named-jpg": ("photo.jpg", "image/jpeg", lambda: encode(noisy(), "BMP"), "accepted"),
    "tiff-named-jpg": ("photo.jpg", "image/jpeg", lambda: encode(noisy(), "TIFF"), "accepted"),
}
