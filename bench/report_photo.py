# SPDX-License-Identifier: AGPL-3.0-or-later
"""Filing a field report with a 3 MB phone photo, against a bare handler that writes the same upload.

Project: POST /reports/communes/06688/new/ through django.test.Client — the whole form: multipart parsing,
the photo's check (a JPEG really, its size, its segments whole) and its location data stripped, the report,
its step, the audit trail, the notification and the IOC event, the redirect. The thumbnail is made in the
background (the database task backend a deployment runs), so it is not in the request. Each post comes
from another address, so the rate limit counts but never refuses. Floor: a bare handler behind the same
middleware that saves the uploaded bytes to the same storage and answers 201. The issue asks the project
to be at least half as fast: a ratio of at most 2.
"""

from __future__ import annotations

import random
from io import BytesIO

from bench import Result, Stopwatch, best_of

NAME = "field report with a 3 MB photo"
COMMUNE = "06688"
TARGET_BYTES = 3 * 1024 * 1024


def phone_photo() -> bytes:
    """A 4000 × 3000 JPEG of about 3 MB with a phone's EXIF (GPS, maker, model) and an sRGB profile."""
    from PIL import ExifTags, Image, ImageCms, ImageFilter

    rng = random.Random(11)
    small = Image.frombytes("RGB", (500, 375), bytes(rng.randrange(256) for _ in range(500 * 375 * 3)))
    picture = small.filter(ImageFilter.GaussianBlur(1)).resize((4000, 3000), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((4000, 3000), 24).convert("RGB")
    picture = Image.blend(picture, grain, 0.25)
    exif = Image.Exif()
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = "PhoneMaker", "Model 9"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (20.0, 57.0, 4.0)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", (107.0, 4.0, 48.0)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for quality in (92, 88, 84, 80, 76, 72, 68, 60, 50):
        out = BytesIO()
        picture.save(out, "JPEG", quality=quality, exif=exif, icc_profile=srgb)
        if out.tell() <= TARGET_BYTES * 1.1:
            return out.getvalue()
    return out.getvalue()


def run(repeat: int = 5) -> Result:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client, override_settings

    from xaso.core import tenancy
    from xaso.modules.reports.models import Category, Photo

    photo = phone_photo()
    with tenancy.unscoped():
        category, _created = Category.objects.get_or_create(commune_id=COMMUNE, code="bench-photo",
                                                            defaults={"name": "Thử tải ảnh"})
    client = Client()
    calls = {"n": 0}

    def address() -> str:
        calls["n"] += 1
        n = calls["n"]
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def project() -> float:
        n = calls["n"]
        form = {"idempotency_key": f"bench-photo-{n}", "category": category.pk, "confirmed": "on",
                "description": "Cột đèn gãy, dây điện rơi xuống vỉa hè.", "latitude": "20.951200",
                "longitude": "107.078900", "photos": SimpleUploadedFile("IMG_0001.JPG", photo, "image/jpeg")}
        with Stopwatch() as w:
            response = client.post(f"/reports/communes/{COMMUNE}/new/", form, REMOTE_ADDR=address())
        if response.status_code != 302:
            raise RuntimeError(f"filing answered {response.status_code}: {response.content[:2000]!r}")
        return w.seconds

    def floor() -> float:
        with Stopwatch() as w:
            response = client.post("/bench/bare-upload/", {"photo": SimpleUploadedFile("IMG_0001.JPG", photo,
                                                                                        "image/jpeg")},
                                   REMOTE_ADDR=address())
        if response.status_code != 201:
            raise RuntimeError(f"the bare handler answered {response.status_code}")
        return w.seconds

    # A deployment's background work: the database queue that `xaso db_worker` empties (see settings.TASKS).
    queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(ROOT_URLCONF="bench._urls", TASKS=queue):
        for _ in range(2):  # warm the caches both will use
            project(), floor()
        floor_s = best_of(repeat * 2, floor)
        project_s = best_of(repeat * 2, project)
    with tenancy.unscoped():
        photos = Photo.objects.filter(report__category=category).count()
    return Result(name=NAME, floor=floor_s, project=project_s,
                  project_what="POST the report form with the photo (checked, stripped, stored, filed)",
                  floor_what="bare handler: the same multipart upload saved to the same storage",
                  notes=[f"photo {len(photo) / 1048576:.1f} MB, 4000 × 3000 JPEG with GPS EXIF; {photos} reports "
                         "filed with it; target: ratio at most 2 (at least half as fast)"])
