# SPDX-License-Identifier: AGPL-3.0-or-later
"""Approved figures as other systems read them: the same shape for the sharing API and for what is
published to the province's data-sharing platform (LGSP)."""

from __future__ import annotations

from .models import Return


def value_row(value) -> dict:
    return {"element": value.element.code, "village": value.village.name if value.village_id else None,
            "village_id": value.village_id, "sex": value.category or None, "value": value.text,
            "number": float(value.number) if value.number is not None else None, "comment": value.comment}


def return_payload(ret: Return) -> dict:
    values = ret.values.select_related("element", "village").order_by("element__code", "slot")
    return {"dataset": ret.dataset.code, "template_version": ret.template_version, "province": ret.dataset.province_id,
            "commune": ret.commune_id, "commune_name": ret.commune.name, "period": ret.period,
            "period_start": ret.period_start.isoformat(), "period_end": ret.period_end.isoformat(),
            "approved_at": ret.approved_at.isoformat() if ret.approved_at else None,
            "values": [value_row(v) for v in values]}
