# SPDX-License-Identifier: AGPL-3.0-or-later
"""Demo commune data, made through the services as people would (see xaso.core.demo).

The province defines and publishes a quarterly dataset and loads the sample area datasets (unpublished, to
adapt). For the last two quarters the three demo communes fill it: Hạ Long by the form, Tiên Yên by
uploading the spreadsheet, Vân Đồn offline (its sync); what xaso knows is pre-filled. The province approves
the earlier quarter everywhere and the last one where it was submitted; Vân Đồn's last return keeps a rule
violation the check caught. An API key reads only Hạ Long's figures of this dataset; its secret is written
to var/demo-api-key.txt. A second run finds all of it and adds nothing.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from xaso.core.accounts.models import User
from xaso.core.places.models import Commune, Province, Village

from . import apikeys, definitions, definitions_file, periods, services, sheets
from .models import ApiKey, Dataset, PeriodType, Return, Source

PROVINCE = "22"
CODE = "QN.CDS.Q"
DEFINITION = {"datasets": [{
    "code": CODE, "title": "Báo cáo quý tình hình chuyển đổi số và quản lý địa bàn cấp xã",
    "title_en": "Quarterly return on digital transformation and area management",
    "description": "Số liệu xã, phường, đặc khu cập nhật hằng quý theo danh mục dữ liệu của tỉnh.",
    "publisher": "Sở Khoa học và Công nghệ tỉnh Quảng Ninh", "licence": "CC-BY-4.0",
    "keywords": ["chuyển đổi số", "dịch vụ công", "hộ nghèo"], "component": "DL11",
    "period_type": "quarterly", "due_days": 15, "area_types": [], "approver": "province", "jump_percent": 50,
    "elements": [
        {"code": "CDS.HSTN", "name": "Hồ sơ TTHC tiếp nhận trong kỳ", "unit": "hồ sơ", "value_type": "integer",
         "source": "dossiers.received", "section": "Dịch vụ công"},
        {"code": "CDS.HSTT", "name": "Hồ sơ tiếp nhận trực tuyến trong kỳ", "unit": "hồ sơ", "value_type": "integer",
         "source": "dossiers.received_online", "section": "Dịch vụ công"},
        {"code": "CDS.PAHT", "name": "Phản ánh hiện trường đã giải quyết", "unit": "phản ánh", "value_type": "integer",
         "source": "reports.resolved", "section": "Dịch vụ công"},
        {"code": "CDS.NHOM", "name": "Thôn, tổ dân phố có nhóm cộng đồng số", "unit": "thôn",
         "value_type": "integer", "source": "community.villages_with_group", "section": "Xã hội số"},
        {"code": "CDS.TOCNS", "name": "Thành viên Tổ công nghệ số cộng đồng", "unit": "người",
         "value_type": "integer", "minimum": 0, "section": "Xã hội số"},
        {"code": "CDS.HO", "name": "Số hộ gia đình", "unit": "hộ", "value_type": "integer", "minimum": 0,
         "disaggregation": "village", "section": "Quản lý địa bàn"},
        {"code": "CDS.HONGHEO", "name": "Số hộ nghèo", "unit": "hộ", "value_type": "integer", "minimum": 0,
         "disaggregation": "village", "section": "Quản lý địa bàn"},
        {"code": "CDS.WIFI", "name": "Có điểm Wi-Fi công cộng tại nhà văn hóa", "value_type": "yes_no",
         "section": "Hạ tầng số"},
    ],
    "rules": [
        {"code": "R1", "left": "CDS.HONGHEO", "operator": "<=", "right": "CDS.HO",
         "message": "Số hộ nghèo không được lớn hơn số hộ gia đình.",
         "message_en": "Poor households cannot outnumber households."},
        {"code": "R2", "left": "CDS.HSTT", "operator": "<=", "right": "CDS.HSTN",
         "message": "Hồ sơ trực tuyến không được nhiều hơn tổng số hồ sơ tiếp nhận.",
         "message_en": "Online dossiers cannot outnumber all dossiers received."},
    ]}]}
# Typed by each commune: team members, households of its first village (the next ones a little fewer), the
# share of poor households, Wi-Fi at the cultural house.
FIGURES = {"06688": (12, 420, 0.015, "có"), "06862": (9, 210, 0.09, "không"), "06994": (7, 120, 0.2, "có")}
STAFF = {"06688": "halong-specialist", "06862": "tienyen-specialist", "06994": "vandon-specialist"}


def seed(*, today: date) -> dict[str, int]:
    made = {"datasets": 0, "data returns": 0}
    province = Province.objects.get(pk=PROVINCE)
    official = User.objects.get(username="quangninh-province")
    dataset = Dataset.objects.filter(province=province, code=CODE).first()
    if dataset is None:
        dataset = definitions_file.definitions_load(actor=official, province=province, data=DEFINITION)[0]
        dataset = definitions.dataset_publish(actor=official, dataset=dataset)
        made["datasets"] += 1 + len(definitions_file.samples_load(actor=official, province=province))
    last = periods.containing(PeriodType.QUARTERLY, today).previous()
    for period, final in ((last.previous(), True), (last, False)):
        for code in FIGURES:
            if not Return.objects.filter(dataset=dataset, commune_id=code, period=period.key).exists():
                _fill(dataset, Commune.objects.get(pk=code), period, today, official, final)
                made["data returns"] += 1
    if not ApiKey.objects.filter(province=province, name__startswith="Demo").exists():
        _, secret = apikeys.apikey_create(actor=official, province=province,
                                          name="Demo: Sở Nông nghiệp và Môi trường — chỉ phường Hạ Long",
                                          datasets=[dataset], communes=[Commune.objects.get(pk="06688")])
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        (Path(settings.VAR_DIR) / "demo-api-key.txt").write_text(secret + "\n", encoding="utf-8")
    return made


def _entries(commune, team, households, poor_share, wifi, *, violate=False) -> list[services.Entry]:
    villages = Village.objects.filter(commune=commune, merged_into__isnull=True).order_by("name")
    entries = [services.Entry("CDS.TOCNS", str(team)), services.Entry("CDS.WIFI", wifi)]
    for i, village in enumerate(villages):
        hh = households - 17 * i
        poor = hh + 5 if violate and i == 0 else round(hh * poor_share)
        entries += [services.Entry("CDS.HO", str(hh), village.pk), services.Entry("CDS.HONGHEO", str(poor), village.pk)]
    return entries


def _fill(dataset, commune, period, today, official, final) -> None:
    staff = User.objects.get(username=STAFF[commune.pk])
    clerk = User.objects.get(username=STAFF[commune.pk].replace("specialist", "clerk"))
    ret = services.return_open(actor=staff, dataset=dataset, commune=commune, period_key=period.key, today=today)
    figures = FIGURES[commune.pk]
    if commune.pk == "06862":  # Tiên Yên fills the spreadsheet it downloaded and uploads it
        _upload(staff, ret, _entries(commune, *figures))
    elif commune.pk == "06994":  # Vân Đồn filled it offline; its browser sends it when the link is back
        entries = _entries(commune, *figures, violate=not final)
        services.values_save(actor=staff, ret=ret, entries=entries, source=Source.OFFLINE,
                             seen_versions={(e.element, e.slot): 0 for e in entries})
        if not final:  # the check caught more poor households than households: it stays a draft
            return
    else:
        services.values_save(actor=staff, ret=ret, entries=_entries(commune, *figures))
    ret = services.return_submit(actor=clerk, ret=ret)
    if final or commune.pk == "06688":
        services.return_approve(actor=official, ret=ret)


def _upload(staff, ret, entries) -> None:
    """The spreadsheet as a commune fills it: the generated template, with the figures typed in."""
    book = load_workbook(io.BytesIO(sheets.template_xlsx(ret)))
    sheet = book.active
    typed = {(e.element, e.village_id): e.raw for e in entries}
    villages = {v.name: v.pk for v in Village.objects.filter(commune=ret.commune)}
    for row in sheet.iter_rows(min_row=sheets.DATA_ROW):
        key = (row[0].value, villages.get(row[3].value))
        if key in typed:
            row[6].value = typed[key]  # the "Value" column
    out = io.BytesIO()
    book.save(out)
    sheets.upload_save(actor=staff, ret=ret, upload=SimpleUploadedFile(
        f"{ret.dataset.code}-{ret.period}.xlsx", out.getvalue()))

