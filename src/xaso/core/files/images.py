# SPDX-License-Identifier: AGPL-3.0-or-later
"""Photos people send (field reports from phones): checked, and returned without metadata.

``file_check`` proves that an upload *starts* like a JPEG, PNG or WebP. A phone photo also carries what
its sender rarely means to publish: the GPS position of the camera (often their home), the device, the
time, sometimes an XMP history. Two ways out, one result (no metadata in the bytes):

* **Re-encoding** (any photo): decode every pixel (which proves the file is a picture), turn it upright,
  convert its colours to sRGB, shrink it, and encode the pixels into a brand-new image — Pillow's encoders
  would carry some ``info`` of the source across (a JPEG comment, a PNG ICC profile). It costs hundreds of
  milliseconds for a 12-megapixel photo.
* **Rewriting the segments** (the common phone JPEG: upright, sRGB or no profile, not too large): keep the
  compressed pixels as they are and leave out every metadata segment (EXIF, XMP, IPTC, comments, the
  profile, the extra frames of an MPO), walking the file's structure to its end, which refuses a cut or
  malformed file. A few milliseconds, and no generation loss. The pixels themselves are decoded later, in
  the background, when the thumbnail is made (bench/report_photo.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

from .services import file_check

# The formats Pillow may use for each type ``file_check`` sniffed, so that both must agree. Pillow's
# "JPEG" opener also returns the MPO files of dual-camera phones (a JPEG with extra frames appended).
PILLOW_FORMATS = {"image/jpeg": ["JPEG"], "image/png": ["PNG"], "image/webp": ["WEBP"]}
JPEG_QUALITY = 85
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile  # named like the upload with the extension of its new format; ready for file_store
    width: int
    height: int
    format: str  # "JPEG" or "PNG"
    content_type: str


def _too_many_pixels(max_pixels: int) -> ValidationError:
    return ValidationError(
        _("The image has too many pixels; at most %(limit)s pixels are accepted.")
        # Grouped by hand: Django's Vietnamese formats do not group digits, and 40000000 is hard to read.
        % {"limit": f"{max_pixels:,}".replace(",", get_format("THOUSAND_SEPARATOR"))},
        code="too_many_pixels",
    )


def _decode(data, formats: list[str], *, max_pixels: int, draft: int | None = None) -> Image.Image:
    """The upright, fully decoded picture in sRGB (RGB, RGBA or L), or a ValidationError."""
    try:
        picture = Image.open(data, formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        # Pillow's own limit (far above ours) stops a header declaring billions of pixels at once.
        raise _too_many_pixels(max_pixels) from e
    except Exception as e:  # hostile bytes make Pillow's parsers raise all sorts; each means "unreadable"
        raise _unreadable() from e
    with picture:
        width, height = picture.size
        # Checked before decoding: the header's size alone decides how much memory decoding takes.
        if width * height > max_pixels:
            raise _too_many_pixels(max_pixels)
        # An animation is not a photo, and re-encoding would silently keep its first frame only; MPO
        # "frames" are the other lens of the same shot, so its primary image is the photo.
        if getattr(picture, "n_frames", 1) > 1 and picture.format != "MPO":
            raise ValidationError(_("Animated images are not accepted; send a still photo."), code="animated")
        try:
            if draft:  # a JPEG decodes straight at 1/2, 1/4 or 1/8 scale: thumbnails need not decode it all
                picture.draft(None, (draft, draft))
            picture.load()  # decodes every pixel: a truncated or corrupt file fails here
            upright = ImageOps.exif_transpose(picture)  # phones store pixels sideways, with an orientation tag
        except Exception as e:
            raise _unreadable() from e
        return _srgb(upright, picture.info.get("icc_profile"))


def _unreadable() -> ValidationError:
    return ValidationError(_("The image cannot be read: the file is damaged, incomplete or not really an image."),
                           code="unreadable")


def _srgb(picture: Image.Image, icc: bytes | None) -> Image.Image:
    """Colours converted to sRGB (the profile is dropped with the rest), in one of RGB, RGBA or L."""
    if picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in picture.info:
        picture = picture.convert("RGBA")
        if picture.getchannel("A").getextrema()[0] == 255:  # an alpha channel that hides nothing
            picture = picture.convert("RGB")
    elif picture.mode.startswith("I"):  # 16-bit grey: plain conversion would clip nearly all of it to white
        picture = picture.convert("I").point(lambda v: v / 256).convert("L")
    elif picture.mode not in ("RGB", "CMYK", "L"):  # palette, 1-bit: widen first
        picture = picture.convert("RGB")
    if icc and picture.mode in ("RGB", "RGBA", "CMYK"):
        # iPhones shoot in Display P3 and scanners in CMYK: dropping their profile without converting
        # would shift the colours. A profile Pillow cannot use is ignored (the pixels are then taken as sRGB).
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc))
            output = "RGBA" if picture.mode == "RGBA" else "RGB"
            picture = ImageCms.profileToProfile(picture, source, _SRGB, outputMode=output)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    return picture if picture.mode in ("RGB", "RGBA", "L") else picture.convert("RGB")


def _encode(picture: Image.Image) -> tuple[bytes, str]:
    """Bytes of a new image holding only these pixels: PNG if any is transparent, else JPEG."""
    # A fresh image has an empty ``info``: no EXIF, XMP, ICC profile, comment or text chunk to carry over.
    bare = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    out = BytesIO()
    if bare.mode == "RGBA":
        bare.save(out, format="PNG")
        return out.getvalue(), "PNG"
    bare.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)  # no timestamps: same pixels, same bytes
    return out.getvalue(), "JPEG"


def photo_clean(upload, *, max_pixels: int = 40_000_000, max_side: int = 4096) -> CleanPhoto:
    """Check a photo upload and return it upright, in sRGB, at most ``max_side`` pixels on its longest side,
    with no metadata at all: a plain phone JPEG by rewriting its segments, anything else re-encoded. Raises
    ValidationError (``file_check``'s codes, or ``not_a_photo``, ``unreadable``, ``too_many_pixels``,
    ``animated``). Store the result with ``file_store(upload=photo.content)``; the original never needs to
    be kept.
    """
    checked = file_check(upload)
    formats = PILLOW_FORMATS.get(checked.content_type)
    if formats is None:
        raise ValidationError(_("This file is not a photo. Send a JPEG, PNG or WebP image."), code="not_a_photo")
    upload.seek(0)
    original = upload.read()
    stem = checked.name.rpartition(".")[0] or checked.name
    size = _plain_jpeg_size(original, max_pixels=max_pixels, max_side=max_side) if formats == ["JPEG"] else None
    if size is not None:
        return CleanPhoto(content=ContentFile(jpeg_without_metadata(original), name=f"{stem}.jpg"),
                          width=size[0], height=size[1], format="JPEG", content_type="image/jpeg")
    picture = _decode(BytesIO(original), formats, max_pixels=max_pixels)
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)  # only ever shrinks, keeps the aspect
    data, kind = _encode(picture)
    extension = "png" if kind == "PNG" else "jpg"
    return CleanPhoto(content=ContentFile(data, name=f"{stem}.{extension}"), width=picture.width,
                      height=picture.height, format=kind, content_type=f"image/{kind.lower()}")


def _plain_jpeg_size(data: bytes, *, max_pixels: int, max_side: int) -> tuple[int, int] | None:
    """(width, height) when the JPEG can keep its compressed pixels: colour or grey, upright, in sRGB or
    without a profile, within the limits. None when it must be re-encoded (which also gives the reason for
    a refusal). Reads the header only."""
    try:
        with Image.open(BytesIO(data), formats=["JPEG"]) as picture:
            width, height = picture.size
            plain = (picture.mode in ("RGB", "L") and width * height <= max_pixels
                     and max(width, height) <= max_side and picture.getexif().get(ORIENTATION, 1) == 1
                     and _is_srgb(picture.info.get("icc_profile")))
    except Exception:  # noqa: BLE001 — any trouble reading the header: the re-encoding path says what it is
        return None
    return (width, height) if plain else None


ORIENTATION = 0x0112
_SRGB_COLORANTS = [getattr(_SRGB.profile, f"{c}_colorant")[0] for c in ("red", "green", "blue")]


def _is_srgb(icc: bytes | None) -> bool:
    """No profile (sRGB is assumed), or one with sRGB's primaries: dropping it changes no colour. Compared
    by the colorants, not the description, which is free text (a Display P3 profile must be converted)."""
    if not icc:
        return True
    try:
        profile = ImageCms.ImageCmsProfile(BytesIO(icc)).profile
        colorants = [getattr(profile, f"{c}_colorant")[0] for c in ("red", "green", "blue")]
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError, AttributeError):
        return False
    return profile.xcolor_space.strip() == "RGB" and all(
        abs(a - b) < 0.002 for mine, srgb in zip(colorants, _SRGB_COLORANTS, strict=True)
        for a, b in zip(mine, srgb, strict=True))


# Segments a baseline or progressive JPEG needs to be drawn: tables, frame, scans, restart interval. JFIF's
# APP0 (density) and Adobe's APP14 (the colour transform) say how to read the pixels and hold nothing about
# the person; every other APPn (EXIF, XMP, ICC, MPF, IPTC, vendors') and COM is metadata and goes.
_KEEP = {*range(0xC0, 0xC8), *range(0xC9, 0xD0), 0xDB, 0xDD}  # SOFn, DHT, DAC; DQT, DRI (0xC8 is reserved)
_KEEP_APP = {0xE0: b"JFIF\0", 0xEE: b"Adobe"}
_NEXT_MARKER = re.compile(rb"\xff(?![\x00\xd0-\xd7\xff])")  # in scan data: not a stuffed 0xFF, a restart or fill


def jpeg_without_metadata(data: bytes) -> bytes:
    """The JPEG's segments needed to draw it, in order, up to its first end-of-image marker: what follows
    (an MPO's other frames, appended data) is left out. A file whose structure does not hold together from
    start to end is refused as unreadable."""
    if data[:2] != b"\xff\xd8":
        raise _unreadable()
    out, i, end, scanned = [b"\xff\xd8"], 2, len(data), False
    while True:
        while i < end and data[i] == 0xFF and i + 1 < end and data[i + 1] == 0xFF:
            i += 1  # fill bytes before a marker
        if i + 2 > end or data[i] != 0xFF:
            raise _unreadable()
        marker = data[i + 1]
        if marker == 0xD9 and scanned:  # end of image, after the pixels
            out.append(b"\xff\xd9")
            return b"".join(out)
        if i + 4 > end or marker == 0xD9:
            raise _unreadable()
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if length < 2 or i + 2 + length > end:
            raise _unreadable()
        segment = data[i:i + 2 + length]
        if marker == 0xDA:  # start of scan: the compressed pixels run to the next real marker
            found = _NEXT_MARKER.search(data, i + 2 + length)
            if found is None:
                raise _unreadable()  # cut off in the middle of the pixels
            out.append(data[i:found.start()])
            i, scanned = found.start(), True
            continue
        ident = _KEEP_APP.get(marker)
        if marker in _KEEP or ident is not None and segment[4:4 + len(ident)] == ident:
            out.append(segment)
        elif not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            raise _unreadable()  # a marker a photo has no business holding (or the walk lost its way)
        i += 2 + length


def thumbnail(data: bytes, *, size: int = 320) -> bytes:
    """A JPEG (PNG if transparent) of ``data``, ``size`` pixels on its longest side (a smaller picture is
    not enlarged); meant for the output of ``photo_clean``, in a background task."""
    picture = _decode(BytesIO(data), ["JPEG", "PNG", "WEBP"], max_pixels=Image.MAX_IMAGE_PIXELS, draft=2 * size)
    picture.thumbnail((size, size), Image.Resampling.LANCZOS)
    return _encode(picture)[0]
