# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's published datasets as a DCAT-AP catalogue in JSON-LD, for harvesting by data portals
(CKAN's dcat harvester, the EU Data Portal and the national open-data portal read this shape).

Only metadata: titles (Vietnamese, and English when given, as language-tagged values), description,
publisher, licence, keywords, update frequency from the EU frequency vocabulary, theme from the EU data
theme vocabulary, and one distribution: the sharing API, which needs an API key the province issues. The
figures themselves are never in the catalogue.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from .models import PeriodType

CONTENT_TYPE = "application/ld+json"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
EU = "http://publications.europa.eu/resource/authority/"
FREQUENCY = {
    PeriodType.MONTHLY: EU + "frequency/MONTHLY",
    PeriodType.QUARTERLY: EU + "frequency/QUARTERLY",
    PeriodType.HALF_YEARLY: EU + "frequency/ANNUAL_2",
    PeriodType.YEARLY: EU + "frequency/ANNUAL",
    PeriodType.ONCE: EU + "frequency/NEVER",
}
# The EU data themes closest to each area component of the model (DL14–DL28); others carry no theme.
THEMES = {"DL14": "JUST", "DL15": "ENVI", "DL16": "REGI", "DL17": "GOVE", "DL18": "REGI", "DL19": "AGRI",
          "DL20": "AGRI", "DL21": "ECON", "DL22": "ECON", "DL23": "AGRI", "DL24": "SOCI", "DL25": "SOCI",
          "DL26": "ECON", "DL27": "REGI", "DL28": "SOCI"}
LICENCES = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODC-BY-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}
API_NOTE = {"vi": "Số liệu đã phê duyệt của các xã, theo kỳ, dạng JSON. Cần khóa API do tỉnh cấp, gửi trong "
                  "tiêu đề “Authorization: Api-Key <khóa>”.",
            "en": "The communes' approved figures by period, as JSON. Needs an API key issued by the province, "
                  "sent as the header “Authorization: Api-Key <key>”."}


def _texts(vi: str, en: str = "") -> list[dict]:
    out = [{"@value": vi, "@language": "vi"}] if vi else []
    if en:
        out.append({"@value": en, "@language": "en"})
    return out


def _licence(licence: str) -> dict:
    uri = LICENCES.get(licence) or (licence if licence.startswith(("http://", "https://")) else None)
    return {"@id": uri} if uri else {"@type": "dct:LicenseDocument", "rdfs:label": licence}


def _when(moment) -> dict:
    return {"@value": timezone.localtime(moment).isoformat(timespec="seconds"), "@type": "xsd:dateTime"}


def _unit(province) -> str:
    return "thành phố" if province.is_city else "tỉnh"


def _agent(name: str) -> dict:
    return {"@type": "foaf:Agent", "foaf:name": name}


def dataset_node(dataset, *, base: str, province_name: str) -> dict:
    """One published dataset as a dcat:Dataset."""
    page = base + reverse("datasets:catalogue_public", args=[dataset.province_id]).lstrip("/")
    api = f"{base}api/v1/data/datasets/{dataset.code}/values/"
    node = {
        "@id": f"{page}#{dataset.code}",
        "@type": "dcat:Dataset",
        "dct:identifier": f"{dataset.province_id}/{dataset.code}",
        "dct:title": _texts(dataset.title, dataset.title_en),
        "dct:description": _texts(dataset.description or dataset.title),
        "dct:publisher": _agent(dataset.publisher or province_name),
        "dct:license": _licence(dataset.licence),
        "dcat:keyword": [{"@value": k, "@language": "vi"} for k in dataset.keywords or []],
        "dct:accrualPeriodicity": {"@id": FREQUENCY[dataset.period_type]},
        "dct:issued": _when(dataset.published_at),
        "dct:modified": _when(max(dataset.updated_at, dataset.published_at)),
        "dct:accessRights": {"@id": EU + "access-right/RESTRICTED"},
        "dcat:landingPage": {"@id": f"{page}#{dataset.code}"},
        "owl:versionInfo": str(dataset.version),
        "dcat:distribution": [{
            "@id": api,
            "@type": "dcat:Distribution",
            "dct:title": _texts("Giao diện chia sẻ dữ liệu (API)", "Data-sharing API"),
            "dct:description": _texts(API_NOTE["vi"], API_NOTE["en"]),
            "dcat:accessURL": {"@id": api},
            "dct:format": {"@id": EU + "file-type/JSON"},
            "dcat:mediaType": {"@id": "https://www.iana.org/assignments/media-types/application/json"},
            "dct:license": _licence(dataset.licence),
            "dct:accessRights": {"@id": EU + "access-right/RESTRICTED"},
        }],
    }
    if theme := THEMES.get(dataset.component):
        node["dcat:theme"] = {"@id": f"{EU}data-theme/{theme}"}
    return node


def catalog(province, datasets, *, base: str) -> dict:
    """The province's catalogue: a dcat:Catalog of its published datasets. ``base`` is the site's root URL
    ending in "/" (the request's, so that the identifiers are the addresses a harvester reached)."""
    page = base + reverse("datasets:catalogue_public", args=[province.pk]).lstrip("/")
    datasets = list(datasets)
    modified = max((max(d.updated_at, d.published_at) for d in datasets), default=None)
    # Both languages always: a harvester picks by the language tag, not by the visitor's language.
    body = {
        "@context": CONTEXT,
        "@id": base + reverse("datasets:catalogue_jsonld", args=[province.pk]).lstrip("/"),
        "@type": "dcat:Catalog",
        "dct:title": _texts(f"Danh mục dữ liệu cấp xã – {province.name}",
                            f"Commune data catalogue – {province.name}"),
        "dct:description": _texts(f"Các bộ dữ liệu {_unit(province)} {province.name} yêu cầu các xã, phường, "
                                  "đặc khu cập nhật.",
                                  f"The datasets {province.name} asks its communes to keep up to date."),
        "dct:publisher": _agent(f"Ủy ban nhân dân {_unit(province)} {province.name}"),
        "dct:language": [{"@id": EU + "language/VIE"}, {"@id": EU + "language/ENG"}],
        "foaf:homepage": {"@id": page},
        "dcat:dataset": [dataset_node(d, base=base, province_name=province.name) for d in datasets],
    }
    if modified is not None:
        body["dct:modified"] = _when(modified)
    return body
