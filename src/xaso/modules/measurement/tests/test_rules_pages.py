# SPDX-License-Identifier: AGPL-3.0-or-later
"""The rules page: the rule sets and indicators in force with what each counts, read by the province's
officials; downloaded as YAML and loaded back, all or nothing, by those who manage the rules."""

import csv
import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xaso import testing
from xaso.modules.measurement.models import Criterion, Indicator, RuleSet

URL = reverse("measurement:rules", args=[testing.PROVINCE])


def _yaml_file(text: str, name="rules.yaml"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/yaml")


def _state():
    return (list(RuleSet.objects.values_list("code", "effective_from", "effective_to")),
            list(Criterion.objects.values_list("ruleset__code", "code", "measure", "points")),
            list(Indicator.objects.values_list("code", "source", "effective_from", "effective_to")))


def test_any_official_of_the_province_reads_the_rules(client_for, shipped_rules):
    response = client_for("bob").get(URL)
    assert response.status_code == 200 and response.context["may_manage"] is False
    body = response.content.decode()
    assert "Hồ sơ được giải quyết đúng hạn, trước hạn" in body and "766-2022" in body
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in body  # an indicator in force
    assert 'enctype="multipart/form-data"' not in body  # nothing to load for a clerk
    ruleset = response.context["rulesets"][0]
    assert ruleset["certainty_label"] and [b["label_vi"] for b in ruleset["bands"]] == ["Tốt", "Khá", "Trung bình",
                                                                                         "Yếu"]
    tdgq = next(c for c in ruleset["criteria"] if c["code"] == "TDGQ.1")
    assert (tdgq["points"], tdgq["measure"], tdgq["certainty"]) == (20, "dossiers.on_time", "S") and tdgq["counts"]
    assert {s["key"] for s in response.context["sources"]} >= {"dossiers.on_time", "payments.online"}


@pytest.mark.parametrize("name, status", [("oscar", 404), ("cindy", 403), ("charlie", 200), ("paula", 200),
                                          ("ada", 200)])
def test_who_reads_the_rules(client_for, shipped_rules, name, status):
    assert client_for(name).get(URL).status_code == status


def test_the_tables_export(client_for, shipped_rules):
    client = client_for("paula")
    rows = list(csv.reader(io.StringIO(client.get(URL, {"export": "csv", "table": "criteria"}).content
                                       .decode("utf-8-sig"))))
    tdgq = next(r for r in rows if r[2] == "TDGQ.1")
    assert tdgq[:2] == ["766-2022", "TDGQ"] and tdgq[4:6] == ["20", "dossiers.on_time"]
    indicators = client.get(URL, {"export": "csv", "table": "indicators"}).content.decode("utf-8-sig")
    assert "KPI.DVC.ONTIME" in indicators and "95" in indicators


def test_a_rule_set_downloads_and_loads_back_from_a_later_date(client_for, shipped_rules):
    client = client_for("paula")
    download = client.get(URL, {"download": "ruleset", "code": "766-2022"})
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    data = yaml.safe_load(download.content.decode())
    assert len(data["criteria"]) == Criterion.objects.filter(ruleset__code="766-2022").count()
    data.update(code="766-2027", effective_from="2027-01-01")
    data["criteria"][0]["certainty"] = "S"
    response = client.post(URL, {"kind": "ruleset", "file": _yaml_file(yaml.safe_dump(data, allow_unicode=True))})
    assert response.status_code == 302
    new = RuleSet.objects.get(code="766-2027")
    assert new.criteria.count() == len(data["criteria"]) and new.criteria.first().certainty == "S"
    assert str(RuleSet.objects.get(code="766-2022").effective_to) == "2026-12-31"


def test_indicators_download_and_load_back(client_for, shipped_rules):
    client = client_for("paula")
    data = yaml.safe_load(client.get(URL, {"download": "indicators"}).content.decode())
    data["effective_from"] = "2027-01-01"
    data["indicators"][0]["target"] = 97
    response = client.post(URL, {"kind": "indicators", "file": _yaml_file(yaml.safe_dump(data, allow_unicode=True))})
    assert response.status_code == 302
    assert Indicator.objects.get(code=data["indicators"][0]["code"], effective_from="2027-01-01").target == 97


def test_a_rule_set_naming_an_unknown_measure_is_refused_whole(client_for, shipped_rules):
    client = client_for("paula")
    data = yaml.safe_load(client.get(URL, {"download": "ruleset", "code": "766-2022"}).content.decode())
    data.update(code="766-2027", effective_from="2027-01-01")
    data["criteria"][0]["measure"] = "dossiers.invented"
    data["criteria"][1]["points"] = 9  # a second fault: CKMB no longer adds up to 18
    before = _state()
    response = client.post(URL, {"kind": "ruleset", "file": _yaml_file(yaml.safe_dump(data, allow_unicode=True))})
    assert response.status_code == 400
    faults = response.context["faults"]
    assert any("dossiers.invented" in f for f in faults) and any("CKMB" in f for f in faults)
    assert "dossiers.invented" in response.content.decode()
    assert _state() == before


def test_a_file_that_is_no_yaml_mapping_is_refused(client_for, shipped_rules):
    before = _state()
    for text in ("- just\n- a list\n", "code: [unclosed\n", "criteria:\n  - 12\n"):
        response = client_for("paula").post(URL, {"kind": "ruleset", "file": _yaml_file(text)})
        assert response.status_code == 400 and response.context["faults"], text
    assert _state() == before


def test_only_those_who_manage_the_rules_load_them(client_for, shipped_rules):
    before = _state()
    text = client_for("paula").get(URL, {"download": "indicators"}).content.decode()
    for name, status in (("charlie", 403), ("bob", 403), ("oscar", 404), ("cindy", 403)):
        response = client_for(name).post(URL, {"kind": "indicators", "file": _yaml_file(text)})
        assert response.status_code == status, name
    assert _state() == before
