# SPDX-License-Identifier: AGPL-3.0-or-later
"""Field reports (phản ánh hiện trường): a citizen points at a problem in the commune, an official routes
it to whoever fixes it, the reporter follows it to the fix and says whether they are satisfied.

Categories are kept by each commune, with a deadline in working days and routing by village; a report's
history is the shared workflow's steps. See docs/decisions/0020-field-reports.md.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.tenancy import CommuneOwned
from xaso.core.workflow import Step


class Category(CommuneOwned):
    """What can be reported in a commune (an Open311 service): street lights, rubbish, roads, …"""

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="report_categories")
    code = models.SlugField(_("code"), max_length=40)  # the Open311 service_code
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    # Working days from receipt to resolution (Signalen's deadline per category); escalation after it.
    deadline_days = models.PositiveSmallIntegerField(_("working days to resolve"), default=5,
                                                     validators=[MinValueValidator(1), MaxValueValidator(90)])
    # Who receives a new report when no village rule applies; empty: the commune's triage list.
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("default handler"))
    active = models.BooleanField(_("open for reports"), default=True)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ("group", "name")
        constraints = [models.UniqueConstraint(fields=["commune", "code"], name="reports_category_code_once")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def public_q(cls) -> Q:
        return Q(active=True)  # anyone may see what can be reported where


class Route(CommuneOwned):
    """Reports of a category from one village go to one official (DIGIT PGR's routing, Signalen's rules)."""

    commune_path = "category__commune"
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routes")
    village = models.ForeignKey("places.Village", on_delete=models.CASCADE, related_name="+")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("routing rule")
        constraints = [models.UniqueConstraint(fields=["category", "village"], name="reports_route_once")]


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("field report", "New")
    TRIAGED = "triaged", pgettext_lazy("field report", "Checked")
    ASSIGNED = "assigned", pgettext_lazy("field report", "Assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("field report", "In progress")
    WAITING = "waiting", pgettext_lazy("field report", "Waiting for the reporter")
    RESOLVED = "resolved", pgettext_lazy("field report", "Resolved")
    CLOSED = "closed", pgettext_lazy("field report", "Closed")
    DUPLICATE = "duplicate", pgettext_lazy("field report", "Merged as a duplicate")


OPEN = (Status.NEW, Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING)


def _token() -> str:
    return secrets.token_urlsafe(16)


class Report(CommuneOwned):
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="reports")
    code = models.CharField(_("code"), max_length=40, unique=True)  # the Open311 service_request_id
    # Whoever holds the token follows the report (an Open311 token, a reporter without an account).
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW,
                              db_index=True)
    version = models.PositiveIntegerField(default=0)
    description = models.TextField(_("description"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    village = models.ForeignKey("places.Village", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("village"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    # The reporter: personal data, never shown to the public; hidden from handlers too when they ask.
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="reports")
    reporter_name = models.CharField(_("name"), max_length=150, blank=True)
    reporter_email = models.EmailField(_("e-mail"), blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=15, blank=True)
    hide_identity = models.BooleanField(_("hide my identity from the officials handling it"), default=False)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("handler"))
    due_date = models.DateField(_("to be resolved by"), null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)  # told to the chairperson, once
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates")
    public_note = models.TextField(_("answer to the reporter"), blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("reported at"), db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("field report")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["latitude", "longitude"], name="reports_report_place")]

    def __str__(self) -> str:
        return self.code

    @classmethod
    def public_q(cls) -> Q:
        # The map and list show every report that is not a duplicate; views show public fields only.
        return ~Q(status=Status.DUPLICATE)

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(reporter_id=user_id)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class ReportStep(Step):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="steps")


class Photo(CommuneOwned):
    """A photo of the problem, its location metadata stripped; the thumbnail is made in the background."""

    commune_path = "report__commune"
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    thumbnail = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("photo")
        ordering = ("pk",)

    @classmethod
    def public_q(cls) -> Q:
        return ~Q(report__status=Status.DUPLICATE)  # stripped of their location data before they are kept

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(report__reporter_id=user_id)


class ResponseTemplate(CommuneOwned):
    """A prepared answer an official picks when resolving a report (FixMyStreet's response templates), then
    adapts: for one category, or for every category when none is named."""

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("category"), help_text=_("Empty: offered for every category."))
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("answer to the reporter"), max_length=3000)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("response template")
        ordering = ("title", "pk")
        constraints = [models.UniqueConstraint(fields=["commune", "title"], name="reports_response_title_once")]

    def __str__(self) -> str:
        return self.title
