# SPDX-License-Identifier: AGPL-3.0-or-later
"""Spreadsheets for returns: the template made from the dataset for one commune and period, filled in Excel
and uploaded back; every bad upload refused with every fault and nothing stored."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook

from xaso.core.places.models import Commune
from xaso.modules.datasets import services, sheets
from xaso.modules.datasets.models import (
    DataElement,
    DatasetElement,
    Disaggregation,
    Sex,
    Source,
    Value,
    ValueChange,
)
from xaso.modules.datasets.services import Entry
from xaso.testing import COMMUNE_A

TODAY = datetime.date(2026, 11, 20)


def _open(users, dataset, period="2026Q3"):
    return services.return_open(actor=users["alice"], dataset=dataset, commune=Commune.objects.get(pk=COMMUNE_A),
                                period_key=period, today=TODAY)


def _fill_xlsx(data: bytes, answers: dict) -> bytes:
    """Type into the template as an official would in Excel: ``answers`` maps (code, village, sex) to a value
    (and optionally a comment, as a pair)."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for row in range(sheets.DATA_ROW, ws.max_row + 1):
        key = tuple(ws.cell(row, c).value or "" for c in (1, 4, 5))
        if key in answers:
            value = answers[key]
            value, comment = value if isinstance(value, tuple) else (value, None)
            ws.cell(row, 7, value)
            if comment is not None:
                ws.cell(row, 8, comment)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _retype(data: bytes, old: str, new: str) -> bytes:
    """Every cell that says ``old`` made to say ``new`` (the sheet's protection has no password)."""
    wb = load_workbook(io.BytesIO(data))
    for row in wb.worksheets[0].iter_rows():
        for cell in row:
            if cell.value == old:
                cell.value = new
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ANSWERS = {("HH", "Khu 1", ""): 120, ("HH", "Khu 2", ""): 80, ("POOR", "Khu 1", ""): 12,
           ("POOR", "Khu 2", ""): "8", ("DOSSIERS", "", ""): 30, ("ONLINE", "", ""): 20, ("RATE", "", ""): 45.5,
           ("WIFI", "", ""): "có", ("ROAD", "", ""): "Nhựa"}


def _upload(data: bytes, name="bao-cao.xlsx"):
    return SimpleUploadedFile(name, data)


def _state():
    return (sorted(Value.objects.values_list("element__code", "slot", "text", "comment", "version")),
            ValueChange.objects.count())


def test_it_makes_a_template_that_says_which_return_it_is_for(users, dataset, villages):
    last = _open(users, dataset, "2026Q2")
    services.values_save(actor=users["alice"], ret=last, entries=[Entry("HH", "110", villages["a1"].pk)])
    ret = _open(users, dataset)
    ws = load_workbook(io.BytesIO(sheets.template_xlsx(ret))).worksheets[0]
    assert [ws.cell(r, 2).value for r in range(2, 6)] == ["QN.Q1", "1", COMMUNE_A, "2026Q3"]
    header = [ws.cell(sheets.DATA_ROW - 1, c).value for c in range(1, 9)]
    assert header[0] == pgettext("data template", "Element code")  # in the site's language
    assert header[6] == pgettext("data template", "Value")
    rows = [[ws.cell(r, c).value for c in range(1, 9)] for r in range(sheets.DATA_ROW, ws.max_row + 1)]
    assert [(r[0], r[3]) for r in rows[:4]] == [("HH", "Khu 1"), ("HH", "Khu 2"), ("POOR", "Khu 1"), ("POOR", "Khu 2")]
    assert rows[0][5] == 110  # last period's figure beside this one
    dossiers = next(r for r in rows if r[0] == "DOSSIERS")
    assert dossiers[6] == 0  # what xaso already knows is pre-filled
    assert ws.protection.sheet and ws.cell(sheets.DATA_ROW, 1).protection.locked
    assert not ws.cell(sheets.DATA_ROW, 7).protection.locked and not ws.cell(sheets.DATA_ROW, 8).protection.locked
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    road_row = sheets.DATA_ROW + [r[0] for r in rows].index("ROAD")
    assert f"G{road_row}" in lists


def test_it_round_trips_a_filled_workbook(users, dataset, villages):
    ret = _open(users, dataset)
    filled = _fill_xlsx(sheets.template_xlsx(ret), {**ANSWERS, ("DOSSIERS", "", ""): (30, "Đợt cao điểm")})
    saved = sheets.upload_save(actor=users["bob"], ret=ret, upload=_upload(filled, "ten-bat-ky.bin"))
    stored = {(v.element.code, v.slot): v for v in Value.objects.filter(ret=ret).select_related("element")}
    a1 = f"v{villages['a1'].pk}"
    assert stored[("HH", a1)].text == "120" and stored[("HH", a1)].source == Source.UPLOAD
    assert stored[("RATE", "")].text == "45.5" and stored[("WIFI", "")].text == "yes"
    assert stored[("ROAD", "")].text == "Nhựa" and stored[("DOSSIERS", "")].comment == "Đợt cao điểm"
    assert saved.changed == 9  # DOSSIERS changed from the pre-filled 0, ONLINE too; nothing else twice
    again = sheets.upload_save(actor=users["bob"], ret=ret, upload=_upload(sheets.template_xlsx(ret)))
    assert again.changed == 0  # the template of a filled return holds what is stored


def test_it_round_trips_a_csv_saved_by_excel(users, dataset, villages):
    ret = _open(users, dataset)
    data = sheets.template_csv(ret)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    for row in rows[1:]:
        row[2] = row[2].lstrip("0")  # Excel turns "06688" into a number and saves 6688
        key = (row[4], row[7], row[8])
        if key in ANSWERS:
            row[10] = str(ANSWERS[key]).replace(".", ",")  # and writes 45,5 in a Vietnamese locale
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    sheets.upload_save(actor=users["bob"], ret=ret, upload=_upload(out.getvalue().encode("utf-8-sig"), "x.csv"))
    assert Value.objects.get(ret=ret, element__code="RATE").text == "45.5"
    assert Value.objects.get(ret=ret, element__code="POOR", village=villages["a2"]).text == "8"


def test_it_reads_sexes_in_either_language(users, dataset, villages):
    element = DataElement.objects.create(province_id=dataset.province_id, code="LEARN", name="Số người học kỹ năng số",
                                         disaggregation=Disaggregation.SEX, unit="người")
    DatasetElement.objects.create(dataset=dataset, element=element, order=9)
    ret = _open(users, dataset)
    ws = load_workbook(io.BytesIO(sheets.template_xlsx(ret))).worksheets[0]
    sexes = [ws.cell(r, 5).value for r in range(sheets.DATA_ROW, ws.max_row + 1) if ws.cell(r, 1).value == "LEARN"]
    assert sexes == [str(Sex.MALE.label), str(Sex.FEMALE.label)]
    filled = _fill_xlsx(sheets.template_xlsx(ret), {("LEARN", "", sexes[0]): 7, ("LEARN", "", sexes[1]): 9})
    sheets.upload_save(actor=users["bob"], ret=ret, upload=_upload(filled))
    assert dict(Value.objects.filter(ret=ret, element=element).values_list("slot", "text")) == {"male": "7",
                                                                                               "female": "9"}
    keys = ["QN.Q1", "1", COMMUNE_A, "2026Q3"]
    text = "h\n" + "\n".join(",".join(keys + ["LEARN", "", "", "", sex, "", n, ""])  # typed by hand, in CSV
                             for sex, n in (("male", "8"), ("NỮ", "10")))
    sheets.upload_save(actor=users["bob"], ret=ret, upload=_upload(text.encode(), "x.csv"))
    assert dict(Value.objects.filter(ret=ret, element=element).values_list("slot", "text")) == {"male": "8",
                                                                                               "female": "10"}


@pytest.mark.parametrize("case", ["old_version", "text_in_number", "out_of_range", "unknown_village", "oversized",
                                  "not_a_spreadsheet", "pdf", "other_commune", "unknown_element"])
def test_every_bad_upload_is_refused_and_changes_nothing(users, dataset, villages, case, settings):
    ret = _open(users, dataset)
    template = sheets.template_xlsx(ret)
    answers = dict(ANSWERS)
    data = None
    if case == "old_version":
        dataset.version += 1
        dataset.save()
        ret.dataset.refresh_from_db()
    elif case == "text_in_number":
        answers[("HH", "Khu 1", "")] = "một trăm"
    elif case == "out_of_range":
        answers[("RATE", "", "")] = 120
    elif case == "oversized":
        data = b"QN.Q1," * (sheets.MAX_BYTES // 6 + 10)
    elif case == "not_a_spreadsheet":
        data = bytes(range(256)) * 40
    elif case == "pdf":
        data = b"%PDF-1.4\n" + b"\x00\xff" * 100
    filled = data if data is not None else _fill_xlsx(template, answers)
    if case == "unknown_village":
        filled = _retype(filled, "Khu 2", "Khu 9")
    elif case == "other_commune":
        filled = _retype(filled, COMMUNE_A, "06862")
    elif case == "unknown_element":
        filled = _retype(filled, "ROAD", "ROADS")
    before = _state()
    with pytest.raises(ValidationError) as exc:
        sheets.upload_save(actor=users["bob"], ret=ret, upload=_upload(filled))
    row = _("row %(row)d") % {"row": sheets.DATA_ROW}
    expected = {"old_version": "old_template", "text_in_number": f"{row}, HH", "out_of_range": _("At most %(n)s.")
                % {"n": 100}, "unknown_village": "Khu 9", "oversized": "too_big", "not_a_spreadsheet":
                "not_a_spreadsheet", "pdf": "not_a_spreadsheet", "other_commune": "06862", "unknown_element": "ROADS"}
    assert expected[case] in " ".join(exc.value.messages) or exc.value.code == expected[case], exc.value.messages
    assert _state() == before


def test_it_lists_every_fault_of_an_upload_at_once(users, dataset, villages):
    ret = _open(users, dataset)
    answers = {**ANSWERS, ("HH", "Khu 1", ""): "nhiều", ("RATE", "", ""): 150}
    filled = _retype(_fill_xlsx(sheets.template_xlsx(ret), answers), "Khu 2", "Khu 9")
    with pytest.raises(ValidationError) as exc:
        sheets.upload_save(actor=users["bob"], ret=ret, upload=_upload(filled))
    messages = exc.value.messages
    rows = [(_("row %(row)d") % {"row": sheets.DATA_ROW + n}) + f", {code}" for n, code in
            ((0, "HH"), (1, "HH"), (3, "POOR"), (6, "RATE"))]
    assert [m.split(":")[0] for m in messages] == rows  # Khu 2's two rows, then the bad figures, in order
    assert not Value.objects.filter(ret=ret, element__code="HH").exists()


def test_a_locked_return_takes_no_upload(users, dataset, villages):
    ret = _open(users, dataset)
    filled = _fill_xlsx(sheets.template_xlsx(ret), ANSWERS)
    sheets.upload_save(actor=users["bob"], ret=ret, upload=_upload(filled))
    ret = services.return_submit(actor=users["bob"], ret=ret)
    before = _state()
    with pytest.raises(ValidationError) as exc:
        sheets.upload_save(actor=users["bob"], ret=ret, upload=_upload(_fill_xlsx(filled, {("HH", "Khu 1", ""): 1})))
    assert exc.value.code == "locked"
    with pytest.raises(PermissionDenied):
        sheets.upload_save(actor=users["charlie"], ret=ret, upload=_upload(filled))  # another commune's official
    assert _state() == before


def test_it_answers_a_download_of_either_format(users, dataset, villages):
    ret = _open(users, dataset)
    xlsx = sheets.template_response(ret, "xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx["Content-Disposition"] == f'attachment; filename="QN.Q1-{COMMUNE_A}-2026Q3.xlsx"'
    assert sheets.template_response(ret, "csv").content.startswith(b"\xef\xbb\xbf")


def test_text_typed_by_someone_never_runs_as_a_formula(users, dataset, villages):
    element = DataElement.objects.create(province_id=dataset.province_id, code="NOTE", name="=Ghi chú",
                                         value_type="text")
    DatasetElement.objects.create(dataset=dataset, element=element, order=9, required=False)
    ret = _open(users, dataset)
    services.values_save(actor=users["alice"], ret=ret, entries=[Entry("NOTE", "=HYPERLINK(\"http://x\")")])
    ws = load_workbook(io.BytesIO(sheets.template_xlsx(ret))).worksheets[0]
    row = next(r for r in range(sheets.DATA_ROW, ws.max_row + 1) if ws.cell(r, 1).value == "NOTE")
    assert ws.cell(row, 2).data_type == "s" and ws.cell(row, 7).data_type == "s"
    data = sheets.template_csv(ret)
    assert b"'=HYPERLINK" in data and b"'=Ghi" in data
    before = _state()
    assert sheets.upload_save(actor=users["bob"], ret=ret, upload=_upload(data, "x.csv")).changed == 0  # read back
    assert _state() == before
