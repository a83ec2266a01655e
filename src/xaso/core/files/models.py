# SPDX-License-Identifier: AGPL-3.0-or-later
"""Stored files: every upload of every module, with its checksum and its sniffed type."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned


def _upload_to(instance, filename: str) -> str:
    # Content-addressed under the commune: names people chose never reach the file system.
    return f"{instance.commune_id}/{instance.sha256[:2]}/{instance.sha256}"


class StoredFile(CommuneOwned):
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file")

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        # A citizen or business sees the files they uploaded themselves (a dossier's scans), no others.
        return Q(uploaded_by_id=user_id)
