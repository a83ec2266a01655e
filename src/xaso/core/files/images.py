# SPDX-License-Identifier: AGPL-3.0-or-later
"""Photos people send (field reports from phones): decoded for real, re-encoded without metadata.

``file_check`` proves that an upload *starts* like a JPEG, PNG or WebP; only decoding every pixel proves
that it is one. A phone photo also carries what its sender rarely means to publish: the GPS position
of the camera (often their home), the device, the time, sometimes an XMP history. Copying the pixels
into a brand-new image and encoding that is the one way to be sure none of it survives: Pillow's
encoders carry some ``info`` of the source image across (a JPEG comment, a PNG ICC profile).
"""

from __future__ import annotations

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
    """Check a photo upload and return it re-encoded: upright, sRGB, at most ``max_side`` pixels on its
    longest side, with no metadata at all. Raises ValidationError (``file_check``'s codes, or
    ``not_a_photo``, ``unreadable``, ``too_many_pixels``, ``animated``). Store the result with
    ``file_store(upload=photo.content)``; the original never needs to be kept.
    """
    checked = file_check(upload)
    formats = PILLOW_FORMATS.get(checked.content_type)
    if formats is None:
        raise ValidationError(_("This file is not a photo. Send a JPEG, PNG or WebP image."), code="not_a_photo")
    upload.seek(0)
    picture = _decode(BytesIO(upload.read()), formats, max_pixels=max_pixels)
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)  # only ever shrinks, keeps the aspect
    data, kind = _encode(picture)
    stem = checked.name.rpartition(".")[0] or checked.name
    extension = "png" if kind == "PNG" else "jpg"
    return CleanPhoto(content=ContentFile(data, name=f"{stem}.{extension}"), width=picture.width,
                      height=picture.height, format=kind, content_type=f"image/{kind.lower()}")


def thumbnail(data: bytes, *, size: int = 320) -> bytes:
    """A JPEG (PNG if transparent) of ``data``, ``size`` pixels on its longest side (a smaller picture is
    not enlarged); meant for the output of ``photo_clean``, in a background task."""
    picture = _decode(BytesIO(data), ["JPEG", "PNG", "WEBP"], max_pixels=Image.MAX_IMAGE_PIXELS, draft=2 * size)
    picture.thumbnail((size, size), Image.Resampling.LANCZOS)
    return _encode(picture)[0]
