# SPDX-License-Identifier: AGPL-3.0-or-later
"""Petitions (kiến nghị, phản ánh): a person asks the commune something or tells it about a problem in its
work, and is answered by a date; the answer is published, without anything personal, when they agree.

The deadlines are data (``DeadlineRule``: kind, stage, days, working or calendar days, in force from a
date, legal basis, how sure we are), kept nationally and correctable by each province; a petition keeps
the rules in force on the day it was received. See docs/petitions-deadlines.md and
docs/decisions/0022-petitions.md.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.tenancy import CommuneOwned, ScopedManager
from xaso.core.workflow import Step


class Kind(models.TextChoices):
    """What the deadline rules tell apart."""

    GENERAL = "general", _("Feedback or petition on the commune's work")
    REGULATION = "regulation", _("Feedback on an administrative regulation")
    VOTERS = "voters", _("Voters' petition")


class Stage(models.TextChoices):
    # Luật Tiếp công dân 2013 art. 28(1): the person is told within the limit whether it was accepted,
    # forwarded or refused; the answer has a limit of its own.
    ACCEPT = "accept", _("Accept, forward or return")
    ANSWER = "answer", _("Answer")


class Counting(models.TextChoices):
    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


class Certainty(models.TextChoices):
    VERIFIED = "V", _("verified in the legal text")
    SECONDARY = "S", _("secondary source")
    UNVERIFIED = "U", _("unverified: to be confirmed")


class DeadlineRuleQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))


class DeadlineRule(models.Model):
    """One version of a deadline: national (no province) or a province's own, which wins in that province."""

    province = models.ForeignKey("places.Province", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("province"))
    kind = models.CharField(_("kind of petition"), max_length=12, choices=Kind.choices)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    days = models.PositiveSmallIntegerField(_("days"), validators=[MinValueValidator(1), MaxValueValidator(365)])
    counting = models.CharField(_("counted in"), max_length=8, choices=Counting.choices)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    certainty = models.CharField(_("certainty"), max_length=1, choices=Certainty.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeadlineRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline rule")
        ordering = ("kind", "stage", "-effective_from")
        constraints = [models.UniqueConstraint(fields=["province", "kind", "stage", "effective_from"],
                                               name="petitions_rule_version_once"),
                       models.UniqueConstraint(fields=["kind", "stage", "effective_from"],
                                               condition=Q(province__isnull=True),
                                               name="petitions_rule_version_once_nationally")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_stage_display()}: {self.days} {self.get_counting_display()}"

    @property
    def is_verified(self) -> bool:
        return self.certainty == Certainty.VERIFIED


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    VOTERS = "voters", _("At a meeting with voters")
    VILLAGE = "village", _("From a village channel")


class Topic(models.TextChoices):
    LAND = "land", _("Land and construction")
    ENVIRONMENT = "environment", _("Environment and sanitation")
    INFRASTRUCTURE = "infrastructure", _("Roads, lighting and public works")
    SOCIAL = "social", _("Social policy and protection")
    ORDER = "order", _("Security and public order")
    PROCEDURES = "procedures", _("Administrative procedures and officials' conduct")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("petition", "Received")
    ACCEPTED = "accepted", pgettext_lazy("petition", "Accepted")
    ASSIGNED = "assigned", pgettext_lazy("petition", "Assigned")
    ANSWERED = "answered", pgettext_lazy("petition", "Answered")
    PUBLISHED = "published", pgettext_lazy("petition", "Answered and published")
    CLOSED = "closed", pgettext_lazy("petition", "Answered and closed")
    FORWARDED = "forwarded", pgettext_lazy("petition", "Forwarded to the competent body")
    RETURNED = "returned", pgettext_lazy("petition", "Returned: a complaint or denunciation")


OPEN = (Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED)
ANSWERED = (Status.ANSWERED, Status.PUBLISHED, Status.CLOSED)


def _token() -> str:
    return secrets.token_urlsafe(16)


class PetitionQuerySet(models.QuerySet):
    def overdue(self, today):
        """Not answered by its date, or not accepted, forwarded or returned by the acceptance date."""
        return self.filter(Q(status__in=OPEN, due_date__lt=today) | Q(status=Status.RECEIVED, accept_by__lt=today))


class Petition(CommuneOwned):
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="petitions")
    code = models.CharField(_("code"), max_length=40, unique=True)
    # Whoever holds the token follows the petition and changes their consent (a petitioner without an account).
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GENERAL)
    channel = models.CharField(_("received"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("content"), max_length=5000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED,
                              db_index=True)
    version = models.PositiveIntegerField(default=0)
    # The petitioner: personal data, never on a public page.
    petitioner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="petitions")
    petitioner_name = models.CharField(_("name"), max_length=150)
    petitioner_phone = models.CharField(_("phone"), max_length=15, blank=True)
    petitioner_email = models.EmailField(_("e-mail"), blank=True)
    petitioner_address = models.CharField(_("address"), max_length=300, blank=True)
    consent_to_publish = models.BooleanField(_("the answer may be published (without my name)"), default=False)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("assigned to"))
    # The rules in force on the day of receipt, and the dates computed from them.
    accept_rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="+")
    answer_rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="+")
    accept_by = models.DateField(_("to be accepted, forwarded or returned by"))
    due_date = models.DateField(_("to be answered by"), db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)  # told to the chairperson, once
    answer = models.TextField(_("answer"), blank=True)
    # Forwarded: to whom; returned or forwarded: why (the official's words, shown to the petitioner).
    forwarded_to = models.CharField(_("competent body"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # What the public search reads: the subject and the answer, folded (xaso.core.text.fold); published only.
    folded_public = models.TextField(default="", blank=True, editable=False)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # forwarded or returned
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager.from_queryset(PetitionQuerySet)()

    class Meta:
        verbose_name = _("petition")
        ordering = ("-received_at",)

    def __str__(self) -> str:
        return self.code

    @classmethod
    def public_q(cls) -> Q:
        # Published answers only; the public pages show the public fields of them, never the petitioner.
        return Q(status=Status.PUBLISHED)

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(petitioner_id=user_id)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def consent_changeable(self) -> bool:
        """Until the answer is published (or the petition left the commune), the petitioner decides."""
        return self.status in (*OPEN, Status.ANSWERED)


class PetitionStep(Step):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="steps")


class Attachment(CommuneOwned):
    """A file the petitioner sent, or the one sent with the answer (core.files checks and stores both)."""

    class Role(models.TextChoices):
        PETITION = "petition", _("sent with the petition")
        ANSWER = "answer", _("sent with the answer")

    commune_path = "petition__commune"
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.PETITION)

    class Meta:
        verbose_name = _("attachment")
        ordering = ("pk",)

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(petition__petitioner_id=user_id)
