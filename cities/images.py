"""Everything the site does with photo files, kept in one module on Pillow alone.

An upload is decided by its content, never its name or the browser's content type: Pillow
opens it restricted to the accepted formats, and the file is decoded in full before it is
accepted. What is stored is always a re-encoding (orientation applied, sRGB, no metadata),
never the uploaded bytes. Renditions are written next to it. Every file goes through
Django's default storage, so object storage can replace the file system by settings alone.
"""

import base64
import io
import logging
import secrets
import warnings
from dataclasses import asdict, dataclass, replace
from operator import attrgetter
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError, features

from learningcities.storage import PRIVATE_PHOTOS_PREFIX

logger = logging.getLogger(__name__)

# Pillow format name -> MIME type of what is accepted. AVIF only where Pillow reads it.
ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
AVIF_SUPPORTED = features.check("avif")
if AVIF_SUPPORTED:
    ACCEPTED_FORMATS["AVIF"] = "image/avif"

# Quality settings chosen with bench/photo_processing.py: visually clean, small files.
ORIGINAL_JPEG = {"format": "JPEG", "quality": 90}
RENDITION_ENCODINGS = [
    # The modern format first: browsers take the first <source> they support.
    (
        ("AVIF", "image/avif", "avif", {"quality": 60, "speed": 9})
        if AVIF_SUPPORTED
        else ("WEBP", "image/webp", "webp", {"quality": 78, "method": 4})
    ),
    ("JPEG", "image/jpeg", "jpg", {"quality": 80, "optimize": True, "progressive": True}),
]
FALLBACK_TYPE = "image/jpeg"

# A public photo's files are under photos/, which the media address (and the S3 bucket's
# policy) serves to anyone; the files of a photo that is not public are under
# private-photos/, which only the checked view serves (README, "Photos").
PUBLIC_PHOTOS_PREFIX = "photos/"
SRGB_PROFILE = ImageCms.createProfile("sRGB")


def accepted_formats_text():
    names = [name for name in ACCEPTED_FORMATS if name != "WEBP"]
    names.insert(names.index("PNG") + 1, "WebP")
    return get_text_list(names, _("or"))


def upload_help_text():
    return _(
        "A photo in %(formats)s, at most %(size)s and %(megapixels)s megapixels, at least "
        "%(min_side)s pixels wide and high. Location and camera data are removed."
    ) % {
        "formats": accepted_formats_text(),
        "size": filesizeformat(settings.PHOTO_MAX_UPLOAD_SIZE),
        "megapixels": settings.PHOTO_MAX_PIXELS // 1_000_000,
        "min_side": settings.PHOTO_MIN_SIDE,
    }


def _refuse(message, code, **params):
    return ValidationError(message, code=code, params=params)


def _not_accepted():
    return _refuse(
        _("This file is not a photo in an accepted format. Upload a %(formats)s file."),
        "invalid_format",
        formats=accepted_formats_text(),
    )


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams a large upload to a temporary file, but keeps nothing past the size limit.

    The rest of an oversized file is read (the request must be consumed) and dropped, so
    neither memory nor disk ever holds more than the limit; the file's `size` still tells
    the true size, for `prepare_upload` to refuse it with a clear message.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= settings.PHOTO_MAX_UPLOAD_SIZE:
            self.file.write(raw_data)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        uploaded.size = self.received
        return uploaded


def _check_size(upload):
    size = upload.size
    if not size:
        raise _refuse(_("The file is empty."), "empty")
    if size > settings.PHOTO_MAX_UPLOAD_SIZE:
        # Judged on the size measured while the upload streamed in (see
        # SizeLimitedUploadHandler), before anything reads the content.
        raise _refuse(
            _("The file is %(size)s; the largest accepted is %(limit)s."),
            "too_large",
            size=filesizeformat(size),
            limit=filesizeformat(settings.PHOTO_MAX_UPLOAD_SIZE),
        )


def _check_dimensions(width, height):
    if width * height > settings.PHOTO_MAX_PIXELS:
        raise _refuse(
            _(
                "The picture has %(width)s by %(height)s pixels; at most %(megapixels)s "
                "megapixels are accepted. Scale it down and upload it again."
            ),
            "too_many_pixels",
            width=width,
            height=height,
            megapixels=settings.PHOTO_MAX_PIXELS // 1_000_000,
        )
    if min(width, height) < settings.PHOTO_MIN_SIDE:
        raise _refuse(
            _(
                "The picture has %(width)s by %(height)s pixels; it must be at least "
                "%(min_side)s pixels wide and high to look sharp on the site."
            ),
            "too_small",
            width=width,
            height=height,
            min_side=settings.PHOTO_MIN_SIDE,
        )


def _open_restricted(upload):
    """Open and fully decode the upload, or raise ValidationError saying why not."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its pixel limit; a bomb is refused either way.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=list(ACCEPTED_FORMATS))
            _check_dimensions(*image.size)
            if getattr(image, "n_frames", 1) > 1:
                raise _refuse(
                    _("Animated images are not accepted. Upload a still photo."), "animated"
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("The picture declares too many pixels to be opened safely."),
            "decompression_bomb",
        ) from None
    except UnidentifiedImageError:
        raise _not_accepted() from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        logger.info("Refused a damaged upload: %s", error)
        raise _refuse(
            _("The photo is damaged or incomplete; export it again and upload the new file."),
            "damaged",
        ) from None
    return image


def _normalized(image):
    """Upright, sRGB, RGB, and without any metadata. May change `image` itself."""
    ImageOps.exif_transpose(image, in_place=True)  # in place: no copy of a 24 MP picture
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
            image = ImageCms.profileToProfile(image, source_profile, SRGB_PROFILE, outputMode=mode)
        except (ImageCms.PyCMSError, OSError) as error:
            logger.warning("Ignored an unreadable colour profile: %s", error)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Photos have no transparency to keep: flatten onto white.
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode != "RGB":
        image = image.convert("RGB")
    # Encoders fall back on `info` for comments and colour profiles; EXIF and XMP are only
    # written when passed to save(), which this module never does.
    image.info = {}
    return image


def prepare_upload(upload):
    """Validate an upload and return what to store instead: a clean JPEG ContentFile.

    Raises ValidationError with a message for the uploader when the file is refused.
    """
    _check_size(upload)
    with _open_restricted(upload) as opened:
        image = _normalized(opened)
    buffer = io.BytesIO()
    image.save(buffer, **ORIGINAL_JPEG)
    stem = PurePosixPath(upload.name or "photo").stem[:60] or "photo"
    return ContentFile(buffer.getvalue(), name=f"{stem}.jpg")


@dataclass(frozen=True)
class Thumbnail:
    """A small copy of a photo that has no address of its own, inside a data: address."""

    src: str
    width: int
    height: int
    photo_width: int
    photo_height: int


def thumbnail_data(jpeg, width=96):
    """A thumbnail of the stored JPEG bytes `jpeg`, for showing a photo no page may link to."""
    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as image:
        photo_width, photo_height = image.size
        image.draft("RGB", (width, width))  # decodes at a fraction of the size
        image.thumbnail((width, round(width * photo_height / photo_width)))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=70)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Thumbnail(f"data:image/jpeg;base64,{encoded}", *image.size, photo_width, photo_height)


def rendition_widths(width):
    """The configured widths, never wider than the original (no upscaling)."""
    return sorted({min(target, width) for target in settings.PHOTO_RENDITION_WIDTHS})


@dataclass(frozen=True)
class Rendition:
    """One smaller copy of a photo's original; `Photo.renditions` stores a JSON list of them."""

    name: str
    type: str
    width: int
    height: int

    @classmethod
    def load(cls, stored):
        """The renditions of a `Photo.renditions` value (a list of dicts)."""
        return [cls(**item) for item in stored]

    def as_dict(self):
        return asdict(self)


def make_renditions(name):
    """Write the renditions of the stored original `name`; return them (a list of Rendition)."""
    stem = PurePosixPath(name).with_suffix("")
    written = []
    try:
        with default_storage.open(name) as stored, Image.open(stored, formats=["JPEG"]) as image:
            largest = max(settings.PHOTO_RENDITION_WIDTHS)
            # JPEG draft mode decodes at a fraction of the size, several times faster.
            image.draft("RGB", (largest, round(largest * image.height / image.width)))
            source = _normalized(image)
            original_width, original_height = source.size  # after draft: the ratio is what counts
            # Largest first, each from the one before: far less work than all from the top.
            for width in reversed(rendition_widths(original_width)):
                height = max(1, round(original_height * width / original_width))
                source = source.resize((width, height), Image.Resampling.LANCZOS)
                for pil_format, mime, extension, options in RENDITION_ENCODINGS:
                    buffer = io.BytesIO()
                    source.save(buffer, format=pil_format, **options)
                    saved = default_storage.save(
                        f"{stem}-{width}w.{extension}", ContentFile(buffer.getvalue())
                    )
                    written.append(Rendition(saved, mime, width, height))
    except Exception:
        # The page falls back to the original; log it and leave no partial set behind.
        logger.exception("Could not make the renditions of %s", name)
        delete_files(rendition.name for rendition in written)
        return []
    return written


def photo_stem(public):
    """A new, unguessable stored name without extension: 22 random URL-safe characters,
    under the public or the private folder. Renditions are named after it."""
    return f"{PUBLIC_PHOTOS_PREFIX if public else PRIVATE_PHOTOS_PREFIX}{secrets.token_urlsafe(16)}"


def move_photo_files(photo, public):
    """Give `photo`'s original and renditions new names under the public or private folder.

    Copies through the storage API (file system and S3 alike), then points the row at the
    copies only if it still names the originals, so that of two moves at once one wins and
    the other deletes its copies; the old files are deleted once the row no longer names
    them. Works on historical models too (the data migration). Returns whether it moved.
    """
    old_image = photo.image.name
    if not old_image or not default_storage.exists(old_image):
        return False  # nothing to hide or show; `make_renditions` reports missing files
    stem = photo_stem(public)
    old_stem = str(PurePosixPath(old_image).with_suffix(""))
    copies = []
    try:
        new_image = _copy(old_image, f"{stem}.jpg", copies)
        renditions = [
            replace(r, name=_copy(r.name, stem + r.name.removeprefix(old_stem), copies))
            for r in Rendition.load(photo.renditions)
            if default_storage.exists(r.name)
        ]
        moved = (
            type(photo)
            ._base_manager.filter(pk=photo.pk, image=old_image)
            .update(image=new_image, renditions=[r.as_dict() for r in renditions])
        )
    except BaseException:
        delete_files(copies)
        raise
    if not moved:
        delete_files(copies)
        return False
    delete_files([old_image, *(r["name"] for r in photo.renditions)])
    photo.image.name, photo.renditions = new_image, [r.as_dict() for r in renditions]
    return True


def _copy(name, new_name, copies):
    with default_storage.open(name) as stored:
        copies.append(default_storage.save(new_name, stored))
    return copies[-1]


def delete_files(names):
    for name in names:
        if name:
            default_storage.delete(name)


def delete_files_on_commit(names):
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: delete_files(names))


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    """What a <picture> element needs: modern sources, and a JPEG src and srcset."""

    sources: list
    src: str
    srcset: str
    smallest_src: str
    largest_src: str  # what a photo opened large shows
    jpegs: tuple  # the JPEG renditions, narrowest first

    @classmethod
    def of(cls, photo):
        url = photo.file_url
        by_type = {}
        for rendition in Rendition.load(photo.renditions):
            by_type.setdefault(rendition.type, []).append(rendition)
        for renditions in by_type.values():
            renditions.sort(key=attrgetter("width"))
        srcsets = {
            mime: ", ".join(f"{url(r.name)} {r.width}w" for r in renditions)
            for mime, renditions in by_type.items()
        }
        jpegs = tuple(by_type.get(FALLBACK_TYPE, ()))
        # A middle-sized JPEG for browsers without srcset; the original when none was made.
        src = url(jpegs[len(jpegs) // 2].name) if jpegs else url(photo.image.name)
        sources = [
            Source(mime, srcset) for mime, srcset in srcsets.items() if mime != FALLBACK_TYPE
        ]
        return cls(
            sources=sources,
            src=src,
            srcset=srcsets.get(FALLBACK_TYPE, ""),
            smallest_src=url(jpegs[0].name) if jpegs else src,
            largest_src=url(jpegs[-1].name) if jpegs else src,
            jpegs=jpegs,
        )

    def jpeg_at_least(self, width):
        """The narrowest JPEG rendition at least `width` wide, else the widest; None if none."""
        wide = [jpeg for jpeg in self.jpegs if jpeg.width >= width] or self.jpegs[-1:]
        return wide[0] if wide else None
