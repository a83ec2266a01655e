# SPDX-License-Identifier: AGPL-3.0-or-later
"""Storing an upload, once for every module: size limit, type sniffed from the content, checksum, audit.

A file's name and the type a browser claims say nothing about what it holds; its first bytes do. The
type is sniffed with ``filetype`` and must be on the allow-list, and the name's extension must agree
with it, so that a script renamed ``.pdf`` or a PDF renamed ``.png`` is refused before anything is
written. Plain text (``.txt``, ``.csv``) has no magic number: it is accepted when ``filetype`` finds
nothing and the whole content is valid UTF-8 without control characters.
"""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.audit.services import record

from .models import StoredFile, _upload_to

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain; charset=utf-8"
CSV = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]
    label: object  # lazy text: what people call this kind of file


# The allow-list: sniffed MIME type → what it is stored and served as, and the names it may carry.
SNIFFED: dict[str, Kind] = {
    "application/pdf": Kind("application/pdf", ("pdf",), gettext_lazy("a PDF document")),
    "image/png": Kind("image/png", ("png",), gettext_lazy("a PNG image")),
    "image/jpeg": Kind("image/jpeg", ("jpg", "jpeg"), gettext_lazy("a JPEG image")),
    "image/webp": Kind("image/webp", ("webp",), gettext_lazy("a WebP image")),
    DOCX: Kind(DOCX, ("docx",), gettext_lazy("a Word document (DOCX)")),
    XLSX: Kind(XLSX, ("xlsx",), gettext_lazy("an Excel workbook (XLSX)")),
}
# Text has no signature: the extension decides between plain text and CSV once the content is UTF-8.
TEXT_KINDS: dict[str, Kind] = {
    "txt": Kind(TEXT, ("txt",), gettext_lazy("plain text")),
    "csv": Kind(CSV, ("csv",), gettext_lazy("plain text")),
}
ACCEPTED = "PDF, PNG, JPEG, WebP, DOCX, XLSX, TXT, CSV"
SNIFF_BYTES = 8192
# Control characters never found in a text file a person wrote (tab, line feed, form feed and carriage
# return are); their presence means the "text" is binary that happens to decode.
_TEXT_CONTROLS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\f\r") | {"\x7f"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the cleaned original name
    content_type: str
    size: int
    sha256: str


def clean_name(name: str) -> str:
    """The name people gave the file, safe to keep and to show: no folders, no control characters, NFC."""
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C").strip()
    base = base.lstrip(".") or "file"
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 16 else base[:255]
    return base


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.casefold() if dot and stem else ""


def _refuse_type() -> ValidationError:
    return ValidationError(
        _("This type of file is not accepted. Accepted types: %(accepted)s.") % {"accepted": ACCEPTED},
        code="not_allowed",
    )


def _refuse_size(size: int) -> ValidationError:
    return ValidationError(
        _("The file is too large (%(size)s); the limit is %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(settings.XASO_MAX_UPLOAD_BYTES)},
        code="too_big",
    )


def _read_and_hash(upload, *, as_text: bool) -> tuple[int, str, bool]:
    """Size and sha256 of the whole content, and (if asked) whether it is UTF-8 text."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")() if as_text else None
    is_text = as_text
    size = 0
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        size += len(chunk)
        if size > settings.XASO_MAX_UPLOAD_BYTES:
            raise _refuse_size(size)
        digest.update(chunk)
        if is_text:
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                is_text = False
            else:
                is_text = not _TEXT_CONTROLS.intersection(text)
    if is_text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_text = False
    upload.seek(0)
    return size, digest.hexdigest(), is_text


def file_check(upload) -> CheckedUpload:
    """Check an upload without storing it; raises ValidationError with a message in the user's language.

    Forms call it in ``clean_<field>`` so that a refused file stops the whole submission before
    anything is saved; ``file_store`` calls it again (an upload does not change in between).
    """
    limit = settings.XASO_MAX_UPLOAD_BYTES
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _refuse_size(declared)
    name = clean_name(getattr(upload, "name", "") or "")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    if not head:
        raise ValidationError(_("The file is empty."), code="empty")
    sniffed = filetype.guess(head)
    size, sha256, is_text = _read_and_hash(upload, as_text=sniffed is None)
    extension = _extension(name)
    if sniffed is not None:
        kind = SNIFFED.get(sniffed.mime)
        if kind is None:
            raise _refuse_type()
    elif is_text:
        kind = TEXT_KINDS.get(extension, TEXT_KINDS["txt"])
    else:
        raise _refuse_type()
    if extension not in kind.extensions:
        raise ValidationError(
            _("The file name “%(name)s” does not match its content, which is %(kind)s: "
              "its name should end in %(expected)s.")
            % {"name": name, "kind": kind.label,
               "expected": " / ".join(f".{e}" for e in (TEXT_KINDS if sniffed is None else kind.extensions))},
            code="mismatch",
        )
    return CheckedUpload(name=name, content_type=kind.content_type, size=size, sha256=sha256)


def file_store(*, actor, commune, upload) -> StoredFile:
    """Check and store one upload of a commune; audited as ``xaso.files.file.stored``.

    The content lives once per commune under its checksum (the same scan uploaded twice is one file on
    disk); each call still makes its own row, because each upload has its own name, uploader and time.
    The caller checks that the actor may attach files where it attaches them.
    """
    checked = file_check(upload)
    with transaction.atomic():
        stored = StoredFile(
            commune=commune, original_name=checked.name, content_type=checked.content_type,
            size=checked.size, sha256=checked.sha256,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        path = _upload_to(stored, checked.name)
        storage = stored.file.storage
        if storage.exists(path):
            stored.file.name = path
        else:
            upload.seek(0)
            stored.file.save(checked.name, upload, save=False)
        stored.save()
        record(actor=actor, action="xaso.files.file.stored", obj=stored, after={
            "name": stored.original_name, "content_type": stored.content_type, "size": stored.size,
            "sha256": stored.sha256,
        })
    return stored
