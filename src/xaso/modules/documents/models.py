# SPDX-License-Identifier: AGPL-3.0-or-later
"""Official documents of a commune: its registers, incoming and outgoing documents, work files.

Legal basis: Decree 30/2020/NĐ-CP on clerical work (registration of incoming documents, Art. 20–22;
numbering and issuing outgoing documents, Art. 15–16; work files, Art. 28). Numbers run from 01 on
1 January to 31 December in each register; an incoming number is shared by paper and electronic
documents. See docs/decisions/0019-official-documents.md.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned
from xaso.core.text import fold
from xaso.core.workflow import Step


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Incoming documents")
    OUTGOING = "outgoing", _("Outgoing documents")


class Urgency(models.TextChoices):
    """Decree 30/2020 Art. 8 and Appendix I: the urgency marks printed on the document."""

    NORMAL = "", _("Normal")
    URGENT = "khan", _("Urgent (Khẩn)")
    VERY_URGENT = "thuong_khan", _("Very urgent (Thượng khẩn)")
    IMMEDIATE = "hoa_toc", _("Immediate (Hỏa tốc)")


class Confidentiality(models.TextChoices):
    NORMAL = "", _("Not confidential")
    CONFIDENTIAL = "mat", _("Confidential (Mật)")
    SECRET = "toi_mat", _("Secret (Tối mật)")
    TOP_SECRET = "tuyet_mat", _("Top secret (Tuyệt mật)")


organ_id_validator = RegexValidator(
    r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$",
    _("An agency code has the form 000.00.00.H00 (QCVN 102:2016, Decision 20/2020/QĐ-TTg)."))


class Issuer(CommuneOwned):
    """How the commune's People's Committee appears on what it issues, and its code on the exchange axis.

    Public: other communes choose it as a recipient, and anyone may read an agency's name and code.
    """

    commune = models.OneToOneField("places.Commune", on_delete=models.PROTECT, related_name="document_issuer")
    name = models.CharField(_("issuing body"), max_length=200)  # "ỦY BAN NHÂN DÂN XÃ TIÊN YÊN"
    parent = models.CharField(_("governing body"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=20, default="UBND")
    place = models.CharField(_("place name on documents"), max_length=100)
    organ_id = models.CharField(_("agency code (QCVN 102:2016)"), max_length=20, blank=True,
                                validators=[organ_id_validator])

    class Meta:
        verbose_name = _("issuing body")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def public_q(cls) -> Q:
        return Q(pk__isnull=False)  # every row (an empty Q() would vanish when OR-ed)


class Register(CommuneOwned):
    """A document register (sổ đăng ký văn bản) of the commune: numbers restart each year in each one."""

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="document_registers")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("document register")
        ordering = ("direction", "name")

    def __str__(self) -> str:
        return self.name


class WorkFile(CommuneOwned):
    """A work file (hồ sơ công việc): the documents of one matter, kept together (Decree 30 Art. 28)."""

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="work_files")
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("kept by"))
    notes = models.TextField(_("notes"), blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("work file")
        ordering = ("-year", "title")

    def __str__(self) -> str:
        return self.title


class SearchText(models.Model):
    """Number, symbol, summary and body folded (no marks, "đ" as "d"): "cong van" finds "công văn"."""

    search_fields: tuple[str, ...] = ()  # the fields whose words are searched, named by each model

    search_text = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        words = (getattr(self, name) for name in self.search_fields)
        self.search_text = " ".join(fold(" ".join(str(w) for w in words if w)).split())
        super().save(*args, **kwargs)


class IncomingStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("Being handled")
    DONE = "done", _("Done")


class Channel(models.TextChoices):
    PAPER = "paper", _("On paper")
    AXIS = "axis", _("Document exchange axis")
    EMAIL = "email", _("E-mail or other electronic means")


class IncomingDocument(SearchText, CommuneOwned):
    """A document received (văn bản đến), registered with its arrival number (Decree 30 Art. 22)."""

    search_fields = ("arrival_number", "number_symbol", "sender", "summary", "body_text")

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="incoming_documents")
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="incoming")
    year = models.PositiveSmallIntegerField(_("year"))
    arrival_number = models.PositiveIntegerField(_("arrival number"))
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("received"), max_length=10, choices=Channel.choices, default=Channel.PAPER)
    sender = models.CharField(_("sender"), max_length=300)
    sender_organ_id = models.CharField(_("sender's agency code"), max_length=20, blank=True)
    number_symbol = models.CharField(_("their number and symbol"), max_length=60, blank=True)
    document_date = models.DateField(_("date of the document"), null=True, blank=True)
    type_code = models.CharField(_("type"), max_length=12)
    summary = models.TextField(_("summary"))
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, blank=True, default="")
    confidentiality = models.CharField(_("confidentiality"), max_length=12, choices=Confidentiality.choices,
                                       blank=True, default="")
    status = models.CharField(_("status"), max_length=12, choices=IncomingStatus.choices,
                              default=IncomingStatus.REGISTERED, db_index=True)
    version = models.PositiveIntegerField(default=0)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("handler"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    file = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body_text = models.TextField(_("text"), blank=True)
    work_file = models.ForeignKey(WorkFile, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="incoming", verbose_name=_("work file"))
    # The edXML DocumentId of a document that came through the axis: receiving it twice registers it once.
    exchange_id = models.CharField(max_length=200, null=True, blank=True)
    # Registering twice with the same key (a retried form or API call) gives one registration.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                      related_name="+")

    class Meta:
        verbose_name = _("incoming document")
        ordering = ("-year", "-arrival_number")
        constraints = [
            models.UniqueConstraint(fields=["register", "year", "arrival_number"], name="documents_arrival_once"),
            models.UniqueConstraint(fields=["commune", "exchange_id"], name="documents_exchange_once"),
        ]

    def __str__(self) -> str:
        return f"{self.arrival_number:02d}/{self.year} · {self.summary[:60]}"



class IncomingStep(Step):
    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="steps")


class OutgoingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    SIGNED = "signed", _("Signed by the signer")
    ISSUED = "issued", _("Numbered, sealed and issued")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class OutgoingDocument(SearchText, CommuneOwned):
    """A document the commune drafts and issues (văn bản đi): from the draft to the sealed, sent PDF."""

    search_fields = ("number_symbol", "title", "summary", "body")

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="outgoing_documents")
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="outgoing")
    status = models.CharField(_("status"), max_length=12, choices=OutgoingStatus.choices,
                              default=OutgoingStatus.DRAFT, db_index=True)
    version = models.PositiveIntegerField(default=0)
    type_code = models.CharField(_("type"), max_length=12)
    title = models.CharField(_("title"), max_length=500, blank=True)
    summary = models.TextField(_("summary"))
    addressees = models.JSONField(_("addressees"), default=list, blank=True)
    body = models.TextField(_("body"))
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, blank=True, default="")
    confidentiality = models.CharField(_("confidentiality"), max_length=12, choices=Confidentiality.choices,
                                       blank=True, default="")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("signer"))
    signer_competence = models.CharField(_("signing on behalf of"), max_length=100, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=100)
    # A second signature on the left, as on minutes (the secretary): printed, not digitally signed.
    cosigner_position = models.CharField(_("second signer's position"), max_length=100, blank=True)
    cosigner_name = models.CharField(_("second signer's name"), max_length=150, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reply_to = models.ForeignKey(IncomingDocument, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="replies", verbose_name=_("in reply to"))
    work_file = models.ForeignKey(WorkFile, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="outgoing", verbose_name=_("work file"))
    # Given by the clerk at issuing: the register's next number of the year, or one typed in.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_symbol = models.CharField(_("number and symbol"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    # The PDF the signer signed, then the issued one with the number, the date and the seal.
    signed_file = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    issued_file = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    # Agencies to send to through the document exchange axis (QCVN 102:2016 codes).
    exchange_to = models.JSONField(_("send to (agency codes)"), default=list, blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)  # as for incoming
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing document")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=["register", "year", "number"], name="documents_number_once"),
        ]

    def __str__(self) -> str:
        return self.number_symbol or self.summary[:60]



class OutgoingStep(Step):
    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="steps")


class Signature(CommuneOwned):
    """What xaso knows of a signature it applied (Open Zaak keeps the same): who, when, the signed bytes."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Signer's signature")
        ORGANISATION = "organisation", _("Organisation's signature")

    commune_path = "document__commune"
    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="signatures")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    signer_name = models.CharField(max_length=200)
    certificate_subject = models.CharField(max_length=500)
    certificate_serial = models.CharField(max_length=80)
    signed_at = models.DateTimeField()
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("signature")
        ordering = ("signed_at",)
