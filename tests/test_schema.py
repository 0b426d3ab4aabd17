"""The JSON Schema is generated from the model, shipped, and agrees with what cvsite accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cvsite.model import SECTIONS
from cvsite.schema import SchemaName, json_schema, modeline, schema_file_name, schema_text, write_schemas
from cvsite.yamlsource import load_yaml, parse_yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "example_profile"
FOUNDATION = Path(__file__).parent / "fixtures" / "foundation"
REGENERATE = (
    'python -c "from pathlib import Path; from cvsite.schema import write_schemas; '
    "[write_schemas(Path(d)) for d in ('cvsite/schemas', 'example_profile/.cvsite')]\""
)
NAMES: tuple[SchemaName, ...] = ("profile", "job")


def validator(name: SchemaName) -> Draft202012Validator:
    return Draft202012Validator(json_schema(name))


def errors(name: SchemaName, data: Any) -> list[str]:
    return sorted(error.message for error in validator(name).iter_errors(data))


@pytest.mark.parametrize("name", NAMES)
def test_generated_schema_is_valid_json_schema(name: SchemaName) -> None:
    schema = json_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(schema_text(name)) == schema


@pytest.mark.parametrize("folder", ["cvsite/schemas", "example_profile/.cvsite"])
@pytest.mark.parametrize("name", NAMES)
def test_shipped_schema_matches_the_model(folder: str, name: SchemaName) -> None:
    shipped = REPO / folder / schema_file_name(name)
    assert shipped.is_file(), f"{shipped} is missing; regenerate with:\n  {REGENERATE}"
    assert shipped.read_text(encoding="utf-8") == schema_text(name), (
        f"{shipped} is out of date with cvsite/model.py; regenerate with:\n  {REGENERATE}"
    )


def test_write_schemas_writes_both(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / ".cvsite")
    assert [p.name for p in written] == ["profile.schema.json", "job.schema.json"]
    assert written[1].read_text(encoding="utf-8") == schema_text("job")


def test_modeline_points_up_from_jobs() -> None:
    assert modeline("profile") == "# yaml-language-server: $schema=.cvsite/profile.schema.json\n"
    assert modeline("job", depth=1) == "# yaml-language-server: $schema=../.cvsite/job.schema.json\n"


def example_files() -> list[tuple[SchemaName, Path]]:
    files = [("profile", EXAMPLE / "profile.yaml")]
    files += [("job", path) for path in sorted((EXAMPLE / "jobs").glob("*.yaml"))]
    return files


@pytest.mark.parametrize(("name", "path"), example_files(), ids=lambda v: getattr(v, "name", v))
def test_schema_validates_example_profile(name: SchemaName, path: Path) -> None:
    assert errors(name, load_yaml(path).data) == []


@pytest.mark.parametrize(("name", "path"), example_files(), ids=lambda v: getattr(v, "name", v))
def test_example_files_reference_the_schema(name: SchemaName, path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    assert first == modeline(name, depth=0 if name == "profile" else 1)


def test_schema_validates_the_foundation_fixture() -> None:
    assert errors("profile", load_yaml(FOUNDATION / "valid" / "profile.yaml").data) == []
    for path in (FOUNDATION / "valid" / "jobs").glob("*.yaml"):
        assert errors("job", load_yaml(path).data) == [], path


def test_schema_rejects_misspelled_keys() -> None:
    data = parse_yaml(
        "name: A\nheadline: B\nprojets: []\nexperience:\n  - {role: R, orgg: O, start: 2020}\n", "p.yaml"
    ).data
    found = errors("profile", data)
    assert "Additional properties are not allowed ('projets' was unexpected)" in found
    assert "Additional properties are not allowed ('orgg' was unexpected)" in found
    assert "'org' is a required property" in found


def test_schema_rejects_unknown_sections_in_jobs() -> None:
    data = parse_yaml("company: A\nrole: B\nlimit: {projets: 2}\nsections: [experiance]\n", "j.yaml").data
    found = {tuple(e.absolute_path): e for e in validator("job").iter_errors(data)}
    assert set(found) == {("limit",), ("sections",)}
    assert found[("limit",)].message.startswith(f"'projets' is not one of ['{SECTIONS[0]}'")
    reasons = [sub.message for sub in found[("sections",)].context or []]
    assert any(reason.startswith("'experiance' is not one of") for reason in reasons)


def test_schema_knows_dates_and_highlights() -> None:
    good = {"name": "A", "headline": "B", "experience": [
        {"role": "R", "org": "O", "start": 2020, "end": "present", "highlights": ["x", {"text": "y"}]},
    ]}
    assert errors("profile", good) == []
    bad = {"name": "A", "headline": "B", "experience": [{"role": "R", "org": "O", "start": "April 2020"}]}
    assert errors("profile", bad)
