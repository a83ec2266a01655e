# SPDX-License-Identifier: AGPL-3.0-or-later
"""Commune data: commune A's approved return of a province dataset, whose text figure and comment carry the
secret markers, and an API key of the province. The province's catalogue (definitions, no figures) is read
by every official of the province and, published, by anyone; the figures are A's and the province's."""

import datetime

from django.utils import timezone

from xaso.modules.datasets import apikeys, services
from xaso.modules.datasets.models import (
    ApiKey,
    DataElement,
    Dataset,
    DatasetElement,
    Return,
    Value,
    ValueType,
)

GENERIC = {}
PUBLIC_ABOUT_A = {"datasets:catalogue", "datasets:catalogue_new", "datasets:catalogue_yaml",
                  "datasets:catalogue_upload", "datasets:catalogue_dataset", "datasets:catalogue_elements",
                  "datasets:catalogue_element_new", "datasets:catalogue_element", "datasets:catalogue_public",
                  "datasets:catalogue_jsonld"}


def private(commune, users, secrets):
    dataset = Dataset.objects.create(province=commune.province, code="SCOPE.Q", title="Số liệu quý",
                                     period_type="quarterly", published_at=timezone.now())
    note = DataElement.objects.create(province=commune.province, code="NOTE", name="Ghi chú",
                                      value_type=ValueType.TEXT)
    DatasetElement.objects.create(dataset=dataset, element=note, required=False)
    ret = services.return_open(actor=users["alice"], dataset=dataset, commune=commune, period_key="2026Q3",
                               today=datetime.date(2026, 11, 1))
    services.values_save(actor=users["alice"], ret=ret, entries=[services.Entry("NOTE", secrets[0],
                                                                                comment=secrets[1])])
    ret = services.return_submit(actor=users["bob"], ret=ret)
    services.return_approve(actor=users["paula"], ret=ret)
    key, _secret = apikeys.apikey_create(actor=users["paula"], province=commune.province, name="Sở Nông nghiệp",
                                         datasets=[dataset], communes=[commune])
    return {"dataset_code": dataset.code, "period": ret.period, "fmt": "xlsx", "element_code": note.code,
            "key_id": key.pk}


def state():
    return (sorted(Return.objects.values_list("pk", "status", "version")),
            sorted(Value.objects.values_list("pk", "text", "comment", "version")),
            sorted(ApiKey.objects.values_list("pk", "revoked_at")),
            sorted(Dataset.objects.values_list("pk", "title", "version", "published_at")))
