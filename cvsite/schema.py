"""JSON Schema for profile.yaml and job files, generated from the model.

The schemas are shipped in the package (``cvsite/schemas``) and copied next to
a user's profile by ``cvsite init``, so editors with YAML language support can
autocomplete and flag mistakes offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from cvsite.model import Job, Profile

SchemaName = Literal["profile", "job"]
SCHEMA_DIR = ".cvsite"
_MODELS = {"profile": Profile, "job": Job}


def json_schema(name: SchemaName) -> dict[str, object]:
    schema = _MODELS[name].model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text(name: SchemaName) -> str:
    return json.dumps(json_schema(name), indent=2, ensure_ascii=False) + "\n"


def schema_file_name(name: SchemaName) -> str:
    return f"{name}.schema.json"


def write_schemas(target: Path) -> list[Path]:
    """Write both schemas into `target` (a profile's .cvsite folder)."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("profile", "job"):
        path = target / schema_file_name(name)
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written


def modeline(name: SchemaName, depth: int = 0) -> str:
    """The comment that points YAML language servers at the schema."""
    prefix = "../" * depth
    return f"# yaml-language-server: $schema={prefix}{SCHEMA_DIR}/{schema_file_name(name)}\n"
