# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db import models


class Sequence(models.Model):
    """The last number handed out under one key (a commune's dossiers of one day, a queue of one day)."""

    key = models.CharField(max_length=120, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
