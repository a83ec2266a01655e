# SPDX-License-Identifier: AGPL-3.0-or-later
"""The audit trail: append-only and hash-chained.

Each event stores the hash of the one before it, and its own hash covers that link and all its
fields, so changing, removing or reordering any event breaks the chain at that event. The database
refuses UPDATE and DELETE on the table (triggers in migration 0002); `xaso audit verify` finds what
got through anyway, e.g. a tamperer who dropped the triggers.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

GENESIS = "0" * 64


class AuditHead(models.Model):
    """One row: the newest hash. Locking it serialises appends, so the chain never forks."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.length} events, last {self.last_hash[:12]}"


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, db_index=True)  # no FK: deleting a user must not touch the log
    actor_label = models.CharField(max_length=200)
    ip = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=100, db_index=True)  # dotted, e.g. xaso.catalogue.adoption.changed
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100)
    commune_id = models.CharField(max_length=5, null=True, db_index=True)
    before = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def canonical(self) -> bytes:
        payload = {
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "commune_id": self.commune_id,
            # Round-trip through JSON so that what is hashed is exactly what the database keeps.
            "before": json.loads(json.dumps(self.before, cls=DjangoJSONEncoder)),
            "after": json.loads(json.dumps(self.after, cls=DjangoJSONEncoder)),
            "prev_hash": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()
