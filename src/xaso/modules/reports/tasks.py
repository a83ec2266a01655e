# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background work of field reports: thumbnails of the photos, made after the report is saved."""

from django.core.files.base import ContentFile
from django_tasks import task

from xaso.core.files.images import thumbnail
from xaso.core.files.services import file_store
from xaso.core.tenancy import unscoped


@task()
def make_thumbnail(photo_id: int) -> None:
    from .models import Photo

    with unscoped():
        photo = Photo.objects.select_related("file", "report").filter(pk=photo_id, thumbnail=None).first()
        if photo is None:  # already made (a retried task) or the report is gone
            return
        with photo.file.file.open("rb") as f:
            data = thumbnail(f.read())
        name = photo.file.original_name.rsplit(".", 1)[0] + ("-nho.png" if data[:4] == b"\x89PNG" else "-nho.jpg")
        photo.thumbnail = file_store(actor=None, commune=photo.report.commune, upload=ContentFile(data, name=name))
        photo.save(update_fields=["thumbnail"])
