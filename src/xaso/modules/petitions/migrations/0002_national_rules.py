# SPDX-License-Identifier: AGPL-3.0-or-later
"""The national deadline rules shipped with xaso (docs/petitions-deadlines.md says where each comes from and
how sure it is). A province corrects one by adding its own version on the rules page, never by editing these."""

import datetime as dt

from django.db import migrations

LAW_TCD = "Luật Tiếp công dân số 42/2013/QH13, điều 28 khoản 1"
PLACEHOLDER = ("Không tìm thấy văn bản quy định thời hạn trả lời kiến nghị, phản ánh ở cấp xã; 30 ngày theo "
               "thời hạn giải quyết khiếu nại lần đầu (Luật Khiếu nại 2011, điều 28). Tỉnh cần xác nhận hoặc thay.")
# (kind, stage, days, counting, in force from, legal basis, certainty, note)
RULES = (
    ("general", "accept", 10, "working", dt.date(2014, 7, 1), LAW_TCD, "V", ""),
    ("regulation", "accept", 10, "working", dt.date(2014, 7, 1), LAW_TCD, "V", ""),
    ("voters", "accept", 10, "working", dt.date(2014, 7, 1), LAW_TCD, "U",
     "Áp dụng tương tự cho kiến nghị nhận tại buổi tiếp xúc cử tri; cần xác nhận."),
    ("general", "answer", 30, "calendar", dt.date(2014, 7, 1), "Chưa xác định (tạm theo Luật Khiếu nại 2011, điều 28)",
     "U", PLACEHOLDER),
    ("regulation", "answer", 30, "calendar", dt.date(2014, 7, 1),
     "Nghị định 20/2008/NĐ-CP (sửa đổi bởi Nghị định 92/2017/NĐ-CP)", "U",
     "Thời hạn nhớ lại, chưa đối chiếu văn bản; cần xác nhận."),
    ("voters", "answer", 40, "calendar", dt.date(2017, 9, 15), "Quyết định 33/2017/QĐ-TTg, điều 12", "S",
     "Quy chế trả lời kiến nghị cử tri do Quốc hội chuyển đến bộ, ngành, địa phương; áp dụng tương tự cho cấp xã."),
)


def ship(apps, schema_editor):
    DeadlineRule = apps.get_model("petitions", "DeadlineRule")
    for kind, stage, days, counting, since, basis, certainty, note in RULES:
        DeadlineRule.objects.get_or_create(province=None, kind=kind, stage=stage, effective_from=since, defaults={
            "days": days, "counting": counting, "legal_basis": basis, "certainty": certainty, "note": note})


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
