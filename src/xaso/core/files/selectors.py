# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reading stored files across the permission line: every download passes here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from xaso.core import tenancy
from xaso.core.accounts.permissions import can

from .models import StoredFile

DOWNLOAD = "files.download"


def file_for_download(*, user, file_id: int) -> StoredFile:
    """A file the user may download. Outside the user's scope it does not exist (404); inside it, the
    user needs ``files.download`` for the file's commune, or to be the person who uploaded it."""
    with tenancy.acting_as(user):
        stored = StoredFile.objects.select_related("commune").filter(pk=file_id).first()
    if stored is None:
        raise Http404
    if not (can(user, DOWNLOAD, stored.commune) or (stored.uploaded_by_id and stored.uploaded_by_id == user.pk)):
        raise PermissionDenied(DOWNLOAD)
    return stored
