# SPDX-License-Identifier: AGPL-3.0-or-later
"""The procedure list: imported all or nothing, versions by date, chosen by each commune, found by anyone."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xaso import testing
from xaso.core.places.models import Commune
from xaso.modules.procedures import forms, imports, seed, selectors, services
from xaso.modules.procedures.models import Procedure

ROW = {"code": "1.001193", "name": "Đăng ký khai sinh", "sector_code": "HT", "sector_name": "Hộ tịch",
       "level": "commune", "processing_days": "1", "cutoff_time": "15:00", "fee": "0", "result_type": "Giấy khai sinh",
       "online_level": "full", "effective_from": "01/07/2025",
       "components": "Tờ khai|1|0|yes|yes; Giấy chứng sinh|1|0|có|không"}


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(imports.COLUMNS))
    for row in rows:
        sheet.append([row.get(c, "") for c in imports.COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("thu-tuc.xlsx", buffer.getvalue())


def csv_file(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=imports.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("thu-tuc.csv", buffer.getvalue().encode("utf-8-sig"))


def test_it_imports_xlsx_and_csv_with_components(users):
    counts = services.procedures_import(actor=users["paula"], rows=imports.read(xlsx([ROW])))
    assert counts == {"created": 1, "updated": 0, "unchanged": 0}
    procedure = Procedure.objects.get(code="1.001193")
    assert [(c.name, c.original_count, c.required) for c in procedure.components.all()] == [
        ("Tờ khai", 1, True), ("Giấy chứng sinh", 1, False)]
    assert procedure.cutoff_time == dt.time(15, 0) and procedure.effective_from == dt.date(2025, 7, 1)
    again = services.procedures_import(actor=users["paula"], rows=imports.read(csv_file([ROW])))
    assert again == {"created": 0, "updated": 0, "unchanged": 1}


def test_one_bad_row_refuses_the_whole_file_naming_the_row(users):
    bad = {**ROW, "code": "1.000002", "processing_days": "abc", "effective_from": "31/02/2025"}
    with pytest.raises(ValidationError) as refused:
        services.procedures_import(actor=users["paula"], rows=imports.read(csv_file([ROW, bad])))
    text = " ".join(refused.value.messages)
    assert "3" in text and "processing_days" in text and "effective_from" in text
    assert not Procedure.objects.exists()
    with pytest.raises(ValidationError):
        imports.read(SimpleUploadedFile("x.xlsx", b"not a workbook"))
    with pytest.raises(ValidationError):
        imports.read(SimpleUploadedFile("x.csv", b"a,b\n1,2\n"))  # not the template


def test_the_version_in_force_on_a_day_is_chosen(users):
    newer = {**ROW, "processing_days": "2", "effective_from": "01/01/2027"}
    older = {**ROW, "effective_to": "31/12/2026"}
    services.procedures_import(actor=users["paula"], rows=imports.read(csv_file([older, newer])))
    assert selectors.procedure_in_force("1.001193", on=dt.date(2026, 6, 1)).processing_days == 1
    assert selectors.procedure_in_force("1.001193", on=dt.date(2027, 6, 1)).processing_days == 2


def test_only_the_province_imports(users):
    with pytest.raises(PermissionDenied):
        services.procedures_import(actor=users["olivia"], rows=imports.read(csv_file([ROW])))


def test_the_sample_list_is_loaded_once_and_marked(users):
    first = seed.seed_sample_procedures()
    again = seed.seed_sample_procedures()
    assert first["created"] >= 10 and again["created"] == 0 and again["updated"] == 0
    assert not Procedure.objects.filter(is_sample=False).exists()


def test_each_commune_chooses_its_procedures(users):
    seed.seed_sample_procedures()
    commune = Commune.objects.get(pk=testing.COMMUNE_A)
    changed = services.enablement_set(actor=users["olivia"], commune=commune, codes=["1.001193", "9.nope"])
    assert changed == {"added": ["1.001193"], "removed": []}
    assert [p.code for p in selectors.enabled_procedures(commune)] == ["1.001193"]
    for outsider in ("charlie", "paula"):
        with pytest.raises(PermissionDenied):
            services.enablement_set(actor=users[outsider], commune=commune, codes=[])


def test_the_public_finds_a_procedure_with_or_without_diacritics(users, client):
    seed.seed_sample_procedures()
    for query in ("khai sinh", "Đăng ký khai sinh", "dang ky khai sinh", "DANG KY KHAI SINH"):
        page = client.get("/procedures/", {"q": query})
        assert [p.code for p in page.context["procedures"]] == ["1.001193"], query
    assert "Dữ liệu mẫu" in client.get("/procedures/").content.decode()


def test_the_guide_says_what_to_bring_how_long_and_how_much(users, client):
    seed.seed_sample_procedures()
    body = client.get("/procedures/2.000815/").content.decode()
    assert "Bản chính giấy tờ cần chứng thực" in body and "2000" in body.replace(".", "")
    assert client.get("/procedures/0.000000/").status_code == 404


def test_the_import_page_is_the_provinces_and_the_template_matches(users, client_for):
    assert client_for("olivia").get("/procedures/import/").status_code == 404
    paula = client_for("paula")
    response = paula.post("/procedures/import/", {"file": xlsx([ROW])})
    assert response.status_code == 302 and Procedure.objects.filter(code="1.001193").exists()
    template = load_workbook(io.BytesIO(paula.get("/procedures/template.xlsx").content)).active
    assert [c.value for c in template[1]] == list(imports.COLUMNS)


def test_the_online_form_checks_its_fields(users):
    seed.seed_sample_procedures()
    procedure = selectors.procedure_in_force("1.004222")
    bad = forms.fields_form(procedure, data={"address": "Tổ 1", "phone": "123"})
    assert not bad.is_valid() and "phone" in bad.errors
    assert forms.fields_form(procedure, data={"address": "Tổ 1", "phone": "0912345678"}).is_valid()


def test_the_api_reads_publicly_and_changes_within_the_commune(users):
    seed.seed_sample_procedures()
    assert len(APIClient().get("/api/v1/procedures/").json()["results"]) >= 10
    url = f"/api/v1/procedures/communes/{testing.COMMUNE_A}/enabled/"
    olivia, charlie = APIClient(), APIClient()
    olivia.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users['olivia']).key}")
    charlie.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users['charlie']).key}")
    assert olivia.put(url, {"codes": ["2.000815"]}, format="json").json() == {"codes": ["2.000815"]}
    assert charlie.put(url, {"codes": []}, format="json").status_code == 404
    assert APIClient().get(url).json() == {"codes": ["2.000815"]}
