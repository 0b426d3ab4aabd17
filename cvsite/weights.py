"""Scoring constants, read once from cvsite/data/scoring.yaml.

One declaration for every number that shapes a ranking, so tuning happens in one
file and the reference scorer and the fast path can never disagree on a constant.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml


@dataclass(frozen=True)
class Weights:
    """The parsed scoring.yaml; see the file for what each number means."""

    fields: MappingProxyType[str, float]
    text_tag_factor: float
    featured_prior: float
    recency_prior: float
    recency_years: int
    section_top: int
    digits: int
    unknown_factor: float
    repeat_bonus: float
    max_count: int
    negation_window: int
    min_postings: int
    postings_discount: float
    specificity_floor: float
    related_credit: float

    @property
    def max_prior(self) -> float:
        return self.featured_prior + self.recency_prior

    @property
    def unit(self) -> int:
        return 10**self.digits


def _load() -> Weights:
    text = (resources.files("cvsite") / "data" / "scoring.yaml").read_text(encoding="utf-8")
    spec: dict[str, Any] = yaml.safe_load(text)
    posting, specificity = spec["posting"], spec["specificity"]
    return Weights(
        fields=MappingProxyType({str(k): float(v) for k, v in spec["fields"].items()}),
        text_tag_factor=float(spec["text_tag_factor"]),
        featured_prior=float(spec["featured_prior"]),
        recency_prior=float(spec["recency_prior"]),
        recency_years=int(spec["recency_years"]),
        section_top=int(spec["section_top"]),
        digits=int(spec["digits"]),
        unknown_factor=float(posting["unknown_factor"]),
        repeat_bonus=float(posting["repeat_bonus"]),
        max_count=int(posting["max_count"]),
        negation_window=int(posting["negation_window"]),
        min_postings=int(specificity["min_postings"]),
        postings_discount=float(specificity["postings_discount"]),
        specificity_floor=float(specificity["floor"]),
        related_credit=float(spec["related"]["default_credit"]),
    )


WEIGHTS = _load()
