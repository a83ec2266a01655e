# SPDX-License-Identifier: AGPL-3.0-or-later
"""Satisfaction surveys (ĐLHQ9): a commune asks the people it served how satisfied they are.

* A **survey** has a few questions (a 1–N scale, one of a list, a comment) and a rule for how often one may
  answer: any number of times (a tablet at the counter), once per device, or once per signed-in person.
* A **link** is where people answer it: a random token printed as a QR code at a counter, read out at a
  village meeting or posted online; a one-time link takes one response and is then refused.
* A **response** is one person's answers, with the link and channel it came through.

After LimeSurvey's tokens and KoboToolbox's form links. The once-per rules are partial unique constraints on
the response (not a check before the insert, nor a lock), so they hold when two requests arrive at the same
moment on SQLite and PostgreSQL alike; a one-time link is claimed by a conditional UPDATE of its row.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.tenancy import CommuneOwned

TEXT_LIMIT = 2000  # characters of one comment
SATISFIED_FROM = 4  # on a 1–5 scale, 4 ("satisfied") and 5 ("very satisfied") count as satisfied
SATISFACTION_SCALE = 5


def _token() -> str:
    return secrets.token_urlsafe(16)


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey status", "Draft")
    OPEN = "open", pgettext_lazy("survey status", "Open")
    CLOSED = "closed", pgettext_lazy("survey status", "Closed")


class OncePer(models.TextChoices):
    NONE = "none", _("Anyone, any number of times")
    DEVICE = "device", _("Once per device")
    PERSON = "person", _("Once per signed-in person")


class Kind(models.TextChoices):
    SCALE = "scale", _("Scale")
    CHOICE = "choice", _("One of a list")
    TEXT = "text", _("Comment")


class Channel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    MEETING = "meeting", _("Village meeting")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class Survey(CommuneOwned):
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="surveys",
                                verbose_name=_("commune"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    once_per = models.CharField(_("who may answer"), max_length=10, choices=OncePer.choices, default=OncePer.NONE)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    def accepts_on(self, day) -> bool:
        """Whether a response given on ``day`` is taken: open, and within its dates."""
        return (self.status == Status.OPEN and (self.opens_on is None or self.opens_on <= day)
                and (self.closes_on is None or day <= self.closes_on))


class Question(CommuneOwned):
    commune_path = "survey__commune"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    text = models.CharField(_("question"), max_length=500)
    required = models.BooleanField(_("an answer is required"), default=True)
    scale_max = models.PositiveSmallIntegerField(_("highest point of the scale"), default=SATISFACTION_SCALE,
                                                 validators=[MinValueValidator(2), MaxValueValidator(10)])
    choices = models.JSONField(_("options"), default=list, blank=True)
    # Read by the satisfaction indicator: a 1–5 scale whose answers of 4 and 5 count as satisfied.
    measures_satisfaction = models.BooleanField(_("measures satisfaction"), default=False)

    class Meta:
        verbose_name = _("question")
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.text

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    @property
    def points(self) -> list[int]:
        return list(range(1, self.scale_max + 1))


class Link(CommuneOwned):
    commune_path = "survey__commune"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    label = models.CharField(_("label"), max_length=120)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.COUNTER)
    single_use = models.BooleanField(_("one-time link"), default=False)
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey link")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.label

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not (self.single_use and self.used_at is not None)


class Response(CommuneOwned):
    commune_path = "survey__commune"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="responses")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    # Kept only where the survey's rule needs them (data minimisation), so that the partial unique
    # constraints below are the rule itself: the SHA-256 of the survey and the device's random id for
    # once-per-device surveys, the account for once-per-person surveys; blank / null otherwise.
    device_digest = models.CharField(max_length=64, blank=True, default="")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    # The form's random key: a retried submit (a double tap, a resent POST) finds the first response.
    submission = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("survey response")
        ordering = ("-submitted_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["survey", "device_digest"], condition=~Q(device_digest=""),
                                    name="surveys_response_once_per_device"),
            models.UniqueConstraint(fields=["survey", "person"], condition=Q(person__isnull=False),
                                    name="surveys_response_once_per_person"),
        ]
        indexes = [models.Index(fields=["survey", "submitted_at"])]


class Answer(CommuneOwned):
    commune_path = "response__survey__commune"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True, max_length=TEXT_LIMIT)

    class Meta:
        verbose_name = _("answer")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="surveys_answer_once")]
