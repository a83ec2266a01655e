# SPDX-License-Identifier: AGPL-3.0-or-later
"""The sample area datasets (DL14–DL28): one per area component of the model, each of its area, loading
cleanly as unpublished samples a province adapts."""

import datetime
from collections import Counter

import pytest

from xaso.core.audit.models import AuditEvent
from xaso.core.catalogue.models import Component
from xaso.core.places.models import Commune, Province
from xaso.modules.datasets import definitions, definitions_file, services, sources
from xaso.modules.datasets.models import Dataset, Source
from xaso.testing import COMMUNE_A, PROVINCE

AREA_KEYS = [f"DL{n}" for n in range(14, 29)]


@pytest.fixture
def samples():
    return definitions_file.sample_definitions()


def test_it_has_exactly_one_sample_for_every_area_component_of_the_data_layer(db, samples):
    components = {c.key: c for c in Component.objects.filter(layer_id="DL", tier="area")}
    assert sorted(components, key=lambda k: int(k[2:])) == AREA_KEYS  # the model's own list
    counted = Counter(entry["component"] for entry in samples["datasets"])
    assert counted == Counter(AREA_KEYS)
    for entry in samples["datasets"]:
        component = components[entry["component"]]
        assert entry["code"] == f"MAU.{component.key}"
        assert entry["area_types"] == [component.area], entry["code"]
        assert entry["period_type"] in ("quarterly", "half_yearly", "yearly")


def test_the_samples_say_they_are_samples_with_sound_elements_and_rules(samples):
    assert samples["sample"] is True
    for entry in samples["datasets"]:
        assert "(mẫu)" in entry["title"] and "(sample)" in entry["title_en"]
        assert 3 <= len(entry["elements"]) <= 8, entry["code"]
        assert entry["rules"], entry["code"]  # at least one rule (part ≤ whole) each
        for row in entry["elements"]:
            assert row.get("source", "") in ("", *sources.SOURCES), row["code"]
    dl17 = next(e for e in samples["datasets"] if e["component"] == "DL17")
    assert {r.get("source") for r in dl17["elements"]} >= {"reports.received", "reports.resolved"}


def test_they_all_load_cleanly_as_unpublished_samples_and_loading_again_changes_nothing(users, samples):
    province = Province.objects.get(pk=PROVINCE)
    loaded = definitions_file.definitions_load(actor=users["paula"], province=province, data=samples, sample=True)
    assert [d.code for d in loaded] == sorted(f"MAU.{k}" for k in AREA_KEYS)
    assert all(d.is_sample and d.published_at is None for d in loaded)
    dl25 = Dataset.objects.get(code="MAU.DL25")
    members = {i.element.code: i.element for i in dl25.members()}
    assert "DL24.01" in members and members["DL25.01"].disaggregation == "village"
    dl20 = Dataset.objects.get(code="MAU.DL20")
    assert dl20.rules.get(code="R1").right == "DL20.02 + DL20.03 + DL20.04"
    events = AuditEvent.objects.count()
    assert len(definitions_file.samples_load(actor=users["paula"], province=province)) == len(AREA_KEYS)
    assert AuditEvent.objects.count() == events


def test_a_published_sample_is_reported_by_communes_of_its_area_prefilled_from_xaso(users, villages):
    province = Province.objects.get(pk=PROVINCE)
    definitions_file.definitions_load(actor=users["paula"], province=province,
                                      data=definitions_file.sample_definitions(), sample=True)
    dl17 = definitions.dataset_publish(actor=users["paula"], dataset=Dataset.objects.get(code="MAU.DL17"))
    commune_a = Commune.objects.get(pk=COMMUNE_A)  # urban
    assert dl17.reports(commune_a) and not Dataset.objects.get(code="MAU.DL19").reports(commune_a)
    ret = services.return_open(actor=users["alice"], dataset=dl17, commune=commune_a, period_key="2026Q1",
                               today=datetime.date(2026, 4, 2))
    prefilled = {(v.element.code, v.village_id) for v in ret.values.select_related("element")
                 if v.source == Source.PREFILL}
    assert (("DL17.01", villages["a1"].pk) in prefilled) and (("DL17.02", villages["a2"].pk) in prefilled)
