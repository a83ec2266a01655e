# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's bulk import of values: a long CSV, all or nothing, history kept on re-import, locked periods
refused, and only a province official of the dataset's province may run it."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from xaso.core.audit.models import AuditEvent
from xaso.core.places.models import Commune, Village
from xaso.modules.datasets import imports, services
from xaso.modules.datasets.models import Return, Source, Status, Value, ValueChange
from xaso.modules.datasets.tests.conftest import make_dataset
from xaso.testing import COMMUNE_A, COMMUNE_B, PROVINCE

HEADER = "commune,period,element,village,sex,value,comment\n"


def _csv(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\ufeff" + HEADER + "".join(line + "\n" for line in lines)).encode())


def _import(users, dataset, *lines, who="paula"):
    return imports.values_import(actor=users[who], dataset=dataset, stream=_csv(*lines))


def _row(n: int) -> str:
    return _("row %(row)d") % {"row": n}


def _state():
    return (Return.objects.count(), sorted(Value.objects.values_list("ret_id", "element_id", "slot", "text",
                                                                      "comment", "version")),
            ValueChange.objects.count(), AuditEvent.objects.filter(action="xaso.datasets.values.imported").count())


A = f"{COMMUNE_A},2025Q3"
GOOD = [f"{A},HH,Khu 1,,120,", f"{A},HH,khu  2,,1.250,", f"{A},POOR,Khu 1,,12,", f"{A},RATE,,,\"45,5\",Ước tính",
        f"{A},WIFI,,,có,", f"{A},ROAD,,,nhựa,", f"{COMMUNE_A},2025Q2,HH,Khu 1,,118,",
        f"{COMMUNE_B},2025Q3,HH,Thôn Đông,,300,", "6862,2025Q3,DOSSIERS,,,7,"]


def test_it_imports_a_long_csv_and_opens_the_returns_it_needs(users, dataset, villages):
    result = _import(users, dataset, *GOOD, "")
    assert (result.rows, result.inserted, result.updated, result.returns_created) == (10, 9, 0, 3)
    ret = Return.objects.get(dataset=dataset, commune_id=COMMUNE_A, period="2025Q3")
    assert ret.status == Status.DRAFT and ret.due_date.isoformat() == "2025-10-10"
    stored = {(v.element.code, v.slot): v for v in Value.objects.filter(ret=ret).select_related("element")}
    a1, a2 = f"v{villages['a1'].pk}", f"v{villages['a2'].pk}"
    assert {k: v.text for k, v in stored.items()} == {("HH", a1): "120", ("HH", a2): "1250", ("POOR", a1): "12",
                                                      ("RATE", ""): "45.5", ("WIFI", ""): "yes", ("ROAD", ""): "Nhựa"}
    assert stored[("HH", a2)].number == 1250 and stored[("RATE", "")].number == 45.5
    assert stored[("RATE", "")].comment == "Ước tính" and stored[("HH", a1)].source == Source.IMPORT
    assert stored[("HH", a1)].updated_by == users["paula"] and stored[("HH", a1)].village == villages["a1"]
    assert Value.objects.get(ret__commune_id=COMMUNE_B, element__code="DOSSIERS").text == "7"  # 6862: Excel's
    event = AuditEvent.objects.get(action="xaso.datasets.values.imported")
    assert event.after["inserted"] == 9 and event.after["returns_created"] == 3


def test_a_re_import_keeps_the_history_of_every_changed_figure(users, dataset, villages):
    _import(users, dataset, *GOOD)
    result = _import(users, dataset, f"{A},HH,Khu 1,,125,Đã rà soát", f"{A},POOR,Khu 1,,12,", f"{A},WIFI,,,,",
                     f"{A},POOR,Khu 2,,,", f"{A},ONLINE,,,3,")
    assert (result.inserted, result.updated, result.unchanged, result.returns_created) == (1, 2, 2, 0)
    hh = Value.objects.get(ret__period="2025Q3", element__code="HH", village=villages["a1"])
    assert (hh.text, hh.comment, hh.version) == ("125", "Đã rà soát", 2)
    changes = {(c.value.element.code, c.old_text, c.new_text, c.source, c.actor_id)
               for c in ValueChange.objects.select_related("value__element")}
    assert changes == {("HH", "120", "125", Source.IMPORT, users["paula"].pk),
                       ("WIFI", "yes", "", Source.IMPORT, users["paula"].pk)}  # emptied, as the form does
    assert not Value.objects.filter(element__code="POOR", village=villages["a2"]).exists()  # nothing to clear


def test_one_bad_row_at_the_end_of_a_big_file_stores_nothing(users, dataset, villages):
    many = [Village.objects.create(commune_id=COMMUNE_A, name=f"Tổ {i}").name for i in range(30)]
    lines = [f"{COMMUNE_A},{year}Q{q},{code},{village},,{year + q},"
             for year in range(2000, 2026) for q in range(1, 5) for code in ("HH", "POOR") for village in many]
    assert len(lines) > imports.CHUNK  # the faulty row comes after a chunk that was fine and staged
    before = _state()
    with pytest.raises(ValidationError) as exc:
        _import(users, dataset, *lines, f"{COMMUNE_A},2025Q4,RATE,,,150,")
    assert exc.value.messages[1] == f"{_row(len(lines) + 2)}, RATE: " + _("At most %(n)s.") % {"n": 100}
    assert len(exc.value.messages) == 2
    assert _state() == before  # not one value, not one of the returns opened on the way


def test_it_lists_every_kind_of_fault_with_its_row_and_the_total(users, dataset, villages):
    bad = [f"{COMMUNE_A},2025Q3,HH,Khu 9,,1,", f"{COMMUNE_A},2025Q3,NOPE,,,1,", "99999,2025Q3,HH,Khu 1,,1,",
           "00070,2025Q3,DOSSIERS,,,1,", f"{COMMUNE_A},2025M07,DOSSIERS,,,1,", f"{COMMUNE_A},2099Q1,DOSSIERS,,,1,",
           f"{COMMUNE_A},2025Q3,DOSSIERS,,,mười,", f"{COMMUNE_A},2025Q3,HH,,,1,", f"{COMMUNE_A},2025Q3,WIFI,,nam,có,",
           f"{COMMUNE_A},2025Q3,HH,Khu 1,x,1,"]
    before = _state()
    with pytest.raises(ValidationError) as exc:
        _import(users, dataset, *bad, *(f"{COMMUNE_A},2025Q3,RATE,,,{101 + i}," for i in range(250)))
    messages = exc.value.messages
    assert len(messages) == 1 + imports.MAX_FAULTS
    assert messages[0] == _("Nothing was imported: %(n)d faults were found; the first %(shown)d are listed.") % {
        "n": 260, "shown": imports.MAX_FAULTS}
    assert [m.split(":")[0] for m in messages[1:11]] == [
        f"{_row(n)}, {code}" for n, code in enumerate(["HH", "NOPE", "HH", "DOSSIERS", "DOSSIERS", "DOSSIERS",
                                                       "DOSSIERS", "HH", "WIFI", "HH"], start=2)]
    assert "Khu 9" in messages[1] and "99999" in messages[3]
    assert _state() == before


def test_a_figure_given_twice_is_a_fault(users, dataset, villages):
    with pytest.raises(ValidationError) as exc:
        _import(users, dataset, f"{COMMUNE_A},2025Q3,HH,Khu 1,,1,", f"{COMMUNE_A},2025Q3,HH,Khu 2,,2,",
                f"{COMMUNE_A},2025Q3,HH,KHU 1,,3,")
    assert exc.value.messages[1] == f"{_row(4)}, HH: " + _("this figure is also given in row %(row)d.") % {"row": 2}
    assert not Value.objects.exists()


def test_a_submitted_return_is_a_locked_period(users, dataset, villages):
    ret = services.return_open(actor=users["alice"], dataset=dataset, commune=Commune.objects.get(pk=COMMUNE_A),
                               period_key="2025Q3")
    Return.objects.filter(pk=ret.pk).update(status=Status.SUBMITTED)
    before = _state()
    with pytest.raises(ValidationError) as exc:
        _import(users, dataset, f"{COMMUNE_B},2025Q3,HH,Thôn Đông,,3,", f"{COMMUNE_A},2025Q3,HH,Khu 1,,1,",
                f"{COMMUNE_A},2025Q3,HH,Khu 2,,2,")
    assert len(exc.value.messages) == 2 and exc.value.messages[1].startswith(f"{_row(3)}, HH: ")
    assert "2025Q3" in exc.value.messages[1]
    assert _state() == before


def test_it_refuses_a_file_without_the_columns_and_one_that_is_not_utf8(users, dataset):
    with pytest.raises(ValidationError) as exc:
        imports.values_import(actor=users["paula"], dataset=dataset, stream=io.BytesIO(b"xa,ky,gia tri\n1,2,3\n"))
    assert exc.value.code == "header"
    with pytest.raises(ValidationError) as exc:
        imports.values_import(actor=users["paula"], dataset=dataset,
                              stream=io.BytesIO(HEADER.encode() + b"06688,2025Q3,RATE,,,5,\xdb\xf4c t\xecnh\n"))
    assert exc.value.code == "encoding"
    assert not Return.objects.exists()


def test_only_the_province_s_officials_may_import(users, dataset, villages):
    for who in ("oscar", "alice", "charlie"):
        with pytest.raises(PermissionDenied):
            _import(users, dataset, *GOOD, who=who)
    other = make_dataset("HN.Q1", province="01")
    with pytest.raises(PermissionDenied):
        _import(users, other, "00070,2025Q3,DOSSIERS,,,1,")  # paula, into Hà Nội's dataset
    assert not Value.objects.exists()
    assert _import(users, dataset, *GOOD, who="ada").inserted == 9  # the system administrator may


def test_the_command_imports_a_file_on_disk(users, dataset, villages, tmp_path):
    path = tmp_path / "values.csv"
    path.write_bytes(_csv(*GOOD).getvalue())
    result = imports.import_file(path, "QN.Q1", PROVINCE)
    assert result.inserted == 9 and Value.objects.filter(updated_by__isnull=True).count() == 9
    with pytest.raises(ValidationError):
        imports.import_file(path, "NOPE", PROVINCE)


# --- The page -----------------------------------------------------------------------------------------


def _url(province=PROVINCE, code="QN.Q1"):
    return reverse("datasets:values_import", kwargs={"province_code": province, "dataset_code": code})


def _file(*lines, name="so-lieu.csv"):
    return SimpleUploadedFile(name, _csv(*lines).getvalue(), content_type="text/csv")


def test_the_page_imports_and_shows_the_counts(client_for, dataset, villages):
    paula = client_for("paula")
    page = paula.get(_url())
    assert page.status_code == 200 and b"commune,period,element,village,sex,value,comment" in page.content
    done = paula.post(_url(), {"file": _file(*GOOD)}, follow=True)
    assert done.status_code == 200 and Value.objects.count() == 9
    message = [str(m) for m in done.context["messages"]][0]
    assert "9" in message and "3" in message


def test_the_page_shows_every_fault_and_stores_nothing(client_for, dataset, villages):
    refused = client_for("paula").post(_url(), {"file": _file(f"{COMMUNE_A},2025Q3,HH,Khu 9,,1,",
                                                              f"{COMMUNE_A},2025Q3,RATE,,,150,")})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Khu 9" in body and f"{_row(3)}, RATE" in body
    assert not Value.objects.exists() and not Return.objects.exists()
    workbook = client_for("paula").post(_url(), {"file": SimpleUploadedFile("x.csv", b"PK\x03\x04" + bytes(200))})
    assert workbook.status_code == 400 and not Return.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("oscar", 404), ("cindy", 404), ("charlie", 403), ("alice", 403),
                                             ("hana", 403)])
def test_outsiders_and_commune_officials_cannot_open_the_page(client_for, dataset, villages, who, status):
    client = client_for(who)
    assert client.get(_url()).status_code == status
    assert client.post(_url(), {"file": _file(*GOOD)}).status_code == status
    assert not Value.objects.exists()


def test_an_unknown_dataset_or_province_is_not_found(client_for, dataset):
    paula = client_for("paula")
    assert paula.get(_url(code="NOPE")).status_code == 404
    assert paula.get(_url(province="99")).status_code == 404
    assert paula.get(_url(province="01")).status_code == 404  # another province: its datasets are not hers
