# SPDX-License-Identifier: AGPL-3.0-or-later
"""Dossiers of the one-stop service center: what was filed, by whom, its clock, its history, its papers.

Legal basis: Decree 118/2025/NĐ-CP (amended by Decree 367/2025/NĐ-CP) on the one-stop mechanism and
Circular 03/2025/TT-VPCP (forms 01–07, the dossier code); Circular 01/2023/TT-VPCP on digitisation and
the e-data store of a person or organisation. See docs/decisions/0015-dossiers.md.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned, ScopedManager
from xaso.core.workflow import Step

id_number_validator = RegexValidator(r"^\d{12}$", _("The personal identification number must have exactly 12 digits."))


class ServiceCenter(CommuneOwned):
    """The commune's Public Administration Service Center, as printed on its forms."""

    commune = models.OneToOneField("places.Commune", on_delete=models.PROTECT, related_name="service_center")
    name = models.CharField(_("name"), max_length=200)
    # The unit code under QCVN 102:2016 that opens every dossier code (Circular 01/2018 art. 19, kept by
    # Circular 03/2025). Until the province enters it, a placeholder built from the commune code is used.
    agency_code = models.CharField(_("agency code (QCVN 102:2016)"), max_length=40)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("service center")

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    """How the dossier reached the center; the values are the national portal's channel codes."""

    IN_PERSON = "1", _("In person")
    ONLINE = "2", _("Online")
    POSTAL = "3", _("Public postal service")


class Status(models.TextChoices):
    RECEIVED = "received", _("Newly submitted")
    INCOMPLETE = "incomplete", _("Returned for completion")
    REFUSED = "refused", _("Refused")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    PROCESSING = "processing", _("Processing")
    AWAITING_DOCUMENTS = "awaiting_documents", _("Waiting for more documents")
    AWAITING_APPROVAL = "awaiting_approval", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    FORWARDED = "forwarded", _("Forwarded to another agency")
    RESULT_READY = "result_ready", _("Result ready")
    RETURNED = "returned", _("Result returned")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    STOPPED = "stopped", _("Stopped")


# States in which the dossier's clock runs (the center owes the applicant an answer).
CLOCK_RUNNING = (Status.ACCEPTED, Status.ASSIGNED, Status.PROCESSING, Status.AWAITING_APPROVAL, Status.APPROVED,
                 Status.FORWARDED)
# States in which the center still has work to do.
OPEN = (Status.RECEIVED, Status.INCOMPLETE, *CLOCK_RUNNING, Status.AWAITING_DOCUMENTS, Status.RESULT_READY)
# Finished: resolved (result ready or later) or ended without a result.
RESOLVED = (Status.RESULT_READY, Status.RETURNED, Status.CLOSED)
ENDED = (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED)


class DossierQuerySet(models.QuerySet):
    """'Overdue' and 'due soon' are questions asked of today's date, never flags stored on a dossier."""

    def clock_running(self):
        return self.filter(status__in=CLOCK_RUNNING)

    def overdue(self, today):
        return self.clock_running().filter(due_date__lt=today)

    def due_by(self, today, limit):
        """Running dossiers due between today and ``limit`` (a working-day horizon the caller computed)."""
        return self.clock_running().filter(due_date__gte=today, due_date__lte=limit)


class Dossier(CommuneOwned):
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="dossiers")
    code = models.CharField(_("dossier code"), max_length=60, unique=True)
    # The version of the procedure in force on the day of receipt: later rule changes do not touch it.
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED,
                              db_index=True)
    version = models.PositiveIntegerField(default=0)  # optimistic check: the form carries what it showed
    channel = models.CharField(_("channel"), max_length=1, choices=Channel.choices)
    assisted = models.BooleanField(_("filed by an official on the applicant's behalf"), default=False)
    ticket = models.ForeignKey("queue.Ticket", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="dossiers")
    # Submitting twice with the same key yields one dossier (a retried form or API call).
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    # The applicant. Their identification number and phone are personal data (Law 91/2025): shown to the
    # commune's officials and to the applicant only.
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="dossiers", verbose_name=_("applicant's account"))
    applicant_name = models.CharField(_("applicant's full name"), max_length=150)
    applicant_id_number = models.CharField(_("personal identification number"), max_length=12,
                                           validators=[id_number_validator])
    applicant_phone = models.CharField(_("phone"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    organisation = models.CharField(_("organisation (for a business)"), max_length=200, blank=True)
    form_data = models.JSONField(default=dict, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    # The clock. processing_days and cutoff are copied from the procedure version on receipt.
    received_at = models.DateTimeField(_("received at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    processing_days = models.PositiveSmallIntegerField(_("processing time (working days)"))
    clock_start = models.DateField(_("clock starts"), null=True, blank=True)
    due_date = models.DateField(_("appointment date"), null=True, blank=True, db_index=True)
    paused_on = models.DateField(_("clock paused since"), null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField(_("working days paused"), default=0)
    extensions = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)  # its local day, compared with the due date
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="assigned_dossiers", verbose_name=_("handled by"))
    # The agency an inter-agency dossier was forwarded to, and its reference there.
    forwarded_to = models.CharField(max_length=200, blank=True)
    forward_reference = models.CharField(max_length=100, blank=True)

    objects = ScopedManager.from_queryset(DossierQuerySet)()

    class Meta:
        verbose_name = _("dossier")
        ordering = ("-received_at", "-id")
        indexes = [
            models.Index(fields=["commune", "status", "due_date"]),
            models.Index(fields=["assignee", "status", "due_date"]),
            models.Index(fields=["commune", "received_at"]),
            # Measurement counts resolved dossiers by the month they were resolved in (on time, satisfied).
            models.Index(fields=["commune", "resolved_on"]),
        ]

    def __str__(self) -> str:
        return self.code

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(applicant_id=user_id)

    @property
    def portal_status(self) -> int:
        from .workflow import PORTAL_STATUS

        return PORTAL_STATUS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class DossierStep(Step):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")

    class Meta(Step.Meta):
        verbose_name = _("dossier step")


class Paper(CommuneOwned):
    """A digitised paper or result in a person's e-data store (Circular 01/2023 art. 24).

    A citizen's own papers (``owner`` set: filed online from their account, or results of their
    dossiers) are offered back to them online; papers taken at the counter are matched by the
    identification number, which the officer checks against the person in front of them.
    """

    class Kind(models.TextChoices):
        COMPONENT = "component", _("Dossier component")
        RESULT = "result", _("Result")

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("paper"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    owner_id_number = models.CharField(_("owner's personal identification number"), max_length=12, db_index=True,
                                       validators=[id_number_validator])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="papers")
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.SET_NULL, related_name="papers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("digitised paper")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.title

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(owner_id=user_id)

    def is_valid_on(self, day) -> bool:
        return self.valid_until is None or self.valid_until >= day


class DossierComponent(CommuneOwned):
    """One paper handed in with a dossier: a new upload or a paper reused from the e-data store."""

    commune_path = "dossier__commune"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(_("dossier component"), max_length=300)
    paper = models.ForeignKey(Paper, null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    reused = models.BooleanField(_("reused from the e-data store"), default=False)
    original = models.BooleanField(_("original seen"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier component")
        ordering = ("id",)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(dossier__applicant_id=user_id)


class Rating(CommuneOwned):
    """The applicant's satisfaction with one returned dossier (component ĐLHQ9)."""

    class Reason(models.TextChoices):
        FAST = "fast", _("Resolved quickly")
        SLOW = "slow", _("Took too long")
        HELPFUL = "helpful", _("Officials were helpful")
        UNHELPFUL = "unhelpful", _("Officials were unhelpful")
        CLEAR = "clear", _("Clear instructions")
        UNCLEAR = "unclear", _("Unclear instructions")
        EXTRA_PAPERS = "extra_papers", _("Asked for papers not on the list")

    commune_path = "dossier__commune"

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    channel = models.CharField(max_length=1, choices=Channel.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(dossier__applicant_id=user_id)
