# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reading the model's data file (data/model.yaml, a copy of shared/seed/model.yaml)."""

from functools import cache
from pathlib import Path

import yaml

MODEL_FILE = Path(__file__).parent / "data" / "model.yaml"


@cache
def model_data() -> dict:
    with MODEL_FILE.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def component_keys() -> frozenset[str]:
    return frozenset(c["key"] for layer in model_data()["layers"] for c in layer["components"])


def load(layer_model, component_model) -> int:
    """Create or update every layer and component; return the number of components."""
    position = 0
    for layer_pos, layer in enumerate(model_data()["layers"], start=1):
        layer_model.objects.update_or_create(key=layer["key"], defaults={
            "number": layer["number"], "name_vi": layer["vi"], "name_en": layer["en"], "position": layer_pos,
        })
        for c in layer["components"]:
            position += 1
            component_model.objects.update_or_create(key=c["key"], defaults={
                "code": c["code"], "layer_id": layer["key"], "tier": c["tier"], "area": c.get("area", ""),
                "name_vi": c["vi"], "name_en": c["en"], "position": position,
            })
    return position


def area_name(area: str) -> str:
    """The model's own name of an area type, in the active language ("Đô thị" / "Urban")."""
    from django.utils.translation import get_language

    for entry in model_data()["areas"]:
        if entry["key"] == area:
            return entry["en"] if (get_language() or "vi").startswith("en") else entry["vi"]
    return ""


def area_keys() -> tuple[str, ...]:
    return tuple(entry["key"] for entry in model_data()["areas"])
