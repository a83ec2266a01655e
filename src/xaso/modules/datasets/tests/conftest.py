# SPDX-License-Identifier: AGPL-3.0-or-later
"""A small published quarterly dataset of Quảng Ninh (the named users' province), which every test of
commune data fills: households and poor households by village, dossiers taken from xaso, a rate, a yes/no
and a choice, with two rules."""

import pytest
from django.utils import timezone

from xaso.core.places.models import Province, Village
from xaso.modules.datasets.models import (
    DataElement,
    Dataset,
    DatasetElement,
    Disaggregation,
    PeriodType,
    Severity,
    ValidationRule,
    ValueType,
)
from xaso.testing import COMMUNE_A, COMMUNE_B, PROVINCE


def make_dataset(code="QN.Q1", *, province=PROVINCE, period_type=PeriodType.QUARTERLY, area_types=(),
                 published=True) -> Dataset:
    province = Province.objects.get(pk=province)

    def element(code_, name, value_type=ValueType.INTEGER, **extra):
        return DataElement.objects.get_or_create(province=province, code=code_,
                                                 defaults={"name": name, "value_type": value_type, **extra})[0]

    dataset = Dataset.objects.create(
        province=province, code=code, title="Báo cáo quý về hộ gia đình và dịch vụ công", period_type=period_type,
        publisher="Sở Khoa học và Công nghệ", keywords=["hộ gia đình", "dịch vụ công"], area_types=list(area_types),
        published_at=timezone.now() if published else None, due_days=10, jump_percent=50)
    members = [
        element("HH", "Số hộ gia đình", disaggregation=Disaggregation.VILLAGE, unit="hộ", minimum=0),
        element("POOR", "Số hộ nghèo", disaggregation=Disaggregation.VILLAGE, unit="hộ", minimum=0),
        element("DOSSIERS", "Hồ sơ TTHC tiếp nhận", source="dossiers.received", unit="hồ sơ"),
        element("ONLINE", "Hồ sơ tiếp nhận trực tuyến", source="dossiers.received_online", unit="hồ sơ"),
        element("RATE", "Tỷ lệ hộ dùng dịch vụ số", value_type=ValueType.PERCENT, unit="%"),
        element("WIFI", "Có điểm Wi-Fi công cộng", value_type=ValueType.YES_NO),
        element("ROAD", "Loại đường trục xã", value_type=ValueType.CHOICE, choices=["Bê tông", "Nhựa", "Đất"]),
    ]
    for order, member in enumerate(members):
        DatasetElement.objects.create(dataset=dataset, element=member, order=order,
                                      required=member.code not in ("ROAD",))
    ValidationRule.objects.create(dataset=dataset, code="R1", left="POOR", operator="<=", right="HH",
                                  message="Số hộ nghèo không được lớn hơn số hộ gia đình.")
    ValidationRule.objects.create(dataset=dataset, code="R2", left="ONLINE", operator="<=", right="DOSSIERS",
                                  message="Hồ sơ trực tuyến không được nhiều hơn tổng số hồ sơ.",
                                  severity=Severity.ERROR)
    return dataset


@pytest.fixture
def dataset(users):
    return make_dataset()


@pytest.fixture
def villages(users):
    """Two villages in commune A, one in commune B."""
    return {"a1": Village.objects.create(commune_id=COMMUNE_A, name="Khu 1"),
            "a2": Village.objects.create(commune_id=COMMUNE_A, name="Khu 2"),
            "b1": Village.objects.create(commune_id=COMMUNE_B, name="Thôn Đông")}
