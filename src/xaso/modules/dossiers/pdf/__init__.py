# SPDX-License-Identifier: AGPL-3.0-or-later
"""The one-stop forms 01–07 of Circular 03/2025/TT-VPCP as PDF documents.

``render(form, dossier, step=..., lookup_url=...)`` prints forms 01–06 of one dossier (A5);
``render_register(center, dossiers, start=..., end=...)`` prints form 07, the dossier register (A4
landscape). Both return the PDF's bytes; the caller checks permissions and serves them.
See docs/decisions/0017-pdf-forms.md.
"""

from __future__ import annotations

from datetime import date

from . import forms

FORMS = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "07": "Sổ theo dõi hồ sơ",
}


def render(form: str, dossier, *, step=None, lookup_url: str = "") -> bytes:
    """Form ``form`` ("01"–"06") of ``dossier``.

    ``step`` is the history row the form answers (the note is what is missing for 02, the reason for
    03–05; ``data["old_due_date"]``/``["new_due_date"]`` for 04; its actor signs). Without it, form 01
    is signed by whoever accepted the dossier. ``lookup_url`` is the public look-up page: form 01 prints
    it and its QR code. Raises ValueError for another form number.
    """
    if form == "01":
        return forms.receipt(dossier, step, lookup_url)
    if form == "06":
        return forms.control_sheet(dossier)
    build = {"02": forms.completion_request, "03": forms.refusal, "04": forms.apology, "05": forms.stop_notice}
    if form not in build:
        raise ValueError(f"unknown form {form!r}: expected 01 to 06 (07 is render_register)")
    return build[form](dossier, step)


def render_register(center, dossiers, *, start: date, end: date) -> bytes:
    """Form 07 for ``center``: ``dossiers`` (in the order given) received from ``start`` to before ``end``."""
    return forms.register(center, dossiers, start=start, end=end)
