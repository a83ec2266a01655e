# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's dictionary and catalogue services: elements, datasets, their element lists and rules,
publishing, and definitions loaded from and dumped to the YAML format."""

import copy
import datetime
from decimal import Decimal

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xaso.core.audit.models import AuditEvent
from xaso.core.places.models import Province
from xaso.modules.datasets import definitions as d
from xaso.modules.datasets import definitions_file as f
from xaso.modules.datasets.models import DataElement, Dataset, DatasetElement, Return, ValidationRule, Value
from xaso.testing import COMMUNE_A, COMMUNE_B, OTHER_PROVINCE, PROVINCE


@pytest.fixture
def qn(users):
    return Province.objects.get(pk=PROVINCE)


def _element(users, qn, code="HH", who="paula", **extra):
    fields = {"name": "Số hộ gia đình", "unit": "hộ", "minimum": 0, **extra}
    return d.element_save(actor=users[who], province=qn, code=code, **fields)


def _events(action):
    return AuditEvent.objects.filter(action=action).count()


def test_it_creates_an_element_and_records_nothing_when_nothing_changes(users, qn):
    element = _element(users, qn, disaggregation="village")
    assert (element.name, element.minimum, element.disaggregation) == ("Số hộ gia đình", Decimal(0), "village")
    assert _events("xaso.datasets.element.created") == 1
    again = _element(users, qn, disaggregation="village")
    assert again.pk == element.pk and _events("xaso.datasets.element.updated") == 0
    d.element_save(actor=users["paula"], province=qn, code="HH", unit="hộ gia đình")
    element.refresh_from_db()
    assert element.unit == "hộ gia đình" and element.name == "Số hộ gia đình"  # what was not given stays
    assert _events("xaso.datasets.element.updated") == 1


@pytest.mark.parametrize(("fields", "field"), [
    ({"code": "hh lower"}, "code"),
    ({"value_type": "choice", "choices": []}, "choices"),
    ({"minimum": 10, "maximum": 5}, "maximum"),
    ({"source": "nowhere.known"}, "source"),
    ({"value_type": "text", "minimum": 0}, "minimum"),
    ({"name": ""}, "name"),
    ({"value_type": "percent", "source": "dossiers.received"}, "source"),
    ({"minimum": "NaN"}, "minimum"),
    ({"maximum": "Infinity"}, "maximum"),
    ({"name": ["a list"]}, "name"),
])
def test_it_refuses_a_bad_element_by_field_and_stores_nothing(users, qn, fields, field):
    given = {"code": "X1", "name": "Tên", **fields}
    with pytest.raises(ValidationError) as exc:
        d.element_save(actor=users["paula"], province=qn, **given)
    assert field in exc.value.message_dict
    assert not DataElement.objects.exists()


def test_it_accepts_a_choice_element_and_a_known_source(users, qn):
    road = d.element_save(actor=users["paula"], province=qn, code="ROAD", name="Loại đường", value_type="choice",
                          choices=["Bê tông", "Nhựa"])
    taken = d.element_save(actor=users["paula"], province=qn, code="FR", name="Phản ánh", source="reports.received",
                           disaggregation="village")
    assert road.choices == ["Bê tông", "Nhựa"] and taken.source == "reports.received"


def test_only_a_province_official_of_the_province_changes_the_dictionary(users, qn):
    for who in ("alice", "charlie", "oscar", "cindy"):
        with pytest.raises(PermissionDenied):
            _element(users, qn, code=f"X{who.upper()}", who=who)
    assert _element(users, qn, code="BY.ADA", who="ada").pk  # the system administrator may
    assert not DataElement.objects.exclude(code="BY.ADA").exists()


def test_it_refuses_to_change_the_type_of_an_element_communes_have_reported(users, dataset, villages):
    from xaso.core.places.models import Commune
    from xaso.modules.datasets import services

    ret = services.return_open(actor=users["alice"], dataset=dataset, commune=Commune.objects.get(pk=COMMUNE_A),
                               period_key="2026Q1", today=datetime.date(2026, 4, 2))
    services.values_save(actor=users["alice"], ret=ret, entries=[services.Entry("RATE", "40")])
    qn = dataset.province
    with pytest.raises(ValidationError) as exc:
        d.element_save(actor=users["paula"], province=qn, code="RATE", value_type="number")
    assert "value_type" in exc.value.message_dict
    d.element_save(actor=users["paula"], province=qn, code="RATE", name="Tỷ lệ hộ dùng dịch vụ số (%)")
    with pytest.raises(ValidationError):  # HH is in a rule: it stays a number
        d.element_save(actor=users["paula"], province=qn, code="HH", value_type="text", minimum=None)
    assert Value.objects.filter(element__code="RATE").exists()


def test_it_saves_a_dataset_with_who_reports_and_checks_each_field(users, qn):
    ds = d.dataset_save(actor=users["paula"], province=qn, code="QN.NN", title="Nông nghiệp", area_types=["rural"],
                        communes=[COMMUNE_A], keywords=["nông nghiệp"], component="DL19", period_type="yearly")
    assert ds.published_at is None and ds.area_types == ["rural"]
    assert list(ds.communes.values_list("pk", flat=True)) == [COMMUNE_A]
    from xaso.core.places.models import Commune

    assert ds.reports(Commune.objects.get(pk=COMMUNE_B)) and ds.reports(Commune.objects.get(pk=COMMUNE_A))
    with pytest.raises(ValidationError) as exc:
        d.dataset_save(actor=users["paula"], province=qn, code="QN.NN", area_types=["island"], communes=["00004"],
                       due_days=400, component="NOPE9", approver="someone", period_type="weekly")
    assert {"area_types", "communes", "due_days", "component", "approver", "period_type"} <= set(
        exc.value.message_dict)
    ds.refresh_from_db()
    assert ds.period_type == "yearly" and ds.due_days == 10


def test_it_refuses_a_dataset_of_another_province_to_its_official(users, qn):
    with pytest.raises(PermissionDenied):
        d.dataset_save(actor=users["oscar"], province=qn, code="QN.X", title="X")
    other = Province.objects.get(pk=OTHER_PROVINCE)
    assert d.dataset_save(actor=users["oscar"], province=other, code="HN.X", title="X").province_id == OTHER_PROVINCE


def test_it_raises_the_template_version_only_when_the_element_list_changes(users, qn):
    for code in ("A1", "A2", "A3"):
        _element(users, qn, code=code)
    ds = d.dataset_save(actor=users["paula"], province=qn, code="QN.V", title="Phiên bản")
    ds = d.dataset_set_elements(actor=users["paula"], dataset=ds, items=[{"code": "A1"}, {"code": "A2"}])
    assert ds.version == 2
    ds = d.dataset_set_elements(actor=users["paula"], dataset=ds,
                                items=[d.Item("A1", "Phần 1"), d.Item("A2", "Phần 1", required=False)])
    assert ds.version == 2  # sections and required flags do not change the template
    assert not DatasetElement.objects.get(dataset=ds, element__code="A2").required
    ds = d.dataset_set_elements(actor=users["paula"], dataset=ds, items=[{"code": "A2"}, {"code": "A1"}])
    assert ds.version == 3 and [i.element.code for i in ds.members()] == ["A2", "A1"]
    events = _events("xaso.datasets.dataset.elements_set")
    d.dataset_set_elements(actor=users["paula"], dataset=ds, items=[{"code": "A2"}, {"code": "A1"}])
    assert _events("xaso.datasets.dataset.elements_set") == events
    with pytest.raises(ValidationError):
        d.dataset_set_elements(actor=users["paula"], dataset=ds, items=[{"code": "A1"}, {"code": "NOPE"},
                                                                         {"code": "A1"}])
    assert Dataset.objects.get(pk=ds.pk).version == 3


def test_it_checks_rules_against_the_datasets_numeric_elements(users, dataset):
    with pytest.raises(ValidationError) as exc:
        d.rule_save(actor=users["paula"], dataset=dataset, code="R3", left="POOR + NOPE", operator="<=", right="HH",
                    message="Sai")
    assert "left" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        d.rule_save(actor=users["paula"], dataset=dataset, code="R3", left="WIFI", operator="<=", right="HH",
                    message="")
    assert {"left", "message"} <= set(exc.value.message_dict)  # WIFI is yes/no, not a number
    rule = d.rule_save(actor=users["paula"], dataset=dataset, code="R3", left="POOR  +  1", operator="<", right="HH",
                       message="Số hộ nghèo phải nhỏ hơn số hộ.", severity="warning")
    assert (rule.left, rule.severity) == ("POOR + 1", "warning")
    with pytest.raises(ValidationError):  # R1 names POOR: it cannot leave the dataset while the rule stands
        d.dataset_set_elements(actor=users["paula"], dataset=dataset, items=[{"code": "HH"}])
    d.rule_delete(actor=users["paula"], rule=rule)
    assert not ValidationRule.objects.filter(code="R3").exists()


def test_it_publishes_only_a_dataset_with_elements(users, qn):
    empty = d.dataset_save(actor=users["paula"], province=qn, code="QN.E", title="Trống", is_sample=True)
    with pytest.raises(ValidationError):
        d.dataset_publish(actor=users["paula"], dataset=empty)
    _element(users, qn)
    d.dataset_set_elements(actor=users["paula"], dataset=empty, items=[{"code": "HH"}])
    published = d.dataset_publish(actor=users["paula"], dataset=empty)
    assert published.published_at is not None and not published.is_sample  # now the province's own
    again = d.dataset_save(actor=users["paula"], province=qn, code="QN.E", is_sample=True)
    assert not again.is_sample
    with pytest.raises(PermissionDenied):
        d.dataset_unpublish(actor=users["alice"], dataset=published)
    assert d.dataset_unpublish(actor=users["paula"], dataset=published).published_at is None


def test_it_refuses_a_new_period_type_once_communes_reported(users, dataset):
    from xaso.core import tenancy

    with tenancy.unscoped():
        Return.objects.create(dataset=dataset, commune_id=COMMUNE_A, period="2026Q1", period_start="2026-01-01",
                              period_end="2026-03-31", due_date="2026-04-10")
    with pytest.raises(ValidationError) as exc:
        d.dataset_save(actor=users["paula"], province=dataset.province, code=dataset.code, period_type="monthly")
    assert "period_type" in exc.value.message_dict


# --- Definitions as a file -----------------------------------------------------------------------------

FILE = """
datasets:
  - code: QN.HGD
    title: Hộ gia đình
    title_en: Households
    period_type: yearly
    area_types: [mountain]
    keywords: [hộ gia đình]
    elements:
      - {code: HGD.01, name: Tổng số hộ, value_type: integer, unit: hộ, minimum: 0, disaggregation: village}
      - {code: HGD.02, name: Số hộ nghèo, value_type: integer, unit: hộ, minimum: 0, section: Nghèo}
    rules:
      - {code: R1, left: HGD.02, operator: "<=", right: HGD.01, message: Hộ nghèo không vượt tổng số hộ.}
  - code: QN.NGHEO
    title: Giảm nghèo
    elements:
      - {code: HGD.01}
      - {code: HGD.03, name: Số hộ cận nghèo, required: false}
    rules:
      - {code: R1, left: HGD.03, operator: "<=", right: HGD.01, message: Hộ cận nghèo không vượt tổng số hộ.}
"""


def test_it_loads_definitions_and_loading_again_changes_nothing(users, qn):
    data = yaml.safe_load(FILE)
    loaded = f.definitions_load(actor=users["paula"], province=qn, data=copy.deepcopy(data))
    assert [x.code for x in loaded] == ["QN.HGD", "QN.NGHEO"]
    hgd = Dataset.objects.get(code="QN.HGD")
    assert ([i.element.code for i in hgd.members()], hgd.version, hgd.published_at) == (["HGD.01", "HGD.02"], 2, None)
    assert DataElement.objects.get(code="HGD.01").disaggregation == "village"
    assert not DatasetElement.objects.get(dataset__code="QN.NGHEO", element__code="HGD.03").required
    events = AuditEvent.objects.count()
    f.definitions_load(actor=users["paula"], province=qn, data=copy.deepcopy(data))
    assert AuditEvent.objects.count() == events and Dataset.objects.get(code="QN.HGD").version == 2


def test_it_loads_nothing_and_names_every_fault(users, qn):
    data = yaml.safe_load(FILE)
    data["datasets"][0]["rules"][0]["right"] = "NOPE"
    data["datasets"][1]["elements"][1]["minimum"] = "không"
    data["datasets"].append({"code": "QN.BA", "title": "Ba", "period_type": "weekly"})
    with pytest.raises(ValidationError) as exc:
        f.definitions_load(actor=users["paula"], province=qn, data=data)
    text = "\n".join(exc.value.messages)
    assert "QN.HGD / R1 / right" in text and "QN.NGHEO / HGD.03 / minimum" in text and "QN.BA / period_type" in text
    assert len(exc.value.messages) == 3
    assert not Dataset.objects.exists() and not DataElement.objects.exists()


def test_it_refuses_a_malformed_file_before_anything(users, qn):
    with pytest.raises(ValidationError) as exc:
        f.definitions_load(actor=users["paula"], province=qn, data={"datasets": [
            {"code": "A", "titel": "x", "elements": [{"code": "E", "nam": "y"}]}, {"code": "A"}, "text"]})
    text = "\n".join(exc.value.messages)
    assert "titel" in text and "nam" in text and "hai lần" in text and "Bộ dữ liệu thứ 3" in text  # in Vietnamese
    with pytest.raises(ValidationError):
        f.definitions_parse("datasets: [\n")
    with pytest.raises(ValidationError):
        f.definitions_parse("a: &x [1, 2]\nb: *x\n")  # aliases are refused outright


def test_it_refuses_an_element_defined_twice_differently(users, qn):
    data = yaml.safe_load(FILE)
    data["datasets"][1]["elements"][0] = {"code": "HGD.01", "name": "Tổng số hộ dân", "value_type": "integer"}
    with pytest.raises(ValidationError) as exc:
        f.definitions_load(actor=users["paula"], province=qn, data=data)
    assert "HGD.01" in " ".join(exc.value.messages)


def test_a_dump_loads_back_to_the_same_definitions(users, qn, dataset):
    dumped = f.definitions_dump([dataset])
    text = yaml.safe_dump(dumped, allow_unicode=True, sort_keys=False)
    before = AuditEvent.objects.count()
    f.definitions_load(actor=users["paula"], province=qn, data=f.definitions_parse(text))
    assert AuditEvent.objects.count() == before  # already so: nothing to change
    edited = f.definitions_parse(text.replace("Số hộ nghèo", "Số hộ nghèo (chuẩn đa chiều)"))
    edited["datasets"][0]["elements"].reverse()
    edited["datasets"][0]["rules"] = [r for r in edited["datasets"][0]["rules"] if r["code"] == "R1"]
    f.definitions_load(actor=users["paula"], province=qn, data=edited)
    dataset.refresh_from_db()
    assert DataElement.objects.get(code="POOR").name == "Số hộ nghèo (chuẩn đa chiều)"
    assert dataset.version == 2 and list(dataset.rules.values_list("code", flat=True)) == ["R1"]
    assert [i.element.code for i in dataset.members()][0] == "ROAD"
    assert dataset.published_at is not None  # loading never unpublishes
    assert f.definitions_dump([dataset]) == f.definitions_dump([Dataset.objects.get(pk=dataset.pk)])


def test_loading_samples_leaves_what_the_province_has(users, qn):
    data = yaml.safe_load(FILE)
    mine = d.dataset_save(actor=users["paula"], province=qn, code="QN.HGD", title="Của tỉnh")
    f.definitions_load(actor=users["paula"], province=qn, data=data, sample=True)
    mine.refresh_from_db()
    assert mine.title == "Của tỉnh" and not mine.is_sample and not mine.items.exists()
    sample = Dataset.objects.get(code="QN.NGHEO")
    assert sample.is_sample and sample.published_at is None
    assert {i.element.code for i in sample.members()} == {"HGD.01", "HGD.03"}  # HGD.01 defined in the other entry
    assert timezone.now()  # and communes see nothing until it is published
