# SPDX-License-Identifier: AGPL-3.0-or-later
"""The catalogue and dictionary pages: who reads, who changes, who gets 404; the forms, the exports and the
definitions file going out and coming back."""

import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xaso import testing
from xaso.core.audit.models import AuditEvent
from xaso.modules.datasets import definitions_file
from xaso.modules.datasets.models import DataElement, Dataset
from xaso.testing import COMMUNE_A, PROVINCE

BASE = f"/data/provinces/{PROVINCE}/"


def test_officials_of_the_province_read_the_catalogue_and_others_get_404(client_for, dataset):
    page = client_for("paula").get(BASE + "catalogue/")
    assert page.status_code == 200 and b"QN.Q1" in page.content and b"load_samples" in page.content
    commune = client_for("alice").get(BASE + "catalogue/")
    assert commune.status_code == 200 and b"QN.Q1" in commune.content
    assert b"load_samples" not in commune.content  # read-only for a commune official
    for outsider in ("oscar", "cindy"):
        assert client_for(outsider).get(BASE + "catalogue/").status_code == 404
        assert client_for(outsider).get(BASE + "catalogue/QN.Q1/").status_code == 404
        assert client_for(outsider).get(BASE + "elements/HH/").status_code == 404
    assert Client().get(BASE + "catalogue/").status_code == 302  # sign in first
    assert client_for("paula").get(BASE + "catalogue/NOPE/").status_code == 404


def test_the_catalogue_and_the_dictionary_download_as_tables(client_for, dataset):
    paula = client_for("paula")
    rows = json.loads(paula.get(BASE + "catalogue/?export=json").content)
    assert rows[0]["code"] == "QN.Q1" and rows[0]["elements"] == 7
    elements = json.loads(paula.get(BASE + "elements/?export=json").content)
    assert {e["code"] for e in elements} >= {"HH", "POOR", "ROAD"}
    assert next(e for e in elements if e["code"] == "ROAD")["choices"] == "Bê tông; Nhựa; Đất"
    for fmt in ("csv", "xlsx"):
        response = client_for("alice").get(BASE + f"elements/?export={fmt}")
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_a_province_official_loads_the_samples_and_a_commune_official_may_not(client_for, users):
    refused = client_for("alice").post(BASE + "catalogue/", {"action": "load_samples"})
    assert refused.status_code == 403 and not Dataset.objects.exists()
    response = client_for("paula").post(BASE + "catalogue/", {"action": "load_samples"}, follow=True)
    assert Dataset.objects.filter(is_sample=True, published_at__isnull=True).count() == 15
    assert b"MAU.DL25" in response.content
    sample = client_for("paula").get(BASE + "catalogue/MAU.DL25/")
    assert b'class="notice"' in sample.content and "Số hộ nghèo".encode() in sample.content


def test_the_dataset_page_publishes_and_keeps_rules_and_elements(client_for, dataset, users):
    paula = client_for("paula")
    url = BASE + "catalogue/QN.Q1/"
    assert b'name="action" value="unpublish"' in paula.get(url).content
    assert b'name="action"' not in client_for("alice").get(url).content
    paula.post(url, {"action": "unpublish"})
    dataset.refresh_from_db()
    assert dataset.published_at is None
    bad = paula.post(url, {"action": "rule", "r-code": "R9", "r-left": "NOPE", "r-operator": "<=", "r-right": "HH",
                           "r-message": "Sai", "r-severity": "error"})
    assert bad.status_code == 400 and not dataset.rules.filter(code="R9").exists()
    paula.post(url, {"action": "rule", "r-code": "R9", "r-left": "ONLINE", "r-operator": "<=", "r-right": "HH",
                     "r-message": "Không hợp lý", "r-severity": "warning"})
    assert dataset.rules.get(code="R9").severity == "warning"
    paula.post(url, {"action": "rule_delete", "rule": "R9"})
    assert not dataset.rules.filter(code="R9").exists()
    hh, poor = DataElement.objects.get(code="HH"), DataElement.objects.get(code="POOR")
    paula.post(url, {"action": "elements", f"x-e{hh.pk}_in": "on", f"x-e{hh.pk}_order": "2",
                     f"x-e{poor.pk}_in": "on", f"x-e{poor.pk}_order": "1", f"x-e{poor.pk}_section": "Nghèo",
                     f"x-e{poor.pk}_required": "on"})
    refused = Dataset.objects.get(pk=dataset.pk)
    assert refused.version == 1  # R2 names DOSSIERS and ONLINE: refused, nothing changed
    dataset.rules.filter(code="R2").delete()
    paula.post(url, {"action": "elements", f"x-e{hh.pk}_in": "on", f"x-e{hh.pk}_order": "2",
                     f"x-e{poor.pk}_in": "on", f"x-e{poor.pk}_order": "1", f"x-e{poor.pk}_section": "Nghèo"})
    dataset.refresh_from_db()
    assert dataset.version == 2 and [(i.element.code, i.section) for i in dataset.members()] == [
        ("POOR", "Nghèo"), ("HH", "")]
    assert client_for("alice").post(url, {"action": "publish"}).status_code == 403
    paula.post(url, {"action": "publish"})
    dataset.refresh_from_db()
    assert dataset.published_at is not None


def test_the_metadata_form_shows_the_services_faults_on_their_fields(client_for, dataset):
    form = {"action": "metadata", "m-title": "Báo cáo quý", "m-licence": "CC-BY-4.0", "m-period_type": "quarterly",
            "m-due_days": "15", "m-approver": "commune", "m-jump_percent": "40", "m-component": "XX99",
            "m-area_types": ["urban"], "m-communes": [COMMUNE_A], "m-keywords": "hộ, dịch vụ"}
    bad = client_for("paula").post(BASE + "catalogue/QN.Q1/", form)
    assert bad.status_code == 400 and b"XX99" in bad.content
    client_for("paula").post(BASE + "catalogue/QN.Q1/", {**form, "m-component": "DL11"})
    dataset.refresh_from_db()
    assert (dataset.due_days, dataset.approver, dataset.keywords, dataset.area_types) == (
        15, "commune", ["hộ", "dịch vụ"], ["urban"])
    assert list(dataset.communes.values_list("pk", flat=True)) == [COMMUNE_A]


def test_a_new_dataset_and_a_new_element_are_made_from_their_forms(client_for, users):
    paula = client_for("paula")
    assert client_for("alice").get(BASE + "catalogue/new/").status_code == 403
    made = paula.post(BASE + "catalogue/new/", {"code": "QN.MOI", "title": "Bộ mới", "licence": "CC-BY-4.0",
                                                "period_type": "yearly", "due_days": "30", "approver": "province",
                                                "jump_percent": "50"})
    assert made.status_code == 302 and Dataset.objects.get(code="QN.MOI").period_type == "yearly"
    bad = paula.post(BASE + "elements/new/", {"code": "E1", "name": "Loại", "value_type": "choice",
                                              "disaggregation": "none"})
    assert bad.status_code == 400 and not DataElement.objects.exists()
    paula.post(BASE + "elements/new/", {"code": "E1", "name": "Loại", "value_type": "choice", "choices": "A\nB\n",
                                        "disaggregation": "none"})
    assert DataElement.objects.get(code="E1").choices == ["A", "B"]
    edit = {"code": "IGNORED", "name": "Loại đường", "value_type": "choice", "choices": "A", "disaggregation": "none"}
    assert client_for("alice").post(BASE + "elements/E1/", edit).status_code == 403
    assert b"<form" not in client_for("alice").get(BASE + "elements/E1/").content.split(b"<main")[1]
    paula.post(BASE + "elements/E1/", edit)
    element = DataElement.objects.get(code="E1")  # the code never changes
    assert (element.name, element.choices) == ("Loại đường", ["A"])


def test_the_definitions_go_out_as_yaml_and_come_back(client_for, dataset):
    paula = client_for("paula")
    out = paula.get(BASE + "catalogue/definitions.yaml")
    assert out["Content-Type"].startswith("application/yaml")
    data = yaml.safe_load(out.content)
    assert data == definitions_file.definitions_dump([dataset])
    one = yaml.safe_load(paula.get(BASE + "catalogue/definitions.yaml?dataset=QN.Q1").content)
    assert [d["code"] for d in one["datasets"]] == ["QN.Q1"]
    data["datasets"][0]["title"] = "Báo cáo quý (sửa)"
    upload = SimpleUploadedFile("d.yaml", yaml.safe_dump(data, allow_unicode=True).encode(), "application/yaml")
    assert paula.post(BASE + "catalogue/upload/", {"file": upload}).status_code == 302
    assert Dataset.objects.get(code="QN.Q1").title == "Báo cáo quý (sửa)"


@pytest.mark.parametrize("content", [b"datasets: [\n", b"\xff\xfe not text",
                                     b"datasets:\n  - {code: QN.Q1, title: X, period_type: weekly}\n",
                                     b"x" * (512 * 1024 + 1)])
def test_a_bad_definitions_file_changes_nothing_and_says_why(client_for, dataset, content):
    events = AuditEvent.objects.count()
    response = client_for("paula").post(BASE + "catalogue/upload/",
                                        {"file": SimpleUploadedFile("d.yaml", content)})
    assert response.status_code == 400 and b'role="alert"' in response.content
    assert AuditEvent.objects.count() == events
    assert client_for("alice").post(BASE + "catalogue/upload/",
                                    {"file": SimpleUploadedFile("d.yaml", b"x")}).status_code == 403


def test_every_form_needs_its_csrf_token(users, dataset):
    client = Client(enforce_csrf_checks=True)
    testing.sign_in(client, users["paula"])
    for url, data in ((BASE + "catalogue/", {"action": "load_samples"}),
                      (BASE + "catalogue/QN.Q1/", {"action": "unpublish"}),
                      (BASE + "elements/new/", {"code": "E1", "name": "x"})):
        assert client.post(url, data).status_code == 403
    dataset.refresh_from_db()
    assert dataset.published_at is not None and not DataElement.objects.filter(code="E1").exists()
