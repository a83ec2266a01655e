# SPDX-License-Identifier: AGPL-3.0-or-later
"""Importing a procedure list: all rows or none, the same file twice changes nothing, versions by date."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xaso.core.audit.models import AuditEvent
from xaso.modules.procedures import imports, selectors, services
from xaso.modules.procedures.models import Procedure, ProcedureComponent, Sector

from .files import ROW, csv_bytes, csv_file, xlsx


def run(actor, upload):
    return services.procedures_import(actor=actor, rows=imports.read(upload))


def test_it_imports_xlsx_with_components_and_the_same_rows_from_csv_change_nothing(users):
    assert run(users["paula"], xlsx([ROW])) == {"created": 1, "updated": 0, "unchanged": 0}
    procedure = Procedure.objects.get(code="1.001193")
    assert [(c.name, c.original_count, c.copy_count, c.digital_accepted, c.required, c.note)
            for c in procedure.components.all()] == [
        ("Tờ khai", 1, 0, True, True, ""), ("Giấy chứng sinh", 1, 0, True, False, "Không có thì giấy cam đoan")]
    assert procedure.cutoff_time == dt.time(15, 0) and procedure.effective_from == dt.date(2025, 7, 1)
    assert procedure.sector.name == "Hộ tịch" and not procedure.is_sample
    events = AuditEvent.objects.count()
    assert run(users["paula"], csv_file([ROW])) == {"created": 0, "updated": 0, "unchanged": 1}
    assert AuditEvent.objects.count() == events  # nothing changed, nothing recorded


def test_it_updates_a_version_in_place_when_a_row_differs(users):
    run(users["paula"], csv_file([ROW]))
    first = Procedure.objects.get()
    changed = {**ROW, "fee": "30.000", "components": "Tờ khai|1|0|yes|yes"}
    assert run(users["paula"], csv_file([changed])) == {"created": 0, "updated": 1, "unchanged": 0}
    procedure = Procedure.objects.get()
    assert procedure.pk == first.pk and procedure.fee == Decimal(30000)
    assert list(procedure.components.values_list("name", flat=True)) == ["Tờ khai"]
    event = AuditEvent.objects.filter(action="xaso.procedures.procedure.updated").get()
    assert event.before["fee"] == "0" and event.after["fee"] == "30000"


def test_it_refuses_the_whole_file_naming_each_row_and_field_in_vietnamese(users):
    good = {**ROW, "code": "1.000656", "name": "Đăng ký khai tử"}
    bad = {**ROW, "code": "1.000002", "processing_days": "abc", "effective_from": "31/02/2025"}
    worse = {**ROW, "code": "1.000003", "online_level": "sometimes", "components": "Tờ khai|một|0|yes|yes"}
    with pytest.raises(ValidationError) as refused:
        run(users["paula"], xlsx([good, bad, worse], blank_lines_before=1))
    messages = refused.value.messages
    # Row 2 is blank in the sheet, so the rows at fault are the sheet's rows 4 and 5.
    assert len(messages) == 2 and messages[0].startswith("Dòng 4:") and messages[1].startswith("Dòng 5:")
    assert "processing_days" in messages[0] and "effective_from" in messages[0] and "ngày" in messages[0]
    assert "online_level" in messages[1] and "components" in messages[1]
    assert not Procedure.objects.exists() and not Sector.objects.exists() and not ProcedureComponent.objects.exists()


@pytest.mark.parametrize("row, field", [
    ({"fee": "-5"}, "fee"), ({"processing_days": "400"}, "processing_days"), ({"cutoff_time": "3pm"}, "cutoff_time"),
    ({"effective_to": "30/06/2025"}, "effective_to"), ({"level": "village"}, "level"), ({"name": ""}, "name"),
    ({"form_fields": '[{"key": "Họ tên", "type": "text"}]'}, "form_fields"),
    ({"form_fields": '[{"key": "kind", "type": "choice"}]'}, "form_fields"),
    ({"national_portal_url": "javascript:alert(1)"}, "national_portal_url"),
    ({"components": "Tờ khai|1|0|perhaps|yes"}, "components"),
])
def test_it_names_the_field_at_fault(users, row, field):
    with pytest.raises(ValidationError) as refused:
        run(users["paula"], csv_file([{**ROW, **row}]))
    assert refused.value.messages[0].startswith("Dòng 2:") and field in refused.value.messages[0]
    assert not Procedure.objects.exists()


def test_it_refuses_files_that_are_not_the_template(users):
    for upload in (SimpleUploadedFile("x.xlsx", b"not a workbook"), SimpleUploadedFile("x.csv", b"a,b\n1,2\n"),
                   SimpleUploadedFile("x.pdf", b"%PDF-1.4"), SimpleUploadedFile("x.csv", "tên,năm".encode("cp1258")),
                   SimpleUploadedFile("x.csv", b"code," + b"x" * 200_000), csv_file([])):
        with pytest.raises(ValidationError):
            imports.read(upload)
    with pytest.raises(ValidationError) as twice:
        run(users["paula"], csv_file([ROW, ROW]))
    assert "Dòng 3" in twice.value.messages[0]


def test_the_version_in_force_on_a_day_is_chosen(users):
    older = {**ROW, "effective_to": "31/12/2026"}
    newer = {**ROW, "processing_days": "2", "effective_from": "01/01/2027"}
    run(users["paula"], csv_file([older, newer]))
    assert selectors.procedure_in_force("1.001193", on=dt.date(2025, 6, 30)) is None
    assert selectors.procedure_in_force("1.001193", on=dt.date(2026, 12, 31)).processing_days == 1
    assert selectors.procedure_in_force("1.001193", on=dt.date(2027, 1, 1)).processing_days == 2
    assert Procedure.objects.in_force(dt.date(2027, 1, 1)).get().effective_from == dt.date(2027, 1, 1)
    assert [p.processing_days for p in selectors.procedures(on=dt.date(2026, 6, 1))] == [1]


def test_only_the_province_and_administrators_import(users):
    for name in ("olivia", "hana", "cindy"):
        with pytest.raises(PermissionDenied):
            run(users[name], csv_file([ROW]))
    assert run(users["ada"], csv_file([ROW]))["created"] == 1


def test_the_import_page_is_the_provinces_and_shows_the_rows_at_fault(users, client_for):
    assert client_for("olivia").get("/procedures/import/").status_code == 404
    paula = client_for("paula")
    refused = paula.post("/procedures/import/", {"file": csv_file([{**ROW, "fee": "nhiều"}])})
    assert refused.status_code == 200 and "Dòng 2" in refused.content.decode() and not Procedure.objects.exists()
    response = paula.post("/procedures/import/", {"file": xlsx([ROW])})
    assert response.status_code == 302 and Procedure.objects.filter(code="1.001193").exists()


def test_the_template_is_made_from_the_columns_and_imports_nothing_unfilled(users, client):
    book = load_workbook(io.BytesIO(client.get("/procedures/template.xlsx").content))
    assert [c.value for c in book.worksheets[0][1]] == list(imports.COLUMNS)
    assert book.worksheets[0].max_row == 1
    guide = [[c.value for c in row] for row in book.worksheets[1].iter_rows(min_row=2)]
    assert [r[0] for r in guide] == list(imports.COLUMNS) and all(r[2] for r in guide)
    example = {r[0]: r[3] for r in guide}  # the example on the guide sheet is itself a valid row
    assert run(users["paula"], csv_file([{k: "" if v is None else v for k, v in example.items()}]))["created"] == 1


def test_the_command_imports_a_file_and_refuses_a_bad_one(users, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes([ROW]))
    bad.write_bytes(csv_bytes([{**ROW, "code": "1.000009", "processing_days": "-1"}]))
    out = io.StringIO()
    call_command("procedures", "import", str(good), stdout=out)
    assert "1 created" in out.getvalue()
    with pytest.raises(CommandError, match="Dòng 2"):
        call_command("procedures", "import", str(bad))
    with pytest.raises(CommandError):
        call_command("procedures", "import", str(tmp_path / "missing.csv"))
    assert list(Procedure.objects.values_list("code", flat=True)) == ["1.001193"]


def test_the_api_imports_for_managers_and_lists_the_rows_at_fault(users):
    paula, olivia = APIClient(), APIClient()
    paula.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users['paula']).key}")
    olivia.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users['olivia']).key}")
    url = "/api/v1/procedures/import/"
    assert olivia.post(url, {"file": csv_file([ROW])}, format="multipart").status_code == 404
    assert APIClient().post(url, {"file": csv_file([ROW])}, format="multipart").status_code in (401, 403, 404)
    refused = paula.post(url, {"file": csv_file([{**ROW, "processing_days": ""}])}, format="multipart")
    assert refused.status_code == 400 and refused.json()["file"][0].startswith("Dòng 2")
    assert not Procedure.objects.exists()
    assert paula.post(url, {"file": xlsx([ROW])}, format="multipart").json() == {
        "created": 1, "updated": 0, "unchanged": 0}
