# SPDX-License-Identifier: AGPL-3.0-or-later
"""Photos: only real, still images get through, upright and downsized, with no metadata left in the bytes."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from xaso.core.files.images import photo_clean, thumbnail
from xaso.core.files.services import file_check

from . import samples

RED, BLUE = (220, 20, 20), (20, 20, 220)
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><exif:GPSLatitude>21,1.7N</exif:GPSLatitude></rdf:RDF></x:xmpmeta>'


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")  # what the browser claims


def two_halves(size=(40, 20), mode="RGB") -> Image.Image:
    """Red on the left, blue on the right: where each half ends up shows how the picture was turned."""
    picture = Image.new(mode, size, BLUE)
    picture.paste(RED, (0, 0, size[0] // 2, size[1]))
    return picture


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "SecretModel 9"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (21.0, 1.0, 42.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 51.0, 12.0)
    return exif


def encode(picture: Image.Image, format: str, **params) -> bytes:
    out = BytesIO()
    picture.save(out, format=format, **params)
    return out.getvalue()


def phone_jpeg(size=(40, 20), orientation: int | None = None, icc: bytes | None = SRGB_ICC) -> bytes:
    """A JPEG as a phone writes it: EXIF with GPS, XMP, an ICC profile and a comment."""
    return encode(two_halves(size), "JPEG", exif=gps_exif(orientation), xmp=XMP, comment=b"taken at home",
                  **({"icc_profile": icc} if icc else {}))


def transparent(size=(40, 20)) -> Image.Image:
    """Two halves with a see-through corner."""
    picture = two_halves(size, mode="RGBA")
    picture.paste((0, 0, 0, 0), (0, 0, size[0] // 4, size[1] // 2))
    return picture


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's header segments, up to the start of the compressed pixels."""
    assert data[:2] == b"\xff\xd8"
    markers, i = [], 2
    while data[i + 1] != 0xDA:  # start of scan: what follows is pixels
        assert data[i] == 0xFF
        markers.append(data[i + 1])
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, i = [], 8
    while i < len(data):
        length = int.from_bytes(data[i:i + 4], "big")
        chunks.append(data[i + 4:i + 8])
        i += 12 + length
    return chunks


def assert_no_metadata(data: bytes) -> None:
    with Image.open(BytesIO(data)) as picture:
        assert not picture.getexif()
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Raw profile type exif"} & set(
            picture.info)
        assert getattr(picture, "n_frames", 1) == 1
    for trace in (b"Exif", b"PhoneMaker", b"SecretModel", b"xmpmeta", b"GPSLatitude", b"ICC_PROFILE",
                  b"taken at home", b"MPF"):
        assert trace not in data
    if data[:2] == b"\xff\xd8":
        # JFIF, tables, a baseline or progressive frame, the restart interval: no APP1/APP2/COM
        assert set(jpeg_markers(data)) <= {0xE0, 0xDB, 0xC0, 0xC1, 0xC2, 0xC4, 0xDD}
    else:
        assert set(png_chunks(data)) <= {b"IHDR", b"IDAT", b"IEND"}


def refusal(name: str, content: bytes, **limits) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        photo_clean(upload(name, content), **limits)
    return caught.value


@pytest.mark.parametrize("icc", [SRGB_ICC, None], ids=["with-profile", "without-profile"])
def test_a_phone_jpeg_loses_its_gps_exif_xmp_icc_and_comment(icc):
    original = phone_jpeg(icc=icc)
    # The sample does carry what must go, or this test would prove nothing.
    with Image.open(BytesIO(original)) as picture:
        assert picture.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == (21.0, 1.0, 42.0)
        assert {"xmp", "comment"} <= set(picture.info) and ("icc_profile" in picture.info) == bool(icc)
    assert {0xE1, 0xFE} <= set(jpeg_markers(original))

    photo = photo_clean(upload("IMG_0001.JPEG", original))

    data = photo.content.read()
    assert_no_metadata(data)
    assert (photo.format, photo.content_type, photo.content.name) == ("JPEG", "image/jpeg", "IMG_0001.jpg")
    assert (photo.width, photo.height) == (40, 20)
    with Image.open(BytesIO(data)) as picture:
        assert picture.format == "JPEG" and picture.size == (40, 20)
        assert max(abs(a - b) for a, b in zip(picture.getpixel((5, 10)), RED, strict=True)) < 20  # colours kept


def test_the_clean_photo_passes_the_shared_file_check_under_its_new_name():
    checked = file_check(photo_clean(upload("anh.webp", encode(two_halves(), "WEBP", exif=gps_exif()))).content)
    assert (checked.name, checked.content_type) == ("anh.jpg", "image/jpeg")


def test_a_png_loses_its_exif_text_and_profile_chunks():
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "taken at home")
    original = encode(transparent(), "PNG", exif=gps_exif(), pnginfo=text, icc_profile=SRGB_ICC)
    assert {b"eXIf", b"tEXt", b"iCCP"} <= set(png_chunks(original))
    data = photo_clean(upload("anh.png", original)).content.read()
    assert_no_metadata(data)
    with Image.open(BytesIO(data)) as clean:  # the colour conversion kept the alpha channel
        assert (clean.format, clean.mode, clean.getpixel((2, 2))[3], clean.getpixel((30, 10))[3]) == (
            "PNG", "RGBA", 0, 255)


def test_orientation_6_is_applied_before_the_tag_goes():
    photo = photo_clean(upload("anh.jpg", phone_jpeg(size=(40, 20), orientation=6)))
    assert (photo.width, photo.height) == (20, 40)
    with Image.open(photo.content) as picture:
        assert picture.size == (20, 40)
        # Orientation 6 means "turn a quarter clockwise to view": the stored left half becomes the top.
        top, bottom = picture.getpixel((10, 5)), picture.getpixel((10, 35))
    assert top[0] > 180 > top[2] and bottom[2] > 180 > bottom[0]


def test_a_transparent_png_stays_a_png_with_its_alpha():
    photo = photo_clean(upload("so-do.png", encode(transparent(), "PNG")))
    assert (photo.format, photo.content.name) == ("PNG", "so-do.png")
    with Image.open(photo.content) as clean:
        assert clean.mode == "RGBA"
        assert clean.getpixel((2, 2))[3] == 0 and clean.getpixel((30, 10)) == (*BLUE, 255)


def test_a_palette_png_with_a_transparent_colour_keeps_its_transparency():
    picture = two_halves().convert("P", palette=Image.Palette.ADAPTIVE, colors=2)
    photo = photo_clean(upload("anh.png", encode(picture, "PNG", transparency=picture.getpixel((0, 0)))))
    with Image.open(photo.content) as clean:
        assert (clean.format, clean.mode, clean.getpixel((2, 2))[3], clean.getpixel((30, 2))[3]) == (
            "PNG", "RGBA", 0, 255)


def test_an_opaque_png_becomes_a_jpeg():
    photo = photo_clean(upload("chup-man-hinh.png", encode(two_halves(mode="RGBA"), "PNG")))
    assert (photo.format, photo.content.name) == ("JPEG", "chup-man-hinh.jpg")


def test_a_16_bit_grey_png_is_scaled_not_clipped_to_white():
    photo = photo_clean(upload("x-quang.png", encode(Image.new("I;16", (8, 8), 0x8000), "PNG")))
    with Image.open(photo.content) as clean:
        assert clean.mode == "L" and 120 < clean.getpixel((4, 4)) < 136


def test_colours_in_another_profile_are_converted_to_srgb():
    # A profile that is sRGB with its red and blue primaries swapped: a converter must swap them back.
    swapped = SRGB_ICC.replace(b"rXYZ", b"tmp_").replace(b"bXYZ", b"rXYZ").replace(b"tmp_", b"bXYZ")
    photo = photo_clean(upload("anh.jpg", encode(two_halves(), "JPEG", icc_profile=swapped)))
    with Image.open(photo.content) as clean:
        left = clean.getpixel((5, 10))
    assert left[2] > 180 > left[0]


@pytest.mark.parametrize(("name", "picture", "format"), [
    ("anh.jpg", two_halves(), "JPEG"), ("anh.png", transparent(), "PNG")])
def test_a_damaged_icc_profile_is_ignored_and_dropped(name, picture, format):
    original = encode(picture, format, icc_profile=b"not a profile" * 20)
    with Image.open(BytesIO(original)) as opened:
        assert opened.info["icc_profile"] == b"not a profile" * 20
    photo = photo_clean(upload(name, original))
    assert photo.format == format
    assert_no_metadata(photo.content.read())


def test_a_large_photo_is_downsized_to_max_side_on_its_longest_side():
    shrunk = photo_clean(upload("a.jpg", phone_jpeg((200, 100))), max_side=64)
    assert (shrunk.width, shrunk.height) == (64, 32)
    photo = photo_clean(upload("a.jpg", encode(two_halves((5000, 50)), "JPEG")))
    assert photo.width == 4096 and photo.height in (40, 41)
    with Image.open(photo.content) as picture:
        assert picture.size == (photo.width, photo.height)
    small = photo_clean(upload("a.jpg", phone_jpeg((40, 20))), max_side=64)  # never enlarged
    assert (small.width, small.height) == (40, 20)


def test_the_same_photo_gives_the_same_bytes():
    for name, content in (("a.jpg", phone_jpeg((300, 200), orientation=6)),
                          ("a.png", encode(transparent((300, 200)), "PNG"))):
        first = photo_clean(upload(name, content), max_side=128).content.read()
        second = photo_clean(upload("other-" + name, content), max_side=128).content.read()
        assert first == second and len(first) > 100


def test_an_mpo_from_a_dual_camera_phone_keeps_its_main_picture_only():
    original = encode(two_halves(), "MPO", save_all=True, append_images=[Image.new("RGB", (40, 20), "green")],
                      exif=gps_exif())
    with Image.open(BytesIO(original)) as picture:
        assert (picture.format, picture.n_frames) == ("MPO", 2)
    photo = photo_clean(upload("anh.jpg", original))
    data = photo.content.read()
    assert_no_metadata(data)
    with Image.open(BytesIO(data)) as picture:
        assert picture.format == "JPEG" and picture.getpixel((5, 10))[0] > 180


def bomb_png(width: int, height: int) -> bytes:
    """A few dozen bytes whose header promises width × height pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def test_a_decompression_bomb_is_refused_before_decoding():
    assert refusal("bom.png", bomb_png(50_000, 50_000)).code == "too_many_pixels"  # Pillow's own hard limit
    assert refusal("bom.png", bomb_png(8000, 6000)).code == "too_many_pixels"  # 48 Mpx: over our 40 Mpx
    content = encode(two_halves((100, 100)), "JPEG")
    assert refusal("a.jpg", content, max_pixels=9_999).code == "too_many_pixels"
    assert photo_clean(upload("a.jpg", content), max_pixels=10_000).width == 100


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


NOISE = Image.frombytes("RGB", (64, 64), bytes(range(256)) * 48)


@pytest.mark.parametrize(("name", "content", "code"), [
    ("bien-ban.jpg", samples.TEXT, "mismatch"),  # text renamed: file_check refuses it
    ("bien-ban.pdf", samples.pdf(), "not_a_photo"),
    ("anh.gif", samples.GIF, "not_allowed"),
    ("anh.jpg", samples.jpeg(), "unreadable"),  # JPEG signature, nothing behind it
    ("anh.png", samples.png()[:40], "unreadable"),
    ("anh.jpg", truncated(encode(NOISE, "JPEG")), "unreadable"),
    ("anh.png", truncated(encode(NOISE, "PNG")), "unreadable"),
    ("anh.webp", truncated(encode(NOISE, "WEBP")), "unreadable"),
    # An animated PNG is sniffed as image/apng, which file_check does not accept; an animated WebP is
    # sniffed as image/webp like a still one, and only Pillow tells them apart.
    ("dong.png", encode(two_halves(), "PNG", save_all=True, append_images=[Image.new("RGB", (40, 20))]),
     "not_allowed"),
    ("dong.webp", encode(two_halves(), "WEBP", save_all=True, append_images=[Image.new("RGB", (40, 20))]),
     "animated"),
], ids=["text-as-jpg", "pdf", "gif", "fake-jpeg", "cut-png-header", "truncated-jpeg", "truncated-png",
        "truncated-webp", "apng", "animated-webp"])
def test_what_is_not_a_readable_still_photo_is_refused(name, content, code):
    assert refusal(name, content).code == code


def test_refusals_are_in_the_users_language():
    with translation.override("vi"):
        assert "Không đọc được ảnh" in refusal("anh.jpg", samples.jpeg()).messages[0]
        assert "40.000.000" in refusal("bom.png", bomb_png(8000, 6000)).messages[0]


def test_thumbnail_has_size_pixels_on_its_longest_side():
    photo = photo_clean(upload("a.jpg", phone_jpeg((2600, 1950))))
    data = photo.content.read()
    with Image.open(BytesIO(thumbnail(data))) as small:
        assert (small.format, small.size) == ("JPEG", (320, 240))
    with Image.open(BytesIO(thumbnail(data, size=100))) as small:
        assert small.size == (100, 75)
    with Image.open(BytesIO(thumbnail(encode(two_halves((20, 40)), "JPEG")))) as tiny:
        assert tiny.size == (20, 40)  # not enlarged
    assert thumbnail(data) == thumbnail(data)
    assert_no_metadata(thumbnail(phone_jpeg((400, 100))))


def test_a_transparent_thumbnail_is_a_png():
    with Image.open(BytesIO(thumbnail(encode(transparent((640, 320)), "PNG")))) as small:
        assert (small.format, small.mode, small.size, small.getpixel((0, 0))[3]) == ("PNG", "RGBA", (320, 160), 0)


def scan_data(data: bytes) -> bytes:
    """Everything from the first start-of-scan marker on: the compressed pixels and what follows them."""
    return data[data.index(b"\xff\xda"):]


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_an_upright_srgb_phone_jpeg_keeps_its_compressed_pixels_untouched(progressive):
    original = encode(two_halves((64, 48)), "JPEG", exif=gps_exif(orientation=1), xmp=XMP, comment=b"taken at home",
                      icc_profile=SRGB_ICC, progressive=progressive, quality=90)
    photo = photo_clean(upload("anh.jpg", original))
    data = photo.content.read()
    assert_no_metadata(data)
    assert scan_data(data) == scan_data(original)  # not re-encoded: no generation loss, same bytes
    with Image.open(BytesIO(data)) as clean, Image.open(BytesIO(original)) as source:
        assert clean.tobytes() == source.tobytes() and (photo.width, photo.height) == (64, 48)


def test_what_follows_the_end_of_the_picture_is_left_out():
    original = phone_jpeg() + b"PK\x03\x04 a zip appended, or the GPS of a second frame"
    data = photo_clean(upload("anh.jpg", original)).content.read()
    assert data.endswith(b"\xff\xd9") and b"PK\x03\x04" not in data


@pytest.mark.parametrize("damage", ["length-overrun", "stray-marker", "cut-in-the-pixels", "no-scan"])
def test_a_jpeg_whose_structure_does_not_hold_is_refused(damage):
    original = encode(two_halves((64, 48)), "JPEG")
    scan = original.index(b"\xff\xda")
    broken = {
        "length-overrun": original[:2] + b"\xff\xe1\xff\xf0Exif" + original[2:],  # says 65,520 bytes follow
        "stray-marker": original[:scan] + b"\xff\x01" + original[scan:],  # TEM where a segment should be
        "cut-in-the-pixels": original[:-200],
        "no-scan": original[:scan] + b"\xff\xd9",
    }[damage]
    with pytest.raises(ValidationError) as refused:
        photo_clean(upload("anh.jpg", broken))
    assert refused.value.code == "unreadable"
