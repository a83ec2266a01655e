# SPDX-License-Identifier: AGPL-3.0-or-later
"""Commune data (DL6, DL7, DL11, DL12): the province's data dictionary and catalogue, and each commune's
returns of it.

* A **data element** is one figure the province asks for (code, name, type, unit, allowed values or range,
  disaggregation by village or by sex, definition) and may say where xaso already knows it (``source``),
  so that the form is pre-filled instead of re-keyed.
* A **dataset** groups elements into one return: its period type, who must report (area types and named
  communes), the due day, who approves, and its DCAT metadata for harvesting.
* A **return** is one commune's answer for one dataset and period: draft → submitted → approved (locked),
  or returned for correction. A **value** is one figure of it, for one village or sex where the element is
  disaggregated; every change of a value appends a ``ValueChange`` (who, when, the old value).

After DHIS2 (data elements, data sets with period types and expiry days, validation rules, approval) and
CKAN/DCAT (catalogue metadata). See docs/decisions/0024-commune-data.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.accounts.roles import Role
from xaso.core.places.models import AreaType
from xaso.core.tenancy import CommuneOwned
from xaso.core.workflow import Step

code_validator = RegexValidator(r"^[A-Z0-9][A-Z0-9_.-]*$",
                                _("Use capital letters, digits, dots, dashes and underscores (for example DL19.01)."))


class PeriodType(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")
    ONCE = "once", _("Once")


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    NUMBER = "number", _("Number")
    PERCENT = "percent", _("Percentage")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One of a list")
    TEXT = "text", _("Text")


NUMERIC = frozenset({ValueType.INTEGER, ValueType.NUMBER, ValueType.PERCENT})


class Disaggregation(models.TextChoices):
    NONE = "none", _("Commune total")
    VILLAGE = "village", _("By village")
    SEX = "sex", _("By sex")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Approver(models.TextChoices):
    PROVINCE = "province", _("The province")
    COMMUNE = "commune", _("The commune's leadership")


class DataElement(models.Model):
    """One figure of the province's data dictionary (DL7)."""

    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("province"))
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    value_type = models.CharField(_("type"), max_length=10, choices=ValueType.choices, default=ValueType.INTEGER)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    choices = models.JSONField(_("allowed values"), default=list, blank=True)
    minimum = models.DecimalField(_("minimum"), max_digits=20, decimal_places=4, null=True, blank=True)
    maximum = models.DecimalField(_("maximum"), max_digits=20, decimal_places=4, null=True, blank=True)
    disaggregation = models.CharField(_("disaggregation"), max_length=10, choices=Disaggregation.choices,
                                      default=Disaggregation.NONE)
    definition = models.TextField(_("definition"), blank=True)
    # Where xaso already knows the figure (a key of datasets.sources.SOURCES); blank: typed by the commune.
    source = models.CharField(_("taken from xaso"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data element")
        ordering = ("code",)
        constraints = [models.UniqueConstraint(fields=["province", "code"], name="datasets_element_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_numeric(self) -> bool:
        return self.value_type in NUMERIC


class Dataset(models.Model):
    """A return the province asks of its communes (DL6, DL11), with its DCAT metadata."""

    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("province"))
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    licence = models.CharField(_("licence"), max_length=100, default="CC-BY-4.0")
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # The model component the dataset evidences (DL19 agricultural production, …), if any.
    component = models.CharField(_("model component"), max_length=10, blank=True)
    period_type = models.CharField(_("period"), max_length=12, choices=PeriodType.choices,
                                   default=PeriodType.QUARTERLY)
    # Due this many days after the period ends (DHIS2's expiry days); a return later than that is late.
    due_days = models.PositiveSmallIntegerField(_("due, days after the period"), default=10,
                                                validators=[MaxValueValidator(366)])
    # Who must report: every commune of these area types (none: every commune), and these communes.
    area_types = models.JSONField(_("area types that report"), default=list, blank=True)
    communes = models.ManyToManyField("places.Commune", blank=True, related_name="+",
                                      verbose_name=_("communes that also report"))
    approver = models.CharField(_("approved by"), max_length=10, choices=Approver.choices,
                                default=Approver.PROVINCE)
    # A value that changes by more than this share from the last period must be explained.
    jump_percent = models.PositiveSmallIntegerField(_("explain changes above (%)"), default=50,
                                                    validators=[MinValueValidator(1), MaxValueValidator(1000)])
    # The template's version: raised when the elements change, so an old spreadsheet is refused.
    version = models.PositiveIntegerField(_("template version"), default=1)
    is_sample = models.BooleanField(_("sample definition"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    elements = models.ManyToManyField(DataElement, through="DatasetElement", related_name="datasets")

    class Meta:
        verbose_name = _("dataset")
        ordering = ("code",)
        constraints = [models.UniqueConstraint(fields=["province", "code"], name="datasets_dataset_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def reports(self, commune) -> bool:
        """Whether ``commune`` must report this dataset."""
        if commune.province_id != self.province_id:
            return False
        if not self.area_types or commune.area_type in self.area_types:
            return True
        return self.communes.filter(pk=commune.pk).exists()

    def members(self):
        return self.items.select_related("element").order_by("order", "element__code")


AREA_TYPES = AreaType  # the choices of Dataset.area_types


class DatasetElement(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="items")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    section = models.CharField(_("section"), max_length=100, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ("order", "id")
        constraints = [models.UniqueConstraint(fields=["dataset", "element"], name="datasets_item_once")]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.element_id}"


class Operator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    EQ = "==", "="
    GE = ">=", "≥"
    GT = ">", ">"


class Severity(models.TextChoices):
    ERROR = "error", _("Error: blocks submission")
    WARNING = "warning", _("Warning: needs a comment")


class ValidationRule(models.Model):
    """A rule between elements: ``left operator right``, each side a sum of element codes and numbers
    ("DL19.02 <= DL19.01", "DL24.01 == DL24.02 + DL24.03")."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    left = models.CharField(_("left side"), max_length=300)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("right side"), max_length=300)
    message = models.CharField(_("message"), max_length=300)
    message_en = models.CharField(_("message in English"), max_length=300, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR)

    class Meta:
        verbose_name = _("validation rule")
        ordering = ("code",)
        constraints = [models.UniqueConstraint(fields=["dataset", "code"], name="datasets_rule_code_once")]

    def __str__(self) -> str:
        return f"{self.left} {self.get_operator_display()} {self.right}"


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("return", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("return", "Submitted")
    RETURNED = "returned", pgettext_lazy("return", "Returned for correction")
    APPROVED = "approved", pgettext_lazy("return", "Approved")


EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


class Source(models.TextChoices):
    FORM = "form", _("form")
    UPLOAD = "upload", _("spreadsheet upload")
    OFFLINE = "offline", _("offline entry")
    PREFILL = "prefill", _("taken from xaso")
    IMPORT = "import", _("province import")


class Return(CommuneOwned):
    """One commune's return of one dataset for one period."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="returns",
                                verbose_name=_("dataset"))
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    period = models.CharField(_("period"), max_length=8)  # "2026Q3", "2026M07", "2026H2", "2026", "ONCE"
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    template_version = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=0)  # the workflow's conflict check
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # The first submission: timeliness is judged by it, not by a resubmission after a correction.
    first_submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("return")
        ordering = ("-period_start", "dataset__code")
        constraints = [models.UniqueConstraint(fields=["dataset", "commune", "period"],
                                               name="datasets_return_once")]
        indexes = [models.Index(fields=["dataset", "status", "period"])]

    def __str__(self) -> str:
        return f"{self.dataset.code} {self.commune_id} {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def on_time(self) -> bool | None:
        if self.first_submitted_at is None:
            return None
        from django.utils import timezone

        return timezone.localdate(self.first_submitted_at) <= self.due_date


class ReturnStep(Step):
    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="steps")


def slot_of(village_id: int | None, category: str) -> str:
    """The key of one cell of a return: "" for the commune total, "v12" for a village, "male" for a sex."""
    return f"v{village_id}" if village_id else category


class Value(CommuneOwned):
    """One figure of a return. ``text`` is the value as stored (normalised); ``number`` the same figure
    for sums and comparisons when the element is numeric."""

    commune_path = "ret__commune"

    # Values are written a million at a time by the province's import: each index costs every row. The
    # unique (ret, element, slot) index already serves every lookup by return; villages and users are
    # merged or disabled, never deleted, so their PROTECT checks need no index of their own.
    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="values", db_index=False)
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("places.Village", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", db_index=False)
    category = models.CharField(max_length=8, blank=True)  # a Sex, when disaggregated by sex
    slot = models.CharField(max_length=16, blank=True)  # slot_of(village, category): unique per element
    text = models.CharField(max_length=500, blank=True)
    number = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)
    version = models.PositiveIntegerField(default=1)  # offline entry sends the version it saw
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("value")
        constraints = [models.UniqueConstraint(fields=["ret", "element", "slot"], name="datasets_value_once")]

    def __str__(self) -> str:
        return f"{self.element.code}[{self.slot}]={self.text}"


class ValueChange(models.Model):
    """A value's history: appended on every change, never edited."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="changes")
    old_text = models.CharField(max_length=500, blank=True)
    new_text = models.CharField(max_length=500, blank=True)
    old_comment = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.value_id} {self.old_text} → {self.new_text}"


class ApiKey(models.Model):
    """A key another system reads approved data with: scoped to datasets and communes, logged on every use.
    Only a digest of the secret is kept; the secret is shown once, when the key is made."""

    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("province"))
    name = models.CharField(_("name"), max_length=200)  # who uses it: "Sở Nông nghiệp – dashboard"
    prefix = models.CharField(max_length=12, unique=True)  # shown in lists and logs, not secret
    digest = models.CharField(max_length=64)  # SHA-256 of the secret
    datasets = models.ManyToManyField(Dataset, related_name="+", verbose_name=_("datasets it may read"))
    communes = models.ManyToManyField("places.Commune", blank=True, related_name="+",
                                      verbose_name=_("communes it may read"))
    all_communes = models.BooleanField(_("every commune of the province"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"


class ApiKeyUse(models.Model):
    """One request made with an API key: appended, never edited."""

    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="uses")
    at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    ip = models.GenericIPAddressField(null=True, blank=True)
    status = models.PositiveSmallIntegerField()
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.key_id} {self.method} {self.path} {self.status}"


APPROVER_ROLES = {Approver.PROVINCE: frozenset({Role.PROVINCE_OFFICIAL, Role.SYSTEM_ADMIN}),
                  Approver.COMMUNE: frozenset({Role.CHAIRPERSON, Role.VICE_CHAIRPERSON, Role.SYSTEM_ADMIN})}
