# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public catalogue: DCAT-AP JSON-LD for harvesters and an HTML page, both of published datasets only,
metadata and elements, never a value."""

import datetime
import json

from django.test import Client

from xaso.modules.datasets import definitions
from xaso.modules.datasets.models import Dataset, PeriodType
from xaso.modules.datasets.tests.conftest import make_dataset
from xaso.testing import OTHER_PROVINCE, PROVINCE

EU = "http://publications.europa.eu/resource/authority/"
URL = f"/data/provinces/{PROVINCE}/catalog.jsonld"


def _catalog():
    response = Client().get(URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    return json.loads(response.content)


def _by_id(catalog):
    return {d["dct:identifier"]: d for d in catalog["dcat:dataset"]}


def test_it_describes_the_published_datasets_as_a_dcat_catalog(users, dataset):
    Dataset.objects.filter(pk=dataset.pk).update(title_en="Quarterly households and public services",
                                                 description="Hộ gia đình theo thôn.", component="DL25")
    catalog = _catalog()
    assert catalog["@type"] == "dcat:Catalog" and catalog["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert {t["@language"] for t in catalog["dct:title"]} == {"vi", "en"}
    assert "Quảng Ninh" in catalog["dct:publisher"]["foaf:name"]
    node = _by_id(catalog)[f"{PROVINCE}/QN.Q1"]
    assert node["@type"] == "dcat:Dataset"
    assert {"@value": dataset.title, "@language": "vi"} in node["dct:title"]
    assert {"@value": "Quarterly households and public services", "@language": "en"} in node["dct:title"]
    assert node["dct:description"] == [{"@value": "Hộ gia đình theo thôn.", "@language": "vi"}]
    assert node["dct:publisher"]["foaf:name"] == "Sở Khoa học và Công nghệ"
    assert node["dct:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert {k["@value"] for k in node["dcat:keyword"]} == {"hộ gia đình", "dịch vụ công"}
    assert node["dct:accrualPeriodicity"] == {"@id": EU + "frequency/QUARTERLY"}
    assert node["dct:modified"]["@type"] == "xsd:dateTime" and node["dct:modified"]["@value"][:4] >= "2025"
    assert node["dcat:theme"] == {"@id": EU + "data-theme/SOCI"}
    [distribution] = node["dcat:distribution"]
    assert distribution["dcat:accessURL"]["@id"].endswith("/api/v1/data/datasets/QN.Q1/values/")
    assert distribution["dcat:accessURL"]["@id"].startswith("http://testserver/")
    assert distribution["dct:format"] == {"@id": EU + "file-type/JSON"}
    assert any("API key" in d["@value"] for d in distribution["dct:description"])


def test_it_maps_every_period_to_the_eu_frequency_vocabulary(users):
    expected = {PeriodType.MONTHLY: "MONTHLY", PeriodType.QUARTERLY: "QUARTERLY", PeriodType.HALF_YEARLY: "ANNUAL_2",
                PeriodType.YEARLY: "ANNUAL", PeriodType.ONCE: "NEVER"}
    for period_type in expected:
        make_dataset(f"F.{period_type.upper()}", period_type=period_type)
    nodes = _by_id(_catalog())
    for period_type, frequency in expected.items():
        node = nodes[f"{PROVINCE}/F.{period_type.upper()}"]
        assert node["dct:accrualPeriodicity"]["@id"] == f"{EU}frequency/{frequency}"


def test_it_leaves_out_drafts_and_other_provinces(users, dataset):
    make_dataset("QN.DRAFT", published=False)
    make_dataset("HN.Q1", province=OTHER_PROVINCE)
    assert set(_by_id(_catalog())) == {f"{PROVINCE}/QN.Q1"}
    definitions.dataset_unpublish(actor=users["paula"], dataset=dataset)
    assert _catalog()["dcat:dataset"] == []
    assert Client().get("/data/provinces/99/catalog.jsonld").status_code == 404


def test_the_public_page_shows_metadata_and_elements_but_no_value(users, dataset, villages):
    from xaso.core.places.models import Commune
    from xaso.modules.datasets import services

    ret = services.return_open(actor=users["alice"], dataset=dataset, commune=Commune.objects.get(pk="06688"),
                               period_key="2026Q1", today=datetime.date(2026, 4, 2))
    services.values_save(actor=users["alice"], ret=ret, entries=[services.Entry("RATE", "47,25")])
    make_dataset("QN.DRAFT", published=False)
    page = Client().get(f"/data/provinces/{PROVINCE}/catalog/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "QN.Q1" in body and "Số hộ nghèo" in body and "Bê tông" in body and "QN.DRAFT" not in body
    assert "47.25" not in body and "47,25" not in body
    assert 'type="application/ld+json"' in body
