"""Items for every declared section, made from the section's model, not written by hand.

A section added to `SECTION_TYPES` is then covered by every test that builds its
profiles here (tests/test_sections.py, the hostile-input tests) without editing them:
each field gets the first candidate value its own validator accepts (text, a URL, a
DOI, a date, a flag, one of its literals), alone, as a list of one or a map of one.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from cvsite.model import SectionType

SKIPPED_FIELDS = {"id", "tags", "ignore_checks"}
# An item has a single date or a period, not both (JSON Resume has room for one).
ALTERNATIVES = {"date": "start"}


def sample_item(section: SectionType, text: Callable[[str], str], url: Callable[[str], str],
                prefix: str) -> dict[str, Any]:
    """One item of `section`; `text(f"{prefix}.{field}")` and `url(...)` give the values."""
    fields = section.model.model_fields
    return {name: _value(section, name, text, url, f"{prefix}.{name}") for name in fields
            if name not in SKIPPED_FIELDS and ALTERNATIVES.get(name) not in fields}


def _value(section: SectionType, name: str, text: Callable[[str], str], url: Callable[[str], str],
           key: str) -> Any:
    field = section.model.model_fields[name]
    annotation = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    adapter = TypeAdapter(annotation)
    word = re.sub(r"\W", "", text(key).split()[-1]) or "x"
    candidates = [text(key), url(key), f"10.1234/{word}", "2021-03", True, *_literal_args(field.annotation)]
    for candidate in candidates:
        for shaped in (candidate, [candidate], {"link": candidate}):
            try:
                adapter.validate_python(shaped)
            except ValidationError:
                continue
            return shaped
    raise AssertionError(f"no sample value fits {section.name}.{name}")


def _literal_args(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [arg for inner in typing.get_args(annotation) for arg in _literal_args(inner)]
